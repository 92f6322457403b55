// Issue 14: every role's journey in the real browser. A volunteer logs in and lands on the
// district's monitoring tasks (not on an inbox the server refuses them) and starts a
// checklist from one, then fills a whole checklist with no signal for an hour, through a
// reload, and it arrives once and closes the task; a 4000 px photo reaches the server
// scaled to 1600 px; an administrator disables an account and that person's open session
// ends at their next step, creates a district clerk who sees only that district, and adds
// a holiday that moves the clerk's answer day; a mediator takes a citizen's request to a
// session, an agreement and a signed act, printed and verified from its QR code on another
// phone offline.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { png, jpegSize, readQr } from "./pictures.js";
import { test, expect, waitForOfflineReady, snapshot, startServer, logIn, STAFF_PASSWORD } from "./harness.js";

/** A complaint through the public API, as the citizen app sends it; its tracking number.
 * Anonymous unless `name` is given. */
async function complain(request, institution, { district = "URA", name } = {}) {
  const who = name ? { anonymous: false, name, phone: "+7 701 234 56 78" } : { anonymous: true };
  const response = await request.post("/api/v1/submissions", {
    data: {
      id: randomUUID(),
      form: { id: "complaint", version: 2 },
      answers: {
        district,
        category: "school",
        institution,
        description: "Parents were asked for 5000 tenge for new curtains.",
        occurred_on: today(),
        ...who,
      },
    },
  });
  expect(response.status()).toBe(201);
  return (await response.json()).tracking;
}

/** Today's date as YYYY-MM-DD in UTC: never in the future, in the region or on the phone. */
function today() {
  return new Date().toISOString().slice(0, 10);
}

/** Checks the answer `answer` ("Yes" or "No") of the yes/no question named by `question`. */
async function answerYesNo(page, question, answer) {
  await page.getByRole("group", { name: question }).getByRole("radio", { name: answer, exact: true }).check();
}

test("a volunteer logs in, lands on the district's monitoring tasks and starts the checklist of one", async ({ page, server }) => {
  server.user("aidos.volunteer", "volunteer", "URA", STAFF_PASSWORD);
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

test("a volunteer fills a school's checklist with a photo offline for an hour, through a reload, and it arrives once and closes the task", async ({ page, context, server }) => {
  server.user("saule.volunteer", "volunteer", "URA", STAFF_PASSWORD);
  for (let i = 0; i < 3; i++) await complain(page.request, "Journey school No. 9");
  await context.grantPermissions(["geolocation"]);
  await context.setGeolocation({ latitude: 51.2278, longitude: 51.3865, accuracy: 15 });
  // The page's clock, so that an hour can pass in a second.
  await page.clock.install();

  await logIn(page, "saule.volunteer");
  const task = page.getByRole("listitem").filter({ hasText: "Journey school No. 9" });
  await task.getByRole("link", { name: "Start the checklist" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("School monitoring checklist");
  await expect(page.getByLabel("School", { exact: true })).toHaveValue("Journey school No. 9");
  const draft = new URL(page.url()).pathname;
  expect(draft).toMatch(/^\/draft\//);
  await waitForOfflineReady(page);

  // At the school's door, no signal: the first half of the checklist.
  await context.setOffline(true);
  await page.getByLabel("Date of the visit").fill(today());
  await page.getByLabel("Time of the visit").fill("10:40");
  await answerYesNo(page, "Is money being collected from parents?", "Yes");
  const collectedFor = page.getByRole("group", { name: "What it is collected for" });
  await collectedFor.getByRole("checkbox", { name: "Security guards" }).check();
  await collectedFor.getByRole("checkbox", { name: "Other" }).check();
  await page.getByLabel("What else").fill("New Year presents for the director");
  await page.getByLabel("How much is asked per child").fill("3 000");
  await page.getByRole("group", { name: "Who collects the money" }).getByRole("radio", { name: "Parents' committee" }).check();
  await expect(page.getByText("Saved on this device", { exact: true })).toBeVisible();
  await snapshot(page, "70-volunteer-checklist-offline");

  // Half an hour later the phone has reloaded the page, still with no signal.
  await page.clock.fastForward("30:00");
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("School monitoring checklist");
  expect(new URL(page.url()).pathname).toBe(draft);
  await expect(page.getByLabel("School", { exact: true })).toHaveValue("Journey school No. 9");
  await expect(page.getByLabel("Date of the visit")).toHaveValue(today());
  await expect(page.getByLabel("Time of the visit")).toHaveValue("10:40");
  await expect(page.getByRole("group", { name: "Is money being collected from parents?" }).getByRole("radio", { name: "Yes", exact: true })).toBeChecked();
  await expect(collectedFor.getByRole("checkbox", { name: "Security guards" })).toBeChecked();
  await expect(collectedFor.getByRole("checkbox", { name: "Other" })).toBeChecked();
  await expect(collectedFor.getByRole("checkbox", { name: "Repairs" })).not.toBeChecked();
  await expect(page.getByLabel("What else")).toHaveValue("New Year presents for the director");
  await expect(page.getByLabel("How much is asked per child")).toHaveValue("3 000");
  await expect(page.getByRole("radio", { name: "Parents' committee" })).toBeChecked();

  // The rest of the visit: the questions left, a photo of the notice, the place.
  await answerYesNo(page, "Are receipts given for the payments?", "No");
  await answerYesNo(page, "Is a price list of paid services on display?", "No");
  await page.getByRole("group", { name: "How the staff behaved" }).getByRole("radio", { name: "Rude" }).check();
  const notes = "The notice about the security fee hangs by the entrance; the caretaker collects it in cash.";
  await page.getByLabel("Other notes").fill(notes);
  await page.locator('input[type="file"]').setInputFiles({ name: "notice.png", mimeType: "image/png", buffer: png(2000, 1500) });
  await expect(page.locator(".photo img")).toHaveCount(1, { timeout: 20_000 });
  await page.getByRole("button", { name: "Use my location" }).click();
  await expect(page.getByRole("button", { name: "Remove location" })).toBeVisible();
  await snapshot(page, "71-volunteer-checklist-photo-place");
  await page.clock.fastForward("30:00");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.getByText("Waiting to send", { exact: true })).toBeVisible();
  const id = page.url().split("/item/")[1];
  await snapshot(page, "72-volunteer-checklist-waiting");
  expect(server.stored().filter((s) => s.id === id)).toHaveLength(0);

  // Signal again, an hour after the visit began: it arrives, once, with its photo.
  await context.setOffline(false);
  const tracking = page.getByTestId("tracking");
  await expect(tracking).toHaveText(/^URA-\d{4}-\d{5}$/, { timeout: 30_000 });
  const number = (await tracking.textContent()).trim();
  await page.reload();
  await expect(page.getByTestId("tracking")).toHaveText(number);
  const checklists = server.stored().filter((s) => s.form.id === "monitoring_school" && s.answers.institution === "Journey school No. 9");
  expect(checklists).toHaveLength(1);
  const [checklist] = checklists;
  expect(checklist.id).toBe(id);
  expect(checklist.answers).toMatchObject({
    district: "URA",
    visit_date: today(),
    visit_time: "10:40",
    money_collected: true,
    collected_for: ["security", "other"],
    collected_for_other: "New Year presents for the director",
    amount: 3000,
    collected_by: "parents_committee",
    receipts_given: false,
    price_list_posted: false,
    staff_behaviour: "rude",
    notes,
  });
  expect(checklist.answers.location).toMatchObject({ lat: 51.2278, lon: 51.3865 });
  expect(checklist.attachments).toHaveLength(1);

  // The district's task is done, by this checklist, and offers no new one.
  await page.goto("/staff/tasks");
  const done = page.getByRole("listitem").filter({ hasText: "Journey school No. 9" });
  await expect(done).toContainText(`Done · ${number}`);
  await expect(done.getByRole("link", { name: "Start the checklist" })).toHaveCount(0);
  await snapshot(page, "73-volunteer-task-done");
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
  server.user("root.admin", "administrator", null, STAFF_PASSWORD);
  server.user("bota.volunteer", "volunteer", "URA", STAFF_PASSWORD);
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
  await vpage.getByLabel("Password").fill(STAFF_PASSWORD);
  await vpage.getByRole("button", { name: "Log in" }).click();
  await expect(vpage.getByTestId("login-error")).toHaveText("Wrong login or password.");
  await expect(vpage.getByRole("heading", { name: /Monitoring tasks/ })).toHaveCount(0);
  await volunteer.close();
});

/** The date after `day` (YYYY-MM-DD) that is a working day: a weekday not among
 * `daysOff`, or a weekend among `worked`. */
function nextWorkingDay(day, daysOff, worked) {
  const date = new Date(`${day}T00:00:00Z`);
  for (;;) {
    date.setUTCDate(date.getUTCDate() + 1);
    const iso = date.toISOString().slice(0, 10);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    if (worked.includes(iso) || (!weekend && !daysOff.includes(iso))) return iso;
  }
}

test("an administrator creates a district's clerk, who logs in to that district alone, and a holiday added to the calendar moves the clerk's answer day", async ({ browser }) => {
  // A server of its own: the calendar edited here must not move other tests' days.
  const server = await startServer();
  const phone = () => browser.newContext({ baseURL: server.url, viewport: { width: 360, height: 740 } });
  const [office, clerkPhone] = [await phone(), await phone()];
  try {
    server.user("root.admin", "administrator", null, STAFF_PASSWORD);
    const ours = await complain(office.request, "Terekti school No. 3", { district: "TER", name: "Aigerim S." });
    const theirs = await complain(office.request, "Uralsk school No. 30", { district: "URA", name: "Bolat K." });

    // The administrator creates the account of a clerk of Terekti.
    const admin = await office.newPage();
    await logIn(admin, "root.admin");
    await expect(admin.getByRole("heading", { level: 1 })).toHaveText("Administration");
    const form = admin.getByRole("region", { name: "New account" });
    const clerkPassword = "apple river lantern 42";
    await form.getByLabel("Login").fill("dana.clerk");
    await form.getByLabel("Role").selectOption({ label: "Office staff" });
    await form.getByLabel("District").selectOption({ label: "Terekti district" });
    await form.getByLabel("Password").fill(clerkPassword);
    await form.getByRole("button", { name: "Create" }).click();
    await expect(form.getByRole("status")).toHaveText("Account dana.clerk created.");
    await expect(form.getByLabel("Login")).toHaveValue("");
    // The list of accounts shows it at once, with its role and district.
    const account = admin.getByTestId("accounts").locator(":scope > li").filter({ hasText: "dana.clerk" });
    await expect(account.locator("summary")).toHaveText("dana.clerk · Office staff · Terekti district");
    await expect(admin.getByTestId("audit").locator("li").first()).toContainText("root.admin · manage_accounts · dana.clerk · allowed");
    await snapshot(admin, "74-admin-account-created");

    // The clerk logs in with the password given, on their own phone, to Terekti's inbox.
    const clerk = await clerkPhone.newPage();
    await clerk.goto("/staff/");
    await clerk.getByLabel("Login", { exact: true }).fill("dana.clerk");
    await clerk.getByLabel("Password").fill(clerkPassword);
    await clerk.getByRole("button", { name: "Log in" }).click();
    await expect(clerk.getByRole("heading", { level: 1 })).toHaveText("Inbox · Terekti district");
    await expect(clerk.getByTestId("inbox-row")).toHaveCount(1);
    await expect(clerk.getByTestId("inbox-row")).toContainText(ours);
    await expect(clerk.getByTestId("inbox-row")).toContainText("Terekti school No. 3");
    await expect(clerk.getByText(theirs)).toHaveCount(0);
    // No other district to choose, and no administration.
    await expect(clerk.getByLabel("District", { exact: true })).toHaveCount(0);
    await expect(clerk.getByRole("link", { name: "Administration" })).toHaveCount(0);
    await snapshot(clerk, "75-clerk-inbox-own-district");

    // Another district's item, by its link: refused in words, and not as "no signal".
    await clerk.goto(`/staff/item/${theirs}`);
    await expect(clerk.getByTestId("item-refused")).toHaveText("You are not allowed to do this.");
    await expect(clerk.getByText("no connection")).toHaveCount(0);
    await expect(clerk.getByText("Uralsk school No. 30")).toHaveCount(0);
    await snapshot(clerk, "76-clerk-other-district-refused");
    await clerk.getByRole("link", { name: "← Inbox" }).click();
    await clerk.getByRole("link", { name: ours }).click();
    await expect(clerk.getByTestId("staff-tracking")).toHaveText(ours);
    const answerBy = clerk.locator("dt", { hasText: "Answer by" }).locator("+ dd");
    const before = (await answerBy.textContent()).trim();
    expect(before).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // The administrator declares that very day a holiday.
    const calendar = admin.getByRole("region", { name: "Working-day calendar" });
    // It opens on this year of the region (UTC+5), when the calendar holds it.
    const published = (await (await clerkPhone.request.get("/api/v1/calendar")).json()).years.map((y) => String(y.year));
    const thisYear = String(new Date(Date.now() + 5 * 3600e3).getUTCFullYear());
    await expect(calendar.getByLabel("Year")).toHaveValue(published.includes(thisYear) ? thisYear : published[0]);
    await calendar.getByLabel("Year").selectOption(before.slice(0, 4));
    const daysOff = calendar.getByLabel("Days off (holidays and transferred days)");
    await expect(daysOff).not.toHaveValue("");
    const listed = (await daysOff.inputValue()).split("\n").filter(Boolean);
    expect(listed).not.toContain(before);
    await daysOff.fill([...listed, before].join("\n"));
    await calendar.getByRole("button", { name: "Save" }).click();
    await expect(calendar.getByRole("status")).toHaveText("Saved.");
    // Every year's days off and worked weekends as the server now publishes them, to
    // find the next working day even across a new year.
    const { years } = await (await clerkPhone.request.get("/api/v1/calendar")).json();
    const daysOffNow = years.flatMap((y) => y.days_off);
    expect(daysOffNow).toContain(before);
    const worked = years.flatMap((y) => y.working_weekends);

    // The calendar screen, opened again, holds it.
    await admin.reload();
    await admin.getByRole("region", { name: "Working-day calendar" }).getByLabel("Year").selectOption(before.slice(0, 4));
    await expect(admin.getByRole("region", { name: "Working-day calendar" }).getByLabel("Days off (holidays and transferred days)")).toHaveValue(new RegExp(`(^|\\n)${before}($|\\n)`));
    await expect(admin.getByTestId("audit").locator("li").first()).toContainText(`root.admin · manage_calendar · calendar ${before.slice(0, 4)} · allowed`);
    await admin.getByRole("region", { name: "Working-day calendar" }).scrollIntoViewIfNeeded();
    await snapshot(admin, "77-admin-calendar-holiday");

    // The clerk's answer day is now the next working day.
    await clerk.reload();
    await expect(clerk.getByTestId("staff-tracking")).toHaveText(ours);
    await expect(answerBy).toHaveText(nextWorkingDay(before, daysOffNow, worked));
    await snapshot(clerk, "78-clerk-answer-day-moved");
  } finally {
    await office.close();
    await clerkPhone.close();
    await server.stop();
  }
});

test("a mediator takes a citizen's request to a session, an agreement and a signed act, printed and verified from its QR code on another phone with no signal", async ({ page, context, browser, server }) => {
  // The citizen asks for mediation in the app.
  await page.goto("/");
  await waitForOfflineReady(page);
  await page.getByRole("button", { name: "Mediation request" }).click();
  await page.getByLabel("District").selectOption({ label: "Uralsk city" });
  await page.getByLabel("Your full name").fill("Гульнар Есенова");
  await page.getByLabel("Your phone").fill("8 701 555 12 34");
  await page.getByLabel("IIN (optional)").fill("900101300007");
  await page.getByLabel("Name, or the organisation's name").fill("Ерлан Жумабаев");
  await page.getByRole("radio", { name: "By phone" }).check();
  await page.getByLabel("Phone", { exact: true }).fill("8 777 700 11 22");
  await answerYesNo(page, /state body/, "No");
  for (const question of [/corruption offence/, /lack legal capacity/, /outside it/]) await answerYesNo(page, question, "No");
  await page.getByLabel("What the dispute is about").selectOption({ label: "Neighbours" });
  await page.getByLabel("What happened").fill("The neighbour's roof drains onto our yard and floods it every rain.");
  await page.getByLabel("What you would like").fill("A gutter that leads the water to the street.");
  await page.getByRole("radio", { name: "Russian" }).check();
  await page.getByRole("checkbox").last().check();
  await page.getByRole("button", { name: "Send", exact: true }).click();
  const tracking = (await page.getByTestId("tracking").textContent({ timeout: 20_000 })).trim();

  // The mediator finds it in the district's inbox by its number.
  server.user("aliya.mediator", "mediator", "URA", STAFF_PASSWORD);
  const staff = await context.newPage();
  await logIn(staff, "aliya.mediator");
  await expect(staff.getByRole("heading", { level: 1 })).toHaveText("Inbox · Uralsk city");
  await staff.getByLabel("Search").fill(tracking);
  const row = staff.getByTestId("inbox-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Mediation request");
  await row.getByRole("link", { name: tracking }).click();
  await expect(staff.getByTestId("staff-tracking")).toHaveText(tracking);
  await expect(staff.locator(".answers")).toContainText("The neighbour's roof drains onto our yard");

  // A session in two days, at 15:30.
  const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  await staff.getByLabel("Date", { exact: true }).fill(day);
  await staff.getByLabel("Time", { exact: true }).fill("15:30");
  await staff.getByLabel("Place", { exact: true }).fill("Орал, Достық даңғылы 1, 4-бөлме");
  await staff.getByLabel("Mediator", { exact: true }).fill("Әлия Нұрланқызы");
  await staff.getByRole("button", { name: "Schedule a mediation session" }).click();
  const timeline = staff.getByTestId("staff-timeline");
  await expect(timeline.locator("li").filter({ hasText: "Mediation session scheduled" })).toContainText(`${day} 15:30`);
  await page.reload();
  await expect(page.getByTestId("session")).toContainText(`${day} 15:30`);
  await expect(page.getByTestId("session")).toContainText("Әлия Нұрланқызы");

  // The parties agree.
  await staff.getByText("Record the outcome", { exact: true }).first().click();
  await staff.getByRole("radio", { name: "The parties agreed" }).check();
  await staff.getByRole("button", { name: "Record the outcome" }).last().click();
  await expect(timeline.locator("li").filter({ hasText: "Mediation session held" })).toContainText("Стороны достигли согласия");
  await snapshot(staff, "79-mediator-outcome");

  // The act, started from the request and its session, completed with what Art. 27 asks.
  await staff.getByRole("link", { name: "Prepare and sign the reconciliation act" }).click();
  await expect(staff.locator("#act-party-0-name")).toHaveValue("Гульнар Есенова");
  await expect(staff.locator("#act-party-1-name")).toHaveValue("Ерлан Жумабаев");
  await expect(staff.getByLabel("Mediator's full name")).toHaveValue("Әлия Нұрланқызы");
  await staff.getByLabel("Act number").fill("URA-2026-41");
  await staff.getByLabel("Entry in the register of mediators (number, date)").fill("№ 0612 от 15.05.2024");
  await staff.getByLabel("Agreement to mediate (number, date)").fill("№ 41 от 01.12.2026");
  await staff.locator("#act-party-0-address").fill("Орал, Абай көшесі 9");
  await staff.locator("#act-party-1-iin").fill("850615300012");
  await staff.locator("#act-party-1-address").fill("Орал, Абай көшесі 11");
  await staff.getByLabel("What the dispute is about").fill("Вода с крыши соседа стекает на наш двор.");
  await staff.getByLabel("Term 1").fill("Ерлан Жумабаев устанавливает водосток с крыши на улицу.");
  await staff.locator("#act-term-0-due").fill("до 1 июня 2026 года");
  await staff.locator("#act-term-0-manner").fill("за свой счёт");
  await staff.getByLabel("Consequences if the terms are not fulfilled").fill("Исполняется принудительно.");
  await staff.getByRole("button", { name: "Prepare the act" }).click();
  const doc = staff.getByTestId("act-doc");
  await expect(doc.locator("td[lang=ru]").first()).toHaveText("АКТ ПРИМИРЕНИЯ № URA-2026-41");
  await expect(doc).toContainText("1. Гульнар Есенова, ИИН 900101300007, адрес: Орал, Абай көшесі 9");
  await expect(doc).toContainText("2. Ерлан Жумабаев, ИИН 850615300012, адрес: Орал, Абай көшесі 11");
  await expect(doc).toContainText("запись в реестре: № 0612 от 15.05.2024");
  await expect(doc).toContainText("Срок исполнения: до 1 июня 2026 года; способ исполнения: за свой счёт.");
  const hash = await staff.getByTestId("full-hash").textContent();
  const text = await staff.getByTestId("act-text").textContent();

  // As it prints: the act alone, with its QR code.
  await staff.emulateMedia({ media: "print" });
  await expect(staff.locator("header.top")).toBeHidden();
  await expect(staff.getByRole("button", { name: "Print" })).toBeHidden();
  await expect(doc.locator(".signature")).toHaveCount(3);
  await expect(doc.locator(".qr svg")).toBeVisible();
  await snapshot(staff, "80-mediator-act-print");
  const read = await readQr(doc.locator(".qr svg"));
  await staff.emulateMedia({ media: "screen" });

  // Signed on paper, recorded: the item and the citizen's receipt show it.
  await staff.getByRole("button", { name: "The act is signed — record it" }).click();
  await expect(staff.getByText("The act is recorded and queued to send.")).toBeVisible();
  await expect(staff.getByTestId("staff-status")).not.toContainText("waiting to send", { timeout: 20_000 });
  await staff.getByRole("link", { name: "← Back to the item" }).click();
  await expect(timeline.locator("li").filter({ hasText: "Reconciliation act signed" })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("act-signed")).toContainText("URA-2026-41");
  await expect(page.getByTestId("act-short-hash")).toHaveText(hash.slice(0, 16).match(/.{4}/g).join(" "));

  // The QR code printed on the act leads to the check of this act.
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
  await snapshot(phone, "81-other-phone-verifies-offline");
  await phone.getByLabel("Text of the act").fill(text.replace("до 1 июня 2026 года", "до 1 июля 2026 года"));
  await expect(phone.getByTestId("verify-result")).toHaveText(/^Does not match/);
  await other.close();
});
