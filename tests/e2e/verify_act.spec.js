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
  // Art. 27 asks for each party's IIN or BIN and address: said beside the field, not lost.
  await page.locator("#act-party-1-name").fill("Болат Кенжебеков");
  await page.getByRole("button", { name: "Prepare the act" }).click();
  await expect(page.locator("#act-party-1-address-error")).toHaveText("Please fill in this field.");
  await expect(page.locator("#act-party-1-iin-error")).toHaveText("Please fill in this field.");
  await expect(page.getByLabel("Agreement to mediate (number, date)")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#act-agreement-error")).toHaveText("Please fill in this field.");
  await expect(page.locator("#act-party-1-name")).toHaveValue("Болат Кенжебеков");
  await snapshot(page, "19-act-form-errors-360");

  await page.getByLabel("Act number").fill("URA-2026-7");
  await page.getByLabel("District").selectOption({ label: "Uralsk city" });
  await page.getByLabel("Date of the mediation").fill("2026-03-12");
  await page.getByLabel("Where the mediation was held").fill("Орал, Достық даңғылы 1");
  await page.getByLabel("Mediator's full name").fill("Назым Ғабдуллина");
  await page.getByRole("radio", { name: "Public mediator" }).check();
  await page.getByLabel("Mediators' organisation (if any)").fill("Татуласу орталығы");
  await page.getByLabel("Entry in the register of mediators (number, date)").fill("№ 0457 от 02.02.2024");
  await page.getByLabel("Agreement to mediate (number, date)").fill("№ 12 от 01.03.2026");
  await page.locator("#act-party-0-name").fill("Айгерим Сарсенова");
  await page.locator("#act-party-0-iin").fill("900101300007");
  await page.locator("#act-party-0-address").fill("Орал, Абай көшесі 5");
  await page.locator("#act-party-1-name").fill("ТОО «Кенже Құрылыс»");
  await page.locator("#act-party-1-bin").fill("100440000024");
  await page.locator("#act-party-1-signatory").fill("Болат Кенжебеков, директор");
  await page.locator("#act-party-1-address").fill("Орал, Құрманғазы көшесі 12");
  // A fixed field loses its message as it is fixed; the BIN stands for the IIN.
  await expect(page.locator("#act-party-1-address-error")).toBeEmpty();
  await expect(page.locator("#act-party-1-iin-error")).toBeEmpty();
  await page.getByLabel("What the dispute is about").fill("Сосед построил забор на нашей земле.");
  await page.getByLabel("Term 1").fill("Болат Кенжебеков переносит забор по границе участка за свой счёт до 1 мая 2026 года.");
  await page.locator("#act-term-0-due").fill("до 01.05.2026");
  await page.locator("#act-term-0-manner").fill("силами и за счёт ТОО");
  await page.getByRole("button", { name: "Add a term" }).click();
  await page.getByLabel("Term 2").fill("Айгерим Сарсенова не требует возмещения расходов.");
  await page.locator("#act-term-1-due").fill("с даты подписания");
  await page.locator("#act-term-1-manner").fill("отказ от требований");
  await page.getByLabel("Consequences if the terms are not fulfilled").fill("Соглашение исполняется принудительно в порядке, установленном законом.");
  await snapshot(page, "19-act-form-360");
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
  // Everything Art. 27 lists is on the paper, in both languages.
  await expect(doc).toContainText("1. Айгерим Сарсенова, ЖСН 900101300007, мекенжайы: Орал, Абай көшесі 5");
  await expect(doc).toContainText("1. Айгерим Сарсенова, ИИН 900101300007, адрес: Орал, Абай көшесі 5");
  await expect(doc).toContainText("2. ТОО «Кенже Құрылыс», БИН 100440000024, адрес: Орал, Құрманғазы көшесі 12, в лице: Болат Кенжебеков, директор");
  await expect(doc).toContainText("БСН 100440000024, мекенжайы: Орал, Құрманғазы көшесі 12");
  await expect(doc).toContainText("запись в реестре: № 0457 от 02.02.2024");
  await expect(doc).toContainText("Договор о медиации: № 12 от 01.03.2026.");
  await expect(doc).toContainText("Медиация туралы шарт: № 12 от 01.03.2026.");
  await expect(doc).toContainText("Срок исполнения: до 01.05.2026; способ исполнения: силами и за счёт ТОО.");
  await expect(doc).toContainText("Орындау мерзімі: с даты подписания; орындау тәсілі: отказ от требований.");
  await expect(doc).toContainText("Последствия неисполнения:");
  await expect(doc).toContainText("Соглашение исполняется принудительно в порядке, установленном законом.");
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
