import { join } from "node:path";
import { readSpace } from "../../src/graph/reader.js";
import { OctopusClient } from "../../src/octopus/client.js";
import type { SeedFile } from "../../src/sandbox/seed.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { SnapshotKey, snapshotKdf } from "../../src/snapshot/crypto.js";
import {
  buildSnapshot,
  type SnapshotSelection,
  secretInventory,
  secretKey,
  selectDocuments,
} from "../../src/snapshot/export.js";
import { readSnapshot, writeSnapshot } from "../../src/snapshot/format.js";
import { type ImportOptions, type ImportReport, importSnapshot } from "../../src/snapshot/import.js";
import { secretValue } from "./compare.js";

/** A low scrypt cost keeps library-level tests quick (the CLI tests use the real cost). */
export const TEST_COST = { N: 2 ** 10, r: 8, p: 1 };

export function clientOf(s: Sandbox): OctopusClient {
  return new OctopusClient({ server: s.url, apiKey: s.apiKey });
}

/** Every secret of the source, from the sandbox's test-only reveal hook. */
export async function allSecrets(
  source: Sandbox,
  selection: SnapshotSelection = {},
  spaceId = "Spaces-1",
): Promise<Map<string, string>> {
  const client = clientOf(source);
  const graph = await readSpace(client, await client.resolveSpace(spaceId), { snapshot: true });
  const out = new Map<string, string>();
  for (const e of secretInventory(graph, selectDocuments(graph, selection))) {
    const id = e.document.slice(e.document.indexOf("/") + 1).replace(/\.json$/, "");
    const value = secretValue(source, id, e.path);
    if (value !== undefined && e.hasValue) out.set(secretKey(e.document, e.path), value);
  }
  return out;
}

/** Exports the source's space to `out` through the library (low-cost key). */
export async function snapshotTo(
  source: Sandbox,
  out: string,
  options: {
    password?: string;
    selection?: SnapshotSelection;
    secrets?: boolean;
    seal?: boolean;
    space?: string;
  } = {},
): Promise<void> {
  const client = clientOf(source);
  const space = await client.resolveSpace(options.space ?? "Spaces-1");
  const graph = await readSpace(client, space, { snapshot: true });
  const key = await SnapshotKey.derive(options.password ?? "pw", snapshotKdf(TEST_COST));
  const secrets =
    options.secrets === false ? new Map() : await allSecrets(source, options.selection, space.Id);
  const built = buildSnapshot(graph, client.server, options.selection ?? {}, key, secrets);
  await writeSnapshot(out, built.files, options.seal ? key : undefined);
}

/** Imports a snapshot into a sandbox's space through the library. */
export async function importInto(
  destination: Sandbox,
  src: string,
  options: ImportOptions & { password?: string; space?: string } = {},
): Promise<ImportReport> {
  const { snapshot, key } = await readSnapshot(src, options.password ?? "pw");
  const client = clientOf(destination);
  return importSnapshot(
    client,
    await client.resolveSpace(options.space ?? "Spaces-1"),
    snapshot,
    key,
    options,
  );
}

export function emptyDestination(name = "Acme Retail", seed?: SeedFile): Promise<Sandbox> {
  return new Sandbox({ seed: seed ?? { spaces: [{ Name: name, IsDefault: true }] } }).start();
}

export { join };
