// HTTPS benchmarks: what TLS on the server itself costs, against plain HTTP from the same
// server build measured in the same run. Two release servers on loopback, one with
// --tls-cert/--tls-key (a throwaway CA's certificate, trusted by the browser through
// its NSS database, see tests/local_ca.js), one without; samples interleaved.
//
//   - TLS handshake: a new connection up to the moment it can carry a request (TCP +
//     TLS 1.3, Node's tls.connect) vs a bare TCP connect.
//   - First load of the app: a fresh browser context (no cache, no service worker) from
//     navigation to the app's "adal-ready" mark, over https://127.0.0.1 vs http://127.0.0.1.
//
// Writes target/bench/https.json in the row schema of bench/README.md. Runs on its own:
// `ADAL_SERVER_BIN=<release adal-server> node tests/bench/https.mjs` after the app is
// built into dist/; scripts/bench runs it unless ADAL_BENCH_ONLY leaves "https" out.
// Knobs: ADAL_HTTPS_HANDSHAKES (300), ADAL_HTTPS_LOADS (15), CHROMIUM.
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { makeLocalCa, homeTrusting } from "../local_ca.js";

const root = resolve(import.meta.dirname, "..", "..");
const serverBin = process.env.ADAL_SERVER_BIN ?? join(root, "target", "release", "adal-server");
const chromiumBin = process.env.CHROMIUM ?? "/usr/bin/chromium";
const dist = join(root, "dist");
const out = join(root, "target", "bench");
const HANDSHAKES = Number(process.env.ADAL_HTTPS_HANDSHAKES ?? 300);
const LOADS = Number(process.env.ADAL_HTTPS_LOADS ?? 15);
const WARM = 2;
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]; };
const round = (x, digits) => +x.toFixed(digits);
const log = (...a) => console.error("[bench https]", ...a);

async function startServer(args) {
  const dataDir = mkdtempSync(join(tmpdir(), "adal-bench-https-"));
  const child = spawn(serverBin, ["--listen", "127.0.0.1:0", "--data", dataDir, "--static-dir", dist, ...args], { stdio: ["ignore", "pipe", "ignore"] });
  const url = await new Promise((ok, ko) => {
    let buf = "";
    child.stdout.on("data", (c) => { buf += c; const m = buf.match(/listening on (https?:\/\/\S+)/); if (m) ok(m[1]); });
    child.on("exit", (code) => ko(new Error(`server exited ${code}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    stop: async () => {
      await new Promise((r) => { if (child.exitCode !== null) return r(); child.once("exit", r); child.kill("SIGTERM"); });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Milliseconds from connect() to a connection ready for a request. */
function connectOnce(port, ca) {
  return new Promise((ok, ko) => {
    const t = performance.now();
    const socket = ca
      ? tls.connect({ host: "127.0.0.1", port, ca, servername: "adal.test", ALPNProtocols: ["http/1.1"] }, () => done())
      : net.connect({ host: "127.0.0.1", port }, () => done());
    const done = () => { const ms = performance.now() - t; socket.destroy(); ok(ms); };
    socket.once("error", ko);
  });
}

/** Milliseconds from navigation to the app's "adal-ready" mark, in a fresh context. */
async function firstLoad(browser, url) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "en-GB", serviceWorkers: "block" });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName("adal-ready").length > 0, null, { timeout: 60_000 });
    return await page.evaluate(() => performance.getEntriesByName("adal-ready")[0].startTime);
  } finally {
    await context.close();
  }
}

async function main() {
  if (!existsSync(serverBin)) throw new Error(`no server binary at ${serverBin}: build it (cargo build --release -p adal-server) or set ADAL_SERVER_BIN`);
  if (!existsSync(join(dist, "index.html"))) throw new Error(`no built app in ${dist}: run trunk build --release`);
  mkdirSync(out, { recursive: true });
  const ca = makeLocalCa();
  const caPem = readFileSync(ca.ca);
  const home = homeTrusting(ca.ca);
  const https = await startServer(["--tls-cert", ca.cert, "--tls-key", ca.key]);
  const http = await startServer([]);
  const browser = await chromium.launch({ executablePath: chromiumBin, args: CHROMIUM_ARGS, env: { ...process.env, HOME: home } });
  const rows = [];
  try {
    const shakes = { ours: [], base: [] };
    for (let i = 0; i < WARM + HANDSHAKES; i++) {
      for (const which of i % 2 ? ["base", "ours"] : ["ours", "base"]) {
        const ms = which === "ours" ? await connectOnce(https.port, caPem) : await connectOnce(http.port, null);
        if (i >= WARM) shakes[which].push(ms);
      }
    }
    rows.push(ratio("new connection with the TLS handshake (p50)", shakes, "ms",
      `TCP connect + TLS 1.3 handshake (ECDSA P-256 certificate, rustls with ring) vs a bare TCP connect to the plain-HTTP server, Node's tls/net on 127.0.0.1; median of ${HANDSHAKES} each, interleaved`));

    const loads = { ours: [], base: [] };
    for (let i = 0; i < WARM + LOADS; i++) {
      for (const which of i % 2 ? ["base", "ours"] : ["ours", "base"]) {
        const ms = await firstLoad(browser, (which === "ours" ? https : http).url + "/");
        if (i >= WARM) loads[which].push(ms);
      }
    }
    rows.push(ratio("first load of the app over HTTPS (p50)", loads, "ms",
      `navigation to the app's "adal-ready" mark in a fresh chromium context (no cache, no service worker), https://127.0.0.1 with a locally trusted CA vs http://127.0.0.1, the same release server build; median of ${LOADS} each, interleaved`));
  } finally {
    await browser.close();
    await https.stop();
    await http.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(ca.dir, { recursive: true, force: true });
  }
  writeFileSync(join(out, "https.json"), JSON.stringify(rows, null, 2));
  for (const r of rows) console.log(`${r.measure}: ${r.ours} ${r.unit} vs ${r.baseline} (${r.ratio}×) — ${r.notes}`);
}

/** A row: HTTPS (ours) against plain HTTP (the baseline), informational (no goal). */
function ratio(measure, { ours, base }, unit, notes) {
  const [o, b] = [median(ours), median(base)];
  return {
    measure, ours: round(o, 3), baseline: round(b, 3), unit, ratio: round(o / b, 2), goal: "—", met: null,
    notes: `${notes}; p95 ${p95(ours).toFixed(2)} vs ${p95(base).toFixed(2)} ${unit}`,
  };
}

main().catch((e) => { log(e); process.exit(1); });
