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

test("an act draft typed before the Art. 27 items were asked for keeps every word and asks for them", async ({ page }) => {
  await page.goto("/act");
  await waitForOfflineReady(page);
  // A draft as the first release kept it on the device: no version, no Art. 27 items.
  await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open("adal");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction("meta", "readwrite");
      tx.objectStore("meta").put({
        number: "URA-2026-1", district: "URA", date: "2026-03-12", place: "Орал",
        mediator_name: "Назым Ғабдуллина", mediator_status: "professional", mediator_organisation: "",
        parties: [
          { name: "Айгерим Сарсенова", iin: "900101300007", address: "Орал, Абай көшесі 5" },
          { name: "Болат Кенжебеков", iin: "", address: "" },
        ],
        dispute: "Забор.", terms: ["Забор переносится до 1 мая."], language_note: "",
      }, "act_draft");
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }));
  await page.reload();
  await expect(page.getByLabel("Act number")).toHaveValue("URA-2026-1");
  await expect(page.locator("#act-party-0-address")).toHaveValue("Орал, Абай көшесі 5");
  await expect(page.getByLabel("Term 1")).toHaveValue("Забор переносится до 1 мая.");
  // Once a complete first-release act, it now lacks what Art. 27 lists, and says so.
  await page.getByRole("button", { name: "Prepare the act" }).click();
  await expect(page.getByTestId("act-doc")).toHaveCount(0);
  await expect(page.locator("#act-agreement-error")).toHaveText("Please fill in this field.");
  await expect(page.locator("#act-term-0-due-error")).toHaveText("Please fill in this field.");
  await expect(page.locator("#act-party-1-address-error")).toHaveText("Please fill in this field.");
  await expect(page.getByLabel("Term 1")).toHaveValue("Забор переносится до 1 мая.");
});
