import { chromium } from "@playwright/test";
export const BASE = "http://127.0.0.1:3960";
export async function start(vw, vh, tag) {
  const b = await chromium.launch({ executablePath: "/usr/bin/chromium" });
  const ctx = await b.newContext({ viewport: { width: vw, height: vh } });
  const p = await ctx.newPage();
  const errs = [];
  p.on("console", m => { if (m.type()==="error") { errs.push(`[${tag}] console: ${m.text()} @ ${p.url()}`); console.log("CONSOLE-ERR", m.text()); } });
  p.on("pageerror", e => { errs.push(`[${tag}] pageerror: ${e.message} @ ${p.url()}`); console.log("PAGEERR", e.message); });
  p.on("dialog", async d => { console.log("NATIVE DIALOG", d.type(), d.message()); await d.accept(); });
  await p.goto(BASE + "/login");
  await p.waitForSelector("body[data-hydrated]");
  await p.fill("#login-password", "walk-operator-pass");
  await Promise.all([p.waitForURL(u => !u.pathname.startsWith("/login")), p.click("button[type=submit]")]);
  return { b, ctx, p, errs };
}
export async function focusInfo(p) {
  return await p.evaluate(() => {
    const a = document.activeElement;
    if (!a) return "none";
    const r = a.getBoundingClientRect();
    const inView = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
    return `${a.tagName}#${a.id}.${a.className} "${(a.innerText||a.value||"").slice(0,80).replace(/\s+/g," ")}" top=${Math.round(r.top)} h=${Math.round(r.height)} inView=${inView}`;
  });
}
export async function sw(p) { return await p.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: innerWidth, sh: document.documentElement.scrollHeight })); }
export async function tabWalk(p, n=200) {
  await p.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0,0); document.querySelectorAll("[data-tw]").forEach(e=>e.removeAttribute("data-tw")); });
  await p.locator("body").focus().catch(()=>{});
  await p.evaluate(() => { const a=document.createElement("button"); a.id="tw-start"; a.style.cssText="position:fixed;top:0;left:0;opacity:0"; document.body.prepend(a); a.focus(); });
  const seen = [];
  for (let i=0;i<n;i++) {
    await p.keyboard.press("Tab");
    const d = await p.evaluate((i) => { const a=document.activeElement; if (!a || a===document.body) return {end:true}; if (a.id==="tw-start" || a.dataset.tw) return {end:true}; a.dataset.tw=String(i);
      const r=a.getBoundingClientRect(); const cs=getComputedStyle(a); const ring = cs.outlineStyle!=="none" && parseFloat(cs.outlineWidth)>0 || cs.boxShadow!=="none";
      return {s:`${a.tagName.toLowerCase()}${a.id?"#"+a.id:""}:${(a.getAttribute("aria-label")||a.innerText||a.value||"").slice(0,40).replace(/\s+/g," ")}${ring?"":"[NO-RING]"}${(r.bottom<0||r.top>innerHeight)?"[OFFSCREEN]":""}`}; }, i);
    if (d.end) break;
    seen.push(d.s);
  }
  await p.evaluate(() => document.getElementById("tw-start")?.remove());
  return seen;
}
