import { test, expect, Browser } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";

/** A browser context with no session at all. */
async function visitor(browser: Browser, baseURL: string | undefined) {
  return browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
}

test("visitors are sent to the login; a wrong password is refused, the right one opens the console", async ({ browser, baseURL }) => {
  const context = await visitor(browser, baseURL);
  const page = await context.newPage();
  await page.goto("/tenants");
  await expect(page).toHaveURL(/\/login\?next=\/tenants/);
  await waitForHydration(page);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("login-error")).toContainText("do not match an account");
  await page.screenshot({ path: `${shots}/login.png`, fullPage: true });
  await page.getByLabel("Password").fill(process.env.E2E_OPERATOR_PASSWORD!);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/tenants$/);
  await expect(page.getByRole("heading", { level: 1, name: "Tenants" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Access" })).toBeVisible();
  await context.close();
});

test("an operator's read-only link shows the console live and refuses changes", async ({ page, browser, baseURL }) => {
  await page.goto("/access");
  await waitForHydration(page);
  await page.getByLabel("For", { exact: true }).fill("Board demo");
  await page.getByRole("button", { name: "Create link" }).click();
  await expect(page.getByTestId("new-link")).toHaveValue(/\/watch\//);
  const link = (await page.getByTestId("new-link").inputValue()).trim();
  expect(link).toMatch(/^http:\/\/.*\/watch\//);
  // One click copies it; the page says so.
  await page.getByTestId("new-link-copy").click();
  await expect(page.getByTestId("new-link-copy")).toHaveText("Copied");
  await page.screenshot({ path: `${shots}/access.png`, fullPage: true });

  const context = await visitor(browser, baseURL);
  const viewer = await context.newPage();
  await viewer.goto(link);
  await expect(viewer).toHaveURL(/\/$/);
  await expect(viewer.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await expect(viewer.getByText("read-only")).toBeVisible();
  await expect(viewer.getByRole("link", { name: "Tenants" })).toHaveCount(0);
  await viewer.goto("/shards");
  await expect(viewer.getByRole("heading", { level: 1, name: "Shards" })).toBeVisible();
  // No buttons the server would refuse: a note says who acts.
  await expect(viewer.getByTestId("read-only-note")).toBeVisible();
  await expect(viewer.getByTestId("make-plan")).toHaveCount(0);
  await viewer.goto("/demo");
  await expect(viewer.getByTestId("read-only-note")).toBeVisible();
  await expect(viewer.getByTestId("start-demo")).toHaveCount(0);
  const refused = await viewer.request.post("/api/cluster/add-servers", { form: { count: "1" } });
  expect(refused.status()).toBe(403);
  const page403 = await viewer.goto("/tenants");
  expect(page403!.status()).toBe(403);
  await viewer.screenshot({ path: `${shots}/viewer-refused.png`, fullPage: true });
  await context.close();
});


test("revoking a link asks first; its outcome, named, takes the focus", async ({ page }) => {
  await page.goto("/access");
  await waitForHydration(page);
  await page.getByLabel("For", { exact: true }).fill("Short-lived link");
  await page.getByRole("button", { name: "Create link" }).click();
  await expect(page.getByTestId("new-link")).toHaveValue(/\/watch\//);
  // The new link's note has the focus, with the field and its Copy button next.
  await expect(page.locator("#create-link-outcome")).toBeFocused();
  await expect(page.locator("#create-link-outcome")).toContainText(/until .*(UTC|GMT)/);
  const row = page.getByTestId("links").getByRole("row", { name: /Short-lived link/ });
  const revoke = page.getByRole("button", { name: "Revoke the link for Short-lived link" });

  // Declined: nothing changes.
  let asked = "";
  page.once("dialog", (d) => { asked = d.message(); d.dismiss(); });
  await revoke.click();
  expect(asked).toContain("Revoke the link for Short-lived link?");
  await expect(row).toContainText("active");
  await expect(page.getByTestId("new-link")).toBeVisible();

  // Confirmed: revoked, said, focused; the link is no longer on show.
  page.once("dialog", (d) => d.accept());
  await revoke.click();
  const outcome = page.getByTestId("link-revoked");
  await expect(outcome).toContainText("The link for Short-lived link is revoked");
  await expect(outcome).toBeFocused();
  await expect(row).toContainText("revoked");
  await expect(page.getByTestId("new-link")).toHaveCount(0);
});
