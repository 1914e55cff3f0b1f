import { start, BASE, focusInfo, sw, tabWalk } from "./walk21-lib.tmp.mjs";
const [vw, vh, tag, addTenants, n1, n2] = [+process.argv[2], +process.argv[3], process.argv[4], process.argv[5]==="1", process.argv[6], process.argv[7]];
const { b, ctx, p, errs } = await start(vw, vh, tag);
const S = (n, pg=p, full=false) => pg.screenshot({ path: `/tmp/walk21/${tag}-s-${n}.png`, fullPage: full });
const waitJob = async () => { for (let i=0;i<120;i++) { if (await p.locator("[data-testid=job-watch][data-state=succeeded], [data-testid=job-watch][data-state=failed], [data-testid=job-watch][data-state=cancelled]").count()) break; await p.waitForTimeout(500);} };
if (addTenants) {
  await p.goto(BASE + "/tenants"); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(500);
  await p.click("button:has-text('Add the batch')"); await waitJob();
  console.log("batch card:", (await p.locator("[data-testid=job-watch]").first().innerText()).replace(/\n+/g," | "));
  await p.locator("[data-testid=dismiss-job]").first().click();
  await p.fill("input[name=name]", "Acme Widgets"); await p.fill("input[name=scale_factor]", "2");
  await p.click("button:has-text('Add tenant')"); await waitJob();
  await p.locator("[data-testid=dismiss-job]").first().click();
  await p.fill("input[name=name]", "Zeta Networks"); await p.fill("input[name=scale_factor]", "5");
  await p.click("button:has-text('Add tenant')"); await waitJob();
  await p.locator("[data-testid=dismiss-job]").first().click();
}
await p.goto(BASE + "/servers"); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(800);
// 100
await p.fill("input[name=count]", n1);
await p.click("button:has-text('Add servers')");
await p.waitForTimeout(1200);
const vmsg = await p.locator("input[name=count]").evaluate(e => e.validationMessage);
console.log("validationMessage after", n1, ":", JSON.stringify(vmsg));
console.log("MAIN after 100:", (await p.locator("section[aria-labelledby=add-servers-h]").innerText()).replace(/\n+/g," | "));
console.log("FOCUS:", await focusInfo(p));
await S("01-add100");
// 6
await p.fill("input[name=count]", n2);
await p.click("button:has-text('Add servers')");
await p.waitForTimeout(600);
const dlg = p.locator("dialog[open], [role=dialog], [role=alertdialog]");
console.log("inpage dialog count", await dlg.count());
await S("02-add6-after");
for (const t of [300, 1000]) { await p.waitForTimeout(t); console.log(`FOCUS @${t}:`, await focusInfo(p)); console.log("CARD:", (await p.locator("[data-testid=job-watch]").first().innerText().catch(()=>"-")).replace(/\n+/g," | ")); await S(`03-job-${t}`); }
await waitJob();
console.log("CARD final:", (await p.locator("[data-testid=job-watch]").first().innerText().catch(()=>"-")).replace(/\n+/g," | "));
await S("04-job-done");
await p.locator("[data-testid=dismiss-job]").first().click().catch(()=>{});
await p.waitForTimeout(300); console.log("FOCUS after dismiss:", await focusInfo(p));
console.log("DB heading:", await p.locator("#db-h").innerText());
console.log("ERRS", errs); await b.close(); process.exit(0);
// open shards in a second page
const p2 = await ctx.newPage();
p2.on("pageerror", e => errs.push(`[${tag}] p2 pageerror ${e.message}`));
p2.on("console", m => { if (m.type()==="error") errs.push(`[${tag}] p2 console ${m.text()}`); });
await p2.goto(BASE + "/shards"); await p2.waitForSelector("body[data-hydrated]"); await p2.waitForTimeout(800);
// simulate failure of DBServer0002
const fb = p.locator('button[aria-label="Simulate failure of DBServer0002"]');
await fb.scrollIntoViewIfNeeded(); await fb.click(); await p.waitForTimeout(1500);
console.log("FOCUS after fail:", await focusInfo(p));
console.log("ROW:", (await p.locator('tr[data-server=DBServer0002]').innerText()).replace(/\s+/g," "));
console.log("DB heading:", await p.locator("#db-h").innerText());
await S("05-failed");
await S("05-failed-full", p, true);
await p2.waitForTimeout(3000);
const hm = await p2.evaluate(() => { const th=[...document.querySelectorAll("th")].filter(t=>/DBServer0002/.test(t.innerText)); return th.map(t=>t.outerHTML.slice(0,400)); });
console.log("SHARDS header cells for 0002 (no reload):", hm);
console.log("SHARDS text mentions fail:", (await p2.locator("main").innerText()).split("\n").filter(l=>/fail|down|unreach|bad|health/i.test(l)).slice(0,10));
await p2.screenshot({ path: `/tmp/walk21/${tag}-s-06-shards-failed.png`, fullPage: true });
// dashboard too
const p3 = await ctx.newPage(); await p3.goto(BASE + "/"); await p3.waitForSelector("body[data-hydrated]"); await p3.waitForTimeout(800);
console.log("DASH:", (await p3.locator("main").innerText()).split("\n").filter(l=>/healthy|DB servers|fail/i.test(l)).join(" | "));
// restore
const rb = p.locator('tr[data-server=DBServer0002] button').first();
console.log("restore button text:", await rb.innerText(), await rb.getAttribute("aria-label"));
await rb.click(); await p.waitForTimeout(1500);
console.log("ROW after restore:", (await p.locator('tr[data-server=DBServer0002]').innerText()).replace(/\s+/g," "));
console.log("FOCUS after restore:", await focusInfo(p));
await p2.waitForTimeout(3000);
console.log("SHARDS header after restore:", await p2.evaluate(() => [...document.querySelectorAll("th")].filter(t=>/DBServer0002/.test(t.innerText)).map(t=>t.outerHTML.slice(0,300))));
console.log("SW servers", await sw(p));
console.log("TAB", JSON.stringify(await tabWalk(p, 120)));
console.log("ERRS", errs);
await b.close();
