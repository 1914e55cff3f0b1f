import { start, BASE, focusInfo, sw } from "./walk21-lib.tmp.mjs";
const [vw, vh, tag, srv] = [+process.argv[2], +process.argv[3], process.argv[4], process.argv[5]];
const { b, p, errs } = await start(vw, vh, tag);
p.setDefaultTimeout(8000);
const S = (n, full=false) => p.screenshot({ path: `/tmp/walk21/${tag}-dr-${n}.png`, fullPage: full });
await p.goto(BASE + "/shards"); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(1000);

await p.goto(BASE + "/servers"); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(1000);
const dl = p.locator(`[data-testid=server-table] tr[data-server=${srv}] a`).filter({ hasText: /drain/i });
console.log("drain href", await dl.getAttribute("href"), await dl.getAttribute("aria-label"));
await dl.click(); await p.waitForURL(/shards/); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(2000);
console.log("URL", p.url(), "FOCUS:", await focusInfo(p));
console.log("REBAL:", (await p.locator("section[aria-labelledby=rebalance-h]").innerText()).replace(/\n+/g," | ").slice(0,1500));
await p.click("button:has-text('Plan the drain')"); await p.waitForTimeout(2000);
console.log("FOCUS after drain plan:", await focusInfo(p));
console.log("REBAL2:", (await p.locator("section[aria-labelledby=rebalance-h]").innerText()).replace(/\n+/g," | ").slice(0,1800));
await S("01-drain-review");
console.log("SW review", await sw(p));
const ex = p.locator("[data-testid=execute-plan]");
if (await ex.count() && await ex.isEnabled()) {
  await ex.click();
  const card = p.locator("section[aria-labelledby=rebalance-h]"); const t0=Date.now(); let n=0;
  for (let i=0;i<300;i++) { await p.waitForTimeout(500); const txt=(await card.innerText()).replace(/\n+/g," | ");
    if (i===6) { console.log("FOCUS running:", await focusInfo(p)); console.log("RUNNING:", txt.slice(0,900)); await S("02-running"); console.log("SW running", await sw(p)); }
    if (/succeeded|cancelled|failed/.test(txt.slice(0,200))) { console.log("END", Date.now()-t0, txt.slice(0,900)); break; } }
  await S("03-done"); console.log("FOCUS end:", await focusInfo(p));
}
console.log("ERRS", errs); await b.close();
