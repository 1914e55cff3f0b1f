import { chromium, FullConfig } from "@playwright/test";

/** Logs in as the operator once and saves the session for every test. */
export default async function globalSetup(config: FullConfig) {
  const use = config.projects[0].use;
  const browser = await chromium.launch(use.launchOptions);
  const page = await browser.newPage({ baseURL: use.baseURL });
  const response = await page.request.post("/api/access/login", {
    form: { password: process.env.E2E_OPERATOR_PASSWORD! },
    maxRedirects: 0,
  });
  if (response.status() >= 400) {
    throw new Error(`operator login failed: ${response.status()} ${await response.text()}`);
  }
  await page.context().storageState({ path: process.env.E2E_OPERATOR_STATE! });
  await browser.close();
}
