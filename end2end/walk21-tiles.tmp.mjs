import { start, BASE, focusInfo, sw } from "./walk21-lib.tmp.mjs";
const { b, p, errs } = await start(1366, 768, "tiles");
await p.goto(BASE + "/demo"); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(1200);
const pres = process.argv[2]==="1";
if (pres) { await p.click("[data-testid=presenter-toggle]"); await p.waitForTimeout(800); }
const sec = p.locator("[data-testid=panel-before]").first();
await sec.scrollIntoViewIfNeeded();
await p.waitForTimeout(300);
await p.screenshot({ path: `/tmp/walk21/dp-demo-06-beforeafter-view${pres?"-pres":""}.png` });
console.log(JSON.stringify(await p.evaluate(() => [...document.querySelectorAll("main dd, main .stat, main [class*=tile] *")].filter(e => e.scrollWidth > e.clientWidth + 1).slice(0,10).map(e => ({c:e.className, t:e.innerText, sw:e.scrollWidth, cw:e.clientWidth})))));
console.log("start-demo visible:", await p.locator("[data-testid=start-demo]").count(), "SW", JSON.stringify(await sw(p)));
console.log("run section:", (await p.locator("section[aria-labelledby=run-h]").innerText().catch(()=>"(none)")).replace(/\n+/g," | ").slice(0,600));
console.log(errs); await b.close();
