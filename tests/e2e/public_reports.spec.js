// Issue 14: the press conference's page. Staff publish the region's and a district's
// two-weekly report; anyone opens /reports in the citizen app, reads the same tables and
// charts, checks the hash on the device ("Verify": match, in kk/ru/en), reads it all again
// offline, and a copy whose bytes were changed on the device says "Mismatch".
import { createHash } from "node:crypto";
import { test, expect, snapshot, waitForOfflineReady } from "./harness.js";

const PASSWORD = "correct horse battery staple";

/** Logs in through the staff API and publishes `body`; returns the published snapshot. */
async function publish(request, login, body) {
  const session = await request.post("/api/v1/staff/login", { data: { login, password: PASSWORD } });
  expect(session.status()).toBe(200);
  const { csrf_token } = await session.json();
  const response = await request.post("/api/v1/staff/reports/publish", {
    data: body,
    headers: { "x-csrf-token": csrf_token },
  });
  expect([200, 201]).toContain(response.status());
  return response.json();
}

/** A day of the period before the running one, and of the one before that. */
function finishedDays() {
  const day = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  return [day(15), day(29)];
}

test("anyone reads the published reports, verifies a hash on the phone, and reads them offline", async ({ page, context, server }) => {
  server.user("dana.press", "front_office", null, PASSWORD);
  server.user("zhanar.press", "curator", "URA", PASSWORD);
  const staff = await context.browser().newContext({ baseURL: server.url });
  const [last, before] = finishedDays();
  const region = await publish(staff.request, "dana.press", { period: last });
  await publish(staff.request, "zhanar.press", { period: last, district: "URA" });
  await publish(staff.request, "zhanar.press", { period: before, district: "URA" });
  await staff.close();

  // The start screen leads to the published reports; every one is listed, newest first.
  await page.goto("/");
  await page.getByRole("link", { name: "Published reports" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Published reports");
  const list = page.getByTestId("reports-list");
  await expect(list.getByRole("listitem")).toHaveCount(3);
  await expect(list).toContainText(region.hash);
  // The newest period first, the region before its districts.
  await expect(list.getByRole("listitem").first()).toContainText(`Whole region · ${region.period.start}`);
  await expect(list.getByRole("listitem").last()).toContainText("Uralsk city");
  await expect(list.getByRole("listitem").last()).not.toContainText(region.period.start);
  // One district's reports only.
  await page.getByLabel("District or region").selectOption({ label: "Uralsk city" });
  await expect(list.getByRole("listitem")).toHaveCount(2);
  await expect(list).not.toContainText(region.hash);
  await snapshot(page, "50-public-reports-list");
  await page.getByLabel("District or region").selectOption({ label: "Whole region" });
  await expect(list.getByRole("listitem")).toHaveCount(1);

  // The region's report: the staff's tables and charts, its hash, and "Verify".
  await list.getByRole("link", { name: /Whole region/ }).click();
  await expect(page).toHaveURL(new RegExp(`/reports/${region.hash}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Whole region");
  await expect(page.getByTestId("report-period")).toHaveText(`${region.period.start} – ${region.period.end}`);
  await expect(page.getByTestId("report-hash")).toHaveText(region.hash);
  await expect(page.getByTestId("report-summary").getByRole("row", { name: /^Received/ })).toBeVisible();
  // A finished period of a new server counted nothing, and the charts say so.
  await expect(page.getByRole("heading", { name: "Answers on time and late" })).toBeVisible();
  await expect(page.getByTestId("chart-answers")).toHaveText("None in this period.");
  await expect(page.getByTestId("table-districts").getByRole("row", { name: /^Uralsk city/ })).toBeVisible();
  // Nothing a citizen typed: no table of institutions.
  await expect(page.getByTestId("table-top")).toHaveCount(0);
  // The hash of the bytes the server answers is the one shown.
  const bytes = await (await page.request.get(region.url)).body();
  expect(createHash("sha256").update(bytes).digest("hex")).toBe(region.hash);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("verify-result")).toHaveText(/^Match — this report is exactly as published/);
  await snapshot(page, "51-public-report-verified");
  await page.getByRole("button", { name: "Русский" }).click();
  await expect(page.getByTestId("verify-result")).toHaveText(/^Совпадает/);
  await page.getByRole("button", { name: "Қазақша" }).click();
  await expect(page.getByTestId("verify-result")).toHaveText(/^Сәйкес келеді/);
  await page.getByRole("button", { name: "English" }).click();

  // Offline, opened again: the list and the report come from the phone, and verify.
  await waitForOfflineReady(page);
  await context.setOffline(true);
  await page.goto("/reports");
  await expect(page.getByText("No connection to the server; this is the list saved on this device.")).toBeVisible();
  await expect(page.getByTestId("reports-list").getByRole("listitem")).toHaveCount(3);
  await page.getByTestId("reports-list").getByRole("link", { name: /Whole region/ }).click();
  await expect(page.getByTestId("report-hash")).toHaveText(region.hash);
  await expect(page.getByTestId("table-districts").getByRole("row", { name: /^Uralsk city/ })).toBeVisible();
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("verify-result")).toHaveText(/^Match/);

  // A copy changed on the device by one figure no longer verifies.
  await page.evaluate(async (key) => {
    const db = await new Promise((ok, fail) => {
      const open = indexedDB.open("adal");
      open.onsuccess = () => ok(open.result);
      open.onerror = () => fail(open.error);
    });
    const store = db.transaction("meta", "readwrite").objectStore("meta");
    const text = await new Promise((ok) => (store.get(key).onsuccess = (e) => ok(e.target.result)));
    await new Promise((ok) => (store.put(text.replace('"received":0', '"received":7'), key).onsuccess = ok));
    db.close();
  }, `published_report:${region.hash}`);
  await page.reload();
  await expect(page.getByTestId("report-summary").getByRole("row", { name: /^Received/ }).getByRole("cell")).toHaveText("7");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("verify-result")).toHaveText(/^Mismatch — this is not the report that was published/);
  await context.setOffline(false);
});
