import { test, expect, Browser } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";

/** A browser context with no session at all. */
async function visitor(browser: Browser, baseURL: string | undefined) {
  return browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
}

test("an admin adds a viewer, who reads every page and changes nothing; the trail shows both; a disabled account is out", async ({ page, browser, baseURL }) => {
  // The tests' own session is the admin's.
  await page.goto("/access");
  await waitForHydration(page);
  const accounts = page.getByTestId("accounts");
  await expect(accounts).toBeVisible();
  const form = page.getByTestId("add-account-form");
  await form.getByLabel("Name").fill("vera");
  await form.getByLabel("Role").selectOption("viewer");
  await accounts.getByRole("button", { name: "Add account" }).click();
  await expect(page.getByTestId("issued-password")).toContainText("vera's password (viewer)");
  const password = (await page.getByTestId("new-password").inputValue()).trim();
  expect(password.length).toBeGreaterThanOrEqual(12);
  await expect(page.getByTestId("account-table").getByRole("row", { name: /vera/ })).toBeVisible();
  await page.screenshot({ path: `${shots}/team-accounts.png`, fullPage: true });

  const context = await visitor(browser, baseURL);
  const vera = await context.newPage();
  await vera.goto("/login?next=/tenants");
  await waitForHydration(vera);
  await vera.getByLabel("Name").fill("vera");
  await vera.getByLabel("Password").fill(password);
  await vera.getByRole("button", { name: "Log in" }).click();
  await expect(vera).toHaveURL(/\/tenants$/);
  await expect(vera.getByRole("heading", { level: 1, name: "Tenants" })).toBeVisible();
  await expect(vera.getByText("read-only", { exact: true })).toBeVisible();
  await expect(vera.getByTestId("who")).toHaveText("vera");
  // No form the server would refuse: a note says who acts.
  await expect(vera.getByTestId("read-only-note").first()).toBeVisible();
  const refused = await vera.request.post("/api/tenants/add", {
    form: { name: "Sneaky Co", scale_factor: "1", naming: "camelCase" },
  });
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toContain("ask an admin");
  await vera.goto("/access");
  await expect(vera.getByRole("heading", { level: 1, name: "Access" })).toBeVisible();
  await expect(vera.getByTestId("accounts")).toHaveCount(0);
  await vera.screenshot({ path: `${shots}/team-viewer.png`, fullPage: true });

  // The trail, live on the admin's page: the account made, the refused change.
  await page.reload();
  await waitForHydration(page);
  const trail = page.getByTestId("audit-table");
  await expect(trail.getByRole("row", { name: /vera.*tenants\/add.*refused/ })).toBeVisible();
  await expect(trail.getByRole("row", { name: /admin.*access\/accounts\/add.*name=vera/ })).toBeVisible();
  // Filtered by who, without scripts too: a GET form.
  await page.getByTestId("audit-filter").getByLabel("Who").fill("vera");
  await page.getByTestId("audit-filter").getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/actor=vera/);
  await expect(page.getByTestId("audit-table").getByRole("row")).not.toHaveCount(1);
  for (const row of await page.getByTestId("audit-table").locator("tbody tr").all()) {
    await expect(row).toContainText("vera");
  }

  // Disabled: vera's next click goes to the login.
  page.once("dialog", (d) => d.accept());
  await page.goto("/access");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Disable vera" }).click();
  await expect(page.getByTestId("account-table").getByRole("row", { name: /vera/ })).toContainText("disabled");
  await vera.goto("/tenants");
  await expect(vera).toHaveURL(/\/login\?next=/);
  await context.close();
});
