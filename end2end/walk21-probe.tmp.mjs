import { chromium } from "@playwright/test";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const p = await b.newPage({ viewport: { width: 1366, height: 768 } });
p.on("console", m => { if (m.type()==="error") console.log("CONSOLE", m.text()); });
p.on("pageerror", e => console.log("PAGEERR", e.message));
await p.goto("http://127.0.0.1:3960/login");
await p.screenshot({ path: "/tmp/walk21/00-login.png" });
console.log(await p.content());
await b.close();
