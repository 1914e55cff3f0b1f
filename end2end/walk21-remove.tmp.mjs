import { start, BASE, focusInfo, sw } from "./walk21-lib.tmp.mjs";
const [vw, vh, tag, big, victim] = [+process.argv[2], +process.argv[3], process.argv[4], process.argv[5], process.argv[6]];
const { b, p, errs } = await start(vw, vh, tag);
const S = (n) => p.screenshot({ path: `/tmp/walk21/${tag}-r-${n}.png` });
await p.goto(BASE + "/tenants"); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(500);
if (big) {
  // a bigger tenant to see a running card
  await p.fill("input[name=name]", big);
  await p.fill("input[name=scale_factor]", "40");
  await p.click("button:has-text('Add tenant')");
  for (const t of [200, 600, 1500]) { await p.waitForTimeout(t); console.log(`FOCUS @${t}:`, await focusInfo(p)); console.log("CARD:", (await p.locator("[data-testid=job-watch]").first().innerText().catch(()=>"-")).replace(/\n+/g," | ")); await S(`01-big-${t}`); }
  for (let i=0;i<120;i++) { if (await p.locator("[data-testid=job-watch][data-state=succeeded], [data-testid=job-watch][data-state=failed]").count()) break; await p.waitForTimeout(500); }
  console.log("CARD final:", (await p.locator("[data-testid=job-watch]").first().innerText()).replace(/\n+/g," | "));
  await p.locator("[data-testid=dismiss-job]").first().click().catch(()=>{});
  await p.waitForTimeout(300);
  console.log("FOCUS after dismiss:", await focusInfo(p));
}
await p.waitForTimeout(500);
const rm = p.locator(`button[aria-label="Remove ${victim}"]`);
console.log("remove btn count", await rm.count());
await rm.scrollIntoViewIfNeeded();
await rm.click();
await p.waitForTimeout(500);

const dlg = p.locator("dialog[open], [role=dialog], [role=alertdialog]");
console.log("dialog count", await dlg.count());
if (await dlg.count()) { console.log("DIALOG TEXT:", (await dlg.first().innerText()).replace(/\n+/g," | ")); console.log("FOCUS in dialog:", await focusInfo(p)); }
const btns = await dlg.first().locator("button").allInnerTexts().catch(()=>[]);
console.log("dialog buttons", btns);
// click the confirming button (not Cancel)
if (await dlg.count()) { await dlg.first().locator("button").filter({ hasNotText: /cancel|keep/i }).last().click(); }
for (const t of [200, 800]) { await p.waitForTimeout(t); console.log(`FOCUS @${t}:`, await focusInfo(p)); console.log("CARD:", (await p.locator("[data-testid=job-watch]").first().innerText().catch(()=>"-")).replace(/\n+/g," | ")); await S(`03-removing-${t}`); }
for (let i=0;i<60;i++) { if (await p.locator("[data-testid=job-watch][data-state=succeeded], [data-testid=job-watch][data-state=failed]").count()) break; await p.waitForTimeout(500); }
console.log("CARD final:", (await p.locator("[data-testid=job-watch]").first().innerText().catch(()=>"-")).replace(/\n+/g," | "));
console.log("FOCUS final:", await focusInfo(p));
await S("04-removed");
const d = p.locator("[data-testid=dismiss-job]").first();
if (await d.count()) { await d.click(); await p.waitForTimeout(300); console.log("FOCUS after dismiss:", await focusInfo(p)); }
console.log("TENANTS:", (await p.locator("[data-testid=tenant-table] tbody").innerText().catch(()=>"-")).replace(/\n+/g," | "));
console.log("SW", await sw(p));
console.log("ERRS", errs);
await b.close();
