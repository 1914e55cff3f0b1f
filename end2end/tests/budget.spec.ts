import { test, expect } from "@playwright/test";
import { waitForHydration } from "./hydration";

// What a visitor's first load of /signup may cost over the wire: HTML, JS, wasm, CSS,
// everything a cold browser fetches until the page is interactive and the network idle.
// Measured 279 KB on 2026-12-05 (the shell's wasm alone is 185 KB as brotli; see README,
// "Light pages"). The goal is 150 KB, which Leptos's hydration runtime alone
// exceeds: this budget (measured plus a margin) keeps what was won, so no page can drag more code into it.
const SIGNUP_BUDGET_BYTES = 300_000;

test.use({ storageState: { cookies: [], origins: [] } });

test("a visitor's first load of /signup stays within its budget and fetches no other page's code", async ({
  page,
  context,
}) => {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const urls = new Map<string, string>();
  const bytes = new Map<string, number>();
  let inFlight = 0;
  cdp.on("Network.requestWillBeSent", (e) => {
    urls.set(e.requestId, e.request.url);
    inFlight += 1;
  });
  const done = (id: string, size: number) => {
    bytes.set(id, size);
    inFlight -= 1;
  };
  cdp.on("Network.loadingFinished", (e) => done(e.requestId, e.encodedDataLength));
  cdp.on("Network.loadingFailed", (e) => done(e.requestId, 0));

  await page.goto("/signup");
  await waitForHydration(page);
  // Until nothing has been in flight for half a second: lazily loaded modules count.
  let quietSince = Date.now();
  while (Date.now() - quietSince < 500) {
    if (inFlight > 0) quietSince = Date.now();
    await page.waitForTimeout(50);
  }

  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  const files = [...bytes.keys()].map((id) => new URL(urls.get(id)!).pathname);
  console.log(`/signup first load: ${files.length} requests, ${(total / 1000).toFixed(1)} KB`);
  expect(total, files.join("\n")).toBeLessThanOrEqual(SIGNUP_BUDGET_BYTES);
  // The page's own module is the visitors' one: not the planner's, not an operator page's.
  const pageModules = files.filter((f) => /\/split_/.test(f));
  expect(pageModules.length).toBeGreaterThan(0);
  for (const module of pageModules) expect(module).toMatch(/split_visitor_pages_/);
  // The form works: it is the real page, hydrated.
  await expect(page.getByLabel("Company name")).toBeEditable();
});
