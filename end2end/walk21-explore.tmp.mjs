import { start, BASE } from "./walk21-lib.tmp.mjs";
const { b, p } = await start(1366, 768, "explore");
console.log("after login url", p.url());
for (const path of ["/", "/tenants", "/servers", "/shards", "/access", "/demo"]) {
  await p.goto(BASE + path); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(1000);
  console.log("=====", path);
  console.log(await p.locator("main").innerText());
  await p.screenshot({ path: `/tmp/walk21/01-explore${path.replace(/\//g,"_")}.png`, fullPage: true });
}
await b.close();
