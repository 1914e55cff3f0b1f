import { start, BASE, focusInfo } from "./walk21-lib.tmp.mjs";
const { b, p, errs } = await start(1366, 768, "add12");
p.setDefaultTimeout(8000);
await p.goto(BASE + "/servers"); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(800);
await p.fill("input[name=count]", process.argv[2]);
await p.click("button:has-text('Add servers')");
for (let i=0;i<60;i++){ const st = await p.locator("[data-testid=job-watch]").first().getAttribute("data-state").catch(()=>null); if (st && st!=="running") break; await p.waitForTimeout(500);}
console.log((await p.locator("[data-testid=job-watch]").first().innerText()).replace(/\n+/g," | "));
await p.locator("[data-testid=job-watch] details summary").first().click().catch(()=>{});
console.log((await p.locator("[data-testid=job-watch]").first().innerText()).replace(/\n+/g," | "));
console.log(await p.locator("#db-h").innerText());
console.log(errs); await b.close();
