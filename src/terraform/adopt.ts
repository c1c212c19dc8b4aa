import type { GraphNode, SpaceGraph } from "../graph/graph.js";
import { identityOf } from "../graph/identity.js";
import { type ImportKind, REGISTRY } from "../registry/index.js";
import { groupBy } from "../util/collections.js";
import { cmp } from "../util/strings.js";
import { fileText, moduleName } from "./blocks.js";
import { trackedResources } from "./earlier.js";
import { attr, block, comment, ref, str } from "./hcl/model.js";
import type { Manifest } from "./manifest.js";

/**
 * Adoption: for each resource an export writes, its counterpart already on the destination,
 * found by name (and by project, owner, step, scope where names are only unique within
 * those), and the ID the provider's import takes for it. A first apply then imports these
 * instead of failing on a name already in use or creating a duplicate: the import blocks
 * are written in each module's root and in the root of all modules (addImportBlocks).
 */

export interface AdoptableResource {
  sourceId: string;
  sourcePart?: string;
  type: string;
  module: string;
  /** Address inside its module. */
  local: string;
  name: string;
}

export interface Adoption {
  module: string;
  local: string;
  /** What the provider's import takes. */
  id: string;
}

export interface AdoptionResult {
  imports: Adoption[];
  /** Resources that exist on the destination but the provider cannot import. */
  cannotImport: Array<{ resource: AdoptableResource; destinationId: string }>;
}

type Doc = Record<string, unknown>;
type Step = { Id?: string; Name?: string; Actions?: Array<{ Id?: string; Name?: string }> };

/** How each resource type is imported, from the registry's descriptors. */
const IMPORT_KINDS: ReadonlyMap<string, ImportKind> = new Map(
  REGISTRY.flatMap((t) => Object.entries(t.resources ?? {})),
);

interface Context {
  source: Finder;
  destination: Finder;
  r: AdoptableResource;
}

/** How the import ID of each kind of resource is made from its counterpart. */
const IMPORT_IDS: Record<Exclude<ImportKind, "setting" | "none">, (c: Context) => string | undefined> = {
  document: documentId,
  step: stepId,
  "child-step": childId,
  variable: variableId,
  tag: tagId,
  "tenant-project-variable": tenantProjectVariableId,
  "tenant-common-variable": tenantCommonVariableId,
};

export function planAdoption(
  resources: readonly AdoptableResource[],
  source: SpaceGraph,
  destination: SpaceGraph,
): AdoptionResult {
  const src = new Finder(source);
  const dst = new Finder(destination);
  const result: AdoptionResult = { imports: [], cannotImport: [] };
  for (const r of resources) {
    const kind = IMPORT_KINDS.get(r.type) ?? "document";
    // A setting of another object: creating it on an existing object just sets it.
    if (kind === "setting") continue;
    const id = IMPORT_IDS[kind === "none" ? "document" : kind]({ source: src, destination: dst, r });
    if (!id) continue;
    if (kind === "none") result.cannotImport.push({ resource: r, destinationId: id });
    else result.imports.push({ module: r.module, local: r.local, id });
  }
  return result;
}

function documentId(c: Context): string | undefined {
  const node = c.source.graph.get(c.r.sourceId);
  return node ? c.destination.counterpart(c.source, node)?.id : undefined;
}

/** `ProcessId:StepId` (steps), `ProcessId:ParentStepId` (child step order). */
function stepId(c: Context): string | undefined {
  const found = c.source.step(c.r.sourceId, partId(c.r.sourcePart, "Steps"));
  if (!found) return undefined;
  const process = c.destination.counterpart(c.source, found.process);
  const step = process && c.destination.stepByName(process, found.step.Name);
  return step ? `${process!.id}:${step.Id}` : undefined;
}

/** `ProcessId:ParentStepId:ChildStepId`. */
function childId(c: Context): string | undefined {
  const actionId = partId(c.r.sourcePart, "Actions");
  const process = c.source.graph.get(c.r.sourceId);
  if (!process || !actionId) return undefined;
  const step = steps(process).find((s) => (s.Actions ?? []).some((a) => a.Id === actionId));
  const action = step?.Actions?.find((a) => a.Id === actionId);
  const target = c.destination.counterpart(c.source, process);
  const targetStep = target && c.destination.stepByName(target, step?.Name);
  const targetAction = targetStep?.Actions?.find((a) => a.Name === action?.Name);
  return targetAction ? `${target!.id}:${targetStep!.Id}:${targetAction.Id}` : undefined;
}

/** `OwnerId:VariableId`: the variable of the same name and scope (by names) in the owner's set. */
function variableId(c: Context): string | undefined {
  const set = c.source.graph.get(c.r.sourceId);
  const varId = partId(c.r.sourcePart, "Variables");
  const variable = set && variablesOf(set).find((v) => v.Id === varId);
  if (!set || !variable) return undefined;
  const target = c.destination.counterpart(c.source, set);
  if (!target) return undefined;
  const wanted = c.source.scopeSignature(variable.Scope);
  const match = variablesOf(target).find(
    (v) => v.Name === variable.Name && c.destination.scopeSignature(v.Scope) === wanted,
  );
  const owner = (target.doc as Doc).OwnerId;
  return match && typeof owner === "string" ? `${owner}:${match.Id}` : undefined;
}

/** The tag's own ID (TagSets-N/Tags-M) in the tag set of the same name. */
function tagId(c: Context): string | undefined {
  const set = c.source.graph.get(c.r.sourceId);
  const tagIdInSource = partId(c.r.sourcePart, "Tags");
  const tag = set && tagsOf(set).find((t) => t.Id === tagIdInSource);
  const target = set && c.destination.counterpart(c.source, set);
  return target && tag ? tagsOf(target).find((t) => t.Name === tag.Name)?.Id : undefined;
}

/** `TenantId:ProjectId:EnvironmentId:TemplateId`, when the destination tenant has that value. */
function tenantProjectVariableId(c: Context): string | undefined {
  const pair = tenantAndProject(c);
  const m = /\.ProjectVariables\.([^.]+)\.([^.]+)$/.exec(c.r.sourcePart ?? "");
  if (!pair || !m) return undefined;
  const env = c.source.graph.get(m[1]!);
  const targetEnv = env && c.destination.counterpart(c.source, env);
  const template = templatesOf(c.source.graph.get(c.r.sourceId)).find((t) => t.Id === m[2]);
  const targetTemplate = templatesOf(pair.project).find((t) => t.Name === template?.Name);
  if (!targetEnv || !targetTemplate) return undefined;
  const values = c.destination.graph.get(`TenantVariables-${pair.tenant.id}`)?.doc as Doc | undefined;
  const perEnv = (((values?.ProjectVariables ?? {}) as Record<string, Doc>)[pair.project.id]?.Variables ??
    {}) as Record<string, Record<string, unknown>>;
  if (perEnv[targetEnv.id]?.[String(targetTemplate.Id)] === undefined) return undefined;
  return `${pair.tenant.id}:${pair.project.id}:${targetEnv.id}:${targetTemplate.Id}`;
}

/**
 * `TenantId:LibraryVariableSetId:TemplateId` (an unscoped value), when the destination tenant
 * has that value; for a value scoped to environments, `TenantId:VariableId` (the provider's
 * second import format) of the destination's value of the same template for the same
 * environments, by names.
 */
function tenantCommonVariableId(c: Context): string | undefined {
  const scoped = /^Tenants\[Id=([^\]]+)\]\.ScopedCommonVariables\.([^.]+)\.([^.[]+)\[Id=([^\]]+)\]$/.exec(
    c.r.sourcePart ?? "",
  );
  if (scoped) return scopedCommonVariableId(c, scoped[1]!, scoped[2]!, scoped[3]!, scoped[4]!);
  const m = /^Tenants\[Id=([^\]]+)\]\.LibraryVariables\.([^.]+)\.([^.]+)$/.exec(c.r.sourcePart ?? "");
  if (!m) return undefined;
  const tenant = c.source.graph.get(m[1]!);
  const lvs = c.source.graph.get(m[2]!);
  const targetTenant = tenant && c.destination.counterpart(c.source, tenant);
  const targetLvs = lvs && c.destination.counterpart(c.source, lvs);
  const template = templatesOf(lvs).find((t) => t.Id === m[3]);
  const targetTemplate = templatesOf(targetLvs).find((t) => t.Name === template?.Name);
  if (!targetTenant || !targetLvs || !targetTemplate) return undefined;
  const values = c.destination.graph.get(`TenantVariables-${targetTenant.id}`)?.doc as Doc | undefined;
  const set = ((values?.LibraryVariables ?? {}) as Record<string, Doc>)[targetLvs.id]?.Variables as
    | Record<string, unknown>
    | undefined;
  if (set?.[String(targetTemplate.Id)] === undefined) return undefined;
  return `${targetTenant.id}:${targetLvs.id}:${targetTemplate.Id}`;
}

type ScopedValue = { Id?: string; EnvironmentIds?: string[] };

function scopedCommonVariableId(
  c: Context,
  tenantId: string,
  lvsId: string,
  templateId: string,
  variableId: string,
): string | undefined {
  const tenant = c.source.graph.get(tenantId);
  const lvs = c.source.graph.get(lvsId);
  const targetTenant = tenant && c.destination.counterpart(c.source, tenant);
  const targetLvs = lvs && c.destination.counterpart(c.source, lvs);
  const template = templatesOf(lvs).find((t) => t.Id === templateId);
  const targetTemplate = templatesOf(targetLvs).find((t) => t.Name === template?.Name);
  if (!targetTenant || !targetLvs || !targetTemplate) return undefined;
  const scopedOf = (finder: Finder, tenant: string, lvs: string, template: string): ScopedValue[] => {
    const doc = finder.graph.get(`TenantVariables-${tenant}`)?.doc as Doc | undefined;
    const byLvs = (doc?.ScopedCommonVariables ?? {}) as Record<string, Record<string, ScopedValue[]>>;
    return byLvs[lvs]?.[template] ?? [];
  };
  const envNames = (finder: Finder, v: ScopedValue) =>
    (v.EnvironmentIds ?? [])
      .map((id) => finder.graph.get(id)?.name ?? id)
      .sort()
      .join("\u0001");
  const variable = scopedOf(c.source, tenantId, lvsId, templateId).find((v) => v.Id === variableId);
  if (!variable) return undefined;
  const wanted = envNames(c.source, variable);
  const match = scopedOf(c.destination, targetTenant.id, targetLvs.id, String(targetTemplate.Id)).find(
    (v) => envNames(c.destination, v) === wanted,
  );
  return match?.Id ? `${targetTenant.id}:${match.Id}` : undefined;
}

function tenantAndProject(c: Context): { tenant: GraphNode; project: GraphNode } | undefined {
  const tenantId = /^Tenants\[Id=([^\]]+)\]/.exec(c.r.sourcePart ?? "")?.[1];
  const tenant = tenantId ? c.source.graph.get(tenantId) : undefined;
  const project = c.source.graph.get(c.r.sourceId);
  const targetTenant = tenant && c.destination.counterpart(c.source, tenant);
  const targetProject = project && c.destination.counterpart(c.source, project);
  return targetTenant && targetProject ? { tenant: targetTenant, project: targetProject } : undefined;
}

function partId(part: string | undefined, kind: string): string | undefined {
  return new RegExp(`^${kind}\\[Id=([^\\]]+)\\]`).exec(part ?? "")?.[1];
}

function steps(node: GraphNode): Step[] {
  return ((node.doc as Doc).Steps ?? []) as Step[];
}

function variablesOf(node: GraphNode): Array<{ Id?: string; Name?: string; Scope?: unknown }> {
  return ((node.doc as Doc).Variables ?? []) as Array<{ Id?: string; Name?: string; Scope?: unknown }>;
}

function tagsOf(node: GraphNode): Array<{ Id?: string; Name?: string }> {
  return ((node.doc as Doc).Tags ?? []) as Array<{ Id?: string; Name?: string }>;
}

function templatesOf(node: GraphNode | undefined): Array<{ Id?: string; Name?: string }> {
  return (((node?.doc as Doc | undefined)?.Templates ?? []) as Array<{ Id?: string; Name?: string }>) ?? [];
}

/** Finds documents of one space by what identifies them to a user. */
class Finder {
  private readonly byKey = new Map<string, GraphNode>();
  private readonly actionNames = new Map<string, string>();

  constructor(readonly graph: SpaceGraph) {
    for (const node of graph.nodes.values()) {
      const key = this.key(node);
      if (key && !this.byKey.has(key)) this.byKey.set(key, node);
      for (const s of steps(node))
        for (const a of s.Actions ?? []) if (a.Id && a.Name) this.actionNames.set(a.Id, a.Name);
    }
  }

  /** The document in this space that is `node` of the other space. */
  counterpart(other: Finder, node: GraphNode): GraphNode | undefined {
    const key = other.key(node);
    return key ? this.byKey.get(key) : undefined;
  }

  /** A step of a process, by the step's ID. */
  step(processId: string, stepId: string | undefined): { process: GraphNode; step: Step } | undefined {
    const process = this.graph.get(processId);
    const step = process && steps(process).find((s) => s.Id === stepId);
    return process && step ? { process, step } : undefined;
  }

  stepByName(process: GraphNode, name: string | undefined): Step | undefined {
    return steps(process).find((s) => s.Name === name);
  }

  /** A variable's scope by names, comparable across spaces. */
  scopeSignature(scope: unknown): string {
    const s = (scope && typeof scope === "object" ? scope : {}) as Record<string, unknown>;
    return Object.keys(s)
      .sort()
      .map((key) => {
        const values = (Array.isArray(s[key]) ? (s[key] as unknown[]) : []).map((v) => {
          const id = String(v);
          return this.graph.get(id)?.name ?? this.actionNames.get(id) ?? id;
        });
        return values.length ? `${key}=${values.sort().join("\u0001")}` : "";
      })
      .filter(Boolean)
      .join("\u0002");
  }

  /**
   * What identifies a document to a user (see identityOf). A scoped user role has no name:
   * it is its team's and role's, with its scopes, by names (one the destination holds already
   * is imported rather than granted a second time).
   */
  key(node: GraphNode): string | undefined {
    if (node.type !== "ScopedUserRoles") return identityOf(this.graph, node);
    const d = node.doc as Doc;
    const name = (id: unknown) => this.graph.get(String(id))?.name;
    const names = (ids: unknown) =>
      (Array.isArray(ids) ? ids : [])
        .map((id) => name(id) ?? String(id))
        .sort()
        .join("\u0001");
    const team = name(d.TeamId);
    const role = name(d.UserRoleId);
    if (!team || !role) return undefined;
    return [
      node.type,
      team,
      role,
      names(d.EnvironmentIds),
      names(d.ProjectIds),
      names(d.ProjectGroupIds),
      names(d.TenantIds),
    ].join("\u0000");
  }
}

/**
 * Import blocks for what the destination already holds: in each module's own root and in the
 * root of all modules (Terraform reads import blocks only in a root module).
 */
export function addImportBlocks(
  manifest: Manifest,
  source: SpaceGraph,
  destination: SpaceGraph,
  files: Map<string, string>,
): void {
  const result = planAdoption(
    manifest.resources.map((r) => ({ ...trackedResources({ resources: [r] })[0]!, name: r.name })),
    source,
    destination,
  );
  const address = (module: string, local: string) =>
    module === "" ? local : `module.${moduleName(module)}.${local}`;
  const blockOf = (a: Adoption) =>
    block("import", [], [attr("to", ref(...address(a.module, a.local).split("."))), attr("id", str(a.id))]);
  const header = comment(
    `Already on the destination (space ${destination.space.Name}), found by name: the first apply imports these instead of creating them.`,
  );
  if (result.imports.length) {
    if (manifest.layout === "modules") {
      for (const [module, list] of groupBy(result.imports, (a) => a.module))
        files.set(`${module}/imports.tf`, fileText([header, ...list.map(blockOf)]));
    }
    files.set("imports.tf", fileText([header, ...result.imports.map(blockOf)]));
  }
  manifest.imports = result.imports.map((a) => ({ address: address(a.module, a.local), id: a.id }));
  for (const { resource, destinationId } of result.cannotImport) {
    manifest.warnings.push({
      subject: `${resource.type.replace("octopusdeploy_", "").replaceAll("_", " ")} "${resource.name}"`,
      message: `already exists on the destination (${destinationId}) and the provider cannot import it: delete or rename it there before applying, or leave it out with a filter`,
    });
  }
  manifest.warnings.sort((a, b) => cmp(`${a.subject} ${a.message}`, `${b.subject} ${b.message}`));
}
