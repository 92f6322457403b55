// Issue 14: the curator's and the front office's view of the whole region. A curator of
// Uralsk sees what is late in every district and, first, the conflict-of-interest items
// only they handle; they open another district's overdue item from it (to read: the
// steps stay that district's) and follow a count to that district's filtered inbox. A
// district clerk has no such view.
import { randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test, expect, snapshot, logIn, STAFF_PASSWORD } from "./harness.js";

/** A named complaint through the public API; its tracking number. */
async function complain(request, district, institution) {
  const response = await request.post("/api/v1/submissions", {
    data: {
      id: randomUUID(),
      form: { id: "complaint", version: 3 },
      answers: {
        district,
        category: "school",
        institution,
        description: "Parents were asked for 5000 tenge for new curtains.",
        occurred_on: new Date().toISOString().slice(0, 10),
        anonymous: false,
        name: "Aigerim S.",
        phone: "+7 701 234 56 78",
      },
    },
  });
  expect(response.status()).toBe(201);
  return (await response.json()).tracking;
}

/** The server has no clock to turn back: an item is made overdue by moving its reception
 * back in the database file (as the server's API tests do), here to 2 March 2026. */
function receivedLongAgo(server, tracking) {
  const script = `import sqlite3, sys
at = "2026-03-02T05:00:00.000Z"
c = sqlite3.connect(sys.argv[1], timeout=10)
c.execute("UPDATE submissions SET received_at = ? WHERE tracking = ?", (at, sys.argv[2]))
c.execute("UPDATE submission_events SET at = ? WHERE kind = 'received' AND submission_id = "
          "(SELECT id FROM submissions WHERE tracking = ?)", (at, sys.argv[2]))
c.commit()`;
  execFileSync("python3", ["-c", script, join(server.dataDir, "adal.sqlite3"), tracking]);
}

test("a curator sees another district's overdue item and their conflict item first, and opens it from the region's view", async ({ page, browser, server }) => {
  server.user("dana.curator", "curator", "URA", STAFF_PASSWORD);
  server.user("erlan.clerk", "office_staff", "URA", STAFF_PASSWORD);
  const overdue = await complain(page.request, "TER", "Terekti school No. 2");
  receivedLongAgo(server, overdue);
  // It names Uralsk's own reconciliation centre: a conflict of interest.
  const conflict = await complain(page.request, "URA", "Центр примирения, Уральск");
  const ordinary = await complain(page.request, "URA", "School No. 12, Uralsk");

  await logIn(page, "dana.curator");
  await page.getByRole("link", { name: "Region" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("What is due across the region");
  const conflicts = page.getByTestId("overview-conflict");
  await expect(conflicts.getByTestId("overview-item")).toHaveCount(1);
  await expect(conflicts.getByTestId("overview-item")).toContainText(conflict);
  await expect(conflicts.getByTestId("overview-item")).toContainText("Uralsk city");
  const late = page.getByTestId("overview-late").getByTestId("overview-item");
  await expect(late).toHaveCount(1);
  await expect(late).toContainText(overdue);
  await expect(late).toContainText("Terekti district");
  await expect(late).toContainText(/Overdue: \d+ working days/);
  await expect(page.getByText(ordinary)).toHaveCount(0);
  // The conflict item is listed before what is late.
  const order = await page.getByTestId("overview-item").allTextContents();
  expect(order[0]).toContain(conflict);
  const terekti = page.locator('[data-testid="overview-district"][data-district="TER"]');
  // Overdue, and not registered nor forwarded within 3 working days (the worker's server
  // may hold other tests' open items: the open count is not this test's alone).
  await expect(terekti.getByRole("cell").nth(2)).toHaveText("1");
  await expect(terekti.getByRole("cell").nth(3)).toHaveText("1");
  await snapshot(page, "60-curator-region-overview");

  // Opened from the view: another district's item, to read; its steps are not offered.
  await late.getByRole("link", { name: overdue }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(overdue);
  await expect(page.getByText("Terekti school No. 2").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Forward" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Add the note" })).toHaveCount(0);
  await snapshot(page, "61-curator-reads-other-district");

  // A count links to that district's inbox, so filtered.
  await page.goBack();
  await terekti.getByRole("cell").nth(2).getByRole("link", { name: "1" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Inbox · Terekti district");
  await expect(page.getByLabel("Due", { exact: true })).toHaveValue("overdue");
  await expect(page.getByTestId("inbox-row")).toHaveCount(1);
  await expect(page.getByTestId("inbox-row")).toContainText(overdue);
  await snapshot(page, "62-curator-other-district-inbox-overdue");
  // And the count of items not sent on in time, to those alone.
  await page.goBack();
  await terekti.getByRole("cell").nth(3).getByRole("link", { name: "1" }).click();
  await expect(page.getByLabel("Due", { exact: true })).toHaveValue("unforwarded");
  await expect(page.getByTestId("inbox-row")).toHaveCount(1);
  await expect(page.getByTestId("inbox-row")).toContainText(overdue);
  await expect(page.getByTestId("inbox-row").getByTestId("forwarding-overdue")).toBeVisible();
  await snapshot(page, "63-curator-other-district-inbox-unforwarded");

  // A district clerk has no view of the region, and does not see the conflict item.
  const clerk = await browser.newContext({ baseURL: server.url, viewport: { width: 360, height: 740 } });
  const cpage = await clerk.newPage();
  await logIn(cpage, "erlan.clerk");
  await expect(cpage.getByTestId("inbox-row").filter({ hasText: ordinary })).toHaveCount(1);
  await expect(cpage.getByRole("link", { name: "Region" })).toHaveCount(0);
  await expect(cpage.getByTestId("inbox-row").filter({ hasText: conflict })).toHaveCount(0);
  await cpage.goto("/staff/overview");
  await expect(cpage.getByTestId("overview-districts")).toHaveCount(0);
  await expect(cpage.getByText(overdue)).toHaveCount(0);
  await clerk.close();
});
