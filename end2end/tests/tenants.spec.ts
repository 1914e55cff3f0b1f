import { test, expect } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";
import { call } from "./cluster";

test("onboard a tenant and watch its progress live", async ({ page }) => {
  await page.goto("/tenants");
  await waitForHydration(page);

  // The server's validation message reaches the form.
  const form = page.getByTestId("add-tenant-form");
  await form.getByLabel("Company name").fill("Bad <name>");
  await form.getByRole("button", { name: "Add tenant" }).click();
  await expect(page.getByTestId("add-tenant-error")).toContainText("tenant name");
  await expect(page.getByTestId("add-tenant-error")).toBeFocused();

  await form.getByLabel("Company name").fill("Fortune 500 Corp");
  await form.getByLabel("Scale factor").fill("5");
  await form.getByRole("button", { name: "Add tenant" }).click();

  const job = page.getByTestId("job-watch").first();
  await expect(job).toContainText("Onboarding Fortune 500 Corp");
  await expect(job).toHaveAttribute("data-state", "succeeded", { timeout: 30_000 });
  await expect(job).toContainText("5,475 documents stored");

  // The table refreshes when the job ends.
  const row = page.getByTestId("tenant-table").getByRole("row", { name: /Fortune 500 Corp/ });
  await expect(row).toContainText("5,475");
  await expect(row).toContainText("active");
  await expect(row).toContainText(/DBServer000\d/);
  await page.screenshot({ path: `${shots}/tenants-added.png`, fullPage: true });

  // A finished card can be dismissed.
  await job.getByTestId("dismiss-job").click();
  await expect(page.getByTestId("job-watch").filter({ hasText: "Onboarding Fortune 500 Corp" })).toHaveCount(0);
  // The focus goes to what takes the card's place (here the list), not to <body>.
  await expect(page.getByRole("heading", { name: "All tenants" })).toBeFocused();

  // A duplicate name is refused by the server, whatever the case.
  await form.getByLabel("Company name").fill("fortune 500 corp");
  await form.getByLabel("Scale factor").fill("1");
  await form.getByRole("button", { name: "Add tenant" }).click();
  await expect(page.getByTestId("add-tenant-error")).toContainText("already exists");
});

test("remove a tenant after confirming", async ({ page }) => {
  await page.goto("/tenants");
  await waitForHydration(page);
  const form = page.getByTestId("add-tenant-form");
  await form.getByLabel("Company name").fill("Short Lived Ltd");
  await form.getByRole("button", { name: "Add tenant" }).click();
  await expect(page.getByTestId("job-watch").first()).toHaveAttribute("data-state", "succeeded", { timeout: 30_000 });

  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Remove Short Lived Ltd" }).click();
  // The card that follows the removal names the tenant, and takes the focus (in view).
  const card = page.getByTestId("job-watch").first();
  await expect(card).toContainText("Removing Short Lived Ltd");
  const heading = card.getByRole("heading", { name: /Removing Short Lived Ltd/ });
  await expect(heading).toBeFocused();
  await expect(heading).toBeInViewport();
  await expect(card).toHaveAttribute("data-state", "succeeded", { timeout: 30_000 });
  await expect(page.getByRole("row", { name: /Short Lived Ltd/ })).toHaveCount(0);
});

test("filter the tenant list as you type", async ({ page }) => {
  await page.goto("/tenants");
  await waitForHydration(page);
  const table = page.getByTestId("tenant-table");
  const visible = table.locator("tbody tr:visible");
  const total = await table.locator("tbody tr").count();
  expect(total).toBeGreaterThan(1);
  const status = page.getByTestId("tenant-filter-status");
  await expect(status).toHaveText("");

  const filter = page.getByRole("searchbox", { name: "Filter tenants" });
  await filter.fill("fortune 500");
  await expect(visible).toHaveCount(1);
  await expect(visible.first()).toContainText("Fortune 500 Corp");
  await expect(status).toHaveText(`Showing 1 of ${total} tenants.`);

  // A server's name keeps the tenants it holds: leader or follower.
  const server = (await visible.first().textContent())!.match(/DBServer\d+/)![0];
  await filter.fill(server.toLowerCase());
  const held = await visible.count();
  expect(held).toBeGreaterThanOrEqual(1);
  for (let i = 0; i < held; i++) {
    await expect(visible.nth(i)).toContainText(server);
  }

  await filter.fill("no such tenant");
  await expect(visible).toHaveCount(0);
  await expect(status).toHaveText("No tenant matches “no such tenant”.");

  // Typing goes on in the box while the URL follows; a reload keeps the filter.
  await filter.fill("");
  await expect(visible).toHaveCount(total);
  await expect(page).toHaveURL(/\/tenants$/);
  await filter.pressSequentially("fortune 5");
  await expect(filter).toBeFocused();
  await expect(filter).toHaveValue("fortune 5");
  await expect(page).toHaveURL(/\/tenants\?q=fortune(%20|\+)5$/);
  await page.reload();
  await expect(page.getByRole("searchbox", { name: "Filter tenants" })).toHaveValue("fortune 5");
  await expect(visible).toHaveCount(1);
  await expect(status).toHaveText(`Showing 1 of ${total} tenants.`);
});

test("an operator who logs in through the form follows the console live, with no reload", async ({ browser, baseURL, request }) => {
  // Runs here, not in access.spec: it adds a tenant, and the dashboard spec needs an empty store.
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("Password").fill(process.env.E2E_OPERATOR_PASSWORD!);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  // A job started elsewhere appears on this page by itself.
  const id = await call(request, "/api/tenants/add", { name: `Logged In Live ${Date.now()}`, scale_factor: "1", naming: "camelCase" });
  await expect(page.locator(`[data-testid="job-table"] tr[data-job="${id}"]`)).toBeVisible({ timeout: 15_000 });
  await context.close();
});

test("a customer list is imported: refused rows say their line and why, the rest onboard in one job", async ({ page }) => {
  await page.goto("/tenants");
  await waitForHydration(page);
  const card = page.getByTestId("import");
  const stamp = Date.now();
  // From a file, read in the browser into the list.
  await card.getByTestId("import-file").setInputFiles({
    name: "customers.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`name,scale_factor\nImported ${stamp} A,1\n<bad>,1\nImported ${stamp} B,zero\n"Imported ${stamp}, C",1\n`),
  });
  await expect(card.getByTestId("import-list")).toHaveValue(/Imported .* A,1/);
  await expect(card.getByText("The list (from customers.csv)")).toBeVisible();
  await card.getByRole("button", { name: "Import" }).click();
  const outcome = page.getByTestId("import-outcome");
  await expect(outcome).toContainText("2 to onboard");
  await expect(outcome).toContainText("2 refused");
  await expect(outcome).toBeFocused();
  const refused = page.getByTestId("import-refused");
  await expect(refused.getByRole("row", { name: /^3 <bad>/ })).toContainText("'<'");
  await expect(refused.getByRole("row", { name: /^4 / })).toContainText("scale factor");
  // The job's card follows it to its end; both tenants are listed.
  const job = page.getByTestId("job-watch").filter({ hasText: "Importing 2 tenant(s)" });
  await expect(job).toHaveAttribute("data-state", "succeeded", { timeout: 30_000 });
  await expect(job).toContainText("2 tenants added");
  await expect(page.getByTestId("tenant-table").getByRole("row", { name: new RegExp(`Imported ${stamp}, C`) })).toContainText("active", { timeout: 15_000 });
  await page.screenshot({ path: `${shots}/tenants-import.png`, fullPage: true });
});

test("tenants ordered by size, and who shares each server", async ({ page }) => {
  await page.goto("/tenants");
  await waitForHydration(page);
  const table = page.getByTestId("tenant-table");
  await table.getByRole("link", { name: "Size" }).click();
  await expect(page).toHaveURL(/\/tenants\?sort=size$/);
  await expect(table.getByRole("columnheader", { name: /Size/ })).toHaveAttribute("aria-sort", "descending");
  // Largest first: the first row weighs at least as much as the last (by documents).
  const docs = async (row: number) =>
    Number((await table.locator("tbody tr").nth(row).locator("td").nth(2).textContent())!.replace(/\D/g, ""));
  const rows = await table.locator("tbody tr").count();
  expect(await docs(0)).toBeGreaterThanOrEqual(await docs(rows - 1));

  await page.goto("/servers");
  await waitForHydration(page);
  const shares = page.getByRole("region", { name: "Who shares each server" });
  await expect(shares).toBeVisible();
  const bars = shares.getByRole("img");
  expect(await bars.count()).toBeGreaterThanOrEqual(1);
  await expect(bars.first()).toHaveAttribute("aria-label", /^DBServer\d+: .+ \d+%/);
});
