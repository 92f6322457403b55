// Issue 5: the two-weekly report in the staff workspace. The front office opens the
// report, reads the figures of complaints sent in this period (the API stamps every
// submission "now", so a finished period cannot hold them without editing the database),
// downloads the CSV, is told a running period cannot be published, publishes the
// previous one and gets its hash and public link; offline, the report stays readable
// and publishing says it needs a connection. A district curator sees the district only.
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { test, expect, snapshot, waitForOfflineReady, logIn, STAFF_PASSWORD } from "./harness.js";

/** Sends a complaint through the public API, as the citizen app does. */
async function complain(request, category, institution) {
  const response = await request.post("/api/v1/submissions", {
    data: {
      id: randomUUID(),
      form: { id: "complaint", version: 2 },
      answers: {
        district: "URA",
        category,
        institution,
        description: "Parents were asked for 5000 tenge for new curtains.",
        occurred_on: new Date().toISOString().slice(0, 10),
        anonymous: true,
      },
    },
  });
  expect(response.status()).toBe(201);
  return (await response.json()).tracking;
}

/** The value shown for one figure of the summary table. */
function figure(page, name) {
  return page.getByTestId("report-summary").getByRole("row", { name: new RegExp(`^${name}`) }).getByRole("cell");
}

test("the front office reads, downloads and publishes the two-weekly report", async ({ page, context, server }) => {
  server.user("dana.report", "front_office", null, STAFF_PASSWORD);
  server.user("zhanar.report", "curator", "URA", STAFF_PASSWORD);
  server.user("ainur.report", "office_staff", "URA", STAFF_PASSWORD);
  await logIn(page, "dana.report");
  await expect(page.getByRole("link", { name: "Report" })).toBeVisible();
  // Other tests of this worker may have sent complaints this period: count from there.
  const before = await (await page.request.get("/api/v1/staff/reports")).json();
  const ura = before.districts.find((d) => d.district === "URA").figures;
  const school = before.figures.received_by_category.school ?? 0;

  const first = await complain(page.request, "school", "Report test school No. 777");
  await complain(page.request, "school", "Report test school No. 777");
  await complain(page.request, "clinic", "Report test clinic No. 3");
  server.event(first, "registered");
  server.event(first, "answered");

  await page.getByRole("link", { name: "Report" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Report · Whole region");
  // The last finished period by default: its next one is the running period.
  const finished = await page.getByTestId("report-period").textContent();
  await expect(page.getByText("This period is still running")).toHaveCount(0);
  await expect(figure(page, "Received")).toHaveText("0");

  await page.getByRole("button", { name: "Next period" }).click();
  await expect(page.getByTestId("report-period")).not.toHaveText(finished);
  await expect(page.getByText("This period is still running")).toBeVisible();
  await expect(page.getByRole("button", { name: "Next period" })).toBeDisabled();
  const f = before.figures;
  await expect(figure(page, "Received")).toHaveText(String(f.received + 3));
  await expect(figure(page, "Registered")).toHaveText(String(f.registered + 1));
  await expect(figure(page, "Answered on time")).toHaveText(String(f.answered_on_time + 1));
  await expect(figure(page, "Answered late")).toHaveText(String(f.answered_late));
  const categories = page.getByTestId("table-category");
  await expect(categories.getByRole("row", { name: /^School/ }).getByRole("cell")).toHaveText(String(school + 2));
  await expect(page.getByTestId("table-top").getByRole("row", { name: /Report test school No\. 777/ }).getByRole("cell")).toHaveText("2");
  // Every district in a row; Uralsk city holds the three complaints.
  const uralsk = page.getByTestId("table-districts").getByRole("row", { name: /^Uralsk city/ });
  await expect(uralsk.getByRole("cell").first()).toHaveText(String(ura.received + 3));
  // The charts read out their numbers.
  const chart = page.getByRole("img", { name: /^Complaints received by category\./ });
  await expect(chart).toHaveAttribute("aria-label", new RegExp(`School ${school + 2}`));
  await expect(page.getByRole("img", { name: /^Answers on time and late\./ })).toHaveAttribute(
    "aria-label",
    new RegExp(`Uralsk city: Answered on time ${ura.answered_on_time + 1}, Answered late ${ura.answered_late}; Akzhaik district: Answered on time`),
  );
  await snapshot(page, "40-staff-report-region");

  // The CSV: the same figures, with a byte-order mark for spreadsheets.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download CSV" }).click(),
  ]);
  const csv = readFileSync(await download.path(), "utf8");
  const lines = csv.split(/\r?\n/);
  expect(lines[0]).toBe("\uFEFFperiod_start,period_end,district,figure,key,value");
  expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^[-0-9]{10},[-0-9]{10},region,received,,${f.received + 3}$`)));
  expect(lines).toContainEqual(expect.stringMatching(new RegExp(`,region,received_by_category,school,${school + 2}$`)));

  // A running period is not published, and the refusal says why.
  await page.getByRole("button", { name: "Publish…" }).click();
  await page.getByRole("button", { name: "Yes, publish" }).click();
  await expect(page.getByTestId("publish-error")).toHaveText("This period has not ended yet; publish it after its last day.");

  // The finished period is published: its hash, and the public link answers those bytes.
  await page.getByRole("button", { name: "Previous period" }).click();
  await expect(page.getByTestId("report-period")).toHaveText(finished);
  await page.getByRole("button", { name: "Publish…" }).click();
  await expect(page.getByText(`Publish the report for Whole region, ${finished}?`)).toBeVisible();
  await page.getByRole("button", { name: "Yes, publish" }).click();
  const hash = (await page.getByTestId("report-hash").textContent()).trim();
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  const link = page.getByTestId("published").getByRole("link", { name: "Public link" });
  await expect(link).toHaveAttribute("href", `/api/v1/reports/${hash}`);
  const frozen = await page.request.get(`/api/v1/reports/${hash}`);
  expect(frozen.status()).toBe(200);
  expect(createHash("sha256").update(await frozen.body()).digest("hex")).toBe(hash);
  await expect(page.getByTestId("published-list")).toContainText(hash);
  await snapshot(page, "41-staff-report-published");
  // In Russian, the same screen.
  await page.getByRole("button", { name: "Русский" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Отчёт · Вся область");
  await expect(page.getByRole("link", { name: "Скачать CSV" })).toBeVisible();
  await snapshot(page, "42-staff-report-ru");
  await page.getByRole("button", { name: "English" }).click();

  // Offline: the report stays on screen; publishing says it needs the server.
  await context.setOffline(true);
  await expect(page.getByTestId("staff-status")).toContainText("Offline");
  await expect(page.getByText("Publishing needs a connection to the server.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Publish…" })).toBeDisabled();
  await expect(figure(page, "Received")).toHaveText("0");
  // Opened again with no signal: the report and its published list come from the device.
  await waitForOfflineReady(page);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Report · Whole region");
  await expect(page.getByTestId("report-period")).toHaveText(finished);
  await expect(page.getByText("No connection to the server; this is the last report saved on this device.")).toBeVisible();
  await expect(figure(page, "Received")).toHaveText("0");
  await expect(page.getByTestId("published-list")).toContainText(hash);
  await snapshot(page, "43-staff-report-offline");
  await context.setOffline(false);

  // A district's curator: the district only, no region to choose.
  const curator = await context.browser().newContext();
  const cpage = await curator.newPage();
  await cpage.goto(page.url().replace(/\/staff\/.*$/, "/staff/"));
  await cpage.getByLabel("Login", { exact: true }).fill("zhanar.report");
  await cpage.getByLabel("Password").fill(STAFF_PASSWORD);
  await cpage.getByRole("button", { name: "Log in" }).click();
  await cpage.getByRole("link", { name: "Report" }).click();
  await expect(cpage.getByRole("heading", { level: 1 })).toHaveText("Report · Uralsk city");
  await expect(cpage.getByLabel("District or region")).toHaveCount(0);
  await expect(cpage.getByRole("button", { name: "Publish…" })).toBeVisible();
  await curator.close();

  // Office staff read the report but do not publish.
  const office = await context.browser().newContext();
  const opage = await office.newPage();
  await opage.goto(page.url().replace(/\/staff\/.*$/, "/staff/"));
  await opage.getByLabel("Login", { exact: true }).fill("ainur.report");
  await opage.getByLabel("Password").fill(STAFF_PASSWORD);
  await opage.getByRole("button", { name: "Log in" }).click();
  await opage.getByRole("link", { name: "Report" }).click();
  await expect(opage.getByTestId("report-summary")).toBeVisible();
  await expect(opage.getByRole("button", { name: "Publish…" })).toHaveCount(0);
  await office.close();
});
