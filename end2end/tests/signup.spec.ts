import { test, expect, Browser } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";

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
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByTestId("portal-state")).toHaveText("ready", { timeout: 60_000 });
  await expect(page.getByTestId("portal-counts")).toContainText("Device");
  await expect(page.getByTestId("network-explorer")).toBeVisible();
  await page.screenshot({ path: `${shots}/portal.png`, fullPage: true });
  // The portal is the customer's only door: the console stays closed.
  const refused = await page.request.post("/api/tenants/list");
  expect(refused.status()).toBe(401);
  await context.close();
});
