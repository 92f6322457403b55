// Browser benchmarks (Debian's chromium via playwright-core) against the real server on
// loopback. Writes rows in the shared schema to target/bench/browser.json; scripts/bench
// prints them with the server's rows. Timings are medians over many runs; nothing here
// is asserted, since the machines are shared and noisy.
import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, readdirSync, statSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");
const serverBin = process.env.ADAL_SERVER_BIN ?? join(root, "target", "release", "adal-server");
const dist = join(root, "dist");
const out = join(root, "target", "bench");
const RUNS = Number(process.env.ADAL_BENCH_RUNS ?? 60);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const p95 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]; };
const row = (measure, ours, unit, goal, met, extra = {}) => ({ measure, ours, baseline: null, unit, ratio: null, goal, met, notes: "", ...extra });

/** A plausible 10,000-entry directory as the import CSV (not sample data). */
function syntheticDirectory(n) {
  const districts = ["URA", "AKZ", "BAY", "BOK", "BUR", "ZHG", "ZHB", "KAR", "KAZ", "SYR", "TAS", "TER", "CHN"];
  const kinds = ["mediator", "notary", "lawyer", "imam", "priest", "reconciliation_centre", "integrity_office", "youth_centre", "state_service_centre"];
  const first = [["Әсел", "Асель", "Asel"], ["Нұрлан", "Нурлан", "Nurlan"], ["Гүлнар", "Гульнар", "Gulnar"], ["Ерлан", "Ерлан", "Yerlan"], ["Айгерім", "Айгерим", "Aigerim"], ["Болат", "Болат", "Bolat"], ["Жанар", "Жанар", "Zhanar"], ["Серік", "Серик", "Serik"]];
  const last = [["Қасымова", "Касымова", "Kassymova"], ["Ахметов", "Ахметов", "Akhmetov"], ["Сейітова", "Сеитова", "Seitova"], ["Өтегенов", "Утегенов", "Utegenov"], ["Нұрғалиева", "Нургалиева", "Nurgaliyeva"], ["Жұмабаев", "Жумабаев", "Zhumabayev"]];
  const header = "id,kind,district,name_kk,name_ru,name_en,address_kk,address_ru,address_en,lat,lon,phones,hours_kk,hours_ru,hours_en,languages,services_kk,services_ru,services_en,centre_id,sample";
  const lines = [header];
  for (let i = 0; i < n; i++) {
    const [f, l] = [first[i % first.length], last[(i * 7) % last.length]];
    const name = (k) => `${f[k]} ${l[k]} ${i}`;
    const d = districts[i % districts.length];
    const kind = kinds[i % kinds.length];
    const phone = `+7700${String(1000000 + i).slice(-7)}`;
    lines.push([`bench-${i}`, kind, d, name(0), name(1), name(2), `Көше ${i}`, `ул. Абая, ${i}`, `Abay Street ${i}`,
      (48.5 + (i % 300) / 100).toFixed(4), (47 + (i % 700) / 100).toFixed(4), phone, "9–18", "9–18", "9–18", i % 2 ? "kk ru" : "ru",
      "кеңес", "консультации, медиация", "advice, mediation", "", "false"].map((v) => `"${String(v).replace(/"/g, '""')}"`).join(","));
  }
  return lines.join("\n") + "\n";
}

async function startServer(dataDir) {
  const child = spawn(serverBin, ["--listen", "127.0.0.1:0", "--data", dataDir, "--static-dir", dist, "--rate-limit-per-second", "10000", "--rate-limit-burst", "100000"], { stdio: ["ignore", "pipe", "ignore"] });
  const url = await new Promise((ok, ko) => {
    let buf = "";
    child.stdout.on("data", (c) => { buf += c; const m = buf.match(/listening on (http:\/\/\S+)/); if (m) ok(m[1]); });
    child.on("exit", (code) => ko(new Error(`server exited ${code}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

/** Bytes a first visit transfers for the app shell (html, js, wasm, css inlined). */
function firstLoadSizes() {
  const files = readdirSync(dist).filter((f) => /\.(html|js|wasm|css)$/.test(f) && f !== "sw.js");
  let raw = 0, gz = 0, br = 0;
  for (const f of files) {
    const data = readFileSync(join(dist, f));
    raw += data.length;
    gz += gzipSync(data, { level: 9 }).length;
    br += brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { raw, gz, br };
}

async function main() {
  mkdirSync(out, { recursive: true });
  const rows = [];
  const sizes = firstLoadSizes();
  rows.push(row("first-load transfer, brotli (html+js+wasm+css)", Math.round(sizes.br / 1024), "KB", "≤ 130 KB", sizes.br <= 130 * 1024, { notes: `gzip ${Math.round(sizes.gz / 1024)} KB, raw ${Math.round(sizes.raw / 1024)} KB` }));

  const dataDir = mkdtempSync(join(tmpdir(), "adal-bench-"));
  const csv = join(dataDir, "directory.csv");
  writeFileSync(csv, syntheticDirectory(10_000));
  execFileSync(serverBin, ["directory", "import", csv, "--data", dataDir], { stdio: "ignore" });
  const server = await startServer(dataDir);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
    const directoryBytes = { value: 0 };
    page.on("response", async (r) => { if (r.url().includes("/api/v1/directory")) { try { directoryBytes.value = Number(r.headers()["content-length"] ?? 0) || (await r.body()).length; } catch {} } });
    await page.goto(server.url + "/");
    await page.goto(server.url + "/directory");
    await page.getByTestId("hit-count").filter({ hasText: "10000" }).waitFor({ timeout: 120_000 });

    // Each query is typed as a whole; time from the input event to the list on screen.
    const queries = ["асел", "nurlan", "касымова", "akhmetov 12", "gulnar", "ерлан", "zhanar 9", "серик", "bolat", "abay 77"];
    const times = await page.evaluate(async ({ queries, runs }) => {
      const input = document.getElementById("dir-q");
      const main = document.getElementById("main");
      const results = [];
      for (let i = 0; i < runs; i++) {
        const q = queries[i % queries.length];
        const done = new Promise((ok) => {
          const obs = new MutationObserver(() => { obs.disconnect(); ok(performance.now()); });
          obs.observe(main, { childList: true, subtree: true, characterData: true });
        });
        const t0 = performance.now();
        input.value = q;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        const t1 = await done;
        results.push(t1 - t0);
        await new Promise((r) => setTimeout(r, 5));
      }
      return results;
    }, { queries, runs: RUNS });
    rows.push(row("directory search offline, 10,000 providers (p50)", +median(times).toFixed(2), "ms", "< 16 ms", median(times) < 16, { notes: `p95 ${p95(times).toFixed(2)} ms over ${times.length} searches, including the first screen of results` }));
  } finally {
    await browser.close();
    server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  writeFileSync(join(out, "browser.json"), JSON.stringify(rows, null, 2));
  for (const r of rows) console.log(`${r.measure}: ${r.ours} ${r.unit} (goal ${r.goal}) ${r.met ? "met" : "NOT met"} ${r.notes}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
