import { start, BASE, focusInfo, sw, tabWalk } from "./walk21-lib.tmp.mjs";
const [vw, vh, tag, cancelAfterMs] = [+process.argv[2], +process.argv[3], process.argv[4], +(process.argv[5]||0)];
const { b, p, errs } = await start(vw, vh, tag);
p.setDefaultTimeout(5000);
const S = (n, full=false) => p.screenshot({ path: `/tmp/walk21/${tag}-x-${n}.png`, fullPage: full });
await p.goto(BASE + "/shards"); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(800);
await p.click("button:has-text('Plan a rebalance')");
await p.waitForTimeout(1500);
console.log("FOCUS after plan:", await focusInfo(p));
console.log("SUMMARY:", await p.locator("#plan-summary").innerText().catch(()=>"-"));
console.log("MOVES:", (await p.locator("[data-testid=plan-moves]").innerText().catch(()=>"-")).replace(/\n+/g," | ").slice(0,1500));
console.log("FIGS:", (await p.locator("[data-testid=plan-figures]").innerText().catch(()=>"-")).replace(/\n+/g," | "));
console.log("REASONS:", (await p.locator("[data-testid=plan-reasons]").innerText().catch(()=>"-")).replace(/\n+/g," | "));
await S("01-review");
console.log("SW review", await sw(p));
await p.click("[data-testid=execute-plan]");
const card = p.locator("section[aria-labelledby=rebalance-h]");
const t0 = Date.now(); let cancelled = false; let last = "";
for (let i=0;i<600;i++) {
  await p.waitForTimeout(250);
  const txt = (await card.innerText().catch(()=>"")).replace(/\n+/g," | ");
  if (txt !== last) { console.log(`t=${Date.now()-t0}ms`, txt.slice(0, 1200)); last = txt; }
  if (i===2 || i===12) { console.log("FOCUS:", await focusInfo(p)); await S(`02-running-${i}`); }
  if (cancelAfterMs && !cancelled && Date.now()-t0 > cancelAfterMs) {
    const c = card.locator("button").filter({ hasText: /cancel|stop/i }).first();
    if (await c.count()) { console.log("CLICK CANCEL:", await c.innerText(), await c.getAttribute("aria-label")); await c.click(); cancelled = true; await p.waitForTimeout(300); await S("03-after-cancel"); console.log("FOCUS after cancel:", await focusInfo(p)); }
  }
  if (/\bDone\b|Cancelled|cancelled|Failed|Stopped/.test(txt) && !/running/.test(txt)) { console.log("END at", Date.now()-t0); break; }
}
await p.waitForTimeout(800);
console.log("FINAL CARD:", (await card.innerText()).replace(/\n+/g," | ").slice(0,3000));
console.log("FOCUS final:", await focusInfo(p));
await S("04-done");
console.log("SW", await sw(p));
console.log("ERRS", errs);
await b.close();
