import { test, expect } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";

// After the demo (demo.spec.ts), before the tenant pages: a long onboarding
// started elsewhere shows on the dashboard with its live progress.
test("dashboard: counts and a running job's live progress", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto("/");
  await waitForHydration(page);
  const before = Number(await page.getByTestId("summary-tenants").textContent());
  // Shown grouped by thousands ("7,665").
  const documents = Number((await page.getByTestId("summary-documents").textContent())?.replace(/,/g, ""));
  expect(documents).toBeGreaterThan(0);
  expect(before).toBeGreaterThanOrEqual(5);

  // Someone else (another browser, a script) starts a big onboarding.
  const job = await page.evaluate(async () => {
    const r = await fetch("/api/tenants/add", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "name=Big+Progress+Co&scale_factor=80&naming=camelCase",
    });
    return r.json();
  });
  await page.reload();
  await waitForHydration(page);
  const watch = page.locator(`[data-testid="job-watch"][data-job="${job}"]`);
  await expect(watch).toBeVisible();
  await expect(watch).toContainText("Onboarding a tenant");
  // Its own page, opened while it runs, follows it to its end.
  const jobPage = await page.context().newPage();
  await jobPage.goto(`/jobs/${job}`);
  await waitForHydration(jobPage);
  await expect(jobPage.getByTestId("job-state")).toHaveText("running");
  const bar = watch.getByRole("progressbar", { name: "Job progress" });
  await expect.poll(async () => Number(await bar.getAttribute("value")), { timeout: 20_000 }).toBeGreaterThan(0);
  await page.screenshot({ path: `${shots}/dashboard-job.png`, fullPage: true });
  await expect(watch).toHaveAttribute("data-state", "succeeded", { timeout: 60_000 });
  // The job page's own facts follow, without a reload: its state, when it ended, its log.
  await expect(jobPage.getByTestId("job-state")).toHaveText("succeeded");
  await expect(jobPage.getByTestId("job-facts")).toContainText("Ended");
  await expect(jobPage.getByTestId("job-log").locator("li").last()).toContainText("Succeeded");
  await jobPage.close();

  // The job's end refreshes the summary and the job list.
  await expect(page.getByTestId("summary-tenants")).toHaveText(String(before + 1));
  await expect(page.getByTestId("summary-documents")).toHaveText((documents + 87_600).toLocaleString("en-US"));
  await expect(page.getByTestId("job-table").locator(`tr[data-job="${job}"]`)).toContainText("succeeded");
  await page.screenshot({ path: `${shots}/dashboard-after-job.png`, fullPage: true });
});

// A past job's page: from its row in Recent jobs, what it did and how it ended, read the
// same on a phone.
test("a job's page shows what it did", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  await waitForHydration(page);
  const row = page.getByTestId("job-table").locator("tbody tr").first();
  const id = await row.getAttribute("data-job");
  await row.getByRole("link", { name: `Job ${id}: its page and log` }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${id}$`));
  await expect(page.getByTestId("job-title")).toContainText(`Job ${id}: `);
  await expect(page.getByTestId("job-state")).toHaveText("succeeded");
  await expect(page.getByTestId("job-log").locator("li").last()).toContainText("Succeeded");
  // Nothing wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: `${shots}/job-page-phone.png`, fullPage: true });
  // Back to every job, a page at a time: this one is on the first.
  await page.locator(".breadcrumb a").click();
  await expect(page).toHaveURL(/\/jobs$/);
  await expect(page.getByRole("heading", { level: 1, name: "Jobs" })).toBeVisible();
  await expect(page.getByTestId("job-table").locator(`tr[data-job="${id}"]`)).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: `${shots}/jobs-phone.png`, fullPage: true });
});
