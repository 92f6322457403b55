// Trunk post-build hook: writes sw.js into the staging dir with the list of every built
// file and a version derived from their contents, so each build gets its own cache.
// Run for both apps: the citizen app (public URL /, template public/sw.js) and the
// staff workspace (public URL /staff/, template public/staff/sw.js).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error("TRUNK_STAGING_DIR is not set: run this from trunk");

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const publicUrl = (process.env.TRUNK_PUBLIC_URL || "/").replace(/\/?$/, "/");
const staff = publicUrl === "/staff/";
const files = walk(staging)
  .map((path) => publicUrl + relative(staging, path).split("\\").join("/"))
  .filter((url) => url !== publicUrl + "sw.js")
  .sort();
const hash = createHash("sha256");
for (const url of files) {
  hash.update(url);
  hash.update(readFileSync(join(staging, url.slice(publicUrl.length))));
}
// The release (the workspace's version) and the build: `adal-shell-0.2.0-3f9c…`.
const cargo = readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8");
const release = /^\[workspace\.package\][^[]*?^version = "([^"]+)"/ms.exec(cargo)[1];
const version = `${release}-${hash.digest("hex").slice(0, 16)}`;
const template = readFileSync(new URL(staff ? "../public/staff/sw.js" : "../public/sw.js", import.meta.url), "utf8");
const sw = template
  .replace("__VERSION__", version)
  .replace("__PRECACHE__", JSON.stringify(files, null, 2));
writeFileSync(join(staging, "sw.js"), sw);
console.log(`${publicUrl}sw.js: ${files.length} files pre-cached, version ${version}`);
