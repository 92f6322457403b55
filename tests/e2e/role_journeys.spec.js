// Issue 14: every role's journey in the real browser. A volunteer logs in and lands on the
// district's monitoring tasks (not on an inbox the server refuses them) and starts a
// checklist from one; a 4000 px photo reaches the server scaled to 1600 px; an
// administrator disables an account and that person's open session ends at their next
// step; a mediator's printed act is verified from its QR code on another phone offline.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { png, jpegSize } from "./pictures.js";
import { test, expect, waitForOfflineReady, snapshot } from "./harness.js";

const PASSWORD = "correct horse battery staple";

async function logIn(page, login) {
  await page.goto("/staff/");
  await page.getByLabel("Login", { exact: true }).fill(login);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** A complaint through the public API, as the citizen app sends it. */
async function complain(request, institution) {
  const response = await request.post("/api/v1/submissions", {
    data: {
      id: randomUUID(),
      form: { id: "complaint", version: 2 },
      answers: {
        district: "URA",
        category: "school",
        institution,
        description: "Parents were asked for 5000 tenge for new curtains.",
        occurred_on: new Date().toISOString().slice(0, 10),
        anonymous: true,
      },
    },
  });
  expect(response.status()).toBe(201);
}

test("a volunteer logs in, lands on the district's monitoring tasks and starts the checklist of one", async ({ page, server }) => {
  server.user("aidos.volunteer", "volunteer", "URA", PASSWORD);
  // Three complaints about one school raise a monitoring task in Uralsk.
  for (let i = 0; i < 3; i++) await complain(page.request, "Journey school No. 5");

  await logIn(page, "aidos.volunteer");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Monitoring tasks · Uralsk city");
  await expect(page.locator(".banner.error")).toHaveCount(0);
  // The inbox is not theirs: not offered, and nothing refused on screen.
  await expect(page.getByRole("link", { name: "Inbox" })).toHaveCount(0);
  const task = page.getByRole("listitem").filter({ hasText: "Journey school No. 5" });
  await expect(task).toContainText("Complaints: 3");
  await snapshot(page, "52-volunteer-tasks");

  // The task opens the school checklist in the citizen app with the place filled in.
  await task.getByRole("link", { name: "Start the checklist" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("School monitoring checklist");
  await expect(page.getByLabel("School", { exact: true })).toHaveValue("Journey school No. 5");
  await expect(page.getByLabel("District")).toHaveValue("URA");
});

test("a 4000 px photo is scaled to at most 1600 px on the phone before it is sent", async ({ page, context, server }) => {
  await page.goto("/");
  await waitForOfflineReady(page);
  await context.setOffline(true);
  await page.getByRole("button", { name: "New complaint" }).click();
  await page.getByLabel("District").selectOption({ label: "Uralsk city" });
  await page.getByRole("radio", { name: "School" }).check();
  await page.getByLabel("Name of the institution").fill("School No. 8, Uralsk");
  await page.getByLabel("What happened").fill("A photo of the price list for the school's security guards.");
  await page.getByLabel("When it happened").fill(new Date().toISOString().slice(0, 10));
  await page.getByLabel("Send anonymously").check();
  const original = png(4000, 3000);
  await page.locator('input[type="file"]').setInputFiles({ name: "price-list.png", mimeType: "image/png", buffer: original });
  await expect(page.locator(".photo img")).toHaveCount(1, { timeout: 20_000 });
  // What the person sees is the scaled picture.
  const shown = await page.locator(".photo img").evaluate(async (img) => {
    await img.decode();
    return { width: img.naturalWidth, height: img.naturalHeight };
  });
  expect(shown).toEqual({ width: 1600, height: 1200 });
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.getByText("Waiting to send", { exact: true })).toBeVisible();
  const id = page.url().split("/item/")[1];

  await context.setOffline(false);
  await expect(page.getByTestId("tracking")).toHaveText(/^URA-\d{4}-A\d{5}$/, { timeout: 20_000 });
  const [row] = server.stored().filter((s) => s.id === id);
  const [photo] = row.attachments;
  expect(photo.content_type).toBe("image/jpeg");
  const file = readFileSync(join(server.dataDir, "attachments", "files", photo.id.slice(0, 2), photo.id));
  expect(jpegSize(file)).toEqual({ width: 1600, height: 1200 });
  expect(file.length).toBeLessThan(original.length);
});

test("an administrator disables an account, and that person's open session ends at their next step", async ({ page, browser, server }) => {
  server.user("root.admin", "administrator", null, PASSWORD);
  server.user("bota.volunteer", "volunteer", "URA", PASSWORD);
  // The volunteer is working.
  const volunteer = await browser.newContext({ baseURL: server.url, viewport: { width: 360, height: 740 } });
  const vpage = await volunteer.newPage();
  await logIn(vpage, "bota.volunteer");
  await expect(vpage.getByRole("heading", { level: 1 })).toHaveText("Monitoring tasks · Uralsk city");

  // The administrator lands on the accounts and disables the volunteer's.
  await logIn(page, "root.admin");
  await expect(page.getByRole("heading", { name: "Accounts" })).toBeVisible();
  const accounts = page.getByTestId("accounts");
  const account = accounts.locator(":scope > li").filter({ hasText: "bota.volunteer" });
  await account.locator("summary").click();
  await account.getByRole("button", { name: "Disable" }).click();
  await expect(accounts.locator(":scope > li").filter({ hasText: "bota.volunteer" }).locator("summary")).toContainText("disabled");
  await snapshot(page, "53-admin-disabled-account");

  // The volunteer's next step asks them to log in, and the password no longer opens it.
  await vpage.getByRole("link", { name: "Monitoring tasks" }).click();
  await expect(vpage.getByRole("button", { name: "Log in" })).toBeVisible();
  await expect(vpage.getByText("Your session has expired")).toBeVisible();
  await vpage.getByLabel("Login", { exact: true }).fill("bota.volunteer");
  await vpage.getByLabel("Password").fill(PASSWORD);
  await vpage.getByRole("button", { name: "Log in" }).click();
  await expect(vpage.getByTestId("login-error")).toHaveText("Wrong login or password.");
  await expect(vpage.getByRole("heading", { name: /Monitoring tasks/ })).toHaveCount(0);
  await volunteer.close();
});

test("a mediator's printed act is verified from its QR code on another phone with no signal", async ({ page, browser, server }) => {
  // The mediator prepares the act on their phone.
  await page.goto("/act");
  await page.getByLabel("Act number").fill("URA-2026-31");
  await page.getByLabel("District").selectOption({ label: "Uralsk city" });
  await page.getByLabel("Date of the mediation").fill("2026-03-12");
  await page.getByLabel("Where the mediation was held").fill("Орал, Достық даңғылы 1");
  await page.getByLabel("Mediator's full name").fill("Назым Ғабдуллина");
  await page.getByRole("radio", { name: "Public mediator" }).check();
  await page.getByLabel("Entry in the register of mediators (number, date)").fill("№ 0457 от 02.02.2024");
  await page.getByLabel("Agreement to mediate (number, date)").fill("№ 31 от 01.03.2026");
  await page.locator("#act-party-0-name").fill("Айгерим Сарсенова");
  await page.locator("#act-party-0-iin").fill("900101300007");
  await page.locator("#act-party-0-address").fill("Орал, Абай көшесі 5");
  await page.locator("#act-party-1-name").fill("Болат Кенжебеков");
  await page.locator("#act-party-1-iin").fill("850615300012");
  await page.locator("#act-party-1-address").fill("Орал, Абай көшесі 7");
  await page.getByLabel("What the dispute is about").fill("Сосед построил забор на нашей земле.");
  await page.getByLabel("Term 1").fill("Болат Кенжебеков переносит забор по границе участка за свой счёт до 1 мая 2026 года.");
  await page.locator("#act-term-0-due").fill("до 1 мая 2026 года");
  await page.locator("#act-term-0-manner").fill("за свой счёт");
  await page.getByLabel("Consequences if the terms are not fulfilled").fill("Исполняется принудительно.");
  await page.getByRole("button", { name: "Prepare the act" }).click();
  const hash = await page.getByTestId("full-hash").textContent();
  const text = await page.getByTestId("act-text").textContent();

  // The QR code printed on the act, read as a phone's camera would: the picture itself.
  await page.addScriptTag({ path: join(import.meta.dirname, "..", "node_modules", "jsqr", "dist", "jsQR.js") });
  const read = await page.getByTestId("act-doc").locator(".qr svg").evaluate(async (svg) => {
    const size = 400;
    const image = new Image();
    const xml = new XMLSerializer().serializeToString(svg);
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(xml)}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = size;
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, size, size);
    context.drawImage(image, 20, 20, size - 40, size - 40);
    const pixels = context.getImageData(0, 0, size, size);
    return window.jsQR(pixels.data, size, size)?.data ?? null;
  });
  expect(read).not.toBeNull();
  const target = new URL(read, server.url);
  expect(target.pathname).toBe("/verify");
  expect(target.hash).toBe(`#${hash}`);

  // Another phone that opened Adal once, now with no signal, follows the code.
  const other = await browser.newContext({ baseURL: server.url, viewport: { width: 360, height: 740 } });
  const phone = await other.newPage();
  await phone.goto("/");
  await waitForOfflineReady(phone);
  await other.setOffline(true);
  await phone.goto(target.pathname + target.hash);
  await expect(phone.getByLabel("Check code (hash)")).toHaveValue(hash);
  await phone.getByLabel("Text of the act").fill(text);
  await expect(phone.getByTestId("verify-result")).toHaveText(/^Matches/);
  await phone.getByLabel("Text of the act").fill(text.replace("до 1 мая 2026 года", "до 1 июня 2026 года"));
  await expect(phone.getByTestId("verify-result")).toHaveText(/^Does not match/);
  await other.close();
});
