import { test, expect } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";
import { call, ensureTenants, waitForJob } from "./cluster";

test("add servers, then plan, review and execute a rebalance with live progress", async ({ page, browser, request, baseURL }) => {
  test.setTimeout(120_000);
  await ensureTenants(request);

  // Add two empty DB servers on the Servers page.
  await page.goto("/servers");
  await waitForHydration(page);
  // Many at once asks first; declined, nothing starts.
  await page.getByLabel("How many").fill("20");
  let asked = "";
  page.once("dialog", (d) => { asked = d.message(); d.dismiss(); });
  await page.getByRole("button", { name: "Add servers" }).click();
  await expect.poll(() => asked).toContain("Add 20 DB servers?");
  await expect(page.getByTestId("job-watch")).toHaveCount(0);
  // Over the limit: the form says so at once, with no question first, and nothing starts.
  await page.getByLabel("How many").fill("100");
  let askedAgain = false;
  page.once("dialog", (d) => { askedAgain = true; d.dismiss(); });
  await page.getByRole("button", { name: "Add servers" }).click();
  expect(await page.getByLabel("How many").evaluate((i: HTMLInputElement) => i.validity.rangeOverflow)).toBe(true);
  expect(askedAgain).toBe(false);
  page.removeAllListeners("dialog");
  await expect(page.getByTestId("job-watch")).toHaveCount(0);
  await page.getByLabel("How many").fill("2");
  await page.getByRole("button", { name: "Add servers" }).click();
  await expect(page.getByTestId("job-watch").first()).toHaveAttribute("data-state", "succeeded", { timeout: 30_000 });

  // The Shards page: heat map, placement and balance, rendered on the server.
  await page.goto("/shards");
  const heat = page.getByTestId("heat-map");
  await expect(heat).toBeVisible();
  await expect(heat.getByRole("columnheader", { name: "DBServer0001" })).toBeVisible();
  await expect(heat.locator("td[data-role=leader]").first()).toContainText("L");
  await expect(page.getByTestId("tenant-placement")).toBeVisible();
  await expect(page.getByTestId("balance-figures")).toContainText("Fullest server against the mean");
  await waitForHydration(page);
  await page.screenshot({ path: `${shots}/shards.png`, fullPage: true });

  // Plan, then review: moves, total, the quality chart, before/after, ArangoDB's plan.
  await page.getByTestId("make-plan").click();
  const review = page.getByTestId("plan-review");
  await expect(review).toBeVisible();
  // The review's summary takes the focus, and Execute is in view right under it.
  await expect(review.getByTestId("plan-summary")).toBeFocused();
  await expect(page.getByTestId("execute-plan")).toBeInViewport();
  const moves = review.getByTestId("plan-moves").locator("tbody tr");
  expect(await moves.count()).toBeGreaterThan(0);
  await expect(review.getByTestId("quality-chart").locator("svg")).toBeVisible();
  await expect(review.getByTestId("quality-chart")).toContainText("Moves done");
  await expect(review.getByTestId("plan-figures")).toContainText("After the plan");
  await expect(review.getByTestId("plan-figures")).toContainText("Fewest bytes on one server");
  // ArangoDB's scores are large numbers that mean nothing alone: after the plan, how they change.
  const score = review.getByTestId("plan-figures").getByRole("row", { name: /ArangoDB's shard imbalance score/ });
  await expect(score.locator("td").last()).toHaveText(/\((\d+% (lower|higher)|unchanged)\)$/);
  // The summary says what the plan does to the fullest and the least loaded server.
  await expect(review.getByTestId("plan-summary")).toContainText(/the fullest server (stays at|goes from)/);
  await expect(review.getByTestId("plan-summary")).toContainText(/the least loaded (stays at|goes from)/);
  await expect(review.getByTestId("arangodb-plan")).toContainText("only available on the ArangoDB back end");
  await page.screenshot({ path: `${shots}/shards-review.png`, fullPage: true });

  // Two more browsers, ready before the run so they open it while it runs: another
  // operator, and a stakeholder on a read-only link.
  const other = await browser.newContext();
  const watcher = await other.newPage();
  const made = await page.request.post("/api/access/create-link", { form: { label: "Rebalance watcher", hours: "1" } });
  expect(made.status()).toBe(200);
  const { path: link } = await made.json();
  const stakeholder = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const viewer = await stakeholder.newPage();
  await viewer.goto(link);
  await expect(viewer).toHaveURL(/\/$/);

  // Execute: live progress per move.
  await page.getByTestId("execute-plan").click();
  const watch = page.getByTestId("rebalance-watch");
  await expect(watch).toHaveAttribute("data-state", "running");
  // The live run takes the focus, in view.
  await expect(page.locator("#rebalance-watch-h")).toBeFocused();
  await expect(page.locator("#rebalance-watch-h")).toBeInViewport();
  const jobId = await watch.getAttribute("data-job");
  await expect(watch.getByTestId("moves-count")).toContainText(/\d+ of \d+ steps done/);
  const running = watch.getByTestId("current-move").first();
  await expect(running).toContainText(/ of .*B/);
  await expect(running).toContainText(/B\/s/);
  await expect(running.getByTestId("move-phase")).toHaveText(/copying|switching leader|done/);
  await page.screenshot({ path: `${shots}/shards-executing.png`, fullPage: true });
  await Promise.all([watcher.goto("/shards"), viewer.goto("/shards")]);
  // Both pages came with the running job: the other operator may cancel it, the
  // stakeholder sees a note instead of a Cancel it may not use.
  const attached = watcher.getByTestId("rebalance-watch");
  await expect(attached).toHaveAttribute("data-job", jobId!);
  await expect(attached.getByTestId("cancel-rebalance")).toBeVisible();
  const seen = viewer.getByTestId("rebalance-watch");
  await expect(seen).toHaveAttribute("data-job", jobId!);
  await expect(seen).toHaveAttribute("data-state", "running");
  await expect(seen.getByTestId("read-only-note")).toBeVisible();
  await expect(seen.getByTestId("cancel-rebalance")).toHaveCount(0);
  await stakeholder.close();
  // The other operator's page follows the run live to its end.
  await waitForHydration(watcher);

  await expect(watch).toHaveAttribute("data-state", "succeeded", { timeout: 90_000 });
  const done = watch.getByTestId("rebalance-done");
  await expect(done).toContainText(/Done: \d+ steps? in/);
  await expect(done.getByTestId("done-figures")).toContainText("After (measured)");
  // Every move was verified: the same data before and after, the placement read back.
  await expect(done.getByTestId("moves-done")).toContainText(/Steps: (\d+) of \1 verified/);
  await expect(attached).toHaveAttribute("data-state", "succeeded", { timeout: 10_000 });
  await page.screenshot({ path: `${shots}/shards-done.png`, fullPage: true });
  await other.close();

  // The new servers now hold replicas.
  await expect(page.getByTestId("heat-map").getByRole("columnheader", { name: "DBServer0005" })).toBeVisible();
});

test("a reviewed plan made stale by a topology change is refused", async ({ page, request }) => {
  const addServer = async () => {
    const id = await call(request, "/api/cluster/add-servers", { count: "1" });
    expect((await waitForJob(request, id)).state).toBe("succeeded");
  };
  // More data, mostly on the old servers, and an empty server: there is something to plan.
  for (const name of ["Initech", "Umbrella Corp", "Hooli"]) {
    // Fixed names: with the test server's id seed they land on the same shard groups every run.
    const id = await call(request, "/api/tenants/add", { name, scale_factor: "3", naming: "camelCase" });
    expect((await waitForJob(request, id)).state).toBe("succeeded");
  }
  await addServer();
  await page.goto("/shards");
  await waitForHydration(page);
  await page.getByTestId("make-plan").click();
  await expect(page.getByTestId("plan-review")).toBeVisible();
  await expect(page.getByTestId("execute-plan")).toBeEnabled();
  await addServer(); // someone changes the cluster after the review
  await page.getByTestId("execute-plan").click();
  await expect(page.getByTestId("rebalance-error")).toContainText(
    "the cluster changed since you reviewed this plan; review the new plan",
  );
  await expect(page.getByTestId("rebalance-error")).toBeFocused();
  await expect(page.getByTestId("rebalance-error")).toBeInViewport();
  await expect(page.getByTestId("rebalance-watch")).toHaveCount(0);
  await page.screenshot({ path: `${shots}/shards-stale.png`, fullPage: true });

  // Review the new plan, execute it, and cancel at once: it stops after whole moves.
  await page.getByTestId("make-plan").click();
  await expect(page.getByTestId("execute-plan")).toBeEnabled();
  await page.getByTestId("execute-plan").click();
  const watch = page.getByTestId("rebalance-watch");
  // The card links the job's own page (its whole log, Resume).
  const job = await watch.getAttribute("data-job");
  await expect(watch.getByRole("link", { name: `job ${job}`, exact: true })).toHaveAttribute("href", `/jobs/${job}`);
  // Cancel asks first (a mistaken tap would stop a rebalance).
  let stopQuestion = "";
  page.once("dialog", (d) => { stopQuestion = d.message(); d.accept(); });
  await watch.getByTestId("cancel-rebalance").click();
  expect(stopQuestion).toContain("Stop this run?");
  await expect(watch).toHaveAttribute("data-state", "cancelled", { timeout: 30_000 });
  // Whole moves only: either none finished (nothing moved) or some did (and helped).
  await expect(watch.getByTestId("rebalance-cancelled")).toContainText(
    /Cancelled before the first step finished: nothing moved|Cancelled after \d+ of \d+ steps .* better balanced than before/,
  );
  // The Cancel button went with the run: its outcome has the focus.
  await expect(watch.getByTestId("rebalance-cancelled")).toBeFocused();
  await page.screenshot({ path: `${shots}/shards-cancelled.png`, fullPage: true });
  // Plan again offers what is left.
  await watch.getByTestId("plan-again").click();
  await expect(page.getByTestId("make-plan")).toBeVisible();
});

test("drain a server from the Servers page, then remove it", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/servers");
  await waitForHydration(page);
  // The newest server that holds data: it offers a drain, and no removal.
  const row = page
    .getByTestId("server-table")
    .locator("tr[data-server]")
    .filter({ has: page.getByTestId("drain-server") })
    .last();
  const name = (await row.getAttribute("data-server"))!;
  await expect(row.getByTestId("remove-server")).toHaveCount(0);
  await row.getByTestId("drain-server").click();
  await expect(page).toHaveURL(new RegExp(`/shards\\?drain=${name}`));
  await waitForHydration(page);
  await expect(page.getByTestId("drain-intro")).toContainText(`Drain ${name}`);
  await page.getByTestId("make-plan").click();
  const review = page.getByTestId("plan-review");
  await expect(review).toBeVisible();
  await expect(review.getByTestId("plan-moves")).toContainText(name);
  await page.getByTestId("execute-plan").click();
  const watch = page.getByTestId("rebalance-watch");
  await expect(watch).toHaveAttribute("data-state", "succeeded", { timeout: 90_000 });
  await expect(watch.getByTestId("moves-done")).toContainText(/Steps: (\d+) of \1 verified/);
  await expect(watch.getByTestId("drain-done")).toContainText(`${name} holds nothing now`);
  await page.screenshot({ path: `${shots}/shards-drained.png`, fullPage: true });

  // Empty now: the Servers page offers its removal.
  await page.goto("/servers");
  await waitForHydration(page);
  const emptied = page.getByTestId("server-table").locator(`tr[data-server=${name}]`);
  await expect(emptied.locator("td").nth(1)).toHaveText("0");
  await emptied.getByTestId("remove-server").click();
  await expect(page.getByTestId("server-removed")).toContainText(`${name} held nothing and was removed`);
  await expect(page.getByTestId("server-table").locator(`tr[data-server=${name}]`)).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the Shards page and the what-if show their content", async ({ page, request }) => {
    await ensureTenants(request);
    await page.goto("/shards");
    await expect(page.getByTestId("heat-map")).toBeVisible();
    await expect(page.getByTestId("tenant-placement")).toBeVisible();
    await expect(page.getByTestId("balance-figures")).toContainText("Fullest server against the mean");
    await page.screenshot({ path: `${shots}/shards-no-js.png`, fullPage: true });
    await page.goto("/servers");
    await expect(page.getByTestId("what-if-summary")).toContainText("With 0 more servers");
    await expect(page.getByTestId("what-if-table")).toBeVisible();
    // The what-if's form asks the server for the figures.
    await page.getByTestId("what-if-count").fill("2");
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/\/servers\?what_if=2$/);
    await expect(page.getByTestId("what-if-summary")).toContainText("With 2 more servers");
    await expect(page.getByTestId("what-if-count")).toHaveValue("2");
  });
});
