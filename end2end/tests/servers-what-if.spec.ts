import { test, expect } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";
import { ensureTenants } from "./cluster";

test("what-if: +2 servers shows the projected placement at once", async ({ page, request }) => {
  await ensureTenants(request);
  await page.goto("/servers");
  // Rendered on the server too: the projection for +0 is there before the wasm.
  const whatIf = page.getByTestId("what-if");
  await expect(whatIf.getByTestId("what-if-summary")).toContainText("With 0 more servers");
  await waitForHydration(page);

  const servers = await page.getByTestId("server-table").locator("tbody tr").count();
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));

  await whatIf.getByLabel("Hypothetical new DB servers (0 to 16)").fill("2");
  await expect(whatIf.getByTestId("what-if-summary")).toContainText("With 2 more servers");
  // It speaks of the fullest server (max/mean against today's smaller cluster would mislead).
  await expect(whatIf.getByTestId("what-if-summary")).toContainText(/the fullest server (goes from .* to|stays at)/);
  const table = whatIf.getByTestId("what-if-table");
  await expect(table.locator("tbody tr")).toHaveCount(servers + 2);
  const newcomer = table.getByRole("row", { name: /WhatIf01/ });
  await expect(newcomer).toContainText("hypothetical");
  // The new servers receive groups: "0 → n" with n > 0.
  await expect(newcomer).toContainText(/0 → [1-9]/);
  expect(Number(await whatIf.getByTestId("what-if-moves").textContent())).toBeGreaterThan(0);
  // Computed in the browser: no request to the server for the change (the page's
  // activity stream, which opens once its module has loaded, is not one).
  expect(requests.filter((u) => u.includes("/api/") && !u.includes("/api/activity/watch"))).toEqual([]);
  await page.screenshot({ path: `${shots}/servers-what-if.png`, fullPage: true });

  // Keyboard: arrow keys change the number too.
  await whatIf.getByLabel("Hypothetical new DB servers (0 to 16)").press("ArrowUp");
  await expect(whatIf.getByTestId("what-if-summary")).toContainText("With 3 more servers");
  await expect(table.getByRole("row", { name: /WhatIf03/ })).toBeVisible();

  // Too many is not clamped in silence: the page says what it computed for.
  await whatIf.getByLabel("Hypothetical new DB servers (0 to 16)").fill("40");
  await expect(whatIf.getByTestId("what-if-note")).toContainText("showing 16, not 40");
  await expect(whatIf.getByTestId("what-if-summary")).toContainText("With 16 more servers");
  await whatIf.getByLabel("Hypothetical new DB servers (0 to 16)").fill("2");
  await expect(whatIf.getByTestId("what-if-note")).toHaveCount(0);
});
