// The harness: each test worker starts the real adal-server on 127.0.0.1:0 with a fresh
// data directory and the built app, and stops it at the end. Tests read what the server
// stored through its own `export` command, never through SQL.
import { test as base, expect } from "@playwright/test";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");
const serverBin = process.env.ADAL_SERVER_BIN ?? join(root, "target", "debug", "adal-server");
const staticDir = process.env.ADAL_STATIC ?? join(root, "dist");

/** Starts the server; `args` are more flags (e.g. --tls-cert and --tls-key for HTTPS). */
export async function startServer({ staticDir: served = staticDir, args = [] } = {}) {
  if (!existsSync(serverBin)) throw new Error(`no server binary at ${serverBin}: run scripts/test`);
  if (!existsSync(join(served, "index.html"))) throw new Error(`no built app in ${served}: run scripts/test`);
  const dataDir = mkdtempSync(join(tmpdir(), "adal-e2e-"));
  const child = spawn(serverBin, ["--listen", "127.0.0.1:0", "--data", dataDir, "--static-dir", served, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" },
  });
  const url = await new Promise((resolveUrl, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (https?:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return {
    url,
    dataDir,
    /** Every submission the server holds, as its export command prints them. */
    stored() {
      const out = execFileSync(serverBin, ["export", "--data", dataDir], { encoding: "utf8" });
      return out.split("\n").filter(Boolean).map((line) => JSON.parse(line));
    },
    /** Records a staff event on a submission's timeline, as an office would. */
    event(tracking, kind, note) {
      const args = ["submissions", "event", tracking, kind, "--data", dataDir];
      if (note) args.push("--note", note);
      execFileSync(serverBin, args, { encoding: "utf8" });
    },
    /** Creates a staff account with `adal-server user add`, the password on stdin. */
    user(login, role, district, password) {
      const args = ["user", "add", "--role", role, "--login", login, "--data", dataDir];
      if (district) args.push("--district", district);
      execFileSync(serverBin, args, { input: `${password}\n`, encoding: "utf8" });
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const test = base.extend({
  server: [
    async ({}, use) => {
      const server = await startServer();
      await use(server);
      await server.stop();
    },
    { scope: "worker" },
  ],
  baseURL: async ({ server }, use) => use(server.url),
});

export { expect, staticDir, root };

/** Waits until the service worker controls the page, so the app can start offline. */
export async function waitForOfflineReady(page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 20_000 });
}

/** Saves a 360 px wide screenshot for people to look at (not compared by the tests). */
export async function snapshot(page, name) {
  await page.screenshot({ path: join(import.meta.dirname, "..", "screenshots", `${name}.png`), fullPage: true });
}

/** The password the specs give the staff accounts they create. */
export const STAFF_PASSWORD = "correct horse battery staple";

/** Logs `login` in to the staff workspace in `page`, as a person types it. */
export async function logIn(page, login, password = STAFF_PASSWORD) {
  await page.goto("/staff/");
  await page.getByLabel("Login", { exact: true }).fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}
