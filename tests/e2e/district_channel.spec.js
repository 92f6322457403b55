// Issue 14, the seed's missing piece: one channel between the districts. A member of the
// Uralsk office posts what worked; a colleague in Terekti, with the channel open, sees it
// arrive without reloading (server-sent events), replies, then loses signal: the thread
// stays readable, a reply written offline waits on the device and is delivered once when
// signal returns. A post's photos are taken offline too, kept on the device and sent with
// it; curators pin and hide their district's posts, and office staff cannot.
import { png, jpegSize } from "./pictures.js";
import { test, expect, waitForOfflineReady, snapshot, logIn, STAFF_PASSWORD } from "./harness.js";

/** Posts a new thread through the compose form. */
async function post(page, topic, text) {
  // The form stays unfolded after a post.
  if (!(await page.locator("details.compose-box").evaluate((d) => d.open))) {
    await page.getByText("New post", { exact: true }).click();
  }
  await page.getByLabel("Topic", { exact: true }).selectOption({ label: topic });
  await page.getByLabel("What worked").fill(text);
  await page.getByRole("button", { name: "Post", exact: true }).click();
  await expect(page.getByTestId("channel-post").filter({ hasText: text })).toBeVisible();
}

/** How many photo files the device keeps (the `attachments` store of IndexedDB). */
async function photosKept(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open("adal");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const kept = await new Promise((resolve) => {
      const count = db.transaction("attachments").objectStore("attachments").count();
      count.onsuccess = () => resolve(count.result);
    });
    db.close();
    return kept;
  });
}

async function logInToChannel(page, login) {
  await logIn(page, login);
  await expect(page.getByRole("link", { name: "Channel between districts" })).toBeVisible();
}

test("a post from one district reaches another live, and a reply written offline is delivered once", async ({ browser, server, baseURL }) => {
  server.user("dana.ura", "office_staff", "URA", STAFF_PASSWORD);
  server.user("nurlan.ter", "office_staff", "TER", STAFF_PASSWORD);
  const uralsk = await browser.newContext({ baseURL });
  const terekti = await browser.newContext({ baseURL });
  const author = await uralsk.newPage();
  const reader = await terekti.newPage();

  await logInToChannel(reader, "nurlan.ter");
  await reader.getByRole("link", { name: "Channel between districts" }).click();
  await expect(reader.getByRole("heading", { level: 1 })).toHaveText("Channel between districts");
  await expect(reader.getByTestId("channel-posts")).toContainText("No posts yet.");

  await logInToChannel(author, "dana.ura");
  await author.goto("/staff/channel");
  // Nothing typed is lost to a refusal: the topic is missing, and said so.
  await author.getByText("New post", { exact: true }).click();
  const text = "We met the director of the Ақжайық school with the parents' committee: the fees for curtains stopped.";
  await author.getByLabel("What worked").fill(text);
  await author.getByRole("button", { name: "Post", exact: true }).click();
  await expect(author.getByTestId("channel-compose")).toContainText("Please fill in this field.");
  await expect(author.getByLabel("What worked")).toHaveValue(text);
  await author.getByLabel("Topic", { exact: true }).selectOption({ label: "Schools" });
  await author.getByRole("button", { name: "Post", exact: true }).click();
  await expect(author.getByTestId("channel-post").filter({ hasText: text })).toBeVisible();

  // Terekti never reloaded: the post arrives over the event stream.
  const arrived = reader.getByTestId("channel-post").filter({ hasText: text });
  await expect(arrived).toBeVisible();
  await expect(arrived).toContainText("dana.ura");
  await expect(arrived).toContainText("Uralsk");
  await expect(arrived).toContainText("Schools");
  await snapshot(reader, "60-staff-channel");

  // Topic filter and search, the search in another script than the post.
  await reader.getByLabel("Show topic").selectOption({ label: "Clinics" });
  await expect(reader.getByTestId("channel-post")).toHaveCount(0);
  await reader.getByLabel("Show topic").selectOption({ label: "All topics" });
  await reader.getByLabel("Search the channel").fill("akzhai");
  await expect(reader.getByTestId("channel-post")).toHaveCount(1);
  await reader.getByLabel("Search the channel").fill("akzhai hospital");
  await expect(reader.getByTestId("channel-post")).toHaveCount(0);
  await reader.getByLabel("Search the channel").fill("");

  await arrived.getByRole("link", { name: /Open the thread/ }).click();
  const thread = reader.getByTestId("channel-thread");
  await expect(thread).toContainText(text);
  const first = "We tried the same in Terekti: the akimat's deputy came too.";
  await reader.getByLabel("Your answer").fill(first);
  await reader.getByRole("button", { name: "Reply" }).click();
  await expect(thread.getByTestId("channel-post").filter({ hasText: first })).toBeVisible();
  // Uralsk sees the reply counted without reloading.
  await expect(author.getByTestId("channel-post").filter({ hasText: text })).toContainText("1 replies");

  // No signal: the thread is still there, from the device.
  await waitForOfflineReady(reader);
  await terekti.setOffline(true);
  await reader.reload();
  await expect(thread).toContainText(text);
  await expect(thread).toContainText(first);
  await expect(reader.getByText("Showing the last copy saved on this device")).toBeVisible();
  const offline = "Written without signal: the parents' letter template is in our folder.";
  await reader.getByLabel("Your answer").fill(offline);
  await reader.getByRole("button", { name: "Reply" }).click();
  await expect(reader.getByTestId("channel-waiting")).toContainText(offline);
  await expect(reader.getByTestId("staff-status")).toContainText("Waiting to send: 1");
  await snapshot(reader, "61-staff-channel-thread-offline");

  await terekti.setOffline(false);
  await expect(reader.getByTestId("channel-waiting")).toHaveCount(0, { timeout: 30_000 });
  await expect(thread.getByTestId("channel-post").filter({ hasText: offline })).toHaveCount(1);

  // Delivered once, as the server holds it.
  const id = reader.url().split("/").pop();
  const stored = await (await reader.request.get(`/api/v1/staff/channel/posts/${id}`)).json();
  expect(stored.replies.map((r) => r.text)).toEqual([first, offline]);
  await expect(author.getByTestId("channel-post").filter({ hasText: text })).toContainText("2 replies");

  await uralsk.close();
  await terekti.close();
});

test("a post with photos written without signal keeps them on the device and arrives with them, described for screen readers", async ({ browser, server, baseURL }) => {
  server.user("aigerim.ura", "office_staff", "URA", STAFF_PASSWORD);
  server.user("marat.ter", "office_staff", "TER", STAFF_PASSWORD);
  const uralsk = await browser.newContext({ baseURL });
  const author = await uralsk.newPage();
  await logInToChannel(author, "aigerim.ura");
  await author.goto("/staff/channel");
  await waitForOfflineReady(author);

  await uralsk.setOffline(true);
  await author.getByText("New post", { exact: true }).click();
  await author.getByLabel("Topic", { exact: true }).selectOption({ label: "Clinics" });
  const text = "The clinic's price list, photographed: the paid 'queue fee' is gone since our visit.";
  await author.getByLabel("What worked").fill(text);
  const compose = author.getByTestId("channel-compose");
  await compose.locator('input[type="file"]').setInputFiles([
    { name: "price-list.png", mimeType: "image/png", buffer: png(3200, 2400) },
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a picture") },
  ]);
  // The picture is kept (scaled down on the device); the text file is refused, said so.
  await expect(compose.getByRole("img", { name: /^Photo \(\d+ KB\)$/ })).toHaveCount(1);
  await expect(compose).toContainText("This file could not be opened as a picture.");
  await compose.locator('input[type="file"]').setInputFiles({ name: "letter.png", mimeType: "image/png", buffer: png(600, 800) });
  await expect(compose.getByRole("img", { name: /^Photo \(\d+ KB\)$/ })).toHaveCount(2);
  await expect(compose).toContainText("Photos are kept on this device and sent when there is signal.");
  await snapshot(author, "62-staff-channel-compose-photos");
  // Taking one off leaves the other.
  await compose.getByRole("button", { name: "Remove photo" }).last().click();
  await expect(compose.getByRole("img", { name: /^Photo \(\d+ KB\)$/ })).toHaveCount(1);
  await compose.locator('input[type="file"]').setInputFiles({ name: "letter.png", mimeType: "image/png", buffer: png(600, 800) });
  await expect(compose.getByRole("img", { name: /^Photo \(\d+ KB\)$/ })).toHaveCount(2);

  await author.getByRole("button", { name: "Post", exact: true }).click();
  const waiting = author.getByTestId("channel-waiting");
  await expect(waiting).toContainText(text);
  await expect(waiting).toContainText("Photos: 2, waiting on this device to be sent");
  await expect(compose.getByRole("img")).toHaveCount(0);
  await expect(author.getByTestId("staff-status")).toContainText("Waiting to send: 1");

  await uralsk.setOffline(false);
  await expect(waiting).toHaveCount(0, { timeout: 30_000 });
  const sent = author.getByTestId("channel-post").filter({ hasText: text });
  await expect(sent.getByRole("img", { name: "Photo 1 of 2, from aigerim.ura" })).toBeVisible();
  await expect(sent.getByRole("img", { name: "Photo 2 of 2, from aigerim.ura" })).toBeVisible();

  // Another district reads the thread with its photos, as scaled down on the device.
  const terekti = await browser.newContext({ baseURL });
  const reader = await terekti.newPage();
  await logInToChannel(reader, "marat.ter");
  await reader.goto("/staff/channel");
  await reader.getByTestId("channel-post").filter({ hasText: text }).getByRole("link", { name: /Open the thread/ }).click();
  const thread = reader.getByTestId("channel-thread");
  const first = thread.getByRole("img", { name: "Photo 1 of 2, from aigerim.ura" });
  await expect(first).toBeVisible();
  await expect.poll(() => first.evaluate((img) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  const served = await reader.request.get(await first.getAttribute("src"));
  expect(served.status()).toBe(200);
  expect(served.headers()["content-type"]).toBe("image/jpeg");
  expect(jpegSize(await served.body())).toEqual({ width: 1600, height: 1200 });
  await snapshot(reader, "63-staff-channel-thread-photos");

  // Sent once, and the device no longer keeps the files.
  const id = reader.url().split("/").pop();
  const stored = await (await reader.request.get(`/api/v1/staff/channel/posts/${id}`)).json();
  expect(stored.post.photos).toHaveLength(2);
  expect(await photosKept(author)).toBe(0);

  // A photo chosen for a reply that is never sent leaves the device with the form.
  await author.getByTestId("channel-post").filter({ hasText: text }).getByRole("link", { name: /Open the thread/ }).click();
  await expect(author.getByTestId("channel-thread")).toContainText(text);
  await author.getByTestId("channel-compose").locator('input[type="file"]').setInputFiles({ name: "letter.png", mimeType: "image/png", buffer: png(600, 800) });
  await expect(author.getByTestId("channel-compose").getByRole("img")).toHaveCount(1);
  expect(await photosKept(author)).toBe(1);
  await author.getByRole("link", { name: "← Back to the channel" }).click();
  await expect.poll(() => photosKept(author)).toBe(0);

  await uralsk.close();
  await terekti.close();
});

test("a curator pins and hides their district's posts for every reader, and office staff have no such buttons", async ({ browser, server, baseURL }) => {
  server.user("erlan.ura", "office_staff", "URA", STAFF_PASSWORD);
  server.user("saule.ura", "curator", "URA", STAFF_PASSWORD);
  server.user("aida.ter", "office_staff", "TER", STAFF_PASSWORD);
  const contexts = await Promise.all([1, 2, 3].map(() => browser.newContext({ baseURL })));
  const [staff, curator, reader] = await Promise.all(contexts.map((c) => c.newPage()));

  await logInToChannel(staff, "erlan.ura");
  await staff.goto("/staff/channel");
  const older = "The akimat answers faster when the letter cites the article of the law.";
  const newer = "Someone's phone number posted here by mistake: 8 701 000 00 00.";
  await post(staff, "Akimat", older);
  await post(staff, "Akimat", newer);

  await logInToChannel(reader, "aida.ter");
  await reader.goto("/staff/channel");
  // The threads of the worker's earlier tests are listed too; the newest comes first.
  await expect(reader.getByTestId("channel-post").filter({ hasText: older })).toHaveCount(1);
  await expect(reader.getByTestId("channel-post").first()).toContainText(newer);

  // Office staff read their own district's thread without moderation buttons.
  await staff.getByTestId("channel-post").filter({ hasText: older }).getByRole("link", { name: /Open the thread/ }).click();
  await expect(staff.getByTestId("channel-thread")).toContainText(older);
  await expect(staff.getByRole("button", { name: /^(Pin|Hide)$/ })).toHaveCount(0);

  await logInToChannel(curator, "saule.ura");
  await curator.goto("/staff/channel");
  await curator.getByTestId("channel-post").filter({ hasText: older }).getByRole("link", { name: /Open the thread/ }).click();
  const thread = curator.getByTestId("channel-thread");
  await expect(thread).toContainText(older);
  await curator.getByRole("button", { name: "Pin", exact: true }).click();
  await expect(thread.getByTestId("channel-post").first()).toContainText("Pinned");
  await expect(curator.getByRole("button", { name: "Unpin", exact: true })).toBeVisible();

  // The pinned thread comes first for the other district (live, no reload).
  await expect(reader.getByTestId("channel-post").first()).toContainText(older);
  await expect(reader.getByTestId("channel-post").first()).toContainText("Pinned");

  await curator.getByRole("link", { name: "← Back to the channel" }).click();
  await curator.getByTestId("channel-post").filter({ hasText: newer }).getByRole("link", { name: /Open the thread/ }).click();
  await expect(thread).toContainText(newer);
  await curator.getByRole("button", { name: "Hide", exact: true }).click();
  await expect(thread.getByTestId("channel-post").first()).toContainText("Hidden");
  await expect(curator.getByRole("button", { name: "Show again", exact: true })).toBeVisible();

  // The reader no longer sees it, in the list or by its address.
  await reader.reload();
  await expect(reader.getByTestId("channel-post").filter({ hasText: older })).toHaveCount(1);
  await expect(reader.getByTestId("channel-posts")).not.toContainText(newer);
  const hiddenId = curator.url().split("/").pop();
  expect((await reader.request.get(`/api/v1/staff/channel/posts/${hiddenId}`)).status()).toBe(404);

  // The curator still sees it, marked hidden.
  await curator.getByRole("link", { name: "← Back to the channel" }).click();
  const hidden = curator.getByTestId("channel-post").filter({ hasText: newer });
  await expect(hidden).toBeVisible();
  await expect(hidden).toContainText("Hidden");
  await expect(curator.getByTestId("channel-post").first()).toContainText(older);

  await Promise.all(contexts.map((c) => c.close()));
});
