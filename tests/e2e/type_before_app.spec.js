// Issue 16: on a first visit over a weak signal the complaint form is there before the
// app: what a person types while the wasm is still on its way is saved on the device, is
// still there when the app takes over (with the caret in place), survives a reload and is
// delivered exactly once.
import { test, expect, waitForOfflineReady, snapshot } from "./harness.js";

test("a complaint typed before the app has started is kept through its start and a reload, and delivered once", async ({ page, context, server }) => {
  // The wasm is held back, as on a slow line, until the test lets it through.
  let wasm;
  const held = new Promise((ok) => { wasm = ok; });
  await page.route(/\.wasm$/, (route) => wasm(route));

  await page.goto("/start/complaint", { waitUntil: "domcontentloaded" });
  const description = page.getByLabel("What happened");
  await expect(description).toBeVisible();
  const words = "The head teacher asked every parent for 5000 tenge for curtains, with no receipt.";
  await page.getByLabel("Name of the institution").fill("School No. 12, Uralsk");
  await description.click();
  await description.pressSequentially(words);
  // The app has not started: its code has not even arrived.
  const route = await held;
  expect(await page.evaluate(() => window.wasmBindings)).toBeUndefined();
  await expect(page.locator("#shell.has-form")).toHaveCount(1);
  await snapshot(page, "16-01-typed-before-app");

  // What the shell saved: a draft of the complaint, as typed.
  const saved = await page.evaluate(() => new Promise((ok, ko) => {
    const r = indexedDB.open("adal-shell");
    r.onerror = () => ko(r.error);
    r.onsuccess = () => {
      const all = r.result.transaction("drafts").objectStore("drafts").getAll();
      all.onsuccess = () => { r.result.close(); ok(all.result); };
    };
  }));
  expect(saved).toHaveLength(1);
  expect(saved[0].form).toEqual({ id: "complaint", version: 3 });
  expect(saved[0].answers.description).toBe(words);

  // The signal goes; then the app's code arrives (fetched from the server before) and starts.
  const response = await route.fetch();
  await context.setOffline(true);
  await route.fulfill({ response });
  await page.unroute(/\.wasm$/);
  await expect(page.locator("#shell")).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`/draft/${saved[0].id}$`));
  await expect(description).toHaveValue(words);
  await expect(page.getByLabel("Name of the institution")).toHaveValue("School No. 12, Uralsk");
  // The caret is where it was: the next key lands at the end of the sentence.
  await expect(description).toBeFocused();
  await page.keyboard.type(" Twice.");
  const all = `${words} Twice.`;
  await expect(description).toHaveValue(all);
  await expect(page.getByText("Saved on this device", { exact: true })).toBeVisible();
  await snapshot(page, "16-02-app-took-over-offline");

  // The line comes back: a reload fetches the app again (a first visit that started with
  // no signal could not install the service worker) and the draft is still there.
  await context.setOffline(false);
  await page.reload();
  await expect(description).toHaveValue(all);
  // And with no signal, from the service worker.
  await waitForOfflineReady(page);
  await context.setOffline(true);
  await page.reload();
  await expect(description).toHaveValue(all);

  // The rest of the form, then "Send": queued while offline, delivered when signal returns.
  await page.getByLabel("District").selectOption("URA");
  await page.getByRole("radio", { name: "School" }).check();
  await page.getByLabel("When it happened").fill("2026-11-20");
  await page.getByLabel("Your name").fill("Aigerim Sarsenova");
  await page.getByLabel("Phone").fill("8 701 234 56 78");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByText("Waiting to send", { exact: true })).toBeVisible();
  await context.setOffline(false);
  await expect(page.getByTestId("tracking")).toHaveText(/^URA-\d{4}-\d{5}$/);
  await page.reload();
  await expect(page.getByTestId("tracking")).toHaveText(/^URA-\d{4}-\d{5}$/);

  const rows = server.stored().filter((s) => s.id === saved[0].id);
  expect(rows).toHaveLength(1);
  expect(rows[0].answers.description).toBe(all);
  // Nor under another id: the shell's draft and the app's are one.
  expect(server.stored().filter((s) => s.answers.description?.startsWith(words))).toHaveLength(1);
});

test("the form before the app is drawn in the language the person chose, and only at the complaint's address", async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem("adal.lang", "kk"));
  await page.route(/\.wasm$/, () => {}); // never arrives
  await page.goto("/start/complaint", { waitUntil: "domcontentloaded" });
  await expect(page.locator("html")).toHaveAttribute("lang", "kk");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Шағым");
  await expect(page.getByLabel("Не болды")).toBeEditable();
  await page.goto("/directory", { waitUntil: "domcontentloaded" });
  await expect(page.locator("#shell.has-form")).toHaveCount(0);
  await expect(page.locator("#shell")).toContainText("Жүктелуде");
});

test("a link that names the district and the institution fills them in before the app and keeps them after it", async ({ page }) => {
  await page.goto("/start/complaint?district=TER&institution=Terekti%20clinic", { waitUntil: "domcontentloaded" });
  await expect(page.getByLabel("District")).toHaveValue("TER");
  await expect(page.getByLabel("Name of the institution")).toHaveValue("Terekti clinic");
  await expect(page.locator("#shell")).toHaveCount(0);
  await expect(page).toHaveURL(/\/draft\//);
  await expect(page.getByLabel("District")).toHaveValue("TER");
  await expect(page.getByLabel("Name of the institution")).toHaveValue("Terekti clinic");
});
