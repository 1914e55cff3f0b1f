import { test, expect } from "@playwright/test";
import * as fs from "node:fs";
import { waitForHydration, shots } from "./hydration";

test("run the demo and watch it from two browsers", async ({ page, browser, request, baseURL }) => {
  test.setTimeout(90_000);
  // A stakeholder opens the link before the demo starts, as anyone does.
  const link = await (await request.post("/api/access/create-link", { form: { label: "Before the demo", hours: "1" } })).json();
  const early = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const stakeholder = await early.newPage();
  await stakeholder.goto(link.path);
  // The link's page goes on to the dashboard by itself: let it, before going elsewhere.
  await expect(stakeholder).toHaveURL(/\/$/);
  await stakeholder.goto("/demo");
  await waitForHydration(stakeholder);
  await expect(stakeholder.getByTestId("demo-attached")).toContainText("No demo has run yet");

  await page.goto("/demo");
  await waitForHydration(page);
  const narrative = page.getByTestId("narrative");
  await expect(narrative.locator("li")).toHaveCount(6);
  await expect(narrative.locator('[data-state="pending"]')).toHaveCount(6);
  // An empty store: the story holds, no warning, and step 1 tells what it creates.
  await expect(page.getByTestId("step-1-text")).toContainText("On an empty store");
  await expect(page.getByTestId("demo-warning")).toHaveCount(0);
  await page.getByTestId("start-demo").click();
  const job = page.getByTestId("job-watch");
  await expect(job).toBeVisible();
  const id = await job.getAttribute("data-job");
  // The narrative follows the live events: one step is under way, and the top of the
  // page says what it does now (on a phone the live card is screens below).
  await expect(narrative.locator('[data-state="current"]')).toHaveCount(1);
  await expect(page.getByTestId("demo-now")).toContainText(/^Now: \S/);
  await expect(page.getByTestId("start-demo")).toBeDisabled();

  // A second browser context (another person) opening /demo attaches to the same job.
  const other = await browser.newContext();
  const watcher = await other.newPage();
  await watcher.goto("/demo");
  await expect(watcher.getByTestId("job-watch")).toHaveAttribute("data-job", id!);
  await waitForHydration(watcher);

  // The stakeholder who was there first follows it, with no reload.
  await expect(stakeholder.getByTestId("job-watch")).toHaveAttribute("data-job", id!, { timeout: 15_000 });

  await expect(job).toHaveAttribute("data-state", "succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("demo-attached")).toContainText(`Demo job ${id} has ended: it succeeded.`);
  await expect(page.getByTestId("demo-now")).toHaveCount(0);
  await expect(stakeholder.getByTestId("job-watch")).toHaveAttribute("data-state", "succeeded", { timeout: 30_000 });
  await expect(stakeholder.getByTestId("narrative").locator('[data-state="done"]')).toHaveCount(6);
  await early.close();
  await expect(watcher.getByTestId("job-watch")).toHaveAttribute("data-state", "succeeded", { timeout: 30_000 });
  await expect(narrative.locator('[data-state="done"]')).toHaveCount(6);
  await expect(watcher.getByTestId("narrative").locator('[data-state="done"]')).toHaveCount(6);
  const outcome = page.getByTestId("demo-outcome");
  await expect(outcome).toContainText("7,665");
  await expect(outcome).toContainText("7,665 documents checked, no violations");
  await expect(outcome).toContainText(/rebalanced in [1-9]\d* moves; validated with zero violations/);
  await expect(outcome).toContainText("scale_out_demo_");
  await expect(page.getByTestId("panel-before")).toContainText("3,285");
  await expect(page.getByTestId("panel-after")).toContainText("DBServer0005");
  await expect(page.getByTestId("rebalance-effect")).toContainText("The rebalance itself, from the new servers empty");
  await page.screenshot({ path: `${shots}/demo.png`, fullPage: true });

  // Downloads: the report as JSON and as Markdown.
  const [json] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-json").click()]);
  expect(json.suggestedFilename()).toMatch(/^scale_out_demo_\d{8}_\d{6}\.json$/);
  const report = JSON.parse(fs.readFileSync((await json.path())!, "utf8"));
  expect(report.scale_out_metrics.documents_after).toBe(7665);
  expect(report.scale_out_metrics.db_servers_after).toBe(5);
  expect(report.validation.violations).toBe(0);
  const [md] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-md").click()]);
  expect(md.suggestedFilename()).toMatch(/^scale_out_demo_\d{8}_\d{6}\.md$/);
  const markdown = fs.readFileSync((await md.path())!, "utf8");
  expect(markdown).toContain("# Scale-out demonstration");
  expect(markdown).toContain("The rebalance itself (the new servers empty before it)");
  expect(markdown).toContain("| documents | 3,285 | 7,665 | 4,380 |");

  // Presenter mode: large type, only the demo, the narrative stepped with the keyboard.
  await page.getByTestId("presenter-toggle").click();
  await expect(page.getByTestId("demo")).toHaveAttribute("data-presenting", "true");
  await expect(page.locator("header.top")).toBeHidden();
  await expect(page.getByTestId("shown-step")).toHaveText("Step 6 of 6");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByTestId("shown-step")).toHaveText("Step 4 of 6");
  await expect(narrative.locator("li.shown")).toHaveAttribute("data-step", "rebalance");
  await page.screenshot({ path: `${shots}/demo-presenter.png`, fullPage: true });
  await page.keyboard.press("ArrowRight");
  await expect(narrative.locator("li.shown")).toHaveAttribute("data-step", "validate");
  // A run exists: presenter mode does not offer another one, and the before and after fit a
  // 1366x768 projector side by side.
  await expect(page.getByTestId("start-demo")).toHaveCount(0);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.getByTestId("panel-before").locator("h3").scrollIntoViewIfNeeded();
  await expect(page.getByTestId("panel-before").locator("dl")).toBeInViewport();
  await expect(page.getByTestId("panel-after").locator("dl")).toBeInViewport();
  await page.screenshot({ path: `${shots}/demo-presenter-1366.png` });
  await page.keyboard.press("Escape");
  await expect(page.locator("header.top")).toBeVisible();
  await expect(page.getByTestId("start-demo")).toBeVisible();
  // After the demo, the cluster holds its tenants: another run would be warned about.
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("demo-warning")).toContainText("Before running it again: This cluster already holds 5 tenants");
  // The narrative tells the run it shows, in that run's own words.
  await expect(page.getByTestId("step-1-text")).toContainText("In the run shown: Empty store: created Acme Corp");

  // Presenter mode from the address, rendered by the server.
  await watcher.goto("/demo?present=1");
  await expect(watcher.getByTestId("demo")).toHaveAttribute("data-presenting", "true");
  await expect(watcher.locator("header.top")).toBeHidden();

  // The second browser replays the same job's log through the same endpoint.
  const replay = await watcher.evaluate(async (jobId) => {
    const r = await fetch("/api/jobs/watch", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `id=${jobId}`,
    });
    return (await r.text()).trim().split("\n").map((l) => JSON.parse(l));
  }, id);
  expect(replay.at(-1).step).toBe("finished");
  expect(replay.at(-1).outcome).toBe("ok");
  expect(replay.map((e: { seq: number }) => e.seq)).toEqual([...replay.keys()]);
  await other.close();
});

test("servers: what each holds, fail and restore one", async ({ page }) => {
  await page.goto("/servers");
  await waitForHydration(page);
  const table = page.getByTestId("server-table");
  await expect(table.getByRole("row")).toHaveCount(6); // header + 5 after the demo
  // A simulated failure asks first: declined, nothing happens; confirmed, it fails.
  const questions: string[] = [];
  page.once("dialog", (d) => { questions.push(d.message()); d.dismiss(); });
  await page.getByRole("button", { name: "Simulate failure of DBServer0002" }).click();
  await expect.poll(() => questions.length).toBe(1);
  expect(questions[0]).toContain("Simulate a failure of DBServer0002?");
  await expect(page.getByRole("heading", { name: /DB servers: 5 of 5 healthy/ })).toBeVisible();
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Simulate failure of DBServer0002" }).click();
  await expect(table.getByRole("row", { name: /DBServer0002/ })).toContainText("Failed");
  await expect(page.getByRole("heading", { name: /DB servers: 4 of 5 healthy/ })).toBeVisible();
  await page.screenshot({ path: `${shots}/servers.png`, fullPage: true });
  await page.getByRole("button", { name: "Restore DBServer0002" }).click();
  await expect(page.getByRole("heading", { name: /DB servers: 5 of 5 healthy/ })).toBeVisible();
});
