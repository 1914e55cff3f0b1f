import { defineConfig } from "@playwright/test";
import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";

// scripts/test.sh sets these; the defaults suit a run from end2end/ after a build.
const port = Number(process.env.E2E_PORT ?? 3917);
const bin = process.env.SCALEOUT_BIN ?? path.resolve(__dirname, "../target/debug/scaleout");
const site = process.env.SCALEOUT_SITE_DIR ?? path.resolve(__dirname, "../target/site");
// A fresh data directory per run: tests never see an earlier run's state. Worker
// processes load this file again and inherit the variable: one directory per run.
const dataDir =
  process.env.E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "scaleout-e2e-"));
process.env.E2E_DATA_DIR = dataDir;
// The operator password of the test server; global-setup logs in with it once.
export const operatorPassword = "e2e-operator-password";
process.env.E2E_OPERATOR_PASSWORD = operatorPassword;
// Worker processes load this file again: the path must not depend on mkdtemp.
export const operatorState = path.join(os.tmpdir(), `scaleout-e2e-operator-${port}.json`);
process.env.E2E_OPERATOR_STATE = operatorState;

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  globalSetup: "./global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // Every test starts as a logged-in operator; access tests open fresh contexts.
    storageState: operatorState,
    screenshot: "only-on-failure",
    trace: "off",
    browserName: "chromium",
    launchOptions: {
      // Debian's Chromium; never a browser downloaded by Playwright.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `"${bin}" serve --addr 127.0.0.1:${port} --data-dir "${dataDir}" --site-dir "${site}"`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      SCALEOUT_ADMIN_PASSWORD: operatorPassword,
      // Seeded tenant ids: the same shard placement every run, so what a test sees
      // of plans and balance never depends on chance.
      SCALEOUT_TENANT_ID_SEED: "1",
      // Moves at 128 KiB/s: a rebalance runs for several seconds, long enough for
      // other browsers to open it while it runs, even on a busy machine.
      SCALEOUT_MOVE_RATE: "131072",
      // The server's own news, not a line per request (thousands in a run).
      RUST_LOG: "info,scaleout::http=warn",
    },
    stdout: "pipe",
    stderr: "pipe",
  },
});
