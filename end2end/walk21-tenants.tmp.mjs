import { start, BASE, focusInfo, sw, tabWalk } from "./walk21-lib.tmp.mjs";
const [vw, vh, tag, name, sf] = [+process.argv[2], +process.argv[3], process.argv[4], process.argv[5], process.argv[6]];
const { b, p, errs } = await start(vw, vh, tag);
const S = (n) => p.screenshot({ path: `/tmp/walk21/${tag}-t-${n}.png` });
await p.goto(BASE + "/tenants"); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(500);
// bad name
await p.fill("input[name=name]", "Bad <name>");
await p.click("button:has-text('Add tenant')");
await p.waitForTimeout(1500);
console.log("FOCUS after bad:", await focusInfo(p));
await S("01-bad");
console.log("MAIN after bad:\n", (await p.locator("main").innerText()).slice(0, 1500));
// good
await p.fill("input[name=name]", name);
await p.fill("input[name=scale_factor]", sf);
await p.click("button:has-text('Add tenant')");
for (const t of [300, 1000]) {
  await p.waitForTimeout(t === 300 ? 300 : 700);
  console.log(`FOCUS @${t}ms:`, await focusInfo(p));
  await S(`02-progress-${t}`);
}
console.log("HTML of main after submit:\n", (await p.locator("main").innerHTML()).replace(/<!---->/g,"").slice(0, 5000));
// wait for finish
for (let i=0;i<60;i++) { if (await p.locator("button:has-text('Dismiss')").count()) break; await p.waitForTimeout(500); }
await p.waitForTimeout(500);
console.log("FOCUS at finish:", await focusInfo(p));
await S("03-finished");
console.log("MAIN at finish:\n", (await p.locator("main").innerText()).slice(0, 2500));
const dis = p.locator("button:has-text('Dismiss')");
console.log("dismiss count", await dis.count());
if (await dis.count()) { await dis.first().click(); await p.waitForTimeout(500); console.log("FOCUS after Dismiss:", await focusInfo(p)); await S("04-dismissed"); }
console.log("bad-name error still present?", (await p.locator("main").innerText()).includes("<name>"), await p.locator("main [role=alert]").allInnerTexts());
console.log("SW", await sw(p));
console.log("TAB", JSON.stringify(await tabWalk(p)));
console.log("ERRS", errs);
await b.close();
