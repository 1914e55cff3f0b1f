import { test, expect } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";

test("run the demo and watch it from two browsers", async ({ page, browser }) => {
  await page.goto("/demo");
  await waitForHydration(page);
  await page.getByTestId("start-demo").click();
  const job = page.getByTestId("job-watch");
  await expect(job).toBeVisible();
  const id = await job.getAttribute("data-job");

  // A second browser context (another person) follows the same job live.
  const other = await browser.newContext();
  const watcher = await other.newPage();
  await watcher.goto("/");
  await waitForHydration(watcher);

  await expect(job).toHaveAttribute("data-state", "succeeded", { timeout: 60_000 });
  const outcome = page.getByTestId("demo-outcome");
  await expect(outcome).toContainText("7665");
  await expect(outcome).toContainText("0 violation(s)");
  await expect(outcome).toContainText("scale_out_demo_");
  await page.screenshot({ path: `${shots}/demo.png`, fullPage: true });

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
  await page.getByRole("button", { name: "Fail DBServer0002" }).click();
  await expect(table.getByRole("row", { name: /DBServer0002/ })).toContainText("Failed");
  await expect(page.getByRole("heading", { name: /DB servers: 4 of 5 healthy/ })).toBeVisible();
  await page.screenshot({ path: `${shots}/servers.png`, fullPage: true });
  await page.getByRole("button", { name: "Restore DBServer0002" }).click();
  await expect(page.getByRole("heading", { name: /DB servers: 5 of 5 healthy/ })).toBeVisible();
});
