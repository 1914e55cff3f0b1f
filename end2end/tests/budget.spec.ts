import { test, expect, Page, BrowserContext } from "@playwright/test";
import { waitForHydration } from "./hydration";

// What a visitor's first load may cost over the wire (issue 19): HTML, JS, wasm, CSS,
// everything a cold browser fetches until the page is interactive and the network idle,
// headers included. The visitors' pages have a bundle of their own (app/src/public.rs):
// measured 146 KB for /signup on 2026-12-06, against the console's shell alone at 185 KB.
const VISITOR_BUDGET_BYTES = 150_000;

test.use({ storageState: { cookies: [], origins: [] } });

/** Loads `path` in a cold context; returns the paths fetched and the bytes over the wire. */
async function firstLoad(page: Page, context: BrowserContext, path: string) {
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

  await page.goto(path);
  await waitForHydration(page);
  // Until nothing has been in flight for half a second: lazily loaded modules count.
  let quietSince = Date.now();
  while (Date.now() - quietSince < 500) {
    if (inFlight > 0) quietSince = Date.now();
    await page.waitForTimeout(50);
  }
  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  const files = [...bytes.keys()].map((id) => new URL(urls.get(id)!).pathname);
  console.log(`${path} first load: ${files.length} requests, ${(total / 1000).toFixed(1)} KB`);
  return { total, files };
}

for (const path of ["/signup", "/login"]) {
  test(`a visitor's first load of ${path} stays within its budget and fetches no console code`, async ({
    page,
    context,
  }) => {
    const { total, files } = await firstLoad(page, context, path);
    expect(total, files.join("\n")).toBeLessThanOrEqual(VISITOR_BUDGET_BYTES);
    // The visitors' bundle, not the console's shell or any of its page modules.
    expect(files.some((f) => f.endsWith("/public_bg.wasm")), files.join("\n")).toBe(true);
    expect(files.filter((f) => /scaleout_bg\.wasm|\/split_|scaleout\.css/.test(f))).toEqual([]);
    // It is the real page, hydrated: the form works.
    const field = path === "/signup" ? "Company name" : "Password";
    await expect(page.getByLabel(field)).toBeEditable();
  });
}
