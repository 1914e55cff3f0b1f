import { expect, Page } from "@playwright/test";

/** Waits until the wasm bundle has hydrated the page, so clicks reach the app. */
export async function waitForHydration(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
}

/** Where screenshots go (CI keeps them as artefacts of the run). */
export const shots = "screenshots";
