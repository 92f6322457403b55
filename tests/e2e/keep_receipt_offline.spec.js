// Issue 14: the receipt the law wants (APC Art. 64) — who accepted the complaint (the
// district's office and its address), when it was received and registered, and the day
// the answer is due — kept on the device, shown with no signal, printed, and saved as
// a picture. A complaint saying money was asked for also shows the call centre 1424.
// The answer day is only for a formal appeal (APC Art. 63): name, phone, IIN and postal
// address; without the last two the receipt says so and what to add.
import { readFileSync } from "node:fs";
import { test, expect, waitForOfflineReady, snapshot } from "./harness.js";

test("a complaint's receipt names the accepting office and the answer day, offline too", async ({ page, context, server }) => {
  await page.goto("/");
  await waitForOfflineReady(page);
  await page.getByRole("button", { name: "New complaint" }).click();
  await page.getByLabel("District").selectOption({ label: "Burlin district (Aksai)" });
  await page.getByRole("radio", { name: "Clinic or hospital" }).check();
  await page.getByLabel("Name of the institution").fill("Aksai central district hospital");
  await page.getByLabel("What happened").fill("The surgeon asked for 50 000 tenge before the operation.");
  await page.getByLabel("How much money was asked for").fill("50000");
  await page.getByLabel("When it happened").fill("2026-11-20");
  await page.getByLabel("Your name").fill("Aigerim Sarsenova");
  await page.getByLabel("Phone").fill("8 701 234 56 78");
  // Named without the IIN and address: registered, but not yet a formal appeal (APC Art. 63).
  const standing = page.getByTestId("formal-appeal-status");
  await expect(standing).toContainText("not a formal appeal");
  await expect(standing).toContainText("add your IIN and postal address");
  // A mistyped IIN is refused with what is wrong, and nothing typed is lost.
  await page.getByLabel("IIN", { exact: true }).fill("900101300008");
  await page.getByLabel("Postal address").fill("090000, Aksai, Druzhby 7-12");
  await expect(standing).toContainText("not a formal appeal");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.locator("#f-iin-error")).toHaveText("The IIN's last (check) digit does not match the others: a digit is probably mistyped.");
  await expect(page.getByLabel("IIN", { exact: true })).toHaveValue("900101300008");
  await expect(page.getByLabel("What happened")).toHaveValue("The surgeon asked for 50 000 tenge before the operation.");
  await expect(page.getByLabel("Postal address")).toHaveValue("090000, Aksai, Druzhby 7-12");
  await snapshot(page, "23-complaint-wrong-iin");
  await page.getByLabel("IIN", { exact: true }).fill("900101300007");
  await expect(standing).toContainText("this is a formal appeal");
  // Where a bribe is reported, the anti-corruption channels are shown.
  await expect(page.getByTestId("anti-corruption")).toContainText("1424");
  await expect(page.getByTestId("anti-corruption")).toContainText("@antikorkzbot");
  await page.getByRole("button", { name: "Send" }).click();

  const tracking = page.getByTestId("tracking");
  await expect(tracking).toHaveText(/^BUR-\d{4}-\d{5}$/);
  const number = await tracking.textContent();
  const receipt = page.getByTestId("receipt");
  await expect(receipt.getByTestId("accepted-by")).toContainText("Burlin district");
  await expect(receipt.getByTestId("office-address")).toHaveText("Aksai, 8 Syrym Datov Street");
  await expect(receipt.getByTestId("registered-on")).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  await expect(receipt.getByTestId("answer-by")).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  const answerBy = await receipt.getByTestId("answer-by").textContent();
  await expect(page.getByTestId("anti-corruption")).toContainText("1424");

  // With no signal, the receipt comes back whole from the device.
  await context.setOffline(true);
  await page.reload();
  await expect(tracking).toHaveText(number);
  await expect(receipt.getByTestId("accepted-by")).toContainText("Burlin district");
  await expect(receipt.getByTestId("office-address")).toHaveText("Aksai, 8 Syrym Datov Street");
  await expect(receipt.getByTestId("answer-by")).toHaveText(answerBy);
  await snapshot(page, "21-receipt-offline");
  // In Russian too, still offline.
  await page.getByRole("button", { name: "Русский" }).click();
  await expect(receipt.getByTestId("office-address")).toHaveText("г. Аксай, ул. Сырыма Датова, 8");
  await expect(receipt.getByTestId("accepted-by")).toContainText("Бурлинский район");

  // Saved as a picture: a PNG named after the tracking number.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Сохранить как картинку" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${number}.png`);
  const png = readFileSync(await download.path());
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  expect(png.length).toBeGreaterThan(2000);

  // Printed, the page is the receipt alone.
  await page.emulateMedia({ media: "print" });
  await expect(receipt).toBeVisible();
  await expect(page.getByRole("button", { name: "Распечатать" })).toBeHidden();
  await expect(page.getByRole("heading", { name: "Ход рассмотрения" })).toBeHidden();
  await page.emulateMedia({ media: "screen" });

  const rows = server.stored().filter((s) => s.tracking === number);
  expect(rows).toHaveLength(1);
  expect(rows[0].answers.district).toBe("BUR");
  expect(rows[0].answers.iin).toBe("900101300007");
});

test("a named complaint without the IIN and address is registered with no answer day, and says what to add", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "New complaint" }).click();
  await page.getByLabel("District").selectOption({ label: "Terekti district" });
  await page.getByRole("radio", { name: "Akimat office" }).check();
  await page.getByLabel("Name of the institution").fill("Terekti district akimat");
  await page.getByLabel("What happened").fill("The land department keeps asking for the same papers.");
  await page.getByLabel("When it happened").fill("2026-11-20");
  await page.getByLabel("Your name").fill("Bolat Kenzhebekov");
  await page.getByLabel("Phone").fill("8 705 111 22 33");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("tracking")).toHaveText(/^TER-\d{4}-\d{5}$/);
  await expect(page.getByTestId("registered-on")).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  await expect(page.getByTestId("answer-by")).toHaveText("No answer day: registered, but not a formal appeal until your IIN and postal address are given (APC Art. 63)");
  await snapshot(page, "24-receipt-not-formal");

  // Given later on the receipt, with the name and phone it was sent with: from then, an appeal.
  const complete = page.getByRole("region", { name: "Make it a formal appeal" });
  await expect(complete.getByLabel("Your name")).toHaveValue("Bolat Kenzhebekov");
  await complete.getByLabel("IIN (12 digits)").fill("850315 400125");
  await complete.getByLabel("Postal address").fill("090000, Fedorovka, Tauelsizdik 3");
  await complete.getByRole("button", { name: "Add my IIN and address" }).click();
  await expect(complete.locator("#id-iin-error")).toHaveText("The IIN's last (check) digit does not match the others: a digit is probably mistyped.");
  await expect(complete.getByLabel("Postal address")).toHaveValue("090000, Fedorovka, Tauelsizdik 3");
  await snapshot(page, "25-receipt-complete-the-appeal");
  await complete.getByLabel("IIN (12 digits)").fill("850315 400124");
  await complete.getByRole("button", { name: "Add my IIN and address" }).click();
  await expect(page.getByTestId("answer-by")).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  await expect(complete).toHaveCount(0);
});

test("an anonymous complaint states the law on anonymous appeals and has no answer day", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "New complaint" }).click();
  await page.getByLabel("District").selectOption({ label: "Terekti district" });
  await page.getByRole("radio", { name: "School" }).check();
  await page.getByLabel("Name of the institution").fill("Terekti school No. 2");
  await page.getByLabel("What happened").fill("The director asked parents for 10 000 tenge for exams.");
  await page.getByLabel("How much money was asked for").fill("10000");
  await page.getByLabel("When it happened").fill("2026-11-20");
  await page.getByRole("checkbox", { name: "Send anonymously" }).check();
  const law = page.getByTestId("anonymous-law");
  await expect(law).toContainText("threat to state or public security");
  await expect(law).toContainText("IIN and postal address");
  await page.getByRole("button", { name: "Send" }).click();

  await expect(page.getByTestId("tracking")).toHaveText(/^TER-\d{4}-A\d{5}$/);
  await expect(page.getByTestId("accepted-by")).toContainText("Terekti district");
  await expect(page.getByTestId("answer-by")).toContainText("anonymous report is a signal for monitoring");
  await expect(page.getByTestId("anti-corruption")).toContainText("1424");
  await expect(page.getByTestId("formal-appeal-needs")).toContainText("IIN and postal address");
  await snapshot(page, "22-receipt-anonymous");
});
