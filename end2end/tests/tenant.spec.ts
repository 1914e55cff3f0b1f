import { test, expect } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";
import { call, waitForJob } from "./cluster";

// Runs after demo.spec.ts: Acme Corp (s=1) exists.
test("tenant page: counts, isolation, and the network moving back in time", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto("/tenants");
  await waitForHydration(page);
  await page.getByTestId("tenant-table").getByRole("link", { name: "Acme Corp", exact: true }).click();
  await expect(page).toHaveURL(/\/tenants\/[0-9a-f]{12}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Acme Corp");

  await expect(page.getByTestId("expected-total")).toHaveText("1,095");
  await expect(page.getByTestId("stored-total")).toHaveText("1,095");
  await expect(page.getByTestId("tenant-counts").locator('[data-collection="Device"]')).toContainText("120");
  await expect(page.getByTestId("isolation-verdict")).toContainText("Isolated: 1,095 documents checked, 0 violations");

  // The latest time: everything connected.
  const network = page.getByTestId("network");
  const counts = page.getByTestId("network-counts");
  await expect(counts).toContainText("20 devices, 30 connections, 30 programs (40 installations), 5 locations");
  await expect(network.locator("line.connection")).toHaveCount(30);
  const latest = Number(await network.getAttribute("data-at"));
  await page.screenshot({ path: `${shots}/tenant.png`, fullPage: true });

  // The slider has a label and is moved with the keyboard: one day back.
  const slider = page.getByLabel(/Network as it was at/);
  await expect(slider).toHaveAttribute("type", "range");
  await slider.focus();
  await page.keyboard.press("ArrowLeft");
  await expect(network).toHaveAttribute("data-at", String(latest - 86_400));
  await expect(page.getByTestId("network-at-label")).toHaveText(new Date((latest - 86_400) * 1000).toISOString().replace(".000", ""));
  await expect(counts).toContainText("20 devices, 0 connections");
  await expect(network.locator("line.connection")).toHaveCount(0);
  await expect(network.locator("g.device.historical")).toHaveCount(20);

  // The oldest end of the history: only a few devices had their first version yet.
  await page.keyboard.press("Home");
  await expect(network).toHaveAttribute("data-at", String(latest - 25 * 86_400));
  await expect(counts).not.toContainText("20 devices");
  await page.keyboard.press("PageUp");
  await page.keyboard.press("ArrowRight");
  await expect(network).not.toHaveAttribute("data-at", String(latest - 25 * 86_400));
  await page.getByText(/Devices at this time/).click();
  await expect(page.getByTestId("network-devices")).toBeVisible();
  await page.screenshot({ path: `${shots}/tenant-past.png`, fullPage: true });

  // A page past the end (a shared address, from a time with more devices) shows the last
  // one, and the address then names the page shown, not the one asked for.
  const here = page.url().split("?")[0];
  await page.goto(`${here}?page=9`);
  await waitForHydration(page);
  await expect(page.getByTestId("network-counts")).toContainText("20 devices, 30 connections");
  await expect(page).toHaveURL(/\/tenants\/[0-9a-f]{12}\?at=\d+$/);
  expect(errors).toEqual([]);
});

test("tenant page without JavaScript: counts and a chosen time via the form", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/tenants");
  await page.getByRole("link", { name: "Acme Corp", exact: true }).click();
  await expect(page.getByTestId("stored-total")).toHaveText("1,095");
  await expect(page.getByTestId("network-counts")).toContainText("20 devices, 30 connections");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/\?at=\d+$/);
  await expect(page.getByTestId("network-counts")).toContainText("30 connections");
  await context.close();
});

test("a large tenant's network comes a page of whole locations at a time", async ({ page, request }) => {
  const name = "Paging Co";
  const job = await call(request, "/api/tenants/add", { name, scale_factor: "40", naming: "camelCase" });
  expect((await waitForJob(request, job)).state).toBe("succeeded");
  const tenants: { id: string; name: string }[] = await call(request, "/api/tenants/list");
  const id = tenants.find((t) => t.name === name)!.id;

  await page.goto(`/tenants/${id}`);
  await waitForHydration(page);
  // Set in this page: gone if anything below reloaded it.
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  const paging = page.getByTestId("network-paging");
  // The counts cover the whole network; the drawing one page of it.
  await expect(page.getByTestId("network-counts")).toContainText("800 devices, 1,200 connections");
  await expect(paging).toContainText("Page 1 of 17: devices 1–48 of 800");
  await expect(page.getByTestId("network").locator("g.device")).toHaveCount(48);

  await paging.getByTestId("network-next").click();
  await expect(paging).toHaveAttribute("data-page", "2");
  await expect(paging).toContainText("devices 49–96 of 800");
  await expect(paging.getByTestId("network-next")).toBeFocused();
  // In place, no reload; the address follows, so a reload or a shared link shows this page.
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  await expect(page).toHaveURL(new RegExp(`/tenants/${id}\\?at=\\d+&page=2$`));
  await page.screenshot({ path: `${shots}/tenant-paged.png`, fullPage: true });
  await page.reload();
  await waitForHydration(page);
  await expect(paging).toHaveAttribute("data-page", "2");

  // A day back keeps the page; before onboarding nothing has a location yet.
  const slider = page.getByLabel(/Network as it was at/);
  await slider.focus();
  await page.keyboard.press("ArrowLeft");
  await expect(paging).toContainText("Page 2 of 7: devices 121–240 of 800");
  await paging.getByTestId("network-prev").click();
  await expect(paging).toContainText("Page 1 of 7: devices 1–120 of 800");
  await expect(paging.getByTestId("network-prev")).toHaveCount(0);
  // The page is drawn anew: the focus stays with the pager (its other button), not <body>.
  await expect(paging.getByTestId("network-next")).toBeFocused();
});

test("an unknown tenant shows a message", async ({ page }) => {
  await page.goto("/tenants/0123456789ab");
  await expect(page.getByTestId("tenant-error")).toContainText("there is no tenant 0123456789ab");
});

test("without JavaScript, adding and removing a tenant lead to the job's page, which follows it", async ({ browser }) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const name = "No Script Co";
  await page.goto("/tenants");
  const form = page.getByTestId("add-tenant-form");
  await form.getByLabel("Company name").fill(name);
  await form.getByRole("button", { name: "Add tenant" }).click();
  // The job's own page, not the list it came from: it reloads itself until the job ends.
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByTestId("job-title")).toContainText(`Onboarding a tenant: ${name}`);
  await expect(page.getByTestId("job-state")).toHaveText("succeeded", { timeout: 60_000 });
  await page.screenshot({ path: `${shots}/job-no-script.png`, fullPage: true });

  // Remove asks first, as the script's dialog would: opened, then confirmed.
  await page.goto("/tenants");
  const row = page.locator("tr", { has: page.getByRole("link", { name, exact: true }) });
  await row.locator("summary", { hasText: "Remove" }).click();
  // (Inside a <noscript>, which Playwright's text matching skips: read the paragraph itself.)
  await expect(row.locator("details p")).toHaveText(`Remove ${name} and all its 1,095 documents? This cannot be undone.`);
  await row.getByRole("button", { name: `Remove ${name}` }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByTestId("job-title")).toContainText(`Removing a tenant: ${name}`);
  await expect(page.getByTestId("job-state")).toHaveText("succeeded", { timeout: 60_000 });
  await page.goto("/tenants");
  await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);
  await context.close();
});
