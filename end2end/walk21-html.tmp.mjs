import { start, BASE } from "./walk21-lib.tmp.mjs";
const { b, p } = await start(1366, 768, "html");
for (const path of process.argv.slice(2)) {
  await p.goto(BASE + path); await p.waitForSelector("body[data-hydrated]"); await p.waitForTimeout(800);
  console.log("=====", path);
  console.log((await p.locator("main").innerHTML()).replace(/<!---->/g,"").slice(0, 9000));
}
await b.close();
