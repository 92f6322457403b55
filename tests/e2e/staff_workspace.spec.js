// Issue 5: an office runs its inbox in the staff workspace (/staff/), part of the time
// offline: a citizen's complaint arrives, is registered, gets a question the citizen
// answers from the receipt, and a public answer written with no signal, queued, and
// sent when signal returns; the citizen's receipt shows it.
import { test, expect, waitForOfflineReady, snapshot, logIn, STAFF_PASSWORD } from "./harness.js";

async function sendComplaint(page) {
  await page.goto("/");
  await waitForOfflineReady(page);
  await page.getByRole("button", { name: "New complaint" }).click();
  await page.getByLabel("District").selectOption({ label: "Uralsk city" });
  await page.getByRole("radio", { name: "School" }).check();
  await page.getByLabel("Name of the institution").fill("School No. 41, Uralsk");
  await page.getByLabel("What happened").fill("The class teacher collected 3000 tenge from every parent for curtains.");
  await page.getByLabel("When it happened").fill("2026-11-18");
  await page.getByLabel("Send anonymously").check();
  await page.getByRole("button", { name: "Send", exact: true }).click();
  return (await page.getByTestId("tracking").textContent({ timeout: 20_000 })).trim();
}

test("staff register, question and answer a complaint, the answer written offline", async ({ page, context, server }) => {
  const tracking = await sendComplaint(page);
  server.user("aigerim", "office_staff", "URA", STAFF_PASSWORD);

  const staff = await context.newPage();
  await staff.goto("/staff/");
  await expect(staff.getByRole("heading", { level: 1 })).toHaveText("Staff login");
  await snapshot(staff, "30-staff-login");
  // A wrong password says so, and nothing else.
  await staff.getByLabel("Login", { exact: true }).fill("aigerim");
  await staff.getByLabel("Password").fill("not the password at all");
  await staff.getByRole("button", { name: "Log in" }).click();
  await expect(staff.getByTestId("login-error")).toHaveText("Wrong login or password.");
  await logIn(staff, "aigerim");

  // The district's inbox: the complaint, with the working days left to answer it.
  const row = staff.getByTestId("inbox-row").filter({ hasText: tracking });
  await expect(row).toBeVisible();
  await expect(row.getByTestId("days-left")).toHaveText(/^Working days left: \d+$|^Due today$/);
  await expect(row).toContainText("School No. 41, Uralsk");
  await snapshot(staff, "31-staff-inbox");

  await row.getByRole("link", { name: tracking }).click();
  await expect(staff.getByTestId("staff-tracking")).toHaveText(tracking);
  // The answers under the form's own labels, read-only.
  await expect(staff.locator(".answers")).toContainText("What happened");
  await expect(staff.locator(".answers")).toContainText("The class teacher collected 3000 tenge");
  await staff.getByRole("button", { name: "Register" }).click();
  const timeline = staff.getByTestId("staff-timeline");
  await expect(timeline.locator("li").filter({ hasText: "Registered" })).toBeVisible();
  await expect(staff.getByTestId("waiting-action")).toHaveCount(0);

  // An internal note stays in the office; a question goes to the citizen.
  await staff.getByText("Internal note", { exact: true }).first().click();
  await staff.getByLabel("Note", { exact: true }).fill("Called the school director; she will check.");
  await staff.getByRole("button", { name: "Add the note" }).click();
  await expect(timeline.locator("li.internal")).toContainText("Called the school director");
  await expect(timeline.locator("li.internal")).toContainText("aigerim");
  await staff.getByText("Ask for information", { exact: true }).first().click();
  await staff.getByLabel("Question to the citizen").fill("Which class is it?");
  await staff.getByRole("button", { name: "Ask for information" }).last().click();
  await expect(timeline.locator("li").filter({ hasText: "Which class is it?" })).toBeVisible();
  await snapshot(staff, "32-staff-item");

  // The citizen sees the question on the receipt, and not the note; replies from there.
  await page.reload();
  await expect(page.getByTestId("office-question")).toHaveText("Which class is it?");
  await expect(page.locator(".timeline")).not.toContainText("Called the school director");
  await page.getByLabel("Your reply").fill("Class 7B.");
  await page.getByRole("button", { name: "Send the reply" }).click();
  await expect(page.getByTestId("office-question")).toHaveCount(0, { timeout: 20_000 });
  await expect(page.locator(".timeline")).toContainText("Class 7B.");
  await staff.reload();
  await expect(timeline.locator("li").filter({ hasText: "The citizen replied" })).toContainText("Class 7B.");

  // No signal: the inbox and the item stay readable; the answer waits on the device.
  await waitForOfflineReady(staff);
  await context.setOffline(true);
  await staff.reload();
  await expect(staff.getByTestId("staff-tracking")).toHaveText(tracking);
  await expect(staff.getByText("Showing the copy saved on this device")).toBeVisible();
  await staff.getByRole("link", { name: "← Inbox" }).click();
  // Where it stands as last seen: the inbox saved earlier is kept in step with the item.
  await expect(staff.getByTestId("inbox-row").filter({ hasText: tracking })).toContainText("The citizen replied");
  await snapshot(staff, "33-staff-inbox-offline");
  await staff.getByRole("link", { name: tracking }).click();
  const answer = "The school returned the money to every parent of class 7B.";
  await staff.getByLabel("Public answer").fill(answer);
  await staff.getByRole("button", { name: "Send the answer" }).click();
  await expect(staff.getByTestId("waiting-action")).toContainText(answer);
  await expect(staff.getByTestId("staff-status")).toContainText("Waiting to send: 1");
  await snapshot(staff, "34-staff-item-offline-queued");

  await context.setOffline(false);
  await expect(staff.getByTestId("waiting-action")).toHaveCount(0, { timeout: 30_000 });
  await expect(timeline.locator("li").filter({ hasText: "Answered" })).toContainText(answer);

  await page.reload();
  await expect(page.getByTestId("public-answer")).toHaveText(answer);
  await snapshot(page, "35-receipt-after-staff");

  // The same screens in Russian and Kazakh, at 360 px.
  await staff.getByRole("button", { name: "Русский" }).click();
  await expect(staff.getByRole("heading", { name: "Действия" })).toBeVisible();
  await snapshot(staff, "36-staff-item-ru");
  await staff.getByRole("button", { name: "Қазақша" }).click();
  await staff.getByRole("link", { name: "Кіріс" }).first().click();
  await expect(staff.getByTestId("inbox-row").filter({ hasText: tracking })).toContainText("Жауап берілді");
  await snapshot(staff, "37-staff-inbox-kk");
});

test("a mediation request ends in a signed act that prints and verifies", async ({ page, context, server }) => {
  await page.goto("/");
  await waitForOfflineReady(page);
  await page.getByRole("button", { name: "Mediation request" }).click();
  await page.getByLabel("District").selectOption({ label: "Uralsk city" });
  await page.getByLabel("Your full name").fill("Айгерим Сарсенова");
  await page.getByLabel("Your phone").fill("8 701 234 56 78");
  await page.getByLabel("IIN (optional)").fill("900101300007");
  await page.getByLabel("Name, or the organisation's name").fill("Болат Кенжебеков");
  await page.getByRole("radio", { name: "By phone" }).check();
  await page.getByLabel("Phone", { exact: true }).fill("8 777 765 43 21");
  await page.getByRole("group", { name: /state body/ }).getByRole("radio", { name: "No" }).check();
  for (const question of [/corruption offence/, /lack legal capacity/, /outside it/]) {
    await page.getByRole("group", { name: question }).getByRole("radio", { name: "No" }).check();
  }
  await page.getByLabel("What the dispute is about").selectOption({ label: "Neighbours" });
  await page.getByLabel("What happened").fill("The neighbour built a fence on our land last spring.");
  await page.getByLabel("What you would like").fill("Move the fence back to the boundary.");
  await page.getByRole("radio", { name: "Russian" }).check();
  await page.getByRole("checkbox").last().check();
  await page.getByRole("button", { name: "Send", exact: true }).click();
  const tracking = (await page.getByTestId("tracking").textContent({ timeout: 20_000 })).trim();

  server.user("nazym", "mediator", "URA", STAFF_PASSWORD);
  const staff = await context.newPage();
  await logIn(staff, "nazym");
  await staff.getByTestId("inbox-row").filter({ hasText: tracking }).getByRole("link").click();
  await expect(staff.getByTestId("staff-tracking")).toHaveText(tracking);
  // A mediator is offered only the steps a mediator may take.
  await expect(staff.getByRole("button", { name: "Schedule a mediation session" })).toBeVisible();
  await expect(staff.getByText("Forward", { exact: true })).toHaveCount(0);
  await expect(staff.getByRole("button", { name: "Register" })).toHaveCount(0);

  // A session in three days, at 10:00, in the centre.
  const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await staff.getByLabel("Date", { exact: true }).fill(day);
  await staff.getByLabel("Time", { exact: true }).fill("10:00");
  await staff.getByLabel("Place", { exact: true }).fill("Орал, Достық даңғылы 1, 4-бөлме");
  await staff.getByLabel("Mediator", { exact: true }).fill("Назым Ғабдуллина");
  await staff.getByRole("button", { name: "Schedule a mediation session" }).click();
  const timeline = staff.getByTestId("staff-timeline");
  await expect(timeline.locator("li").filter({ hasText: "Mediation session scheduled" })).toBeVisible();

  await page.reload();
  const session = page.getByTestId("session");
  await expect(session).toContainText(`${day} 10:00`);
  await expect(session).toContainText("Орал, Достық даңғылы 1, 4-бөлме");
  await expect(session).toContainText("Назым Ғабдуллина");
  await snapshot(page, "38-receipt-session");

  await staff.getByText("Record the outcome", { exact: true }).first().click();
  await staff.getByRole("radio", { name: "The parties agreed" }).check();
  await staff.getByRole("button", { name: "Record the outcome" }).last().click();
  await expect(timeline.locator("li").filter({ hasText: "Mediation session held" })).toBeVisible();

  await staff.getByRole("link", { name: "Prepare and sign the reconciliation act" }).click();
  // A new act starts from what the request and its session say.
  await expect(staff.locator("#act-party-0-name")).toHaveValue("Айгерим Сарсенова");
  await expect(staff.locator("#act-party-1-name")).toHaveValue("Болат Кенжебеков");
  await expect(staff.locator("#act-party-0-iin")).toHaveValue("900101300007");
  await snapshot(staff, "38-staff-act-prefilled");
  await expect(staff.getByLabel("Mediator's full name")).toHaveValue("Назым Ғабдуллина");
  await expect(staff.getByLabel("Where the mediation was held")).toHaveValue("Орал, Достық даңғылы 1, 4-бөлме");
  await staff.getByLabel("Act number").fill("URA-2026-7");
  await staff.getByLabel("District").selectOption({ label: "Uralsk city" });
  await staff.getByLabel("Where the mediation was held").fill("Орал, Достық даңғылы 1");
  await staff.getByLabel("Mediator's full name").fill("Назым Ғабдуллина");
  await staff.getByLabel("Entry in the register of mediators (number, date)").fill("№ 0457 от 02.02.2024");
  await staff.getByLabel("Agreement to mediate (number, date)").fill("№ 7 от 01.03.2026");
  await staff.locator("#act-party-0-name").fill("Айгерим Сарсенова");
  await staff.locator("#act-party-0-iin").fill("900101300007");
  await staff.locator("#act-party-0-address").fill("Орал, Абай көшесі 5");
  await staff.locator("#act-party-1-name").fill("Болат Кенжебеков");
  await staff.locator("#act-party-1-iin").fill("850615300012");
  await staff.locator("#act-party-1-address").fill("Орал, Абай көшесі 7");
  await staff.getByLabel("What the dispute is about").fill("Сосед построил забор на нашей земле.");
  // Leaving the page keeps what was typed: it is a draft on the device.
  await staff.reload();
  await expect(staff.getByLabel("Act number")).toHaveValue("URA-2026-7");
  await expect(staff.locator("#act-party-1-name")).toHaveValue("Болат Кенжебеков");
  await expect(staff.locator("#act-party-1-iin")).toHaveValue("850615300012");
  await staff.getByLabel("Term 1").fill("Болат Кенжебеков переносит забор по границе участка до 1 мая.");
  await staff.locator("#act-term-0-due").fill("до 01.05.2026");
  await staff.locator("#act-term-0-manner").fill("за свой счёт");
  await staff.getByLabel("Consequences if the terms are not fulfilled").fill("Исполняется принудительно.");
  await staff.getByRole("button", { name: "Prepare the act" }).click();
  const staffHash = await staff.getByTestId("full-hash").textContent();
  await staff.getByRole("button", { name: "The act is signed — record it" }).click();
  await expect(staff.getByText("The act is recorded and queued to send.")).toBeVisible();
  await expect(staff.getByTestId("staff-status")).not.toContainText("waiting to send", { timeout: 20_000 });

  // The citizen's receipt: the act's number and check code, to print again and verify.
  await page.reload();
  const act = page.getByTestId("act-signed");
  await expect(act).toContainText("URA-2026-7");
  await snapshot(page, "39-receipt-act");
  await act.getByRole("link", { name: "Print" }).click();
  const doc = page.getByTestId("act-doc");
  await expect(doc.locator("td[lang=ru]").first()).toHaveText("АКТ ПРИМИРЕНИЯ № URA-2026-7");
  // The signed act is the Art. 27 one: the parties' IINs and addresses, the term's time
  // limit and manner, the consequences and the agreement to mediate are on it.
  await expect(doc).toContainText("1. Айгерим Сарсенова, ИИН 900101300007, адрес: Орал, Абай көшесі 5");
  await expect(doc).toContainText("2. Болат Кенжебеков, ИИН 850615300012, адрес: Орал, Абай көшесі 7");
  await expect(doc).toContainText("Срок исполнения: до 01.05.2026; способ исполнения: за свой счёт.");
  await expect(doc).toContainText("Последствия неисполнения:");
  await expect(doc).toContainText("Исполняется принудительно.");
  await expect(doc).toContainText("Договор о медиации: № 7 от 01.03.2026.");
  await expect(doc).toContainText("запись в реестре: № 0457 от 02.02.2024");
  const hash = await page.getByTestId("full-hash").textContent();
  expect(hash).toBe(staffHash);
  const text = await page.getByTestId("act-text").textContent();
  await page.goto("/verify");
  await page.getByLabel("Text of the act").fill(text);
  await page.getByLabel("Check code (hash)").fill(hash);
  await expect(page.getByTestId("verify-result")).toHaveText(/^Matches/);
});
