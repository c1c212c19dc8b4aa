import type { EngineContext, ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import type { Route } from "../routes.js";
import type { Json, JsonObject } from "../secrets.js";
import { isObject, requireRef } from "./common.js";
import { requireTags } from "./library.js";
import { forgetScopeValue } from "./variables.js";

export const tenants: ResourceDef = {
  type: "Tenants",
  collection: "tenants",
  idPrefix: "Tenants",
  scope: "space",
  link: "Tenants",
  required: ["Name"],
  slug: true,
  defaults: () => ({
    Description: "",
    TenantTags: [],
    ProjectEnvironments: {},
    IsDisabled: false,
    ClonedFromTenantId: null,
  }),
  normalise: (doc, ctx) => {
    requireTags(ctx, doc.TenantTags, `Tenant '${String(doc.Name)}'`);
    const pe = isObject(doc.ProjectEnvironments) ? doc.ProjectEnvironments : {};
    for (const [projectId, envs] of Object.entries(pe)) {
      requireRef(ctx, "Projects", projectId, `Tenant '${String(doc.Name)}' project`);
      if (!Array.isArray(envs))
        throw badRequest(`Tenant '${String(doc.Name)}' environments of ${projectId} must be a list.`);
      for (const env of envs)
        requireRef(ctx, "Environments", env, `Tenant '${String(doc.Name)}' environment`);
    }
    doc.ProjectEnvironments = pe;
  },
  beforeDelete: (doc, ctx) => {
    ctx.store.delete("TenantVariables", tenantVariablesId(String(doc.Id)));
    forgetScopeValue(ctx, String(doc.Id));
  },
  filters: {
    projectId: (d, v) => isObject(d.ProjectEnvironments) && v in d.ProjectEnvironments,
    tags: (d, v) => v.split(",").every((t) => Array.isArray(d.TenantTags) && d.TenantTags.includes(t)),
    isDisabled: (d, v) => String(d.IsDisabled === true) === v.toLowerCase(),
  },
  links: (doc, self) => ({
    Variables: `${self}/variables`,
    Logo: `${self}/logo`,
    Web: `/app#/${String(doc.SpaceId)}/tenants/${String(doc.Id)}`,
  }),
};

/**
 * Tenant variable values, stored per tenant: library template values and project template
 * values per environment. GET /tenants/{id}/variables builds the Octopus document from
 * them and from the tenant's connected projects; POST or PUT replaces them.
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
};

const tenantVariablesId = (tenantId: string) => `tenantvariables-${tenantId}`;

interface Stored {
  Library: Record<string, Record<string, Json>>;
  Project: Record<string, Record<string, Record<string, Json>>>;
}

function stored(ctx: EngineContext, tenantId: string): Stored {
  const doc = ctx.store.get("TenantVariables", tenantVariablesId(tenantId));
  return {
    Library: (doc?.Library as Stored["Library"]) ?? {},
    Project: (doc?.Project as Stored["Project"]) ?? {},
  };
}

function templatesOf(doc: JsonObject): JsonObject[] {
  return Array.isArray(doc.Templates) ? (doc.Templates as JsonObject[]) : [];
}

/** The V1 tenant variables document Octopus serves. */
export function tenantVariablesView(ctx: EngineContext, tenant: JsonObject): JsonObject {
  const values = stored(ctx, String(tenant.Id));
  const projectVariables: JsonObject = {};
  const libraryVariables: JsonObject = {};
  const pe = (tenant.ProjectEnvironments as Record<string, string[]>) ?? {};
  for (const projectId of Object.keys(pe).sort()) {
    const project = ctx.engine.find("Projects", ctx.spaceId, projectId);
    if (!project) continue;
    const perEnv: JsonObject = {};
    for (const env of pe[projectId] ?? []) {
      const envValues: JsonObject = {};
      for (const t of templatesOf(project)) {
        const v = values.Project[projectId]?.[env]?.[String(t.Id)];
        if (v !== undefined) envValues[String(t.Id)] = v;
      }
      perEnv[env] = envValues;
    }
    projectVariables[projectId] = {
      ProjectId: projectId,
      ProjectName: project.Name ?? null,
      Templates: templatesOf(project),
      Variables: perEnv,
      Links: { Project: `/api/${String(tenant.SpaceId)}/projects/${projectId}` },
    };
    const included = Array.isArray(project.IncludedLibraryVariableSetIds)
      ? project.IncludedLibraryVariableSetIds
      : [];
    for (const lvsId of included) {
      const lvs = ctx.engine.find("LibraryVariableSets", ctx.spaceId, String(lvsId));
      if (!lvs || libraryVariables[String(lvsId)]) continue;
      const vars: JsonObject = {};
      for (const t of templatesOf(lvs)) {
        const v = values.Library[String(lvsId)]?.[String(t.Id)];
        if (v !== undefined) vars[String(t.Id)] = v;
      }
      libraryVariables[String(lvsId)] = {
        LibraryVariableSetId: String(lvsId),
        LibraryVariableSetName: lvs.Name ?? null,
        Templates: templatesOf(lvs),
        Variables: vars,
        Links: { LibraryVariableSet: `/api/${String(tenant.SpaceId)}/libraryvariablesets/${String(lvsId)}` },
      };
    }
  }
  return {
    TenantId: tenant.Id ?? null,
    TenantName: tenant.Name ?? null,
    SpaceId: tenant.SpaceId ?? null,
    ProjectVariables: projectVariables,
    LibraryVariables: libraryVariables,
    Links: { Self: `/api/${String(tenant.SpaceId)}/tenants/${String(tenant.Id)}/variables` },
  };
}

/** Stores the values of a V1 tenant variables document, for connected projects' templates only. */
function saveTenantVariables(ctx: EngineContext, tenant: JsonObject, body: JsonObject): void {
  const view = tenantVariablesView(ctx, tenant);
  const next: Stored = { Library: {}, Project: {} };
  const incomingProjects = isObject(body.ProjectVariables) ? body.ProjectVariables : {};
  for (const [projectId, entry] of Object.entries(view.ProjectVariables as JsonObject)) {
    const templates = new Set(templatesOf(entry as JsonObject).map((t) => String(t.Id)));
    const incoming = isObject(incomingProjects[projectId]) ? (incomingProjects[projectId] as JsonObject) : {};
    const vars = isObject(incoming.Variables) ? incoming.Variables : {};
    for (const env of Object.keys((entry as JsonObject).Variables as JsonObject)) {
      const envVars = isObject(vars[env]) ? (vars[env] as JsonObject) : {};
      for (const [tid, value] of Object.entries(envVars)) {
        if (!templates.has(tid) || value === null) continue;
        const perProject = next.Project[projectId] ?? {};
        next.Project[projectId] = perProject;
        const perEnv = perProject[env] ?? {};
        perProject[env] = perEnv;
        perEnv[tid] = value;
      }
    }
  }
  const incomingLibrary = isObject(body.LibraryVariables) ? body.LibraryVariables : {};
  for (const [lvsId, entry] of Object.entries(view.LibraryVariables as JsonObject)) {
    const templates = new Set(templatesOf(entry as JsonObject).map((t) => String(t.Id)));
    const incoming = isObject(incomingLibrary[lvsId]) ? (incomingLibrary[lvsId] as JsonObject) : {};
    const vars = isObject(incoming.Variables) ? incoming.Variables : {};
    for (const [tid, value] of Object.entries(vars)) {
      if (!templates.has(tid) || value === null) continue;
      const perSet = next.Library[lvsId] ?? {};
      next.Library[lvsId] = perSet;
      perSet[tid] = value;
    }
  }
  ctx.store.put("TenantVariables", {
    Id: tenantVariablesId(String(tenant.Id)),
    SpaceId: tenant.SpaceId ?? null,
    TenantId: tenant.Id ?? null,
    Library: next.Library as unknown as Json,
    Project: next.Project as unknown as Json,
  });
}

const tenantVariablesRoute = (method: "GET" | "POST" | "PUT"): Route => ({
  method,
  path: "/tenants/:id/variables",
  scope: "space",
  handler: ({ ctx, engine, params, body }) => {
    const tenant = engine.get("Tenants", ctx.spaceId, params.id!);
    if (method !== "GET") {
      if (!body) throw badRequest("A request body is required.");
      saveTenantVariables(ctx, tenant, body);
    }
    return { body: tenantVariablesView(ctx, tenant) };
  },
});

export const tenantRoutes: Route[] = [
  tenantVariablesRoute("GET"),
  tenantVariablesRoute("POST"),
  tenantVariablesRoute("PUT"),
  {
    method: "GET",
    path: "/tenantvariables/all",
    scope: "space",
    handler: ({ ctx, engine, query }) => {
      const projectId = query.get("projectId");
      const list = engine.docs(
        "Tenants",
        ctx.spaceId,
        (t) => !projectId || (isObject(t.ProjectEnvironments) && projectId in t.ProjectEnvironments),
      );
      return { body: list.map((t) => tenantVariablesView(ctx, t)) };
    },
  },
];
