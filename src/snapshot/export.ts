import type { GraphNode, SpaceGraph } from "../graph/graph.js";
import type { OctopusClient } from "../octopus/client.js";
import { docType, singularOf } from "../registry/index.js";
import { templateOf } from "../registry/typed-values.js";
import { OctoportError } from "../util/errors.js";
import type { SnapshotKey } from "./crypto.js";
import {
  canonicalJson,
  documentPath,
  SNAPSHOT_FORMAT,
  type SnapshotMetadata,
  snapshotFiles,
} from "./format.js";
import { isObject, type Json, type JsonObject, locate, type SecretSpot, secretSpots } from "./paths.js";

/** What goes into a snapshot (docs/snapshot.md). */
export interface SnapshotSelection {
  /** Projects by name or ID, with everything they depend on; none: the whole space. */
  projects?: string[];
  ignoreCertificates?: boolean;
  ignoreMachines?: boolean;
  ignoreDeployments?: boolean;
  ignoreTenants?: boolean;
  includeTaskLogs?: boolean;
}

/** One sensitive value of the selection: where it is and what it is, for people. */
export interface SecretEntry {
  /** `<Type>/<Id>`. */
  document: string;
  path: string;
  label: string;
  /** Whether the server holds a value there. */
  hasValue: boolean;
}

/** Known sensitive values, by `<Type>/<Id>` and path. */
export type SecretValues = ReadonlyMap<string, string>;

export function secretKey(document: string, path: string): string {
  return `${document} ${path}`;
}

/**
 * The documents of the selection: with --project, those projects, everything they own
 * (channels, runbooks, processes, variables, triggers, releases), and transitively everything
 * they refer to, plus the tenants connected to them and the targets and workers their steps
 * can run on; without, the whole space. The --ignore-* flags leave their types out.
 */
export function selectDocuments(graph: SpaceGraph, selection: SnapshotSelection): GraphNode[] {
  return selectWithReasons(graph, selection).nodes;
}

/**
 * The selection, and for each document it took, the one that brought it in (none for the
 * projects asked for and, without --project, for everything): to say why a project that was
 * not asked for comes along.
 */
export function selectWithReasons(
  graph: SpaceGraph,
  selection: SnapshotSelection,
): { nodes: GraphNode[]; via: Map<string, string> } {
  const via = new Map<string, string>();
  const ignored = (node: GraphNode) => {
    const flag = docType(node.type)?.ignoredBy;
    return flag ? selection[flag] === true : false;
  };
  const all = [...graph.nodes.values()].filter((n) => !ignored(n));
  if (!selection.projects?.length) return { nodes: sortNodes(all), via };

  const projects = graph.ofType("Projects");
  const start = selection.projects.map((wanted) => {
    const found =
      projects.find((p) => p.id === wanted || p.name === wanted) ??
      projects.find((p) => p.name.toLowerCase() === wanted.toLowerCase());
    if (!found)
      throw new OctoportError(
        `no project "${wanted}" in space ${graph.space.Name}; there are: ${projects.map((p) => p.name).join(", ") || "none"}`,
      );
    return found;
  });
  const owned = new Map<string, GraphNode[]>();
  for (const n of all)
    if (n.projectId && n.type !== "Projects") owned.set(n.projectId, [...(owned.get(n.projectId) ?? []), n]);
  const chosen = new Set<string>();
  const queue: GraphNode[] = [...start];
  const visit = (node: GraphNode | undefined, from?: GraphNode) => {
    if (node && !chosen.has(node.id) && !ignored(node)) {
      if (from && !via.has(node.id)) via.set(node.id, from.id);
      queue.push(node);
    }
  };
  // Tags are referred to by canonical name ("Tag set/Tag"), not by ID: their tag set comes along.
  const tagSets = new Map(graph.ofType("TagSets").map((t) => [t.name, t]));
  const tagSetsOf = (doc: unknown, out: Set<GraphNode>) => {
    if (typeof doc === "string") {
      const slash = doc.indexOf("/");
      const set = slash > 0 ? tagSets.get(doc.slice(0, slash)) : undefined;
      if (set) out.add(set);
    } else if (Array.isArray(doc)) for (const v of doc) tagSetsOf(v, out);
    else if (isObject(doc)) for (const v of Object.values(doc)) tagSetsOf(v, out);
  };
  const drain = () => {
    while (queue.length) {
      const node = queue.pop()!;
      if (chosen.has(node.id)) continue;
      chosen.add(node.id);
      for (const ref of graph.referencesFrom(node.id)) visit(graph.get(ref.to), node);
      if (node.type === "Projects") for (const child of owned.get(node.id) ?? []) visit(child, node);
      if (node.type === "Tenants") visit(graph.get(`TenantVariables-${node.id}`), node);
      const sets = new Set<GraphNode>();
      tagSetsOf(node.doc, sets);
      for (const set of sets) visit(set, node);
    }
  };
  drain();
  // Tenants connected to a chosen project.
  for (const tenant of graph.ofType("Tenants")) {
    const connected = Object.keys(((tenant.doc as JsonObject).ProjectEnvironments ?? {}) as object);
    const by = connected.find((p) => chosen.has(p));
    if (by) visit(tenant, graph.get(by));
  }
  drain();
  // Targets in chosen environments with a role a chosen step runs on; workers in chosen pools.
  const roles = new Set<string>();
  for (const id of chosen) {
    const node = graph.get(id)!;
    if (node.type !== "DeploymentProcesses" && node.type !== "RunbookProcesses") continue;
    for (const step of ((node.doc as JsonObject).Steps ?? []) as JsonObject[]) {
      const value = (step.Properties as JsonObject | undefined)?.["Octopus.Action.TargetRoles"];
      if (typeof value === "string") for (const r of value.split(",")) if (r.trim()) roles.add(r.trim());
    }
  }
  for (const machine of graph.ofType("Machines")) {
    const d = machine.doc as JsonObject;
    const envs = (d.EnvironmentIds ?? []) as string[];
    const machineRoles = (d.Roles ?? []) as string[];
    if (envs.some((e) => chosen.has(e)) && machineRoles.some((r) => roles.has(r)))
      visit(machine, graph.get(envs.find((e) => chosen.has(e))!));
  }
  for (const worker of graph.ofType("Workers")) {
    const pool = ((worker.doc as JsonObject).WorkerPoolIds as string[] | undefined)?.find((p) =>
      chosen.has(p),
    );
    if (pool) visit(worker, graph.get(pool));
  }
  drain();
  return { nodes: sortNodes([...chosen].map((id) => graph.get(id)!)), via };
}

/**
 * The projects a --project selection takes that were not asked for, each with the chain that
 * brought it in: `project "C" (via tenant "T" of project "A")`.
 */
export function projectsAlong(graph: SpaceGraph, selection: SnapshotSelection): string[] {
  if (!selection.projects?.length) return [];
  const { nodes, via } = selectWithReasons(graph, selection);
  const label = (n: GraphNode) => `${singularOf(n.type)} "${n.name}"`;
  const out: string[] = [];
  for (const p of nodes.filter((n) => n.type === "Projects" && via.has(n.id))) {
    const chain: string[] = [];
    for (let id = via.get(p.id); id !== undefined && chain.length < 8; id = via.get(id)) {
      const n = graph.get(id);
      if (n) chain.push(label(n));
    }
    out.push(`project "${p.name}" (through ${chain.join(" of ")})`);
  }
  return out;
}

function sortNodes(nodes: GraphNode[]): GraphNode[] {
  return nodes.sort((a, b) => {
    const ka = `${a.type}/${a.id}`;
    const kb = `${b.type}/${b.id}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Every sensitive value the selected documents hold (by the registry's secret fields), labelled. */
export function secretInventory(graph: SpaceGraph, nodes: readonly GraphNode[]): SecretEntry[] {
  const out: SecretEntry[] = [];
  for (const node of nodes) {
    const document = documentPath(node.type, node.id);
    for (const spot of secretSpots(node.type, node.doc as Json)) {
      out.push({ document, path: spot.path, label: labelOf(graph, node, spot), hasValue: spot.hasValue });
    }
  }
  return out;
}

/**
 * What a sensitive value is, for people, by names: `account "AWS production": SecretKey`,
 * `tenant "Acme": value of template "Smtp.Password" of library variable set "Shared"`,
 * `deployment process of project "Web": step "Publish", property Octopus.Action.X`.
 */
function labelOf(graph: SpaceGraph, node: GraphNode, spot: SecretSpot): string {
  const doc = node.doc as JsonObject;
  const named = (id: unknown) => {
    const n = typeof id === "string" ? graph.get(id) : undefined;
    return n ? `${singularOf(n.type)} "${n.name}"` : String(id);
  };
  const m = spot.match;
  if (node.type === "VariableSets" && spot.kind === "variable") {
    const variable = isObject(m?.holder) ? (m.holder as JsonObject) : (locate(doc, spot.path)?.parent ?? {});
    const scope = isObject(variable.Scope)
      ? Object.values(variable.Scope)
          .flatMap((ids) => (Array.isArray(ids) ? ids : []))
          .map((id) => graph.get(String(id))?.name ?? String(id))
      : [];
    return `sensitive variable "${String(variable.Name)}"${scope.length ? ` [${scope.join(", ")}]` : ""} of ${named(doc.OwnerId)}`;
  }
  const subject =
    node.type === "TenantVariables"
      ? named(doc.TenantId)
      : node.type === "DeploymentProcesses"
        ? `deployment process of ${named(doc.ProjectId)}`
        : node.type === "RunbookProcesses"
          ? `runbook process of ${named(doc.RunbookId)} of ${named(doc.ProjectId)}`
          : `${singularOf(node.type)} "${node.name}"`;
  if (!m) return `${subject}: ${spot.path}`;
  const holder = m.holder as JsonObject;
  const pattern = m.field.path;
  if (node.type === "TenantVariables") {
    // A tenant's value, by the template's name (of the library set or project that has it).
    const [ownerId = "", second = "", third = ""] = m.keys;
    if (pattern.startsWith("ScopedCommonVariables")) {
      // A value scoped to environments: keys are the library set and the template.
      const template = templateOf(graph.get(ownerId)?.doc as JsonObject | undefined, second);
      const name = template ? `template "${String(template.Name)}"` : `a template (${second})`;
      const envs = Array.isArray(holder.EnvironmentIds) ? holder.EnvironmentIds.map((id) => named(id)) : [];
      return `${subject}: value of ${name} of ${named(ownerId)} in ${envs.join(", ")}`;
    }
    const library = pattern.startsWith("LibraryVariables");
    const templateId = library ? second : third;
    const ownerDoc = graph.get(ownerId)?.doc as JsonObject | undefined;
    const copy = (library ? doc.LibraryVariables : doc.ProjectVariables) as JsonObject | undefined;
    const template =
      templateOf(ownerDoc, templateId) ??
      templateOf(isObject(copy) ? (copy[ownerId] as JsonObject) : undefined, templateId);
    const name = template ? `template "${String(template.Name)}"` : `a template (${templateId})`;
    return library
      ? `${subject}: value of ${name} of ${named(ownerId)}`
      : `${subject}: value of ${name} of ${named(ownerId)} in ${named(second)}`;
  }
  if (pattern === "Templates[].DefaultValue")
    return `${subject}: default value of template "${String(holder.Name)}"`;
  if (pattern === "Parameters[].DefaultValue")
    return `${subject}: default value of parameter "${String(holder.Name)}"`;
  const step = /^Steps\[(\d+)\](?:\.Actions\[(\d+)\])?\.Properties\./.exec(m.at);
  if (step) {
    const s = ((doc.Steps ?? []) as JsonObject[])[Number(step[1])];
    const a = step[2] === undefined ? undefined : ((s?.Actions ?? []) as JsonObject[])[Number(step[2])];
    const where = [
      `step "${String(s?.Name)}"`,
      ...(a && a.Name !== s?.Name ? [`action "${String(a.Name)}"`] : []),
    ];
    return `${subject}: ${where.join(", ")}, property ${m.key}`;
  }
  return `${subject}: ${spot.path}`;
}

export interface BuiltSnapshot {
  files: Map<string, string>;
  metadata: SnapshotMetadata;
  /** Sensitive values the server holds but the snapshot does not carry. */
  missing: SecretEntry[];
}

/**
 * The snapshot's files: each selected document as the API returned it, with every known
 * sensitive value sealed in place (`Sealed` beside `HasValue`, or `SealedValue` beside a
 * sensitive variable's `Value`), and the metadata.
 */
export function buildSnapshot(
  graph: SpaceGraph,
  server: string,
  selection: SnapshotSelection,
  key: SnapshotKey,
  secrets: SecretValues,
  extras: ReadonlyMap<string, string> = new Map(),
): BuiltSnapshot {
  const nodes = selectDocuments(graph, selection);
  const inventory = secretInventory(graph, nodes);
  const documents = new Map<string, unknown>();
  for (const node of nodes) documents.set(documentPath(node.type, node.id), structuredClone(node.doc));
  const missing: SecretEntry[] = [];
  let known = 0;
  for (const entry of inventory) {
    const value = secrets.get(secretKey(entry.document, entry.path));
    if (value === undefined) {
      if (entry.hasValue) missing.push(entry);
      continue;
    }
    const doc = documents.get(entry.document) as Json;
    const spot = locate(doc, entry.path);
    if (!spot) continue;
    const sealed = key.seal(secretKey(entry.document, entry.path), value);
    if (entry.path.endsWith(".Value") && isObject(spot.parent) && !isObject(spot.parent[spot.key])) {
      spot.parent.SealedValue = sealed;
    } else {
      spot.parent[spot.key] = { HasValue: true, NewValue: null, Sealed: sealed };
    }
    known++;
  }
  const projects = selection.projects?.length
    ? nodes
        .filter((n) => n.type === "Projects")
        .map((n) => n.name)
        .sort()
    : null;
  const metadata: Omit<SnapshotMetadata, "files" | "mac" | "check" | "kdf"> = {
    format: SNAPSHOT_FORMAT,
    source: {
      server,
      serverVersion: graph.serverVersion,
      space: { Id: graph.space.Id, Name: String(graph.space.Name) },
    },
    selection: {
      projects,
      ignoreCertificates: selection.ignoreCertificates === true,
      ignoreMachines: selection.ignoreMachines === true,
      ignoreDeployments: selection.ignoreDeployments === true,
      ignoreTenants: selection.ignoreTenants === true,
      includeTaskLogs: selection.includeTaskLogs === true,
    },
    secrets: { known, missing: missing.map(({ document, path, label }) => ({ document, path, label })) },
  };
  const files = snapshotFiles(key, metadata, documents, extras);
  return { files, metadata: JSON.parse(files.get("metadata.json")!) as SnapshotMetadata, missing };
}

// ---- the secrets file ----------------------------------------------------------------------

export const SECRETS_FORMAT = "octoport-secrets/v1";

export interface SecretsFile {
  format: string;
  server: string;
  space: { Id: string; Name: string };
  secrets: Array<{ document: string; path: string; label: string; value: string }>;
}

/** The file `octoport secrets template` writes: every sensitive value of the selection, to fill in. */
export function secretsTemplate(
  graph: SpaceGraph,
  server: string,
  selection: SnapshotSelection,
): SecretsFile {
  const nodes = selectDocuments(graph, selection);
  return {
    format: SECRETS_FORMAT,
    server,
    space: { Id: graph.space.Id, Name: String(graph.space.Name) },
    secrets: secretInventory(graph, nodes)
      .filter((e) => e.hasValue)
      .map(({ document, path, label }) => ({ document, path, label, value: "" })),
  };
}

/** Known values from a filled-in secrets file (empty values are unknown). */
export function secretsFromFile(file: unknown, source: string): Map<string, string> {
  const f = file as Partial<SecretsFile>;
  if (!f || f.format !== SECRETS_FORMAT || !Array.isArray(f.secrets))
    throw new OctoportError(
      `${source} is not an octoport secrets file; make one with octoport secrets template`,
    );
  const out = new Map<string, string>();
  for (const [i, s] of f.secrets.entries()) {
    if (!s || typeof s.document !== "string" || typeof s.path !== "string")
      throw new OctoportError(`${source}: secret ${i + 1} has no document or path`);
    if (typeof s.value === "string" && s.value !== "") out.set(secretKey(s.document, s.path), s.value);
  }
  return out;
}

// ---- task logs -----------------------------------------------------------------------------

/**
 * The space's server tasks and their raw logs, as snapshot files: `ServerTasks/<Id>.json`
 * (the task document) and `TaskLogs/<Id>.log.txt`. History only: an import keeps them in
 * the snapshot and writes none of them.
 */
export async function readTaskLogs(
  client: OctopusClient,
  spaceId: string,
  onProgress?: (done: number, total: number) => void,
): Promise<Map<string, string>> {
  const tasks = await client.list("/api/tasks", { spaces: spaceId });
  const out = new Map<string, string>();
  let done = 0;
  await Promise.all(
    tasks.map(async (task) => {
      const id = String(task.Id);
      const log = await client.getText(`/api/tasks/${encodeURIComponent(id)}/raw`);
      out.set(documentPath("ServerTasks", id), canonicalJson(task));
      out.set(`TaskLogs/${id}.log.txt`, log);
      onProgress?.(++done, tasks.length);
    }),
  );
  return out;
}
