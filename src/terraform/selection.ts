import { projectOrder } from "../graph/dependencies.js";
import type { GraphNode, SpaceGraph } from "../graph/graph.js";
import { madeByBootstrap } from "../graph/identity.js";
import { AFTER_PROJECTS, AFTER_PROJECTS_MODULES, isBuiltIn, needsIncludeTeams } from "../registry/index.js";
import { OctoportError } from "../util/errors.js";
import { converterFor } from "./converters/index.js";
import type { ExportPlan, IgnoreChanges } from "./export-plan.js";
import { excludes, type Filters, familyOf } from "./families.js";
import { Namespace, shortHash } from "./naming.js";
import { actionFate, processActions } from "./steps.js";

export interface SelectionOptions {
  layout: "modules" | "single";
  /** Project names or IDs; none: the whole space. */
  projects?: readonly string[];
  /** A runbook of the (single) selected project: only it is exported, against its looked-up project. */
  runbook?: string;
  lookupDependencies?: boolean;
  filters?: Filters;
  detachStepTemplates?: boolean;
  /** Tenants with any of these tags ("Set/Tag") are left out. */
  excludeTenantsWithTags?: readonly string[];
  /** Tags ("Set/Tag") left out of their tag set and of everything that carries them. */
  excludeTenantTags?: readonly string[];
  /** Channels whose version rules name a step or package the project's process does not have are left out. */
  excludeInvalidChannels?: boolean;
  /** Deployment targets none of whose environments is exported are left out. */
  excludeTargetsWithNoEnvironments?: boolean;
  /** Environments (by name) taken out of variables' scopes. */
  excludeVariableEnvironmentScopes?: readonly string[];
  /** Name each sensitive variable's Terraform input after the variable alone (after octoport spread). */
  spreadSecrets?: boolean;
  /** Each project's module directory in an earlier export into the same place: a renamed project keeps it. */
  keepDirectories?: ReadonlyMap<string, string>;
  /** Write teams, custom user roles and scoped user roles (export --include-teams). */
  includeTeams?: boolean;
  /** Resources a destination may edit: written with lifecycle ignore_changes. */
  ignoreChanges?: readonly IgnoreChanges[];
  /** The destination space, read: resources already there are imported (adopted) on the first apply. */
  adoptFrom?: SpaceGraph;
}

export interface Plan extends ExportPlan {
  /** Module paths and titles, in apply order (space first, then project levels). */
  modules: Array<{ path: string; title: string; projectId?: string }>;
  levels: string[][];
  selectedProjects: string[];
  notes: string[];
  /** What the selection itself has to say of documents it left out (e.g. invalid channels). */
  warnings: Array<{ subject: string; message: string }>;
}

/** Documents every space (or project) has built in; looked up by name, never created. */
export function isDefault(node: GraphNode): boolean {
  return isBuiltIn(node.type, node.doc as Record<string, unknown>, node.name);
}

/**
 * Decides what the export writes: which documents become resources and in which module,
 * which are looked up (defaults, dependencies outside the selection) and which a filter
 * left out.
 */
export function planExport(graph: SpaceGraph, options: SelectionOptions): Plan {
  const projects = graph.ofType("Projects");
  const selected = resolveProjects(graph, options.projects ?? []);
  if (options.runbook && selected.length !== 1) {
    throw new OctoportError("--runbook needs exactly one --project: the project the runbook belongs to", {
      exitCode: 2,
    });
  }
  const warnings: Plan["warnings"] = [];
  const excluded = excludedIds(graph, options, warnings);
  // Without --include-teams, teams (read so subscriptions and manual steps can name them) are
  // looked up, never written.
  if (!options.includeTeams)
    for (const node of graph.nodes.values()) if (needsIncludeTeams(node.type)) excluded.add(node.id);
  const defaults = new Set([...graph.nodes.values()].filter(isDefault).map((n) => n.id));
  const notes: string[] = [];

  let candidates: Set<string>;
  if (options.runbook) {
    const projectId = selected[0]!;
    const runbook = graph
      .ofType("Runbooks")
      .find((r) => r.projectId === projectId && (r.name === options.runbook || r.id === options.runbook));
    if (!runbook) {
      const names = graph
        .ofType("Runbooks")
        .filter((r) => r.projectId === projectId)
        .map((r) => r.name);
      throw new OctoportError(
        `unknown runbook "${options.runbook}" in project "${graph.get(projectId)?.name}"${names.length ? `; its runbooks: ${names.join(", ")}` : ""}`,
      );
    }
    const process = String((runbook.doc as { RunbookProcessId?: unknown }).RunbookProcessId ?? "");
    candidates = new Set([runbook.id, process].filter((id) => graph.get(id)));
  } else if (options.projects?.length) {
    const chosen = new Set(selected);
    candidates = new Set<string>();
    for (const node of graph.nodes.values())
      if (node.projectId && chosen.has(node.projectId)) candidates.add(node.id);
    if (!options.lookupDependencies) {
      // Their space-level dependencies are written too: everything the selection refers to, transitively.
      const queue = [...candidates];
      const add = (id: string) => {
        const n = graph.get(id);
        if (n?.klass !== "space" || candidates.has(id)) return;
        candidates.add(id);
        queue.push(id);
      };
      for (const t of graph.ofType("Tenants")) {
        const pe = (t.doc as { ProjectEnvironments?: Record<string, unknown> }).ProjectEnvironments ?? {};
        if (selected.some((p) => Object.hasOwn(pe, p))) {
          add(t.id);
          // Its values of library sets' templates go with it.
          if (graph.get(`TenantVariables-${t.id}`)) add(`TenantVariables-${t.id}`);
        }
      }
      while (queue.length) {
        const id = queue.shift()!;
        for (const r of graph.referencesFrom(id)) add(r.to);
        const owner = graph.get(id);
        // A library variable set brings its variables; a script module its body.
        const setId = (owner?.doc as { VariableSetId?: unknown } | undefined)?.VariableSetId;
        if (typeof setId === "string" && owner?.klass === "space") add(setId);
      }
    }
  } else {
    candidates = new Set(graph.nodes.keys());
  }

  // Children of excluded projects, runbooks and library sets go with them.
  for (const node of graph.nodes.values()) {
    if (node.projectId && node.projectId !== node.id && excluded.has(node.projectId)) excluded.add(node.id);
    const d = node.doc as Record<string, unknown>;
    for (const owner of [d.OwnerId, d.RunbookId, d.TenantId, d.TeamId])
      if (typeof owner === "string" && excluded.has(owner)) excluded.add(node.id);
  }

  const chosenProjects = options.projects?.length ? selected : projects.map((p) => p.id);
  const emittedProjects = chosenProjects.filter((p) => !excluded.has(p));
  const order = projectOrder(graph, emittedProjects);
  const dirs = projectDirectories(graph, emittedProjects, options.keepDirectories);
  const home = new Map<string, string>();
  const afterProjects = new Map(AFTER_PROJECTS.map((a) => [a.type, a.path]));
  for (const id of [...candidates].sort()) {
    const node = graph.get(id)!;
    if (excluded.has(id) || defaults.has(id) || !converterFor(node.type)) continue;
    if (options.runbook && node.type !== "Runbooks" && node.type !== "RunbookProcesses") continue;
    if (
      node.klass === "project" &&
      node.projectId &&
      !emittedProjects.includes(node.projectId) &&
      !options.runbook
    )
      continue;
    if (options.layout === "single") home.set(id, "");
    else if (afterProjects.has(node.type) && node.klass === "space")
      home.set(id, afterProjects.get(node.type)!);
    else if (node.klass === "space") home.set(id, "space");
    else if (node.projectId) home.set(id, `projects/${dirs.get(node.projectId)}`);
  }
  if (options.runbook) {
    notes.push(
      `Only runbook "${options.runbook}" is exported; its project and everything it uses are looked up by name.`,
    );
  }

  const modules: Plan["modules"] = [];
  if (options.layout === "single") {
    modules.push({ path: "", title: graph.space.Name });
  } else {
    const used = new Set(home.values());
    if (used.has("space")) modules.push({ path: "space", title: `space ${graph.space.Name}` });
    for (const id of order.levels.flat()) {
      const path = `projects/${dirs.get(id)}`;
      if (used.has(path)) modules.push({ path, title: `project ${graph.get(id)?.name}`, projectId: id });
    }
    // Space-level documents that refer to projects, each type in a module of its own.
    for (const after of AFTER_PROJECTS_MODULES)
      if (used.has(after.path)) modules.push({ path: after.path, title: after.title });
    if (options.runbook) {
      const projectId = selected[0]!;
      const path = `projects/${dirs.get(projectId) ?? projectDirectories(graph, [projectId]).get(projectId)}`;
      for (const id of candidates) home.set(id, path);
      // The project's own module, when the loop above made it: the runbook is all it holds.
      const title = `runbook ${options.runbook} of project ${graph.get(projectId)?.name}`;
      const made = modules.find((m) => m.path === path);
      if (made) made.title = title;
      else modules.push({ path, title, projectId });
    }
  }
  const variableFilter = options.filters?.get("variables");
  const stepFilter = options.filters?.get("steps");
  const tenantVariableFilter = options.filters?.get("tenant-variables");
  const excludedTags = new Set(options.excludeTenantTags ?? []);
  const scopeExcluded = new Set(options.excludeVariableEnvironmentScopes ?? []);
  return {
    graph,
    home,
    excluded,
    defaults,
    layout: options.layout,
    excludeVariable: (name) => excludes(variableFilter, name),
    excludeStep: (name) => excludes(stepFilter, name),
    excludeTenantVariable: (name) => excludes(tenantVariableFilter, name),
    excludeTag: (canonical) => excludedTags.has(canonical),
    scopeExcludedEnvironment: (name) => scopeExcluded.has(name),
    detachStepTemplates: options.detachStepTemplates ?? false,
    spreadSecrets: options.spreadSecrets ?? false,
    includeTeams: options.includeTeams ?? false,
    ignoreChanges: new Set(options.ignoreChanges ?? []),
    adopting: options.adoptFrom !== undefined,
    projectOrder: order.levels.flat(),
    modules,
    levels: order.levels,
    selectedProjects: emittedProjects,
    notes,
    warnings,
  };
}

function resolveProjects(graph: SpaceGraph, wanted: readonly string[]): string[] {
  const projects = graph.ofType("Projects");
  return wanted.map((w) => {
    const found =
      projects.find((p) => p.id === w) ??
      projects.find((p) => p.name === w) ??
      projects.find((p) => p.name.toLowerCase() === w.toLowerCase());
    if (!found) {
      const names = projects.map((p) => p.name).sort();
      throw new OctoportError(
        `unknown project "${w}" in space ${graph.space.Name}${names.length ? `; projects there: ${names.slice(0, 15).join(", ")}${names.length > 15 ? ", ..." : ""}` : ""}`,
      );
    }
    return found.id;
  });
}

function excludedIds(graph: SpaceGraph, options: SelectionOptions, warnings: Plan["warnings"]): Set<string> {
  const out = new Set<string>();
  const filters = options.filters;
  for (const node of graph.nodes.values()) {
    if (madeByBootstrap(graph, node)) out.add(node.id);
    const family = familyOf(node.type);
    if (family && filters?.size && excludes(filters.get(family.name), node.name)) out.add(node.id);
  }
  const tagged = new Set(options.excludeTenantsWithTags ?? []);
  if (tagged.size)
    for (const tenant of graph.ofType("Tenants")) {
      const tags = (tenant.doc as { TenantTags?: unknown }).TenantTags;
      if (Array.isArray(tags) && tags.some((t) => tagged.has(String(t)))) out.add(tenant.id);
    }
  if (options.excludeTargetsWithNoEnvironments)
    for (const target of graph.ofType("Machines")) {
      const envs = (target.doc as { EnvironmentIds?: unknown }).EnvironmentIds;
      const kept = (Array.isArray(envs) ? envs : []).filter(
        (id) => typeof id === "string" && graph.get(id) && !out.has(id),
      );
      if (kept.length === 0) out.add(target.id);
    }
  if (options.excludeInvalidChannels)
    for (const channel of graph.ofType("Channels")) {
      const invalid = invalidRule(graph, channel);
      if (!invalid || out.has(channel.id)) continue;
      out.add(channel.id);
      const project = graph.get(channel.projectId ?? "");
      warnings.push({
        subject: `channel "${channel.name}" of project "${project?.name ?? channel.projectId}"`,
        message: `is left out by --exclude-invalid-channels: a version rule names ${invalid}, which the deployment process does not have`,
      });
    }
  return out;
}

/** The longest project directory name: room under a file system's 255 bytes. */
const MAX_DIRECTORY = 120;

/**
 * What the first of a channel's version rules that names a step the project's deployment
 * process does not have names (undefined when every rule is sound). The rules name an action
 * by name (by slug in a Config-as-Code project).
 */
export function invalidRule(graph: SpaceGraph, channel: GraphNode): string | undefined {
  const rules = (channel.doc as { Rules?: unknown }).Rules;
  if (!Array.isArray(rules) || !rules.length) return undefined;
  const project = graph.get(channel.projectId ?? "");
  const processId = (project?.doc as { DeploymentProcessId?: unknown } | undefined)?.DeploymentProcessId;
  // A process the export did not read cannot say: the channel is taken as sound.
  if (typeof processId !== "string" || !graph.get(processId)) return undefined;
  const actions = processActions(graph, processId);
  for (const rule of rules) {
    const packages = (rule as { ActionPackages?: unknown }).ActionPackages;
    for (const p of Array.isArray(packages) ? packages : []) {
      const action = (p as { DeploymentAction?: unknown }).DeploymentAction;
      if (typeof action !== "string" || !action) continue;
      if (actionFate(actions, () => false, action, "either").fate === "no-action") return `step "${action}"`;
    }
  }
  return undefined;
}

/**
 * One directory per project, from its name: unique, lowercase with dashes. A project keeps the
 * directory an earlier export gave it (`keep`), so a renamed project's module, and the state
 * beside it, stay where they are and Terraform updates the project in place.
 */
function projectDirectories(
  graph: SpaceGraph,
  ids: readonly string[],
  keep: ReadonlyMap<string, string> = new Map(),
): Map<string, string> {
  const ns = new Namespace();
  const all = graph.ofType("Projects");
  // A directory name over MAX_DIRECTORY characters (a file system takes 255 bytes) keeps its
  // beginning and gets a hash of the whole identifier, which is unique, so it stays unique.
  const toDir = (identifier: string) => {
    const dir = identifier.replace(/^_+/, "").replace(/_/g, "-");
    return dir.length > MAX_DIRECTORY
      ? `${dir.slice(0, MAX_DIRECTORY - 9)}-${shortHash(identifier, 8)}`
      : dir;
  };
  const toIdentifier = (dir: string) => dir.replace(/-/g, "_");
  for (const p of all) {
    const kept = keep.get(p.id);
    if (kept) ns.pin(p.name, toIdentifier(kept));
    ns.claim(p.name);
  }
  return new Map(ids.map((id) => [id, toDir(ns.get(graph.get(id)?.name ?? id))]));
}
