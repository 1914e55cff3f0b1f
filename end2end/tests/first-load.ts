import { Page, BrowserContext } from "@playwright/test";
import { waitForHydration } from "./hydration";

/** Loads `path` in a cold context; returns the paths fetched and the bytes over the wire. */
export async function firstLoad(page: Page, context: BrowserContext, path: string) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const urls = new Map<string, string>();
  const bytes = new Map<string, number>();
  let inFlight = 0;
  // A live stream (the portal's updates, a stakeholder's activity) stays open: its bytes
  // count, its end is not awaited.
  const live = (url: string) => /\/api\/(portal\/(updates|watch)|activity\/watch)/.test(url);
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
