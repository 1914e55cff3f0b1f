import { test, expect } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";

test("dashboard shows the back end and version, refreshes and streams the preflight", async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(e.message));

  await page.goto("/");
  await waitForHydration(page);

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Dashboard");
  await expect(page.getByTestId("backend-kind")).toContainText("Embedded");
  const version = process.env.SCALEOUT_VERSION;
  if (version) {
    await expect(page.getByTestId("server-version")).toHaveText(version);
  } else {
    await expect(page.getByTestId("server-version")).toHaveText(/^\d+\.\d+\.\d+/);
  }

  // A server function round trip, started by a click.
  const statusCall = page.waitForResponse(
    (r) => r.url().endsWith("/api/console/status") && r.request().method() === "POST",
  );
  await page.getByTestId("refresh-status").click();
  const response = await statusCall;
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.backend.kind).toBe("embedded");
  await expect(page.getByTestId("uptime")).toHaveText(/\d+ s|min|h/);

  // The cluster at a glance (an empty store: this file runs first).
  await expect(page.getByTestId("summary-mode")).toHaveText("Cluster");
  await expect(page.getByTestId("summary-servers")).toHaveText("3 / 3");
  await expect(page.getByTestId("summary-tenants")).toHaveText("0");
  await expect(page.getByTestId("summary-documents")).toHaveText("0");
  await expect(page.getByTestId("summary-collections")).toHaveText(/^(0|11)$/); // 11 once the graph exists
  await expect(page.getByTestId("summary-balance")).toContainText("1.00");
  await expect(page.getByTestId("no-jobs")).toBeVisible();

  // A streamed operation: events appear one by one, then the summary.
  await page.getByTestId("run-preflight").click();
  const events = page.getByTestId("progress-events").locator("li");
  await expect(page.getByTestId("preflight-summary")).toHaveText(/Finished: \d+ passed, \d+ warnings, 0 failed\./);
  await expect(events).toHaveCount(7);
  await expect(events.first()).toHaveAttribute("data-step", "data_dir");
  await expect(events.last()).toHaveAttribute("data-step", "back_end");
  await expect(page.locator('[data-step="disk_sync"]').last()).toContainText("median");
  await expect(page.locator('[data-step="web_assets"]')).toContainText("Browser bundle present");
  await expect(page.locator('[data-step="back_end"]')).toContainText("3 of 3 DB servers healthy");
  const bar = page.getByRole("progressbar", { name: "Preflight progress" });
  await expect(bar).toHaveAttribute("value", "23");
  await expect(page.getByTestId("run-preflight")).toBeEnabled();

  await page.screenshot({ path: `${shots}/dashboard.png`, fullPage: true });
  expect(consoleErrors).toEqual([]);
});
