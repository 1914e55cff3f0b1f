import { test, expect, Page } from "@playwright/test";
import { spawn, execFileSync, ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as net from "node:net";
import { waitForHydration, shots } from "./hydration";

// A console of its own (the shared test server keeps its small cluster): 128 DB servers,
// the most the console allows, one of them failed.
const bin = process.env.SCALEOUT_BIN ?? path.resolve(__dirname, "../../target/debug/scaleout");
const site = process.env.SCALEOUT_SITE_DIR ?? path.resolve(__dirname, "../../target/site");
const password = "scale-operator-password";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function noSidewaysScroll(page: Page) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll, "the page itself never gets wider than the window").toBeLessThanOrEqual(inner);
}

test.describe("at 128 DB servers", () => {
  let server: ChildProcess | undefined;
  let data = "";
  let base = "";

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    data = fs.mkdtempSync(path.join(os.tmpdir(), "scaleout-scale-"));
    const env = { ...process.env, SCALEOUT_TENANT_ID_SEED: "1", SCALEOUT_MOVE_RATE: "1000000000" };
    const cli = (...args: string[]) => execFileSync(bin, ["--data-dir", data, ...args], { env, stdio: "pipe" });
    cli("tenant", "add-batch", "--json");
    cli("server", "add", "--count", "64", "--json");
    cli("server", "add", "--count", "61", "--json");
    cli("rebalance", "--execute", "--copies-per-server", "4", "--json");
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(bin, ["serve", "--addr", `127.0.0.1:${port}`, "--data-dir", data, "--site-dir", site], {
      env: { ...env, SCALEOUT_ADMIN_PASSWORD: password },
      stdio: "ignore",
    });
    const started = Date.now();
    for (;;) {
      try {
        if ((await fetch(`${base}/login`)).ok) break;
      } catch {}
      if (Date.now() - started > 30_000) throw new Error("the scale server did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  test.afterAll(async () => {
    server?.kill("SIGTERM");
    fs.rmSync(data, { recursive: true, force: true });
  });

  for (const [width, height] of [[1366, 768], [390, 844]]) {
    test(`the Shards and Servers pages fit ${width}x${height}; the heat map scrolls inside its box`, async ({ browser }) => {
      const context = await browser.newContext({ baseURL: base, viewport: { width, height }, storageState: { cookies: [], origins: [] } });
      const page = await context.newPage();
      expect((await page.request.post("/api/access/login", { form: { password } })).status()).toBe(200);
      await page.request.post("/api/cluster/fail-server", { form: { server: "DBServer0007" } });

      await page.goto("/shards");
      await waitForHydration(page);
      const heat = page.getByTestId("heat-map");
      await expect(heat.locator("thead th.server-col")).toHaveCount(128);
      await noSidewaysScroll(page);
      // A failed server is marked in its column's heading, not only in its cells.
      await expect(heat.getByRole("columnheader", { name: /DBServer0007 \(failed\)/ })).toBeVisible();
      // Scrolled to the last server, the group and tenant columns are still in view.
      await heat.locator("thead").scrollIntoViewIfNeeded();
      await page.locator(".heat-wrap").evaluate((el) => (el.scrollLeft = el.scrollWidth));
      await expect(heat.getByRole("columnheader", { name: "DBServer0128" })).toBeInViewport();
      await expect(heat.getByRole("columnheader", { name: "Shard group" })).toBeInViewport();
      await expect(heat.getByRole("columnheader", { name: "Tenants" })).toBeInViewport();
      await page.screenshot({ path: `${shots}/shards-128-servers-${width}.png` });

      await page.goto("/servers");
      await waitForHydration(page);
      await expect(page.getByTestId("server-table").locator("tbody tr")).toHaveCount(128);
      await noSidewaysScroll(page);
      await context.close();
    });
  }
});
