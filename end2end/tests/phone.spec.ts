import { test, expect, Page, Browser } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";
import { call, ensureTenants } from "./cluster";

// Every page a person may open on a 390 px phone: nothing scrolls sideways
// (wide tables scroll inside their own box).

test.use({ viewport: { width: 390, height: 844 } });

async function noSidewaysScroll(page: Page, path: string) {
  await page.goto(path);
  await waitForHydration(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${path} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

async function fresh(browser: Browser, baseURL: string | undefined) {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 390, height: 844 },
    storageState: { cookies: [], origins: [] },
  });
  return { context, page: await context.newPage() };
}

test("operator pages fit a phone", async ({ page }) => {
  for (const path of ["/", "/tenants", "/servers", "/shards", "/demo", "/access"]) {
    await noSidewaysScroll(page, path);
  }
  await page.goto("/tenants");
  await page.screenshot({ path: `${shots}/phone-tenants.png`, fullPage: true });
});

test("a wide table's box takes the keyboard's focus and scrolls with it", async ({ page }) => {
  await page.goto("/shards");
  await waitForHydration(page);
  const box = page.getByRole("region", { name: "Shard groups by server, scrolls sideways", exact: true });
  await box.focus();
  await expect(box).toBeFocused();
  for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
  await expect.poll(() => box.evaluate((e) => e.scrollLeft)).toBeGreaterThan(0);
});

test("on a phone each DB server is a card with its actions in view", async ({ page }) => {
  await page.goto("/servers");
  await waitForHydration(page);
  const action = page.getByRole("button", { name: "Simulate failure of DBServer0001" });
  await expect(action).toBeVisible();
  const box = await action.boundingBox();
  expect(box && box.x + box.width).toBeLessThanOrEqual(390);
  // Its figures keep their names.
  await expect(page.locator('tr[data-server="DBServer0001"] td[data-label="Bytes"]')).toBeVisible();
  await page.screenshot({ path: `${shots}/phone-servers.png`, fullPage: true });
});

test("on a phone each tenant is a card with its figures and Remove in view", async ({ page, request }) => {
  await ensureTenants(request);
  await page.goto("/tenants");
  await waitForHydration(page);
  const row = page.getByTestId("tenant-table").locator("tbody tr").first();
  const remove = row.getByRole("button", { name: /^Remove / });
  await expect(remove).toBeVisible();
  const box = await remove.boundingBox();
  expect(box && box.x + box.width).toBeLessThanOrEqual(390);
  // Its figures keep their names, and the list can still be ordered.
  await expect(row.locator('td[data-label="Size"]')).toBeVisible();
  await expect(row.locator('td[data-label="Leader (followers)"]')).toBeVisible();
  await expect(page.getByRole("link", { name: /Size/ })).toBeVisible();
  await page.screenshot({ path: `${shots}/phone-tenants-cards.png`, fullPage: true });
});

test("on a phone a job's whole card opens its page", async ({ page, request }) => {
  await ensureTenants(request);
  await page.goto("/jobs");
  await waitForHydration(page);
  const card = page.locator("table.jobs tbody tr").first();
  const id = await card.getAttribute("data-job");
  // A tap on what the job did, not on its number: the number's link covers the card.
  const what = await card.locator("td.what").boundingBox();
  expect(what).not.toBeNull();
  await page.mouse.click(what!.x + 40, what!.y + 8);
  await expect(page).toHaveURL(new RegExp(`/jobs/${id}$`));
});

test("public pages and a stakeholder's pages fit a phone", async ({ browser, baseURL, request }) => {
  const visitor = await fresh(browser, baseURL);
  for (const path of ["/signup", "/login"]) {
    await noSidewaysScroll(visitor.page, path);
  }
  await visitor.page.goto("/signup");
  await visitor.page.screenshot({ path: `${shots}/phone-signup.png`, fullPage: true });
  await visitor.context.close();

  const link = await call(request, "/api/access/create-link", { label: "Phone", hours: "1" });
  const viewer = await fresh(browser, baseURL);
  await viewer.page.goto(link.path);
  await expect(viewer.page).toHaveURL(/\/$/);
  for (const path of ["/", "/shards", "/demo"]) {
    await noSidewaysScroll(viewer.page, path);
  }
  await viewer.context.close();
});
