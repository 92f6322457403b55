// Issue 2: a citizen drafts a complaint offline; it survives a reload, waits while there
// is no signal, is sent once when signal returns, and shows its tracking number.
import { test, expect, waitForOfflineReady, snapshot } from "./harness.js";

// The app's connection line ("Online", "Offline — 1 waiting to send"), not the other
// live regions a receipt has (such as what a formal appeal still needs).
const connection = (page) => page.getByRole("status").filter({ hasText: /Online|Offline/ });

test("a complaint drafted offline survives a reload and is delivered exactly once", async ({ page, context, server }) => {
  await page.goto("/");
  await waitForOfflineReady(page);
  await snapshot(page, "01-home-empty");

  // The signal goes; the person starts writing anyway.
  await context.setOffline(true);
  await expect(connection(page)).toContainText("Offline");
  await page.getByRole("button", { name: "New complaint" }).click();
  await page.getByLabel("District").selectOption({ label: "Terekti district" });
  await page.getByRole("radio", { name: "Clinic or hospital" }).check();
  await page.getByLabel("Name of the institution").fill("Terekti district clinic");
  const description = "The morning blood draw queue started at 7:00 and nurses asked 2000 tenge to go first.";
  await page.getByLabel("What happened").fill(description);
  await page.getByLabel("When it happened").fill("2026-11-20");
  await page.getByLabel("Your name").fill("Aigerim Sarsenova");
  await page.getByLabel("Phone").fill("8 701 234 56 78");
  await expect(page.getByText("Saved on this device", { exact: true })).toBeVisible();
  await snapshot(page, "02-complaint-filled");

  // Reload with no network: the app comes from the service worker, the draft from IndexedDB.
  await page.reload();
  await expect(page.getByLabel("Name of the institution")).toHaveValue("Terekti district clinic");
  await expect(page.getByLabel("What happened")).toHaveValue(description);
  await expect(page.getByLabel("Phone")).toHaveValue("8 701 234 56 78");
  await expect(page.getByLabel("District")).toHaveValue("TER");
  await expect(page.getByRole("radio", { name: "Clinic or hospital" })).toBeChecked();

  // Sending offline queues it and says so.
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByText("Waiting to send", { exact: true })).toBeVisible();
  await expect(connection(page)).toContainText("Offline — 1 waiting to send");
  const id = page.url().split("/item/")[1];
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  await snapshot(page, "03-waiting-offline");
  expect(server.stored().filter((s) => s.id === id)).toHaveLength(0);

  // Signal returns: it goes by itself, and the tracking number appears.
  await context.setOffline(false);
  const tracking = page.getByTestId("tracking");
  await expect(tracking).toHaveText(/^TER-\d{4}-\d{5}$/);
  const number = await tracking.textContent();
  await expect(connection(page)).not.toContainText("waiting");
  await snapshot(page, "04-sent-tracking");

  const rows = server.stored().filter((s) => s.id === id);
  expect(rows).toHaveLength(1);
  expect(rows[0].tracking).toBe(number);
  expect(rows[0].answers.phone).toBe("+77012345678");
  expect(rows[0].answers.description).toBe(description);

  // The receipt is kept on the device, readable with no signal.
  await context.setOffline(true);
  await page.goto("/");
  await expect(page.getByRole("listitem").filter({ hasText: "Terekti district clinic" })).toContainText(number);
  await page.reload();
  await expect(page.getByText(number)).toBeVisible();
  await snapshot(page, "05-home-with-sent");
  await context.setOffline(false);

  // Coming online again and reopening never sends it twice.
  await page.reload();
  await expect(page.getByText(number)).toBeVisible();
  expect(server.stored().filter((s) => s.id === id)).toHaveLength(1);
});

test("invalid input is explained next to each field and nothing typed is lost", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "New complaint" }).click();
  await page.getByLabel("Name of the institution").fill("School No. 12, Uralsk");
  await page.getByLabel("What happened").fill("Money.");
  await page.getByLabel("Phone").fill("+7 901 234 56 78");
  await page.getByRole("button", { name: "Send" }).click();

  await expect(page.getByRole("alert").first()).toContainText("Please correct the marked fields");
  await expect(page.locator("#f-description-error")).toHaveText("Please write at least 10 characters.");
  await expect(page.locator("#f-phone-error")).toContainText("+7 format");
  await expect(page.locator("#f-district-error")).toHaveText("Please fill in this field.");
  await expect(page.getByLabel("What happened")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("District")).toBeFocused();
  await snapshot(page, "06-complaint-errors");
  expect(page.url()).toContain("/draft/");

  // The same messages in Kazakh, and the text is still there after a reload.
  await page.getByRole("button", { name: "Қазақша" }).click();
  await expect(page.locator("#f-description-error")).toHaveText("Кемінде 10 таңба жазыңыз.");
  await expect(page.locator("html")).toHaveAttribute("lang", "kk");
  await snapshot(page, "07-complaint-errors-kk");
  await page.reload();
  await expect(page.getByLabel("Мекеменің атауы")).toHaveValue("School No. 12, Uralsk");
  await expect(page.getByLabel("Не болды")).toHaveValue("Money.");

  // Fixing the fields clears their messages as the person types.
  await page.getByLabel("Не болды").fill("Parents were asked for 5000 tenge for new curtains.");
  await page.getByRole("button", { name: "Жіберу" }).click();
  await expect(page.locator("#f-description-error")).toBeEmpty();
  await page.getByRole("button", { name: "English" }).click();
});
