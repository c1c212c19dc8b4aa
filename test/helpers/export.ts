import { readSpace } from "../../src/graph/reader.js";
import { OctopusClient } from "../../src/octopus/client.js";
import type { SeedFile } from "../../src/sandbox/seed.js";
import { Sandbox } from "../../src/sandbox/server.js";
import {
  buildExport,
  DEFAULT_PROVIDER_VERSION,
  type ExportOptions,
  type ExportResult,
} from "../../src/terraform/export.js";

/** Exports a seeded space, in-process: sandbox -> client -> graph -> files. */
export async function exportSeed(
  seed: SeedFile,
  options: Partial<ExportOptions> = {},
): Promise<ExportResult> {
  const sandbox = await new Sandbox({ seed }).start();
  try {
    return await exportFrom(sandbox, options);
  } finally {
    await sandbox.close();
  }
}

export async function exportFrom(
  sandbox: Sandbox,
  options: Partial<ExportOptions> = {},
  space = "Spaces-1",
): Promise<ExportResult> {
  const client = new OctopusClient({ server: sandbox.url, apiKey: sandbox.apiKey });
  const graph = await readSpace(client, await client.resolveSpace(space));
  return buildExport(graph, {
    layout: "modules",
    secretDefaults: "none",
    providerVersion: DEFAULT_PROVIDER_VERSION,
    source: { server: "https://octopus.example.com" },
    ...options,
  });
}
