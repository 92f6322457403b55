// Issue 5: a mediator typing a reconciliation act who leaves the page (a call, another
// app, a reload) finds every word where it was: the act's input is a draft on the device.
import { test, expect, waitForOfflineReady } from "./harness.js";

test("what was typed into an act survives leaving the page, also offline", async ({ page, context }) => {
  await page.goto("/act");
  await waitForOfflineReady(page);
  await page.getByLabel("Act number").fill("TER-2026-3");
  await page.getByLabel("District").selectOption({ label: "Terekti district" });
  await page.locator("#act-party-1-name").fill("Болат Кенжебеков");
  await page.getByLabel("Term 1").fill("Забор переносится до 1 мая.");
  // The items Art. 27 adds are kept the same way.
  await page.locator("#act-party-1-bin").fill("100440000024");
  await page.locator("#act-term-0-due").fill("до 01.05.2026");
  await page.getByLabel("Consequences if the terms are not fulfilled").fill("Исполняется принудительно.");

  await context.setOffline(true);
  await page.goto("/");
  await page.goto("/act");
  await expect(page.getByLabel("Act number")).toHaveValue("TER-2026-3");
  await expect(page.getByLabel("District")).toHaveValue("TER");
  await expect(page.locator("#act-party-1-name")).toHaveValue("Болат Кенжебеков");
  await expect(page.getByLabel("Term 1")).toHaveValue("Забор переносится до 1 мая.");
  await expect(page.locator("#act-party-1-bin")).toHaveValue("100440000024");
  await expect(page.locator("#act-term-0-due")).toHaveValue("до 01.05.2026");
  await expect(page.getByLabel("Consequences if the terms are not fulfilled")).toHaveValue("Исполняется принудительно.");
  await context.setOffline(false);
});
