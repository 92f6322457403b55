// Trunk post-build hook: writes sw.js into the staging dir with the list of every built
// file and a version derived from their contents, so each build gets its own cache.
// Run for both apps: the citizen app (public URL /, template public/sw.js) and the
// staff workspace (public URL /staff/, template public/staff/sw.js).
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
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

// The citizen app's shell gets the complaint form, rendered from core's schema in each
// language, and the script that saves what is typed before the app starts (app/shell.js).
if (!staff) {
  const index = join(staging, "index.html");
  const marker = /<!-- adal:shell-form[^>]*-->/;
  const html = readFileSync(index, "utf8");
  if (!marker.test(html)) throw new Error("app/index.html has no adal:shell-form marker");
  const templates = execFileSync("cargo", ["run", "--quiet", "--offline", "-p", "adal-core", "--example", "shell_form"], { encoding: "utf8" });
  const script = readFileSync(new URL("../app/shell.js", import.meta.url), "utf8");
  writeFileSync(index, html.replace(marker, () => `${templates}\n<script>\n${script}</script>`));
}

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
