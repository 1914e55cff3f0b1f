// Measures what a cold browser downloads per page and how long the page takes to become
// interactive (hydrated) on a throttled phone profile, in Debian's Chromium.
//
//   SCALEOUT_BIN=target/release/scaleout SCALEOUT_SITE_DIR=target/site node end2end/measure/pages.mjs
//
// Env: SCALEOUT_BIN, SCALEOUT_SITE_DIR (required); PORT (default: a free one);
// MEASURE_JSON (write the figures there too); BUDGET=1 (exit 1 when over budget);
// CHROMIUM_PATH (default /usr/bin/chromium).
// Plain JavaScript: the installed Node (20) cannot run TypeScript without new packages.
import { chromium, request } from "@playwright/test";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const bin = process.env.SCALEOUT_BIN;
const site = process.env.SCALEOUT_SITE_DIR;
if (!bin || !site) {
  console.error("set SCALEOUT_BIN (the server binary) and SCALEOUT_SITE_DIR (the built site)");
  process.exit(2);
}
const password = "measure-operator-password";
// Budgets in bytes over the wire (cold cache, everything until hydrated and idle).
const BUDGETS = { signup: 150_000, login: 150_000, portal: 150_000, stakeholder: 150_000, dashboard: 400_000 };
// A mid-range phone on a slow 4G link: 150 ms latency, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x slower.
const PHONE = { latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8, cpu: 4 };
const IDLE_MS = 500;
const HYDRATE_TIMEOUT = 90_000;
// As end2end/playwright.config.ts: Debian's Chromium, never a downloaded browser.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** Starts `scaleout serve` as the e2e webServer does, on a fresh data dir. */
async function startServer() {
  const port = Number(process.env.PORT || (await freePort()));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scaleout-measure-"));
  const logPath = path.join(dataDir, "server.log");
  const log = fs.openSync(logPath, "a");
  const child = spawn(
    bin,
    ["serve", "--addr", `127.0.0.1:${port}`, "--data-dir", dataDir, "--site-dir", site],
    {
      env: { ...process.env, SCALEOUT_ADMIN_PASSWORD: password, SCALEOUT_TENANT_ID_SEED: "1" },
      stdio: ["ignore", log, log],
    },
  );
  let exited = null;
  child.on("exit", (code, signal) => (exited = signal ?? code));
  const base = `http://127.0.0.1:${port}`;
  const server = { base, dataDir, logPath, child, exitedWith: () => exited };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`server exited (${exited}); log: ${logPath}\n${tail(logPath)}`);
    if (Date.now() > deadline) throw new Error(`server did not answer within 60 s; log: ${logPath}`);
    try {
      await fetch(`${base}/login`, { redirect: "manual" });
      return server;
    } catch {
      await sleep(200);
    }
  }
}

function tail(file) {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "";
  }
}

/** SIGTERM (the server stops gracefully), SIGKILL after 10 s; then removes its data. */
async function stopServer(server) {
  if (!server) return;
  if (server.exitedWith() === null) {
    const gone = new Promise((r) => server.child.once("exit", r));
    server.child.kill("SIGTERM");
    const timer = setTimeout(() => server.child.kill("SIGKILL"), 10_000);
    await gone;
    clearTimeout(timer);
  }
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}

/** What the pages need, made through the server's own HTTP API as the e2e tests do. */
async function prepare(base) {
  // Operator session (global-setup.ts does the same).
  const operator = await request.newContext({ baseURL: base });
  const login = await operator.post("/api/access/login", { form: { password }, maxRedirects: 0 });
  if (login.status() >= 400) throw new Error(`operator login: ${login.status()} ${await login.text()}`);
  // A read-only stakeholder link (what /access makes).
  const made = await operator.post("/api/access/create-link", { form: { label: "Measure", hours: "24" } });
  if (!made.ok()) throw new Error(`create-link: ${made.status()} ${await made.text()}`);
  const linkPath = new URL((await made.json()).path, base).pathname;
  const operatorState = await operator.storageState();
  await operator.dispose();

  // A customer signup: its response sets the portal cookie.
  const customer = await request.newContext({ baseURL: base });
  const form = await (await customer.post("/api/signup/form")).json();
  const signup = await customer.post("/api/signup/submit", {
    form: { form_key: form.form_key, company: "Measure Traders", email: "it@measure.example", size: "small" },
    maxRedirects: 0,
  });
  if (signup.status() >= 400) throw new Error(`signup: ${signup.status()} ${await signup.text()}`);
  // Wait until the tenant is provisioned, so /portal shows its steady state, not live progress.
  let state = "?";
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(500)) {
    const view = await (await customer.post("/api/portal/overview")).json();
    state = view?.signup?.state ?? JSON.stringify(view).slice(0, 200);
    if (state === "ready") break;
  }
  if (state !== "ready") console.warn(`warning: the signup is "${state}", not ready; /portal is measured as it is`);
  const portalState = await customer.storageState();
  await customer.dispose();
  return { operatorState, portalState, linkPath };
}

/** Counts what goes over the wire for one CDP session, from reset() on. */
function tracker(cdp) {
  let reqs, lastActivity;
  const reset = () => {
    reqs = new Map();
    lastActivity = Date.now();
  };
  reset();
  const get = (id) => reqs.get(id);
  cdp.on("Network.requestWillBeSent", (e) => {
    if (e.request.url.startsWith("data:")) return;
    lastActivity = Date.now();
    const prev = get(e.requestId);
    if (prev && e.redirectResponse) {
      // A redirect hop reuses the id: keep it as a finished request of its own.
      reqs.set(`${e.requestId}#${reqs.size}`, { ...prev, done: true, bytes: e.redirectResponse.encodedDataLength });
    }
    reqs.set(e.requestId, { url: e.request.url, bytes: 0, streamed: 0, done: false, mime: "" });
  });
  cdp.on("Network.responseReceived", (e) => {
    const r = get(e.requestId);
    if (r) r.mime = e.response.mimeType;
  });
  cdp.on("Network.dataReceived", (e) => {
    const r = get(e.requestId);
    if (r) r.streamed += e.encodedDataLength;
  });
  cdp.on("Network.loadingFinished", (e) => {
    const r = get(e.requestId);
    if (!r) return;
    lastActivity = Date.now();
    Object.assign(r, { done: true, bytes: e.encodedDataLength });
  });
  cdp.on("Network.loadingFailed", (e) => {
    const r = get(e.requestId);
    if (!r) return;
    lastActivity = Date.now();
    Object.assign(r, { done: true, failed: e.errorText });
  });
  // Live streams (server functions answer application/octet-stream, job progress
  // text/plain) stay open for good: they do not hold idleness back; their bytes so
  // far are counted. Static files and pages have other types.
  const isStream = (r) => !r.done && ["application/octet-stream", "text/plain"].includes(r.mime);
  // The browser's own favicon probe sometimes never ends (seen after the /watch/
  // redirect): it is counted, but nothing on the page waits for it.
  const isProbe = (r) => new URL(r.url).pathname.startsWith("/favicon.");
  const idle = () =>
    Date.now() - lastActivity >= IDLE_MS && [...reqs.values()].every((r) => r.done || isStream(r) || isProbe(r));
  const summary = () => {
    const all = [...reqs.values()];
    const files = all.map((r) => ({ url: r.url, bytes: r.done ? r.bytes : r.streamed, open: isStream(r) }));
    return {
      requests: all.length,
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      open_streams: files.filter((f) => f.open).length,
      failed: all.filter((r) => r.failed && r.failed !== "net::ERR_ABORTED").length,
      // Still loading when measured, live streams aside (e.g. a favicon probe).
      pending: all.filter((r) => !r.done && !isStream(r)).map((r) => `${r.url} (${r.mime || "no response"})`),
      biggest: files.sort((a, b) => b.bytes - a.bytes).slice(0, 5),
    };
  };
  return { reset, idle, summary };
}

// Runs in every document: notes when <body data-hydrated="true"> appears, on the
// page's own clock (0 = navigation start, redirects included).
function hydrationProbe() {
  const seen = () => {
    if (window.__hydratedAt === undefined && document.body?.dataset.hydrated === "true") {
      window.__hydratedAt = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-hydrated"] });
}

/** One visit: navigate, wait for hydration and an idle network, read the figures. */
async function visit(page, track, url) {
  track.reset();
  const started = Date.now();
  await page.goto(url, { waitUntil: "commit", timeout: HYDRATE_TIMEOUT });
  let hydrated = true;
  try {
    await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: HYDRATE_TIMEOUT, polling: 100 });
  } catch {
    hydrated = false; // reported; the bytes are still measured
  }
  const deadline = Date.now() + 30_000;
  while (!track.idle() && Date.now() < deadline) await sleep(50);
  const timing = await page.evaluate(() => ({
    tti: window.__hydratedAt ?? null,
    dcl: performance.getEntriesByType("navigation")[0]?.domContentLoadedEventStart ?? null,
  }));
  return {
    url: page.url(),
    hydrated,
    tti_ms: timing.tti === null ? null : Math.round(timing.tti),
    dcl_ms: timing.dcl === null ? null : Math.round(timing.dcl),
    wall_ms: Date.now() - started,
    ...track.summary(),
  };
}

/** A fresh context (cold cache), a cold visit, then a repeat visit of where it landed. */
async function measure(browser, base, target, throttled) {
  const context = await browser.newContext({
    baseURL: base,
    storageState: target.state ?? { cookies: [], origins: [] },
    viewport: { width: 390, height: 844 },
  });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.addInitScript(hydrationProbe);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  if (throttled) {
    const { cpu, ...link } = PHONE;
    await cdp.send("Network.emulateNetworkConditions", { offline: false, ...link });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpu });
  }
  const track = tracker(cdp);
  try {
    const cold = await visit(page, track, target.path);
    const repeat = await visit(page, track, cold.url);
    return { ...cold, repeat, errors };
  } finally {
    await context.close();
  }
}

const kb = (b) => (b / 1000).toFixed(1);
const sec = (ms) => (ms === null ? "never" : (ms / 1000).toFixed(2));

function printTable(rows) {
  const head = ["page", "requests", "KB over wire", "DCL thr s", "TTI thr s", "TTI unthr s", "repeat KB", "budget KB"];
  const body = rows.map((r) => [
    `${r.name} ${r.path}`,
    String(r.throttled.requests),
    kb(r.throttled.bytes),
    sec(r.throttled.dcl_ms),
    sec(r.throttled.tti_ms),
    sec(r.unthrottled.tti_ms),
    kb(r.throttled.repeat.bytes),
    r.budget ? `${kb(r.budget)}${r.over ? " OVER" : ""}` : "-",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  body.forEach((b) => console.log(line(b)));
  console.log("\nBiggest files (throttled, cold):");
  for (const r of rows) {
    const files = r.throttled.biggest.map((f) => `${new URL(f.url).pathname} ${kb(f.bytes)} KB${f.open ? " (stream, open)" : ""}`);
    console.log(`  ${r.name}: ${files.join(", ")}`);
  }
  const notes = rows.flatMap((r) =>
    ["throttled", "unthrottled"].flatMap((pass) => {
      const m = r[pass];
      return [
        ...(m.hydrated ? [] : [`${r.name} (${pass}): never set data-hydrated`]),
        ...(m.repeat.hydrated ? [] : [`${r.name} (${pass}, repeat): never set data-hydrated`]),
        ...(m.failed ? [`${r.name} (${pass}): ${m.failed} failed request(s)`] : []),
        ...m.pending.map((u) => `${r.name} (${pass}): still loading when measured: ${u}`),
        ...m.errors.map((e) => `${r.name} (${pass}) console: ${e.slice(0, 300)}`),
      ];
    }),
  );
  if (notes.length) console.log(`\nNotes:\n  ${[...new Set(notes)].join("\n  ")}`);
}

async function main() {
  let server, browser;
  const stop = async () => {
    await browser?.close().catch(() => {});
    await stopServer(server).catch(() => {});
  };
  // Ctrl-C still stops the server and removes its data.
  for (const sig of ["SIGINT", "SIGTERM"]) process.once(sig, () => stop().then(() => process.exit(130)));
  try {
    server = await startServer();
    const { operatorState, portalState, linkPath } = await prepare(server.base);
    const targets = [
      { name: "signup", path: "/signup" },
      { name: "login", path: "/login" },
      { name: "portal", path: "/portal", state: portalState },
      // The link redirects (to the dashboard); the hop is counted.
      { name: "stakeholder", path: linkPath },
      { name: "dashboard", path: "/", state: operatorState },
      { name: "servers", path: "/servers", state: operatorState },
      { name: "shards", path: "/shards", state: operatorState },
    ];
    browser = await chromium.launch(launchOptions);
    const rows = [];
    for (const t of targets) {
      const throttled = await measure(browser, server.base, t, true);
      const unthrottled = await measure(browser, server.base, t, false);
      const budget = BUDGETS[t.name];
      const over = !!budget && (throttled.bytes > budget || !throttled.hydrated);
      rows.push({ name: t.name, path: t.name === "stakeholder" ? "/watch/…" : t.path, budget, over, throttled, unthrottled });
      process.stderr.write(`measured ${t.name}\n`);
    }
    console.log(`\n${bin} (site ${site}); phone: ${PHONE.latency} ms, ${(PHONE.downloadThroughput * 8e-6).toFixed(1)} Mbit/s down, CPU x${PHONE.cpu}\n`);
    printTable(rows);
    if (process.env.MEASURE_JSON) {
      const doc = { measured_at: new Date().toISOString(), bin, site, phone: PHONE, pages: rows };
      fs.writeFileSync(process.env.MEASURE_JSON, JSON.stringify(doc, null, 2));
    }
    const over = rows.filter((r) => r.over);
    if (process.env.BUDGET === "1" && over.length) {
      console.error(`\nover budget: ${over.map((r) => `${r.name} ${kb(r.throttled.bytes)} KB (budget ${kb(r.budget)} KB${r.throttled.hydrated ? "" : ", never hydrated"})`).join(", ")}`);
      process.exitCode = 1;
    }
  } finally {
    await stop();
  }
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
