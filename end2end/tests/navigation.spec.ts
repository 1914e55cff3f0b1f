import { test, expect } from "@playwright/test";
import { waitForHydration, shots } from "./hydration";

const pages = [
  { link: "Tenants", path: "/tenants" },
  { link: "Servers", path: "/servers" },
  { link: "Shards", path: "/shards" },
  { link: "Demo", path: "/demo" },
  { link: "Jobs", path: "/jobs" },
  { link: "Dashboard", path: "/" },
];

test("the navigation reaches every page in the browser", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const { link, path } of pages) {
    await nav.getByRole("link", { name: link }).click();
    await expect(page).toHaveURL(path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(link);
    await expect(nav.getByRole("link", { name: link })).toHaveAttribute("aria-current", "page");
    await expect(page).toHaveTitle(`${link} · scaleout`);
  }
  await page.goto("/tenants");
  await page.screenshot({ path: `${shots}/tenants.png`, fullPage: true });
});

test("the browser bundle travels compressed and still hydrates", async ({ page }) => {
  // Linked under the build's name (/pkg/<build>/...); brotli where the browser takes it.
  const bundle = ["scaleout_bg.wasm", "scaleout.js", "scaleout.css"];
  const encodings = new Map<string, string | undefined>();
  page.on("response", (r) => {
    const file = bundle.find((f) => /^\/pkg\/[0-9a-f]{16}\//.test(new URL(r.url()).pathname) && new URL(r.url()).pathname.endsWith(`/${f}`));
    if (file) encodings.set(file, r.headers()["content-encoding"]);
  });
  await page.goto("/");
  await waitForHydration(page);
  for (const file of bundle) expect(["br", "gzip"], file).toContain(encodings.get(file));
});

test("an unknown address answers 404 with a way back", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await page.getByRole("link", { name: "Go to the dashboard" }).click();
  await expect(page).toHaveURL("/");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the dashboard still shows the server's status", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByTestId("backend-kind")).toContainText("Embedded");
    await expect(page.getByRole("link", { name: "Shards" })).toHaveAttribute("href", "/shards");
    // A button that only a script could run is not offered.
    await expect(page.getByTestId("refresh-status")).toBeHidden();
  });
});
