// Issue 14, the seed's missing piece: one channel between the districts. A member of the
// Uralsk office posts what worked; a colleague in Terekti, with the channel open, sees it
// arrive without reloading (server-sent events), replies, then loses signal: the thread
// stays readable, a reply written offline waits on the device and is delivered once when
// signal returns.
import { test, expect, waitForOfflineReady, snapshot } from "./harness.js";

const PASSWORD = "correct horse battery staple";

async function logIn(page, login) {
  await page.goto("/staff/");
  await page.getByLabel("Login", { exact: true }).fill(login);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("link", { name: "Channel between districts" })).toBeVisible();
}

test("a post from one district reaches another live, and a reply written offline is delivered once", async ({ browser, server, baseURL }) => {
  server.user("dana.ura", "office_staff", "URA", PASSWORD);
  server.user("nurlan.ter", "office_staff", "TER", PASSWORD);
  const uralsk = await browser.newContext({ baseURL });
  const terekti = await browser.newContext({ baseURL });
  const author = await uralsk.newPage();
  const reader = await terekti.newPage();

  await logIn(reader, "nurlan.ter");
  await reader.getByRole("link", { name: "Channel between districts" }).click();
  await expect(reader.getByRole("heading", { level: 1 })).toHaveText("Channel between districts");
  await expect(reader.getByTestId("channel-posts")).toContainText("No posts yet.");

  await logIn(author, "dana.ura");
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
