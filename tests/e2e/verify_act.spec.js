// Issue 5: a mediator prepares a reconciliation act, which prints in Kazakh and Russian
// side by side with its hash and a QR code; anyone can then check the act's text against
// that hash on their own device, with no signal.
import { test, expect, waitForOfflineReady, snapshot } from "./harness.js";

test("a reconciliation act prints in both languages and its hash verifies offline", async ({ page, context }) => {
  await page.goto("/");
  await waitForOfflineReady(page);
  await page.getByText("For volunteers and staff").click();
  await page.getByRole("link", { name: "Prepare a reconciliation act" }).click();
  await expect(page).toHaveURL(/\/act$/);

  // A slip first: only one party, no term. The act is not prepared, and says why.
  await page.getByRole("button", { name: "Prepare the act" }).click();
  await expect(page.getByRole("alert")).toHaveText("Please correct the marked fields.");
  await expect(page.getByTestId("act-doc")).toHaveCount(0);

  await page.getByLabel("Act number").fill("URA-2026-7");
  await page.getByLabel("District").selectOption({ label: "Uralsk city" });
  await page.getByLabel("Date of the mediation").fill("2026-03-12");
  await page.getByLabel("Where the mediation was held").fill("Орал, Достық даңғылы 1");
  await page.getByLabel("Mediator's full name").fill("Назым Ғабдуллина");
  await page.getByRole("radio", { name: "Public mediator" }).check();
  await page.getByLabel("Mediators' organisation (if any)").fill("Татуласу орталығы");
  await page.locator("#act-party-0-name").fill("Айгерим Сарсенова");
  await page.locator("#act-party-0-iin").fill("900101300007");
  await page.locator("#act-party-0-address").fill("Орал, Абай көшесі 5");
  await page.locator("#act-party-1-name").fill("Болат Кенжебеков");
  await page.getByLabel("What the dispute is about").fill("Сосед построил забор на нашей земле.");
  await page.getByLabel("Term 1").fill("Болат Кенжебеков переносит забор по границе участка за свой счёт до 1 мая 2026 года.");
  await page.getByRole("button", { name: "Add a term" }).click();
  await page.getByLabel("Term 2").fill("Айгерим Сарсенова не требует возмещения расходов.");
  await page.getByRole("button", { name: "Prepare the act" }).click();

  const doc = page.getByTestId("act-doc");
  await expect(doc.locator("td[lang=kk]").first()).toHaveText("ТАТУЛАСТЫРУ АКТІСІ № URA-2026-7");
  await expect(doc.locator("td[lang=ru]").first()).toHaveText("АКТ ПРИМИРЕНИЯ № URA-2026-7");
  await expect(doc).toContainText("12.03.2026 ж., Орал, Достық даңғылы 1, Орал қаласы");
  await expect(doc).toContainText("12.03.2026 г., Орал, Достық даңғылы 1, город Уральск");
  await expect(doc).toContainText("қоғамдық медиатор");
  await expect(doc).toContainText("общественный медиатор");
  await expect(doc).toContainText("ЖСН 900101300007");
  await expect(doc).toContainText("ИИН 900101300007");
  // A signature line for each party and the mediator.
  await expect(doc.locator(".signature")).toHaveCount(3);
  const short = await page.getByTestId("short-hash").textContent();
  expect(short).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){3}$/);
  const hash = await page.getByTestId("full-hash").textContent();
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  expect(hash.startsWith(short.replaceAll(" ", ""))).toBe(true);
  await expect(doc.locator(".qr svg")).toBeVisible();
  const text = await page.getByTestId("act-text").textContent();
  expect(text).toContain("Стороны:");
  expect(text).toContain("Тараптар:");

  await doc.scrollIntoViewIfNeeded();
  await snapshot(page, "20-act-360");
  // The same page as it prints on A4: no header or status line, two columns.
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.emulateMedia({ media: "print" });
  await expect(page.locator("header.top")).toBeHidden();
  await expect(page.getByRole("button", { name: "Print" })).toBeHidden();
  await snapshot(page, "21-act-print");
  await page.emulateMedia({ media: "screen" });
  await page.setViewportSize({ width: 360, height: 740 });

  // No signal from here on: the check runs on the device.
  await context.setOffline(true);
  // Arriving from the QR code fills in the hash.
  await page.goto(`/verify#${hash}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Verify an act");
  await expect(page.getByLabel("Check code (hash)")).toHaveValue(hash);

  await page.goto("/verify");
  const result = page.getByTestId("verify-result");
  await page.getByLabel("Text of the act").fill(text);
  await page.getByLabel("Check code (hash)").fill(hash);
  await expect(result).toHaveText(/^Matches/);
  // Typed from the paper: the short form is enough.
  await page.getByLabel("Check code (hash)").fill(short.toUpperCase());
  await expect(result).toHaveText(/^Matches/);
  await snapshot(page, "22-verify-matches");

  // One word changed: a different date of performance.
  await page.getByLabel("Text of the act").fill(text.replace("до 1 мая 2026 года", "до 1 июня 2026 года"));
  await expect(result).toHaveText(/^Does not match/);
  await page.getByLabel("Check code (hash)").fill(hash);
  await expect(result).toHaveText(/^Does not match/);
  await snapshot(page, "23-verify-does-not-match");
});
