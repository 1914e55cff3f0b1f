import { start, BASE, focusInfo, sw } from "./walk21-lib.tmp.mjs";
const [vw, vh, tag] = [+process.argv[2], +process.argv[3], process.argv[4]];
const { b, p, errs } = await start(vw, vh, tag);
p.setDefaultTimeout(5000);
await p.goto(BASE + "/servers"); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(800);
const sec = p.locator("[data-testid=what-if]");
await sec.scrollIntoViewIfNeeded();
for (const v of ["0", "3", "16", "200", "-2", "2.5", ""]) {
  await p.locator("#what-if-count").fill(v);
  await p.locator("#what-if-count").press("Tab");
  await p.waitForTimeout(1500);
  console.log(`=== value ${JSON.stringify(v)} -> input now ${JSON.stringify(await p.locator("#what-if-count").inputValue())} validity: ${await p.locator("#what-if-count").evaluate(e=>e.validationMessage)}`);
  console.log((await sec.innerText()).replace(/\n+/g," | ").replace(/\t/g," ").slice(0, 2500));
  await sec.screenshot({ path: `/tmp/walk21/${tag}-w-${v||"empty"}.png` });
}
// arrow keys
await p.locator("#what-if-count").fill("15"); await p.locator("#what-if-count").press("ArrowUp"); await p.locator("#what-if-count").press("ArrowUp"); await p.waitForTimeout(1200);
console.log("after arrows from 15:", await p.locator("#what-if-count").inputValue(), "|", await p.locator("[data-testid=what-if-summary]").innerText());
console.log("SW", await sw(p));
console.log("ERRS", errs);
await b.close();
