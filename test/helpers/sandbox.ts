import { OctopusClient } from "../../src/octopus/client.js";
import { Sandbox, type SandboxOptions } from "../../src/sandbox/server.js";

/** Starts an in-process sandbox; remember to close it. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] }, ...options }).start();
}

/** A client for a sandbox with fast retries, so fault tests run quickly. */
export function clientFor(
  sandbox: Sandbox,
  extra: Partial<ConstructorParameters<typeof OctopusClient>[0]> = {},
) {
  return new OctopusClient({
    server: sandbox.url,
    apiKey: sandbox.apiKey,
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
    ...extra,
  });
}
