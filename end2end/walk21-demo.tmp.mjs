import { start, BASE, focusInfo, sw, tabWalk } from "./walk21-lib.tmp.mjs";
const [vw, vh, tag, doRun] = [+process.argv[2], +process.argv[3], process.argv[4], process.argv[5]==="1"];
const { b, p, errs } = await start(vw, vh, tag);
p.setDefaultTimeout(8000);
const S = (n, full=false) => p.screenshot({ path: `/tmp/walk21/${tag}-demo-${n}.png`, fullPage: full });
await p.goto(BASE + "/demo"); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(1000);
console.log("RUN SECTION HTML:", (await p.locator("main").innerHTML()).replace(/<!---->/g,"").slice(0,3500));
await S("00-before");
if (process.argv[6]==="1") { await p.click("[data-testid=presenter-toggle]"); await p.waitForTimeout(800); console.log("FOCUS after presenter:", await focusInfo(p)); console.log("presenting:", await p.locator("[data-testid=demo]").getAttribute("data-presenting"), "header visible:", await p.locator("header.top").isVisible()); await S("00b-presenter"); console.log("SW presenter", await sw(p)); }
if (doRun) {
  await p.click("button:has-text('Run the scale-out demo')");
  await p.waitForTimeout(1500);
  const dlg = p.locator("dialog[open], [role=dialog], [role=alertdialog]");
  if (await dlg.count()) console.log("INPAGE DIALOG:", await dlg.first().innerText());
  console.log("FOCUS after run:", await focusInfo(p));
  await S("01-started");
  const t0 = Date.now(); let last="";
  for (let i=0;i<400;i++) {
    await p.waitForTimeout(1000);
    const txt = (await p.locator("main").innerText()).replace(/\n+/g," | ");
    const head = txt.slice(0, 700);
    if (head !== last) { if (i%5===0) console.log(`t=${Date.now()-t0}`, head); last = head; }
    if (i===20) await S("02-running");
    if (/report|Report/.test(txt) && /(succeeded|failed|Done|finished)/i.test(txt.slice(0,1500)) && !/running/i.test(txt.slice(0,1500))) { console.log("END", Date.now()-t0); break; }
  }
  console.log("FINAL MAIN:", (await p.locator("main").innerText()).slice(0, 5000));
  await S("03-done");
  await S("04-done-full", true);
  console.log("SW", await sw(p));
  const st = p.locator("[data-testid=start-demo]");
  console.log("start button count", await st.count(), "visible", await st.first().isVisible().catch(()=>false), "text", await st.first().innerText().catch(()=>"-"));
  console.log("BOXES", JSON.stringify(await p.evaluate(() => [...document.querySelectorAll("main table, main figure, main [data-testid*=figure], main [data-testid*=compare], main [data-testid*=before]")].map(e => ({t:e.tagName, id:e.getAttribute("data-testid"), top:Math.round(e.getBoundingClientRect().top+scrollY), bottom:Math.round(e.getBoundingClientRect().bottom+scrollY), vh: innerHeight})))));
  console.log("TAB", JSON.stringify(await tabWalk(p, 120)));
}
console.log("ERRS", errs);
await b.close();
