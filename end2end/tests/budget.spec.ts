import { test, expect, Page, BrowserContext } from "@playwright/test";
import { waitForHydration } from "./hydration";

// What a visitor's first load may cost over the wire (issue 19): HTML, JS, wasm, CSS,
// everything a cold browser fetches until the page is interactive and the network idle,
// headers included. The visitors' pages have a bundle of their own (app/src/public.rs):
// measured 146 KB for /signup on 2026-12-06, against the console's shell alone at 185 KB.
const VISITOR_BUDGET_BYTES = 150_000;

// The customers' portal has a bundle of its own too (app/src/portal_app.rs): measured
// 2026-12-06 at about 265 KB with its live inventory and network explorer, against 418 KB
// on the console's shell. Issue 19 asks for 150 KB: not met (see the README); this holds
// what it is, so the console's code cannot creep back into it.
const PORTAL_BUDGET_BYTES = 290_000;

test.use({ storageState: { cookies: [], origins: [] } });

/** Loads `path` in a cold context; returns the paths fetched and the bytes over the wire. */
async function firstLoad(page: Page, context: BrowserContext, path: string) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const urls = new Map<string, string>();
  const bytes = new Map<string, number>();
  let inFlight = 0;
  // A live stream (the portal's updates) stays open: its bytes count, its end is not awaited.
  const live = (url: string) => /\/api\/portal\/(updates|watch)/.test(url);
  cdp.on("Network.requestWillBeSent", (e) => {
    urls.set(e.requestId, e.request.url);
    if (!live(e.request.url)) inFlight += 1;
  });
  cdp.on("Network.dataReceived", (e) => {
    if (live(urls.get(e.requestId) ?? "")) bytes.set(e.requestId, (bytes.get(e.requestId) ?? 0) + e.encodedDataLength);
  });
  const done = (id: string, size: number) => {
    if (live(urls.get(id) ?? "")) return;
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

test("a customer's first load of /portal is the portal's own bundle, with no console code", async ({ browser, baseURL }) => {
  // Signed up in one browser; the portal measured cold in another with its cookie.
  const signup = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const form = await signup.newPage();
  await form.goto("/signup");
  await waitForHydration(form);
  await form.getByLabel("Company name").fill(`Budget Check ${Date.now()}`);
  await form.getByLabel("Contact email").fill("it@budget.example");
  await form.getByRole("button", { name: "Create my tenant" }).click();
  await expect(form).toHaveURL(/\/portal/);
  const cookies = await signup.cookies();
  await signup.close();

  const context = await browser.newContext({ baseURL, storageState: { cookies, origins: [] } });
  const page = await context.newPage();
  const { total, files } = await firstLoad(page, context, "/portal");
  expect(total, files.join("\n")).toBeLessThanOrEqual(PORTAL_BUDGET_BYTES);
  expect(files.some((f) => f.endsWith("/portal_bg.wasm")), files.join("\n")).toBe(true);
  expect(files.filter((f) => /scaleout_bg\.wasm|\/split_/.test(f))).toEqual([]);
  // The real portal, hydrated and live.
  await expect(page.getByTestId("portal-state")).toHaveText("ready", { timeout: 60_000 });
  await expect(page.getByTestId("new-personal-link")).toBeEnabled();
  await context.close();
});
