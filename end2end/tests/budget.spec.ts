import { test, expect } from "@playwright/test";
import { firstLoad } from "./first-load";

// What a visitor's first load may cost over the wire (issue 19): HTML, JS, wasm, CSS,
// everything a cold browser fetches until the page is interactive and the network idle,
// headers included. The visitors' pages have a bundle of their own (app/src/public.rs):
// measured 146 KB for /signup on 2026-12-06, against the console's shell alone at 185 KB.
const VISITOR_BUDGET_BYTES = 150_000;

test.use({ storageState: { cookies: [], origins: [] } });

for (const path of ["/signup", "/login"]) {
  test(`a visitor's first load of ${path} stays within its budget and fetches no console code`, async ({
    page,
    context,
  }) => {
    const { total, files } = await firstLoad(page, context, path);
    expect(total, files.join("\n")).toBeLessThanOrEqual(VISITOR_BUDGET_BYTES);
    // The visitors' bundle, not the console's shell or any of its page modules.
    expect(files.some((f) => f.endsWith("/public_bg.wasm")), files.join("\n")).toBe(true);
    expect(files.filter((f) => /scaleout_bg\.wasm|\/split_|scaleout\.css/.test(f))).toEqual([]);
    // It is the real page, hydrated: the form works.
    const field = path === "/signup" ? "Company name" : "Password";
    await expect(page.getByLabel(field)).toBeEditable();
  });
}
