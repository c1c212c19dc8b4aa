import type { EngineContext, ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import type { Route } from "../routes.js";
import { isSensitiveValue, type Json, type JsonObject } from "../secrets.js";
import { isObject } from "./common.js";

/**
 * Tenant variable values, one document per tenant, in the shape of the server's newer
 * ("V2") tenant variables: each value is a variable of its own, with an ID and a scope of
 * environments. Octopus 2025.2 added environment scopes to tenant variables (octopus.com/blog/
 * scoped-tenant-variables: common variables unscoped, singly or multi-scoped); the server serves
 * them per tenant at /tenants/{id}/commonvariables and /tenants/{id}/projectvariables
 * (go-octopusdeploy pkg/tenants/tenant_service.go, the types in pkg/variables/
 * tenant_common_variable.go and tenant_project_variable.go: Variables, MissingVariables, each
 * with Id, TemplateId, Template, Value and Scope.EnvironmentIds), and still serves the older
 * document at /tenants/{id}/variables, which is computed here from the same store:
 *
 *   CommonVariables:  { [libraryVariableSetId]: { [templateId]: Entry[] } }
 *   ProjectVariables: { [projectId]:            { [templateId]: Entry[] } }
 *   Entry:            { Id: "TenantVariables-n", Value, EnvironmentIds: string[] }
 *
 * A common variable with no environments applies to all of them (the V1 document's one value
 * per library template); a project variable with no environments applies to every environment
 * the tenant connects to the project. The older stored form (`Library`, `Project` keyed by
 * environment), which seed files may still use, is read into this one.
 */
export const tenantVariables: ResourceDef = {
  type: "TenantVariables",
  collection: "tenantvariables",
  idPrefix: "tenantvariables",
  scope: "space",
  link: "TenantVariables",
  uniqueName: false,
  creatable: false,
  deletable: false,
  normalise: (doc, ctx) => normaliseStored(doc, ctx),
};

/** The prefix of one variable's ID, as the provider's import help shows (Tenants-123:TenantVariables-456). */
const VARIABLE_PREFIX = "TenantVariables";

export const tenantVariablesId = (tenantId: string) => `tenantvariables-${tenantId}`;

interface Entry {
  Id?: string;
  Value: Json;
  EnvironmentIds: string[];
}

/** Entries by owner (library variable set or project) and template. */
type Values = Record<string, Record<string, Entry[]>>;

interface Stored {
  common: Values;
  project: Values;
}

function asValues(v: Json | undefined): Values {
  const out: Values = {};
  if (!isObject(v)) return out;
  for (const [owner, byTemplate] of Object.entries(v)) {
    if (!isObject(byTemplate)) continue;
    const perOwner: Record<string, Entry[]> = {};
    for (const [template, entries] of Object.entries(byTemplate)) {
      if (!Array.isArray(entries)) continue;
      perOwner[template] = entries.filter(isObject).map((e) => ({
        ...(typeof e.Id === "string" ? { Id: e.Id } : {}),
        Value: e.Value ?? null,
        EnvironmentIds: Array.isArray(e.EnvironmentIds) ? e.EnvironmentIds.map(String) : [],
      }));
    }
    out[owner] = perOwner;
  }
  return out;
}

function stored(ctx: EngineContext, tenantId: string): Stored {
  const doc = ctx.store.get("TenantVariables", tenantVariablesId(tenantId));
  return { common: asValues(doc?.CommonVariables), project: asValues(doc?.ProjectVariables) };
}

/** A value that is no value: null, or a sensitive value that holds nothing. */
function isNoValue(v: Json | undefined): boolean {
  return v === undefined || v === null || (isSensitiveValue(v) && v.HasValue === false);
}

function sameValue(a: Json | undefined, b: Json | undefined): boolean {
  if (isNoValue(a) && isNoValue(b)) return true;
  if (isSensitiveValue(a) && isSensitiveValue(b))
    return a.HasValue === b.HasValue && (a.NewValue ?? null) === (b.NewValue ?? null);
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Every write of the stored document: the older form read into the newer one, values that
 * are no value dropped, each variable given an ID (a seed's or a migration's own when no other
 * tenant uses it), and each template's variables in an order that does not depend on IDs
 * (unscoped first, then by environment names), so two servers holding the same values list
 * them alike.
 */
function normaliseStored(doc: JsonObject, ctx: EngineContext): void {
  const common = asValues(doc.CommonVariables);
  const project = asValues(doc.ProjectVariables);
  if (isObject(doc.Library)) {
    for (const [lvs, values] of Object.entries(doc.Library)) {
      if (!isObject(values)) continue;
      for (const [template, value] of Object.entries(values)) {
        slot(common, lvs, template).push({ Value: value, EnvironmentIds: [] });
      }
    }
  }
  if (isObject(doc.Project)) {
    for (const [projectId, byEnv] of Object.entries(doc.Project)) {
      if (!isObject(byEnv)) continue;
      for (const [env, values] of Object.entries(byEnv)) {
        if (!isObject(values)) continue;
        for (const [template, value] of Object.entries(values)) {
          slot(project, projectId, template).push({ Value: value, EnvironmentIds: [env] });
        }
      }
    }
  }
  delete doc.Library;
  delete doc.Project;

  const taken = new Set<string>();
  for (const other of ctx.store.all("TenantVariables")) {
    if (other.Id === doc.Id) continue;
    for (const values of [asValues(other.CommonVariables), asValues(other.ProjectVariables)])
      for (const e of allEntries(values)) if (e.Id) taken.add(e.Id);
  }
  const envName = (id: string) => String(ctx.store.get("Environments", id)?.Name ?? id);
  const order = (e: Entry) =>
    e.EnvironmentIds.length ? `1${e.EnvironmentIds.map(envName).sort().join(",")}` : "0";
  const tidy = (values: Values): JsonObject => {
    const out: JsonObject = {};
    for (const [owner, byTemplate] of Object.entries(values)) {
      const perOwner: JsonObject = {};
      for (const [template, entries] of Object.entries(byTemplate)) {
        const kept = entries.filter((e) => !isNoValue(e.Value));
        if (!kept.length) continue;
        for (const e of kept) {
          if (e.Id && new RegExp(`^${VARIABLE_PREFIX}-\\d+$`).test(e.Id) && !taken.has(e.Id)) {
            ctx.store.noteId(VARIABLE_PREFIX, e.Id);
          } else {
            e.Id = ctx.store.nextId(VARIABLE_PREFIX);
          }
          taken.add(e.Id);
        }
        kept.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
        perOwner[template] = kept.map((e) => ({
          Id: e.Id!,
          Value: e.Value,
          EnvironmentIds: [...new Set(e.EnvironmentIds)],
        }));
      }
      if (Object.keys(perOwner).length) out[owner] = perOwner;
    }
    return out;
  };
  doc.CommonVariables = tidy(common);
  doc.ProjectVariables = tidy(project);
}

/** The list of an owner's template's variables, made empty when there is none. */
function slot(values: Values, owner: string, template: string): Entry[] {
  const perOwner = values[owner] ?? {};
  values[owner] = perOwner;
  const entries = perOwner[template] ?? [];
  perOwner[template] = entries;
  return entries;
}

function allEntries(values: Values): Entry[] {
  return Object.values(values).flatMap((byTemplate) => Object.values(byTemplate).flat());
}

function templatesOf(doc: JsonObject): JsonObject[] {
  return Array.isArray(doc.Templates) ? (doc.Templates as JsonObject[]) : [];
}

/** What the tenant's connections make relevant: its projects (with environments) and their library sets. */
interface Relevant {
  projects: Array<{ project: JsonObject; environments: string[] }>;
  librarySets: JsonObject[];
  /** Every environment the tenant connects to a project. */
  environments: string[];
}

function relevant(ctx: EngineContext, tenant: JsonObject): Relevant {
  const pe = (isObject(tenant.ProjectEnvironments) ? tenant.ProjectEnvironments : {}) as Record<string, Json>;
  const out: Relevant = { projects: [], librarySets: [], environments: [] };
  const seenSets = new Set<string>();
  const envs = new Set<string>();
  for (const projectId of Object.keys(pe).sort()) {
    const project = ctx.engine.find("Projects", ctx.spaceId, projectId);
    if (!project) continue;
    const environments = (Array.isArray(pe[projectId]) ? (pe[projectId] as Json[]) : []).map(String);
    for (const e of environments) envs.add(e);
    out.projects.push({ project, environments });
    const included = Array.isArray(project.IncludedLibraryVariableSetIds)
      ? project.IncludedLibraryVariableSetIds
      : [];
    for (const lvsId of included) {
      if (seenSets.has(String(lvsId))) continue;
      const lvs = ctx.engine.find("LibraryVariableSets", ctx.spaceId, String(lvsId));
      if (!lvs) continue;
      seenSets.add(String(lvsId));
      out.librarySets.push(lvs);
    }
  }
  out.environments = [...envs];
  return out;
}

/**
 * The stored variables as the server holds them now: only for templates the tenant's
 * connections still ask for, with environments that still exist (and, for a project, that
 * the tenant still connects to it); a variable whose environments are all gone is gone.
 */
function current(ctx: EngineContext, tenant: JsonObject): { rel: Relevant; common: Values; project: Values } {
  const rel = relevant(ctx, tenant);
  const raw = stored(ctx, String(tenant.Id));
  const prune = (entries: Entry[] | undefined, allowed: (env: string) => boolean): Entry[] =>
    (entries ?? []).flatMap((e) => {
      if (isNoValue(e.Value)) return [];
      if (!e.EnvironmentIds.length) return [e];
      const envs = e.EnvironmentIds.filter(allowed);
      return envs.length ? [{ ...e, EnvironmentIds: envs }] : [];
    });
  const common: Values = {};
  const exists = (env: string) => ctx.engine.find("Environments", ctx.spaceId, env) !== undefined;
  for (const lvs of rel.librarySets) {
    const perOwner: Record<string, Entry[]> = {};
    for (const t of templatesOf(lvs))
      perOwner[String(t.Id)] = prune(raw.common[String(lvs.Id)]?.[String(t.Id)], exists);
    common[String(lvs.Id)] = perOwner;
  }
  const project: Values = {};
  for (const { project: p, environments } of rel.projects) {
    const perOwner: Record<string, Entry[]> = {};
    for (const t of templatesOf(p))
      perOwner[String(t.Id)] = prune(raw.project[String(p.Id)]?.[String(t.Id)], (e) =>
        environments.includes(e),
      );
    project[String(p.Id)] = perOwner;
  }
  return { rel, common, project };
}

/** The value a project variable template has in one environment: the one scoped to it, else the unscoped one. */
function valueIn(entries: Entry[], env: string): Entry | undefined {
  return entries.find((e) => e.EnvironmentIds.includes(env)) ?? entries.find((e) => !e.EnvironmentIds.length);
}

function putStored(ctx: EngineContext, tenant: JsonObject, common: Values, project: Values): void {
  const doc: JsonObject = {
    Id: tenantVariablesId(String(tenant.Id)),
    SpaceId: tenant.SpaceId ?? null,
    TenantId: tenant.Id ?? null,
    CommonVariables: common as unknown as Json,
    ProjectVariables: project as unknown as Json,
  };
  normaliseStored(doc, ctx);
  ctx.store.put("TenantVariables", doc);
}

// ---- V1: /tenants/{id}/variables ---------------------------------------------------------

/** The V1 tenant variables document Octopus serves. */
export function tenantVariablesView(ctx: EngineContext, tenant: JsonObject): JsonObject {
  const { rel, common, project } = current(ctx, tenant);
  const spaceId = String(tenant.SpaceId);
  const projectVariables: JsonObject = {};
  for (const { project: p, environments } of rel.projects) {
    const perEnv: JsonObject = {};
    for (const env of environments) {
      const envValues: JsonObject = {};
      for (const t of templatesOf(p)) {
        const e = valueIn(project[String(p.Id)]?.[String(t.Id)] ?? [], env);
        if (e) envValues[String(t.Id)] = e.Value;
      }
      perEnv[env] = envValues;
    }
    projectVariables[String(p.Id)] = {
      ProjectId: String(p.Id),
      ProjectName: p.Name ?? null,
      Templates: templatesOf(p),
      Variables: perEnv,
      Links: { Project: `/api/${spaceId}/projects/${String(p.Id)}` },
    };
  }
  const libraryVariables: JsonObject = {};
  for (const lvs of rel.librarySets) {
    const vars: JsonObject = {};
    for (const t of templatesOf(lvs)) {
      const e = common[String(lvs.Id)]?.[String(t.Id)]?.find((x) => !x.EnvironmentIds.length);
      if (e) vars[String(t.Id)] = e.Value;
    }
    libraryVariables[String(lvs.Id)] = {
      LibraryVariableSetId: String(lvs.Id),
      LibraryVariableSetName: lvs.Name ?? null,
      Templates: templatesOf(lvs),
      Variables: vars,
      Links: { LibraryVariableSet: `/api/${spaceId}/libraryvariablesets/${String(lvs.Id)}` },
    };
  }
  return {
    TenantId: tenant.Id ?? null,
    TenantName: tenant.Name ?? null,
    SpaceId: tenant.SpaceId ?? null,
    ProjectVariables: projectVariables,
    LibraryVariables: libraryVariables,
    Links: { Self: `/api/${spaceId}/tenants/${String(tenant.Id)}/variables` },
  };
}

/**
 * Saves a V1 document into the same store. A library template's value is its unscoped common
 * variable (scoped ones stay as they are). A project template's value per environment: where it
 * is what the tenant already had, the variable behind it stays (a multi-environment variable
 * keeps its ID and scope); where it changed, that environment leaves the variable it was in and
 * gets a variable of its own.
 */
function saveV1(ctx: EngineContext, tenant: JsonObject, body: JsonObject): void {
  const { rel, common, project } = current(ctx, tenant);
  const incomingLibrary = isObject(body.LibraryVariables) ? body.LibraryVariables : {};
  for (const lvs of rel.librarySets) {
    const lvsId = String(lvs.Id);
    const incoming = isObject(incomingLibrary[lvsId]) ? (incomingLibrary[lvsId] as JsonObject) : {};
    const vars = isObject(incoming.Variables) ? incoming.Variables : {};
    for (const t of templatesOf(lvs)) {
      const tid = String(t.Id);
      const entries = common[lvsId]![tid]!;
      const unscoped = entries.find((e) => !e.EnvironmentIds.length);
      const value = vars[tid];
      if (isNoValue(value)) {
        common[lvsId]![tid] = entries.filter((e) => e !== unscoped);
      } else if (unscoped) {
        unscoped.Value = value!;
      } else {
        entries.push({ Value: value!, EnvironmentIds: [] });
      }
    }
  }
  const incomingProjects = isObject(body.ProjectVariables) ? body.ProjectVariables : {};
  for (const { project: p, environments } of rel.projects) {
    const projectId = String(p.Id);
    const incoming = isObject(incomingProjects[projectId]) ? (incomingProjects[projectId] as JsonObject) : {};
    const byEnv = isObject(incoming.Variables) ? incoming.Variables : {};
    for (const t of templatesOf(p)) {
      const tid = String(t.Id);
      const entries = project[projectId]![tid]!;
      const wanted = new Map<string, Json | undefined>();
      for (const env of environments) {
        const envVars = isObject(byEnv[env]) ? (byEnv[env] as JsonObject) : {};
        wanted.set(env, envVars[tid]);
      }
      const changed = new Set(
        environments.filter((env) => !sameValue(wanted.get(env), valueIn(entries, env)?.Value)),
      );
      if (!changed.size) continue;
      const next: Entry[] = [];
      for (const e of entries) {
        const covers = e.EnvironmentIds.length ? e.EnvironmentIds : environments;
        const keep = covers.filter((env) => !changed.has(env));
        if (keep.length === covers.length) next.push(e);
        else if (keep.length) next.push({ ...e, EnvironmentIds: keep });
      }
      for (const env of changed) {
        const value = wanted.get(env);
        if (!isNoValue(value)) next.push({ Value: value!, EnvironmentIds: [env] });
      }
      project[projectId]![tid] = next;
    }
  }
  putStored(ctx, tenant, common, project);
}

// ---- V2: /tenants/{id}/commonvariables and /projectvariables ------------------------------

type Kind = "common" | "project";

/** The V2 response: Variables, and with includeMissingVariables the templates still wanting a value. */
function v2View(ctx: EngineContext, tenant: JsonObject, kind: Kind, includeMissing: boolean): JsonObject {
  const { rel, common, project } = current(ctx, tenant);
  const variables: Json[] = [];
  const missing: Json[] = [];
  const owners =
    kind === "common"
      ? rel.librarySets.map((lvs) => ({ owner: lvs, environments: rel.environments }))
      : rel.projects.map(({ project: p, environments }) => ({ owner: p, environments }));
  for (const { owner, environments } of owners) {
    const ownerId = String(owner.Id);
    const ownerFields: JsonObject =
      kind === "common"
        ? { LibraryVariableSetId: ownerId, LibraryVariableSetName: owner.Name ?? null }
        : { ProjectId: ownerId, ProjectName: owner.Name ?? null };
    for (const t of templatesOf(owner)) {
      const tid = String(t.Id);
      const entries = (kind === "common" ? common : project)[ownerId]?.[tid] ?? [];
      for (const e of entries)
        variables.push({
          Id: e.Id ?? null,
          ...ownerFields,
          TemplateId: tid,
          Template: t,
          Value: e.Value,
          Scope: { EnvironmentIds: e.EnvironmentIds },
        });
      if (!includeMissing || entries.some((e) => !e.EnvironmentIds.length)) continue;
      const covered = new Set(entries.flatMap((e) => e.EnvironmentIds));
      const uncovered = environments.filter((env) => !covered.has(env));
      if (uncovered.length || !environments.length)
        missing.push({
          ...ownerFields,
          TemplateId: tid,
          Template: t,
          Value: t.DefaultValue ?? null,
          Scope: { EnvironmentIds: uncovered },
        });
    }
  }
  const path = kind === "common" ? "commonvariables" : "projectvariables";
  return {
    TenantId: tenant.Id ?? null,
    Variables: variables,
    ...(includeMissing ? { MissingVariables: missing } : {}),
    Links: { Self: `/api/${String(tenant.SpaceId)}/tenants/${String(tenant.Id)}/${path}` },
  };
}

/**
 * A V2 save: the body's Variables become the tenant's whole set of that kind (the provider
 * sends every variable it read back, with its ID, plus or minus the one it manages). A
 * variable without an ID is new; an ID must be one of the tenant's. Each environment must
 * exist (for a project variable, be connected to the project for this tenant), and a
 * template's variables may not share an environment, nor two of them be unscoped.
 */
function saveV2(ctx: EngineContext, tenant: JsonObject, kind: Kind, body: JsonObject): void {
  if (!Array.isArray(body.Variables)) throw badRequest("Variables must be a list.");
  const { rel, common, project } = current(ctx, tenant);
  const known = new Set(allEntries(kind === "common" ? common : project).map((e) => e.Id));
  const owners = kind === "common" ? rel.librarySets : rel.projects.map((p) => p.project);
  const ownerField = kind === "common" ? "LibraryVariableSetId" : "ProjectId";
  const ownerWord = kind === "common" ? "library variable set" : "project";
  const next: Values = {};
  const seenIds = new Set<string>();
  for (const item of body.Variables) {
    if (!isObject(item)) throw badRequest("Each of Variables must be an object.");
    const tid = typeof item.TemplateId === "string" ? item.TemplateId : "";
    if (!tid) throw badRequest("Each variable needs its TemplateId.");
    const named = typeof item[ownerField] === "string" ? String(item[ownerField]) : "";
    const owner = owners.find(
      (o) => (!named || o.Id === named) && templatesOf(o).some((t) => String(t.Id) === tid),
    );
    if (!owner)
      throw badRequest(
        named
          ? `The ${ownerWord} '${named}' has no template '${tid}' this tenant needs a value for.`
          : `No ${ownerWord} this tenant is connected to has the template '${tid}'.`,
      );
    const id = typeof item.Id === "string" && item.Id ? item.Id : undefined;
    if (id && !known.has(id))
      throw badRequest(`The tenant '${String(tenant.Name)}' has no variable '${id}'.`);
    if (id && seenIds.has(id)) throw badRequest(`The variable '${id}' is given more than once.`);
    if (id) seenIds.add(id);
    const scope = isObject(item.Scope) ? item.Scope : {};
    const envs = [...new Set((Array.isArray(scope.EnvironmentIds) ? scope.EnvironmentIds : []).map(String))];
    const connected =
      kind === "project" ? rel.projects.find((p) => p.project === owner)!.environments : undefined;
    for (const env of envs) {
      if (!ctx.engine.find("Environments", ctx.spaceId, env))
        throw badRequest(`The variable's scope refers to '${env}', which is not an existing environment.`);
      if (connected && !connected.includes(env))
        throw badRequest(
          `The tenant '${String(tenant.Name)}' is not connected to the project '${String(owner.Name)}' in the environment '${env}'.`,
        );
    }
    const entries = slot(next, String(owner.Id), tid);
    for (const other of entries) {
      const clash = envs.length
        ? envs.some((env) => other.EnvironmentIds.includes(env))
        : !other.EnvironmentIds.length;
      if (clash) {
        const template = templatesOf(owner).find((t) => String(t.Id) === tid);
        throw badRequest(
          envs.length
            ? `The template '${String(template?.Name ?? tid)}' has more than one value for an environment.`
            : `The template '${String(template?.Name ?? tid)}' has more than one unscoped value.`,
        );
      }
    }
    entries.push({ ...(id ? { Id: id } : {}), Value: item.Value ?? null, EnvironmentIds: envs });
  }
  if (kind === "common") putStored(ctx, tenant, next, project);
  else putStored(ctx, tenant, common, next);
}

function flag(query: URLSearchParams, name: string): boolean {
  for (const [key, value] of query)
    if (key.toLowerCase() === name.toLowerCase()) return value.toLowerCase() === "true";
  return false;
}

const v1Route = (method: "GET" | "POST" | "PUT"): Route => ({
  method,
  path: "/tenants/:id/variables",
  scope: "space",
  handler: ({ ctx, engine, params, body }) => {
    const tenant = engine.get("Tenants", ctx.spaceId, params.id!);
    if (method !== "GET") {
      if (!body) throw badRequest("A request body is required.");
      saveV1(ctx, tenant, body);
    }
    return { body: tenantVariablesView(ctx, tenant) };
  },
});

const v2Route = (method: "GET" | "PUT", kind: Kind): Route => ({
  method,
  path: `/tenants/:id/${kind === "common" ? "commonvariables" : "projectvariables"}`,
  scope: "space",
  handler: ({ ctx, engine, params, body, query }) => {
    const tenant = engine.get("Tenants", ctx.spaceId, params.id!);
    if (method === "PUT") {
      if (!body) throw badRequest("A request body is required.");
      saveV2(ctx, tenant, kind, body);
      return { body: v2View(ctx, tenant, kind, false) };
    }
    return { body: v2View(ctx, tenant, kind, flag(query, "includeMissingVariables")) };
  },
});

export const tenantVariableRoutes: Route[] = [
  v1Route("GET"),
  v1Route("POST"),
  v1Route("PUT"),
  v2Route("GET", "common"),
  v2Route("PUT", "common"),
  v2Route("GET", "project"),
  v2Route("PUT", "project"),
];
