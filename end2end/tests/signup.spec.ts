import { test, expect, Browser } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";
import { firstLoad } from "./first-load";

// Runs after the demo spec (files run in name order on one server): the
// customer's tenant must not change the demo's exact counts.

/** A browser context with no session at all. */
async function visitor(browser: Browser, baseURL: string | undefined) {
  return browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
}

test("a customer signs up, watches provisioning and sees only their own tenant", async ({ browser, baseURL }) => {
  const context = await visitor(browser, baseURL);
  const page = await context.newPage();
  await page.goto("/signup");
  await waitForHydration(page);
  await page.getByLabel("Company name").fill("Northwind Traders");
  await page.getByLabel("Contact email").fill("it@northwind.example");
  await page.getByLabel(/medium/).check();
  await page.getByRole("button", { name: "Create my tenant" }).click();
  // The portal shows the personal link once; the address drops it as soon as the
  // page runs (a reload or a shared screen's history does not show it again).
  await expect(page.getByTestId("personal-link")).toHaveValue(/\/portal\/open\/[0-9a-f]{64}$/);
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByTestId("portal-state")).toHaveText("ready", { timeout: 60_000 });
  // The customer's words, not the database's.
  await expect(page.getByTestId("portal-counts")).toContainText("Devices");
  await expect(page.getByTestId("portal-counts")).not.toContainText("DeviceProxyIn");
  await expect(page.getByTestId("network-explorer")).toBeVisible();
  await page.screenshot({ path: `${shots}/portal.png`, fullPage: true });
  // The portal is the customer's only door: the console stays closed.
  const refused = await page.request.post("/api/tenants/list");
  expect(refused.status()).toBe(401);
  await context.close();
});

test("the portal reopens from its personal link in a fresh browser", async ({ browser, baseURL }) => {
  const context = await visitor(browser, baseURL);
  const page = await context.newPage();
  await page.goto("/signup");
  await waitForHydration(page);
  await page.getByLabel("Company name").fill("Contoso Roaming");
  await page.getByLabel("Contact email").fill("it@contoso.example");
  await page.getByRole("button", { name: "Create my tenant" }).click();
  const link = page.getByTestId("personal-link");
  await expect(link).toHaveValue(/\/portal\/open\/[0-9a-f]{64}$/);
  const path = new URL(await link.inputValue(), baseURL).pathname;
  await page.screenshot({ path: `${shots}/portal-personal-link.png`, fullPage: true });
  // The header offers the way back while the cookie holds.
  await page.goto("/signup");
  await expect(page.getByRole("link", { name: "Your portal" })).toBeVisible();
  await expect(page.getByTestId("signup-existing")).toContainText("Contoso Roaming");
  await context.close();

  // Another device, a phone: nothing but the link.
  const other = await browser.newContext({
    baseURL,
    viewport: { width: 390, height: 844 },
    storageState: { cookies: [], origins: [] },
  });
  const phone = await other.newPage();
  await phone.goto(path);
  await expect(phone).toHaveURL(/\/portal$/);
  await expect(phone.getByRole("heading", { level: 1 })).toHaveText("Contoso Roaming");
  await expect(phone.getByTestId("portal-state")).toHaveText("ready", { timeout: 60_000 });
  await waitForHydration(phone);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "the portal scrolls sideways").toBeLessThanOrEqual(0);
  await phone.screenshot({ path: `${shots}/phone-portal.png`, fullPage: true });
  await other.close();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a customer signs up, a refused form keeps what was typed", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    await page.goto("/signup");
    await page.getByLabel("Company name").fill("Plain Paper Ltd");
    // The browser accepts this address; the server does not (no dotted domain).
    await page.getByLabel("Contact email").fill("it@plainpaper");
    await page.getByLabel(/large/).check();
    await page.getByRole("button", { name: "Create my tenant" }).click();
    await expect(page.getByTestId("signup-error")).toContainText("contact email");
    await expect(page.locator("body")).not.toContainText("ServerError");
    await expect(page.getByLabel("Company name")).toHaveValue("Plain Paper Ltd");
    await expect(page.getByLabel(/large/)).toBeChecked();
    await page.screenshot({ path: `${shots}/signup-nojs-refused.png`, fullPage: true });
    await page.getByLabel("Contact email").fill("it@plainpaper.example");
    await page.getByRole("button", { name: "Create my tenant" }).click();
    // The personal link comes in a cookie, never in the address (its history).
    await expect(page).toHaveURL(/\/portal$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Plain Paper Ltd");
    await expect(page.getByTestId("personal-link")).toHaveValue(/\/portal\/open\//);
    await context.close();
  });

  test("an operator logs in without JavaScript", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    await page.goto("/shards");
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByTestId("login-error")).toContainText("do not match an account");
    await expect(page.locator("body")).not.toContainText("ServerError");
    await page.getByLabel("Password").fill(process.env.E2E_OPERATOR_PASSWORD!);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL(/\/shards$/);
    await context.close();
  });
});

// The customers' portal has a bundle of its own too (app/src/portal_app.rs): measured
// 2026-12-06 at about 265 KB with its live inventory and network explorer, against 418 KB
// on the console's shell. Issue 19 asks for 150 KB: not met (see the README); this holds
// what it is, so the console's code cannot creep back into it.
const PORTAL_BUDGET_BYTES = 290_000;

test("a customer's first load of /portal is the portal's own bundle, with no console code", async ({ browser, baseURL }) => {
  // Signed up in one browser; the portal measured cold in another with its cookie.
  const signup = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const form = await signup.newPage();
  await form.goto("/signup");
  await waitForHydration(form);
  await form.getByLabel("Company name").fill(`Budget Check ${Date.now()}`);
  await form.getByLabel("Contact email").fill("it@budget.example");
  await form.getByRole("button", { name: "Create my tenant" }).click();
  await expect(form).toHaveURL(/\/portal/);
  const cookies = await signup.cookies();
  await signup.close();

  const context = await browser.newContext({ baseURL, storageState: { cookies, origins: [] } });
  const page = await context.newPage();
  const { total, files } = await firstLoad(page, context, "/portal");
  expect(total, files.join("\n")).toBeLessThanOrEqual(PORTAL_BUDGET_BYTES);
  expect(files.some((f) => f.endsWith("/portal_bg.wasm")), files.join("\n")).toBe(true);
  expect(files.filter((f) => /scaleout_bg\.wasm|\/split_/.test(f))).toEqual([]);
  // The real portal, hydrated and live.
  await expect(page.getByTestId("portal-state")).toHaveText("ready", { timeout: 60_000 });
  await expect(page.getByTestId("new-personal-link")).toBeEnabled();
  await context.close();
});
