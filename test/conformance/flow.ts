import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSpace } from "../../src/graph/reader.js";
import { OctopusClient } from "../../src/octopus/client.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { buildExport, DEFAULT_PROVIDER_VERSION, type ExportOptions } from "../../src/terraform/export.js";
import type { Manifest } from "../../src/terraform/manifest.js";
import { type FileChanges, readManifest, validateHcl, writeExport } from "../../src/terraform/writer.js";
import { differences, normaliseSpace, secretValue } from "../helpers/compare.js";
import { TofuDir, type Tools } from "./harness.js";

/** Helpers shared by the tests that export, apply with the real tools, and compare. */

/** What the provider cannot express, so the destination cannot match; each with its reason. */
export const KNOWN_GAPS: Array<[RegExp, string]> = [
  [
    /^DeploymentProcesses:.*\.Steps\.(#order|Deploy web app \(new step framework\))/,
    "steps of the new step framework cannot be written by the provider; the export skips them with a warning (the snapshot path carries them)",
  ],
  [
    /\.GitDependencies\.#order\.\d+: /,
    "a step's Git dependencies are a map in the provider (by name), so their order is Go's map order: the server gives the order no meaning",
  ],
  [
    /^Projects:Legacy Git App\.(IsVersionControlled|PersistenceSettings)/,
    "Config-as-Code projects are exported as database projects (with their default branch's process and variables)",
  ],
];

/** Exports the source's space into `dir` (a fresh directory by default), as the CLI would. */
export async function exportTo(
  source: Sandbox,
  layout: "modules" | "single",
  options: Partial<ExportOptions> = {},
  into?: string,
  spaceId = "Spaces-1",
): Promise<{ dir: string; manifest: Manifest; changes: FileChanges }> {
  const client = new OctopusClient({ server: source.url, apiKey: source.apiKey });
  const graph = await readSpace(client, await client.resolveSpace(spaceId), {
    includeTeams: options.includeTeams,
  });
  const result = buildExport(graph, {
    layout,
    secretDefaults: "none",
    providerVersion: DEFAULT_PROVIDER_VERSION,
    source: { server: source.url },
    previous: into ? await readManifest(into) : undefined,
    ...options,
  });
  await validateHcl(result.files);
  const dir = into ?? (await freshDir());
  const changes = await writeExport(dir, result.files);
  return { dir, manifest: result.manifest, changes };
}

/** tfvars with the destination's connection and every secret's source value. */
export function tfvars(
  source: Sandbox,
  destination: Sandbox,
  manifest: Manifest,
  destinationSpace = "Spaces-1",
): string {
  const lines = [
    `octopus_server = ${JSON.stringify(destination.url)}`,
    `octopus_apikey = ${JSON.stringify(destination.apiKey)}`,
    `octopus_space_id = ${JSON.stringify(destinationSpace)}`,
  ];
  return `${lines.join("\n")}\n${secretsTfvars(source, manifest)}`;
}

/** tfvars with every secret's source value (read through the sandbox's test-only hook). */
export function secretsTfvars(source: Sandbox, manifest: Manifest): string {
  const lines: string[] = [];
  for (const s of manifest.secrets) {
    const value = secretValue(source, s.sourceId, s.path);
    if (value === undefined)
      throw new Error(`no source value for secret ${s.variable} (${s.sourceId} ${s.path})`);
    lines.push(`${s.variable} = ${JSON.stringify(value)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Differences between two sandboxes' spaces, by names, that no known gap explains. */
export function unexplainedDifferences(source: Sandbox, destination: Sandbox): string[] {
  return unexplained(
    differences(normaliseSpace(source, "Spaces-1"), normaliseSpace(destination, "Spaces-1")),
  );
}

export function unexplained(diffs: string[]): string[] {
  return diffs.filter((d) => !KNOWN_GAPS.some(([re]) => re.test(d)));
}

export function emptyDestination(name: string): Promise<Sandbox> {
  return new Sandbox({ seed: { spaces: [{ Name: name, IsDefault: true }] } }).start();
}

/** Where a test writes an export: a fresh directory (which does not exist yet). */
export async function freshDir(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "octoport-export-")), "out");
}

/** Applies every module of a modules-layout export in its apply order, each with its own state. */
export async function applyEveryModule(
  tools: Tools,
  dir: string,
  manifest: Manifest,
  vars: string,
): Promise<void> {
  for (const module of manifest.applyOrder.flat()) {
    const tf = await TofuDir.at(tools, join(dir, module));
    await tf.must(["get"]);
    await tf.must(["apply", "-auto-approve", "-input=false", `-var-file=${vars}`]);
  }
}

/**
 * Writes `vars` (tfvars text, which holds secrets: mode 0600) beside the export as
 * terraform.tfvars and applies every module with it; returns the file, for later plans.
 */
export async function applyWithVars(
  tools: Tools,
  dir: string,
  manifest: Manifest,
  vars: string,
): Promise<string> {
  const file = join(dir, "terraform.tfvars");
  await writeFile(file, vars, { mode: 0o600 });
  await applyEveryModule(tools, dir, manifest, file);
  return file;
}

/** Each module's planned changes other than no-ops, by module (empty when all plan clean). */
export async function pendingChanges(
  tools: Tools,
  dir: string,
  manifest: Manifest,
  vars: string,
): Promise<Record<string, Array<[string, string[]]>>> {
  const out: Record<string, Array<[string, string[]]>> = {};
  for (const module of manifest.applyOrder.flat()) {
    const plan = await (await TofuDir.at(tools, join(dir, module))).planActions([`-var-file=${vars}`]);
    const changes = [...plan].filter(([, a]) => a.join() !== "no-op");
    if (changes.length) out[module] = changes;
  }
  return out;
}
