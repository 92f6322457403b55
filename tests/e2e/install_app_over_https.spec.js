// Issue 13: the app and the staff workspace install and work offline from
// https://adal.test, served by adal-server itself (--tls-cert/--tls-key) with a
// certificate of a throwaway CA that this browser trusts through its NSS database, as an
// office's phones trust a real CA. No certificate error is ignored: a browser without
// the CA is refused.
import { test, expect, chromium } from "@playwright/test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startServer, waitForOfflineReady, snapshot } from "./harness.js";
import { makeLocalCa, homeTrusting, TEST_HOST } from "../local_ca.js";

const PASSWORD = "correct horse battery staple";

// The staff test reads the complaint the citizen test delivered.
test.describe.configure({ mode: "serial" });

let ca, server, origin, tracking;

test.beforeAll(async () => {
  ca = makeLocalCa();
  server = await startServer({ args: ["--tls-cert", ca.cert, "--tls-key", ca.key] });
  expect(server.url).toMatch(/^https:\/\//);
  origin = `https://${TEST_HOST}:${new URL(server.url).port}`;
});

test.afterAll(async () => {
  await server?.stop();
  if (ca) rmSync(ca.dir, { recursive: true, force: true });
});

/** Debian's chromium with a HOME whose NSS database trusts `caPem` (nothing if null);
 * adal.test resolves to 127.0.0.1. */
async function launch(testInfo, caPem) {
  const home = homeTrusting(caPem);
  const { launchOptions, viewport, locale, hasTouch } = testInfo.project.use;
  const context = await chromium.launchPersistentContext(join(home, "profile"), {
    ...launchOptions,
    args: [...launchOptions.args, `--host-resolver-rules=MAP ${TEST_HOST} 127.0.0.1`],
    env: { ...process.env, HOME: home },
    viewport,
    locale,
    hasTouch,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The service worker of the page's scope is active. */
async function serviceWorkerState(page) {
  return page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state);
}

test("a browser that does not trust the local CA is refused", async ({}, testInfo) => {
  const browser = await launch(testInfo, null);
  try {
    await expect(browser.page.goto(`${origin}/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
  } finally {
    await browser.close();
  }
});

test("over HTTPS the app installs, cold-starts offline and delivers a complaint drafted offline once", async ({}, testInfo) => {
  const { context, page, close } = await launch(testInfo, ca.ca);
  try {
    const response = await page.goto(`${origin}/`);
    expect(response.headers()["strict-transport-security"]).toMatch(/^max-age=\d{8,}/);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await waitForOfflineReady(page);
    expect(await serviceWorkerState(page)).toBe("activated");

    // No signal, and the app is opened from nothing: a new tab, as after a phone restart.
    await context.setOffline(true);
    await page.close();
    const cold = await context.newPage();
    await cold.goto(`${origin}/`);
    await expect(cold.getByRole("status")).toContainText("Offline");
    await cold.getByRole("button", { name: "New complaint" }).click();
    await cold.getByLabel("District").selectOption({ label: "Terekti district" });
    await cold.getByRole("radio", { name: "Clinic or hospital" }).check();
    await cold.getByLabel("Name of the institution").fill("Terekti district clinic");
    await cold.getByLabel("What happened").fill("The nurses asked 2000 tenge to take blood without the queue.");
    await cold.getByLabel("When it happened").fill("2026-11-20");
    await cold.getByLabel("Your name").fill("Aigerim Sarsenova");
    await cold.getByLabel("Phone").fill("8 701 234 56 78");
    await cold.getByRole("button", { name: "Send" }).click();
    await expect(cold.getByText("Waiting to send", { exact: true })).toBeVisible();
    const id = cold.url().split("/item/")[1];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.stored().filter((s) => s.id === id)).toHaveLength(0);
    await snapshot(cold, "60-https-waiting-offline");

    // Signal returns: delivered by itself, once, over HTTPS.
    await context.setOffline(false);
    await expect(cold.getByTestId("tracking")).toHaveText(/^TER-\d{4}-\d{5}$/, { timeout: 20_000 });
    tracking = (await cold.getByTestId("tracking").textContent()).trim();
    await cold.reload();
    await expect(cold.getByText(tracking)).toBeVisible();
    const rows = server.stored().filter((s) => s.id === id);
    expect(rows).toHaveLength(1);
    expect(rows[0].tracking).toBe(tracking);
  } finally {
    await close();
  }
});

test("over HTTPS the staff workspace installs and cold-starts offline with its saved inbox", async ({}, testInfo) => {
  server.user("terekti", "office_staff", "TER", PASSWORD);
  const { context, page, close } = await launch(testInfo, ca.ca);
  try {
    await page.goto(`${origin}/staff/`);
    await page.getByLabel("Login", { exact: true }).fill("terekti");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    const row = page.getByTestId("inbox-row").filter({ hasText: tracking });
    await expect(row).toBeVisible();
    await waitForOfflineReady(page);
    expect(await serviceWorkerState(page)).toBe("activated");

    await context.setOffline(true);
    await page.close();
    const cold = await context.newPage();
    await cold.goto(`${origin}/staff/`);
    await expect(cold.getByTestId("staff-status")).toContainText("Offline — saved copy");
    await expect(cold.getByTestId("inbox-row").filter({ hasText: tracking })).toBeVisible();
    await snapshot(cold, "61-https-staff-offline");
  } finally {
    await close();
  }
});
