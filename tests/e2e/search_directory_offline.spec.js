// Issue 3: after one online visit the directory is searched offline (any script, any
// case, with or without Kazakh letters), filtered, and a mediation request starts from a
// provider; the person switches language, and the request is delivered when online.
import { test, expect, waitForOfflineReady, snapshot } from "./harness.js";

test("the directory works offline and a mediation request starts from a mediator", async ({ page, context, server }) => {
  await page.goto("/");
  await waitForOfflineReady(page);
  await page.getByRole("link", { name: "Find a mediator, notary or centre" }).click();
  const count = page.getByTestId("hit-count");
  await expect(count).toHaveText(/^Found: \d{3}$/);
  const total = Number((await count.textContent()).match(/\d+/)[0]);
  expect(total).toBeGreaterThanOrEqual(100);

  // No signal from here on: the directory comes from the device.
  await context.setOffline(true);
  await page.reload();
  await expect(count).toHaveText(`Found: ${total}`);

  const search = page.getByLabel("Search by name, service or address");
  for (const typed of ["Nazym Gabdullina", "ғабдуллина", "ГАБДУЛЛИНА", "назым габ"]) {
    await search.fill(typed);
    await expect(count).toHaveText("Found: 1");
    await expect(page.locator(".provider-name")).toHaveText("Nazym Gabdullina (sample)");
  }
  // A prefix finds every Gabdullin(a), wherever they work.
  await search.fill("gabdul");
  await expect(count).toHaveText("Found: 4");
  await search.fill("");
  await page.getByLabel("District").selectOption({ label: "Terekti district" });
  await page.getByLabel("Kind").selectOption({ label: "Mediator" });
  await expect(count).not.toHaveText(`Found: ${total}`);
  const cards = page.locator("li.provider");
  const n = await cards.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) await expect(cards.nth(i)).toContainText("Mediator · Terekti district");
  await expect(cards.first().getByRole("link", { name: /☎ \+7/ })).toHaveAttribute("href", /^tel:\+7\d{10}$/);
  await snapshot(page, "10-directory-offline");

  await cards.first().getByRole("button", { name: "Start a mediation request here" }).click();
  await expect(page).toHaveURL(/\/draft\//);
  await expect(page.locator("#f-district")).toHaveValue("TER");
  const provider = await page.locator("#f-preferred_provider").inputValue();
  expect(provider).toMatch(/^ter-mediator-\d+$/);

  // The person reads Russian better.
  await page.getByRole("button", { name: "Русский" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Заявка на медиацию");
  await page.getByLabel("Ваши фамилия, имя и отчество").fill("Айгерим Сарсенова");
  await page.getByLabel("Ваш телефон").fill("+7 705 111 22 33");
  await page.getByLabel("ФИО или название организации").fill("Болат Кенжебеков");
  await page.getByRole("radio", { name: "По телефону" }).check();
  await page.locator("#f-parties-0-phone").fill("87771234567");
  await page.locator("#f-dispute_kind").selectOption("neighbours");
  await page.getByLabel("Что произошло").fill("Сосед построил забор на нашей земле и не хочет его переносить.");
  await page.getByLabel("Чего вы хотите").fill("Перенести забор по границе участка.");
  await page.getByRole("radio", { name: "Русский" }).check();
  await page.getByRole("checkbox", { name: /добровольно соглашаюсь/ }).check();

  // The law forbids mediation with a state body: the form says so, specifically.
  await page.locator("#f-other_party_state_body-true").check();
  await page.getByRole("button", { name: "Отправить", exact: true }).click();
  await expect(page.locator("#f-other_party_state_body-error")).toContainText("Подайте вместо этого жалобу");
  await page.locator("#f-other_party_state_body-false").check();
  await expect(page.locator("#f-other_party_state_body-error")).toBeEmpty();
  // Nor for a party without legal capacity: the form points to the district's lawyers
  // and notaries in the directory instead.
  await page.locator("#f-corruption_case-false").check();
  await page.locator("#f-third_parties_affected-false").check();
  await page.locator("#f-party_lacks_capacity-true").check();
  await expect(page.locator("#f-party_lacks_capacity-error")).toContainText("нотариусу из справочника");
  const instead = page.getByTestId("mediation-instead");
  await expect(instead.getByRole("link", { name: "Нотариусы вашего района" })).toHaveAttribute("href", "/directory?kind=notary&district=TER");
  await expect(instead.getByRole("link", { name: "Адвокаты вашего района" })).toHaveAttribute("href", "/directory?kind=lawyer&district=TER");
  await page.locator("#f-party_lacks_capacity-false").check();
  await expect(page.getByTestId("mediation-instead")).toHaveCount(0);
  await snapshot(page, "11-mediation-ru");

  await page.getByRole("button", { name: "Отправить", exact: true }).click();
  await expect(page.getByRole("status").first()).toContainText("Нет связи — 1 ждут отправки");
  const id = page.url().split("/item/")[1];
  await context.setOffline(false);
  await expect(page.getByTestId("tracking")).toHaveText(/^TER-\d{4}-\d{5}$/);
  const rows = server.stored().filter((s) => s.id === id);
  expect(rows).toHaveLength(1);
  expect(rows[0].form).toEqual({ id: "mediation_request", version: 2 });
  expect(rows[0].answers.preferred_provider).toBe(provider);
  expect(rows[0].answers.parties[0].phone).toBe("+77771234567");
});

test("a draft of an older form version opens, is carried over, and says what changed", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("button", { name: "New complaint" })).toBeVisible();
  // A draft saved by the first release (complaint v1), as it sits on people's phones.
  const id = "0b7f0c9e-3c1a-4c55-9d77-2a7c2f0d6a11";
  await page.evaluate(async (id) => {
    const db = await new Promise((ok, ko) => {
      const r = indexedDB.open("adal");
      r.onsuccess = () => ok(r.result);
      r.onerror = () => ko(r.error);
    });
    await new Promise((ok, ko) => {
      const tx = db.transaction("drafts", "readwrite");
      tx.objectStore("drafts").put({
        id,
        form: { id: "complaint", version: 1 },
        answers: { district: "URA", category: "school", institution: "School No. 7", description: "Parents were asked for money for a new projector.", occurred_on: "2026-11-02", anonymous: true, name: "", phone: "" },
        created_at: 1, updated_at: 2, problem: null,
      });
      tx.oncomplete = ok;
      tx.onerror = () => ko(tx.error);
    });
    db.close();
  }, id);
  await page.goto(`/draft/${id}`);
  const notice = page.getByRole("status").filter({ hasText: "This form was updated" });
  await expect(notice).toContainText("New question: How much money was asked for");
  await expect(notice).toContainText("New question: Photos");
  await expect(page.getByLabel("Name of the institution")).toHaveValue("School No. 7");
  await expect(page.getByRole("radio", { name: "Police" })).toBeVisible();
  await snapshot(page, "12-carried-over");
  // Stored on its new version at once.
  await page.reload();
  await expect(page.getByText("This form was updated")).toHaveCount(0);
  await expect(page.getByLabel("What happened")).toHaveValue("Parents were asked for money for a new projector.");
});
