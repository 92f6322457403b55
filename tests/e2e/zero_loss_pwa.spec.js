// Issue 4: the installable app keeps everything a person typed or photographed: photos
// travel with the submission and are verified, the receipt shows the office's answer,
// an update never loses a draft, and a file carries unsent items to another phone.
import { test, expect, waitForOfflineReady, snapshot, startServer, staticDir, root } from "./harness.js";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

test("the app is installable: manifest, icons and a controlling service worker", async ({ page, request }) => {
  await page.goto("/");
  await waitForOfflineReady(page);
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  const response = await request.get(href);
  expect(response.headers()["content-type"]).toContain("application/manifest+json");
  const manifest = await response.json();
  expect(manifest).toMatchObject({ name: expect.any(String), short_name: "Adal", start_url: "/", scope: "/", display: "standalone" });
  for (const size of ["192x192", "512x512"]) {
    const icon = manifest.icons.find((i) => i.sizes === size && i.type === "image/png");
    expect(icon, size).toBeTruthy();
    const png = await request.get(icon.src);
    expect(png.status()).toBe(200);
    expect(png.headers()["content-type"]).toBe("image/png");
  }
  expect(manifest.icons.some((i) => i.purpose === "maskable")).toBe(true);
});

test("a complaint with a photo taken offline is delivered with the photo verified", async ({ page, context, server }) => {
  await page.goto("/");
  await waitForOfflineReady(page);
  await context.setOffline(true);
  await page.getByRole("button", { name: "New complaint" }).click();
  await page.getByLabel("District").selectOption({ label: "Uralsk city" });
  await page.getByRole("radio", { name: "School" }).check();
  await page.getByLabel("Name of the institution").fill("School No. 41, Uralsk");
  await page.getByLabel("What happened").fill("The class teacher collected 3000 tenge from every parent for curtains.");
  await page.getByLabel("When it happened").fill("2026-11-18");
  await page.getByLabel("Send anonymously").check();
  await page.locator('input[type="file"]').setInputFiles(join(root, "public", "icon-512.png"));
  await expect(page.locator(".photo img")).toHaveCount(1);
  await expect(page.locator(".photo img")).toHaveAttribute("src", /^blob:/);
  await expect(page.getByText("Saved on this device", { exact: true })).toBeVisible();
  await page.reload();
  await expect(page.locator(".photo img")).toHaveCount(1);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.getByText("Waiting to send", { exact: true })).toBeVisible();
  const id = page.url().split("/item/")[1];

  await context.setOffline(false);
  const tracking = await page.getByTestId("tracking").textContent({ timeout: 20_000 });
  // Anonymous: numbered in the register of anonymous reports.
  expect(tracking).toMatch(/^URA-\d{4}-A\d{5}$/);
  const rows = server.stored().filter((s) => s.id === id);
  expect(rows).toHaveLength(1);
  expect(rows[0].attachments).toHaveLength(1);
  const photo = rows[0].attachments[0];
  expect(photo.content_type).toBe("image/jpeg");
  expect(rows[0].answers.photos[0].id).toBe(photo.id);
  // The server verified the bytes before counting them; check them again here.
  const file = readFileSync(join(server.dataDir, "attachments", "files", photo.id.slice(0, 2), photo.id));
  expect(createHash("sha256").update(file).digest("hex")).toBe(photo.sha256);
  expect(file.length).toBe(photo.size);
  expect(rows[0].answers.name).toBeUndefined();

  // The office answers; the person reads it on the receipt, and it stays readable offline.
  server.event(tracking, "registered");
  server.event(tracking, "answered", "The school returned the money to every parent.");
  await page.reload();
  await expect(page.getByTestId("public-answer")).toHaveText("The school returned the money to every parent.");
  await expect(page.locator(".timeline li")).toHaveCount(3);
  await expect(page.getByText("anonymous appeals are not considered, except reports of a criminal offence")).toBeVisible();
  await snapshot(page, "20-receipt-answered");
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId("public-answer")).toHaveText("The school returned the money to every parent.");
  await context.setOffline(false);

  // Later, the person adds their name and phone, so that the office can reach them.
  await page.getByLabel("Your name").fill("Aigerim Sarsenova");
  await page.getByLabel("Your phone").fill("8 701 234 56 78");
  await page.getByRole("button", { name: "Add my name and phone" }).click();
  await expect(page.getByText("Added: the office can now reach you. A formal appeal also needs your IIN and postal address.")).toBeVisible();
  await expect(page.locator(".timeline li").last()).toContainText("Name and phone added");
});

test("an app update waits for the person, saves the draft first, and loses nothing", async ({ browser }) => {
  const dist = mkdtempSync(join(tmpdir(), "adal-dist-"));
  cpSync(staticDir, dist, { recursive: true });
  const server = await startServer({ staticDir: dist });
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  try {
    await page.goto("/");
    await waitForOfflineReady(page);
    // The release is in the cache's name.
    const cargo = readFileSync(new URL("../../Cargo.toml", import.meta.url), "utf8");
    const release = /^version = "([^"]+)"/m.exec(cargo)[1];
    const before = await page.evaluate(() => caches.keys());
    expect(before).toHaveLength(1);
    expect(before[0]).toMatch(new RegExp(`^adal-shell-${release.replaceAll(".", "\\.")}-[0-9a-f]{16}$`));
    await page.getByRole("button", { name: "New complaint" }).click();
    await page.getByLabel("Name of the institution").fill("Clinic No. 3");
    const text = "They asked for 2000 tenge to take blood without the queue.";
    await page.getByLabel("What happened").fill(text);

    // A new version is published while the person types.
    const sw = readFileSync(join(dist, "sw.js"), "utf8");
    writeFileSync(join(dist, "sw.js"), sw.replace(/const VERSION = "[^"]+"/, 'const VERSION = "9.9.9-feedfacefeedface"'));
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    await expect(page.getByText("A new version of Adal is ready.")).toBeVisible({ timeout: 20_000 });
    await snapshot(page, "21-update-ready");
    await page.getByLabel("What happened").fill(text + " Twice.");
    await page.getByRole("button", { name: "Reload" }).click();
    await page.waitForURL(/\/draft\//);
    await expect(page.getByText("A new version of Adal is ready.")).toHaveCount(0);
    await expect(page.getByLabel("What happened")).toHaveValue(text + " Twice.");
    const caches = await page.evaluate(() => caches.keys());
    expect(caches).toEqual(["adal-shell-9.9.9-feedfacefeedface"]);
    // "This device" on the start screen says which release runs.
    await page.goto("/");
    await expect(page.getByTestId("app-version")).toHaveText(`Adal version ${release}`);
  } finally {
    await context.close();
    await server.stop();
    rmSync(dist, { recursive: true, force: true });
  }
});

test("unsent items saved to a sealed file are delivered once from another phone", async ({ page, context, browser, server }) => {
  await page.goto("/");
  await waitForOfflineReady(page);
  await context.setOffline(true);
  await page.getByRole("button", { name: "New complaint" }).click();
  await page.getByLabel("District").selectOption({ label: "Syrym district" });
  await page.getByRole("radio", { name: "Akimat office" }).check();
  await page.getByLabel("Name of the institution").fill("Syrym district akimat");
  await page.getByLabel("What happened").fill("A land certificate was promised for a fee outside the official price.");
  await page.getByLabel("When it happened").fill("2026-11-10");
  await page.getByLabel("Your name").fill("Bolat Kenzhebekov");
  await page.getByLabel("Phone").fill("+7 777 765 43 21");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.getByText("Waiting to send", { exact: true })).toBeVisible();
  const id = page.url().split("/item/")[1];

  // The phone is about to break: save what is unsent, sealed with a passphrase.
  await page.goto("/");
  await page.getByLabel("Passphrase (optional)").fill("aq-zhaiyq 2026");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Save to file" }).click()]);
  const file = await download.path();
  const sealed = JSON.parse(readFileSync(file, "utf8"));
  expect(sealed.format).toBe("adal-backup-encrypted");
  expect(readFileSync(file, "utf8")).not.toContain("Kenzhebekov");
  await snapshot(page, "22-backup-saved");

  // Another phone, online: a wrong passphrase is refused, the right one restores.
  const other = await browser.newContext({ baseURL: server.url });
  const phone = await other.newPage();
  await phone.goto("/");
  await phone.getByLabel("Passphrase (optional)").fill("wrong");
  await phone.locator('input[type="file"][accept*="json"]').setInputFiles(file);
  await expect(phone.getByText("Wrong passphrase, or the file was changed.")).toBeVisible();
  await phone.getByLabel("Passphrase (optional)").fill("aq-zhaiyq 2026");
  await phone.locator('input[type="file"][accept*="json"]').setInputFiles(file);
  await expect(phone.getByText(/Loaded: 0 drafts, 1 to send/)).toBeVisible();
  await expect(phone.getByRole("listitem").filter({ hasText: "Syrym district akimat" })).toContainText(/SYR-\d{4}-\d{5}/, { timeout: 20_000 });

  // The first phone comes back online too: still exactly one submission.
  await context.setOffline(false);
  // (Not reloading meanwhile: a page closed mid-send leaves its sending lease to expire.)
  await expect(page.getByRole("status").first()).toHaveText("Online", { timeout: 20_000 });
  await page.goto(`/item/${id}`);
  await expect(page.getByTestId("tracking")).toHaveText(/^SYR-\d{4}-\d{5}$/, { timeout: 20_000 });
  expect(server.stored().filter((s) => s.id === id)).toHaveLength(1);
  await other.close();
});

test("a phone with the previous release's database keeps every draft and waiting item after the update", async ({ page, server }) => {
  // The database as the previous release (schema v3) left it on a phone, made before this
  // release's app ever runs on the origin: 35 drafts and 2 complaints waiting to be sent.
  await page.goto("/api/v1/health");
  const queued = await page.evaluate(async () => {
    const answers = (n) => ({ district: "URA", category: "school", institution: `School No. ${n}`, description: "The class teacher collected 3000 tenge from every parent for curtains.", occurred_on: "2026-11-18", anonymous: true });
    const db = await new Promise((ok, ko) => {
      const r = indexedDB.open("adal", 3);
      r.onupgradeneeded = () => {
        const db = r.result;
        for (const name of ["drafts", "outbox", "sent", "attachments", "leases", "replies", "staff_queue"]) db.createObjectStore(name, { keyPath: "id" });
        for (const name of ["forms", "staff_cache"]) db.createObjectStore(name, { keyPath: "key" });
        const providers = db.createObjectStore("providers", { keyPath: "id" });
        providers.createIndex("district", "district");
        providers.createIndex("kind", "kind");
        db.createObjectStore("meta");
      };
      r.onsuccess = () => ok(r.result);
      r.onerror = () => ko(r.error);
    });
    const tx = db.transaction(["drafts", "outbox"], "readwrite");
    for (let n = 1; n <= 35; n++) {
      tx.objectStore("drafts").put({ id: crypto.randomUUID(), form: { id: "complaint", version: 2 }, answers: answers(n), created_at: n, updated_at: 1_000 + n, problem: null });
    }
    const queued = [crypto.randomUUID(), crypto.randomUUID()];
    queued.forEach((id, n) => tx.objectStore("outbox").put({ id, request: { id, form: { id: "complaint", version: 2 }, answers: answers(100 + n), attachments: [] }, queued_at: n, attempts: 0, next_attempt_at: 0 }));
    await new Promise((ok, ko) => { tx.oncomplete = ok; tx.onerror = () => ko(tx.error); });
    db.close();
    return queued;
  });

  await page.goto("/");
  // The start screen draws the newest 30 drafts, and the rest on "Show more".
  const drafts = page.locator('section[aria-labelledby="drafts-h"] li');
  await expect(drafts).toHaveCount(30);
  await expect(drafts.first()).toContainText("School No. 35");
  await page.locator('section[aria-labelledby="drafts-h"]').getByRole("button", { name: "Show more" }).click();
  await expect(drafts).toHaveCount(35);
  await expect(drafts.last()).toContainText("School No. 1");
  // The waiting complaints went out as they were, each with a tracking number.
  const sent = page.locator('section[aria-labelledby="sent-h"] li');
  await expect(sent).toHaveCount(2);
  await expect(page.getByRole("status")).not.toContainText("waiting");
  expect(server.stored().filter((s) => queued.includes(s.id)).map((s) => s.answers.institution).sort()).toEqual(["School No. 100", "School No. 101"]);
  const schema = await page.evaluate(() => new Promise((ok, ko) => {
    const r = indexedDB.open("adal");
    r.onsuccess = () => { const db = r.result; ok({ version: db.version, drafts: [...db.transaction("drafts").objectStore("drafts").indexNames], stores: db.objectStoreNames.length }); db.close(); };
    r.onerror = () => ko(r.error);
  }));
  expect(schema).toEqual({ version: 4, drafts: ["by_updated"], stores: 11 });
});

test("on a slow connection the first paint already says what Adal does, in the three languages", async ({ page }) => {
  // The app's code never arrives: what the person sees is the page itself.
  await page.route(/\.wasm$/, () => {});
  await page.goto("/", { waitUntil: "domcontentloaded" });
  const main = page.locator("main[aria-busy=true]");
  await expect(main.locator('[lang="kk"]')).toHaveText(/^Шағым жазу, медиацияға өтініш беру/);
  await expect(main.locator('[lang="ru"]')).toHaveText(/^Написать жалобу, подать заявку на медиацию/);
  await expect(main.locator('[lang="en"]')).toHaveText(/^Write a complaint, ask for mediation/);
  await expect(main).toContainText("Loading");
  await snapshot(page, "00-first-paint");
});
