import { start, BASE, focusInfo } from "./walk21-lib.tmp.mjs";
const { b, p, errs } = await start(1366, 768, "addbig");
await p.goto(BASE + "/tenants"); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(500);
for (const [n, s] of JSON.parse(process.argv[2])) {
  await p.fill("input[name=name]", n); await p.fill("input[name=scale_factor]", s);
  const t0 = Date.now();
  await p.click("button:has-text('Add tenant')");
  for (let i=0;i<600;i++) { const st = await p.locator("[data-testid=job-watch]").first().getAttribute("data-state").catch(()=>null); if (st && st!=="running") { console.log(n, st, Date.now()-t0, "ms"); break; } if (i===8) { console.log("mid card:", (await p.locator("[data-testid=job-watch]").first().innerText()).replace(/\n+/g," | ")); await p.screenshot({path:`/tmp/walk21/d-t-05-bigrunning-${s}.png`}); } await p.waitForTimeout(500); }
  console.log("card:", (await p.locator("[data-testid=job-watch]").first().innerText()).replace(/\n+/g," | "));
  await p.locator("[data-testid=dismiss-job]").first().click();
}
console.log(errs);
await b.close();
