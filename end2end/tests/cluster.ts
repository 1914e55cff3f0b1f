import { expect, APIRequestContext } from "@playwright/test";

/** POSTs form-encoded arguments to a server function, as the browser does. */
export async function call(request: APIRequestContext, path: string, form: Record<string, string> = {}) {
  const response = await request.post(path, { form });
  expect(response.ok(), `${path}: ${await response.text()}`).toBeTruthy();
  return response.json();
}

/** Waits until a job has ended; returns its record. */
export async function waitForJob(request: APIRequestContext, id: number) {
  await expect
    .poll(async () => (await call(request, "/api/jobs/get", { id: String(id) })).state, { timeout: 60_000 })
    .not.toMatch(/queued|running/);
  return call(request, "/api/jobs/get", { id: String(id) });
}

/** Tenants in several shard groups, whatever ran before (a fresh data directory has none). */
export async function ensureTenants(request: APIRequestContext) {
  const tenants = await call(request, "/api/tenants/list");
  if (tenants.length >= 3) return;
  const job = await call(request, "/api/tenants/add-batch", { naming: "camelCase" });
  expect((await waitForJob(request, job)).state).toBe("succeeded");
}
