import { test, expect, Browser } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";
import { call, waitForJob } from "./cluster";
import { firstLoad } from "./first-load";

// Runs last (files run in name order on one server): it starts a second demo,
// which adds tenants and servers that earlier specs must not see.

async function stakeholder(browser: Browser, baseURL: string | undefined, path: string) {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(path);
  await expect(page).toHaveURL(/\/$/);
  return { context, page };
}

// A stakeholder's pages have a bundle of their own (app/src/watch_app.rs), split per page:
// measured 2026-12-06 at about 270 KB for the dashboard with its live stream, against
// 374 KB on the console's shell. Issue 19 asks for 150 KB: not met (see the README); this
// holds what it is, so the console's code cannot creep back into it.
const STAKEHOLDER_BUDGET_BYTES = 300_000;

test("a stakeholder's first page is the watch app's own bundle, with no console code", async ({ browser, baseURL, request }) => {
  const link = await call(request, "/api/access/create-link", { label: "Board, measured", hours: "1" });
  const opened = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  await (await opened.newPage()).goto(link.path);
  const cookies = await opened.cookies();
  await opened.close();

  // Cold, with the link's session: what a phone that follows the link downloads.
  const context = await browser.newContext({ baseURL, storageState: { cookies, origins: [] } });
  const page = await context.newPage();
  const { total, files } = await firstLoad(page, context, "/");
  expect(total, files.join("\n")).toBeLessThanOrEqual(STAKEHOLDER_BUDGET_BYTES);
  expect(files.some((f) => f.endsWith("/watch/watch_bg.wasm")), files.join("\n")).toBe(true);
  // No console shell, and none of the demo's or the shards page's code on the dashboard.
  expect(files.filter((f) => /scaleout_bg\.wasm|\/split_(?!dashboard_page|follow_activity)/.test(f))).toEqual([]);
  // The real dashboard, hydrated, read-only, and it moves between the pages it may show.
  await expect(page.getByRole("navigation", { name: "Main" }).getByText("read-only")).toBeVisible();
  await expect(page.getByRole("link", { name: "Dashboard" })).toHaveAttribute("aria-current", "page");
  await page.getByRole("link", { name: "Shards" }).click();
  await expect(page).toHaveURL(/\/shards$/);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Shards" })).toHaveAttribute("aria-current", "page");
  await context.close();
});

test("a stakeholder's phone that drops its connection as a job starts follows the job once back", async ({ browser, baseURL, request }) => {
  test.setTimeout(90_000);
  const link = await call(request, "/api/access/create-link", { label: "Board, on a train", hours: "1" });
  const { context, page } = await stakeholder(browser, baseURL, link.path);
  await waitForHydration(page);
  // Offline for a few seconds, just as the team starts a job.
  await context.setOffline(true);
  const id = await call(request, "/api/tenants/add", { name: "Tunnel Co", scale_factor: "20", naming: "camelCase" });
  await page.waitForTimeout(4_000);
  await context.setOffline(false);
  // Back online: the job that started (and here ended) meanwhile is in the list, as it is.
  const row = page.getByTestId("job-table").locator(`tr[data-job="${id}"]`);
  await expect(row).toContainText("succeeded", { timeout: 30_000 });

  // The job's own stream fails to open (the phone is between two cells): the card says
  // so and follows the job again, to its end.
  let cut = false;
  await page.route("**/api/jobs/watch", async (route) => {
    if (cut) return route.continue();
    cut = true;
    await route.abort("internetdisconnected");
  });
  const next = await call(request, "/api/tenants/add", { name: "Tunnel Two", scale_factor: "300", naming: "camelCase" });
  const second = page.locator(`[data-testid="job-watch"][data-job="${next}"]`);
  await expect(second).toBeVisible({ timeout: 15_000 });
  await expect(second.getByTestId("job-reconnecting")).toBeVisible();
  await expect(second).toHaveAttribute("data-state", "succeeded", { timeout: 60_000 });
  await expect(second.getByTestId("job-reconnecting")).toHaveCount(0);
  await expect(second).toContainText("328,500 documents stored");
  expect(cut).toBe(true);
  await context.close();
});

test("a stakeholder's Shards page offline as a rebalance starts follows it once back", async ({ browser, baseURL, request }) => {
  test.setTimeout(90_000);
  const link = await call(request, "/api/access/create-link", { label: "Board, in a lift", hours: "1" });
  const { context, page } = await stakeholder(browser, baseURL, link.path);
  await page.goto("/shards");
  await waitForHydration(page);
  await context.setOffline(true);
  const added = await call(request, "/api/cluster/add-servers", { count: "1" });
  expect((await waitForJob(request, added)).state).toBe("succeeded");
  const id = await call(request, "/api/cluster/rebalance", { execute: "true" });
  await page.waitForTimeout(3_000);
  await context.setOffline(false);
  await expect(page.getByTestId("rebalance-watch")).toHaveAttribute("data-job", String(id), { timeout: 30_000 });
  // A stakeholder's link has no job pages: the card names the job without a link.
  await expect(page.getByTestId("rebalance-watch").getByRole("link")).toHaveCount(0);
  // (Stopped here: the later test's demo needs the cluster as it is.)
  await call(request, "/api/jobs/cancel", { id: String(id) });
  await expect(page.getByTestId("rebalance-watch")).toHaveAttribute("data-state", /cancelled|succeeded/, { timeout: 60_000 });
  await context.close();
});

test("a stakeholder who opened the link first follows a new demo, then sees the link end", async ({ browser, baseURL, request }) => {
  test.setTimeout(120_000);
  const link = await call(request, "/api/access/create-link", { label: "Board, before the demo", hours: "2" });
  const { context, page } = await stakeholder(browser, baseURL, link.path);
  await page.goto("/demo");
  await waitForHydration(page);
  // The earlier demo is shown as what it is: over.
  await expect(page.getByTestId("demo-attached")).toContainText("which has ended");
  const before = await page.getByTestId("job-watch").getAttribute("data-job");
  // Nothing an operator would press.
  await expect(page.getByTestId("start-demo")).toHaveCount(0);

  // The dashboard, opened by the same stakeholder before anything starts.
  const dash = await context.newPage();
  await dash.goto("/");
  await waitForHydration(dash);

  const id = await call(request, "/api/demo/start", { naming: "camelCase" });
  expect(String(id)).not.toBe(before);
  await expect(page.getByTestId("demo-replaced")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("job-watch")).toHaveAttribute("data-job", String(id));
  await expect(page.getByTestId("narrative").locator('[data-state="current"]')).toHaveCount(1);
  // The dashboard shows the new job live, with no reload.
  const card = dash.locator(`[data-testid="job-watch"][data-job="${id}"]`);
  await expect(card).toBeVisible({ timeout: 15_000 });
  await page.screenshot({ path: `${shots}/stakeholder-second-demo.png`, fullPage: true });
  // This cluster is big by now: the operator stops the demo rather than wait
  // for its moves, and both pages follow it to that end.
  await expect(page.getByTestId("narrative").locator('[data-state="done"]')).not.toHaveCount(0, { timeout: 30_000 });
  await call(request, "/api/jobs/cancel", { id: String(id) });
  await expect(page.getByTestId("job-watch")).toHaveAttribute("data-state", "cancelled", { timeout: 60_000 });
  await expect(card).toHaveAttribute("data-state", "cancelled");
  expect((await waitForJob(request, id)).state).toBe("cancelled");

  // The operator revokes the link: the open page says so by itself.
  await page.goto("/shards");
  await waitForHydration(page);
  await call(request, "/api/access/revoke-link", { id: String(link.id) });
  await expect(page.getByRole("heading", { name: "This link was revoked" })).toBeVisible({ timeout: 20_000 });
  await page.screenshot({ path: `${shots}/stakeholder-revoked.png`, fullPage: true });
  await context.close();
});
