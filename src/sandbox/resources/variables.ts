import type { EngineContext, ResourceDef } from "../engine.js";
import { ApiError, badRequest } from "../errors.js";
import type { Json, JsonObject } from "../secrets.js";
import { guid, isObject, variablesInGit } from "./common.js";

/** Scope keys a variable can carry, and the document type each names. */
const SCOPE_TYPES: Record<string, string | undefined> = {
  Environment: "Environments",
  Machine: "Machines",
  Channel: "Channels",
  ProcessOwner: undefined,
  Action: undefined,
  Role: undefined,
  TenantTag: undefined,
  Tenant: "Tenants",
  User: undefined,
  Trigger: undefined,
  ParentDeployment: undefined,
  Private: undefined,
};

const VARIABLE_TYPES = new Set([
  "String",
  "Sensitive",
  "Certificate",
  "AmazonWebServicesAccount",
  "AzureAccount",
  "GoogleCloudAccount",
  "UsernamePasswordAccount",
  "GenericOidcAccount",
  "WorkerPool",
  "Certificate",
]);

export const variableSets: ResourceDef = {
  type: "VariableSets",
  collection: "variables",
  idPrefix: "variableset",
  scope: "space",
  link: "Variables",
  uniqueName: false,
  creatable: false,
  deletable: false,
  defaults: () => ({ Version: 0, Variables: [] }),
  // Worked out when served, as Octopus does, so it follows what exists now.
  view: (doc, ctx) => ({ ...doc, ScopeValues: scopeValues(ctx, doc.OwnerId) }),
  normalise: (doc, ctx, existing) => {
    if (existing && doc.Version !== undefined && doc.Version !== null && doc.Version !== existing.Version) {
      throw new ApiError(409, "The variable set has been modified by someone else; reload it and try again.");
    }
    doc.OwnerId = existing?.OwnerId ?? doc.OwnerId ?? null;
    doc.Version = existing ? Number(existing.Version ?? 0) + 1 : Number(doc.Version ?? 0);
    const variables = Array.isArray(doc.Variables) ? doc.Variables : [];
    doc.Variables = variables.map((v, i) => normaliseVariable(v, i, ctx));
    delete doc.ScopeValues;
    // A Config-as-Code project's database set holds its sensitive variables only; the rest
    // live on its branches (src/sandbox/resources/version-control.ts, docs/sandbox.md).
    const owner =
      typeof doc.OwnerId === "string" ? ctx.engine.find("Projects", ctx.spaceId, doc.OwnerId) : undefined;
    if (owner && variablesInGit(owner)) {
      const plain = (doc.Variables as JsonObject[]).filter((v) => v.IsSensitive !== true);
      if (plain.length)
        throw badRequest(
          `Project '${String(owner.Name)}' keeps its non-sensitive variables in git; save ${plain
            .map((v) => `'${String(v.Name)}'`)
            .join(", ")} on a branch (/projects/${String(owner.Id)}/{gitRef}/variables).`,
        );
    }
  },
  extractSecrets: (doc, previous) => {
    const secrets = new Map<string, string>();
    for (const v of doc.Variables as JsonObject[]) {
      if (v.IsSensitive !== true) continue;
      const path = `Variables[Id=${String(v.Id)}].Value`;
      // Clients write back a sensitive variable they read as null or "": it keeps its value.
      if (typeof v.Value === "string" && (v.Value !== "" || !previous.has(path))) secrets.set(path, v.Value);
      else if (previous.has(path)) secrets.set(path, previous.get(path)!);
      v.Value = null;
    }
    return secrets;
  },
};

export function normaliseVariable(v: Json, index: number, ctx: EngineContext): JsonObject {
  if (!isObject(v)) throw badRequest(`Variable ${index + 1} is not an object.`);
  if (typeof v.Name !== "string" || !v.Name.trim()) throw badRequest(`Variable ${index + 1} needs a name.`);
  const sensitive = v.IsSensitive === true || v.Type === "Sensitive";
  const type = sensitive ? "Sensitive" : typeof v.Type === "string" && v.Type ? v.Type : "String";
  if (!VARIABLE_TYPES.has(type)) throw badRequest(`Variable '${v.Name}' has an unknown type '${type}'.`);
  const scope = isObject(v.Scope) ? v.Scope : {};
  for (const [key, values] of Object.entries(scope)) {
    if (!(key in SCOPE_TYPES)) throw badRequest(`Variable '${v.Name}' has an unknown scope '${key}'.`);
    if (!Array.isArray(values)) throw badRequest(`Variable '${v.Name}' scope '${key}' must be a list.`);
    const refType = SCOPE_TYPES[key];
    if (refType) {
      for (const id of values) {
        if (typeof id !== "string" || !ctx.engine.find(refType, ctx.spaceId, id)) {
          throw badRequest(`Variable '${v.Name}' is scoped to '${String(id)}', which does not exist.`);
        }
      }
    }
  }
  return {
    ...v,
    Id: typeof v.Id === "string" && v.Id ? v.Id : guid(),
    Name: v.Name,
    Value: v.Value === undefined ? null : v.Value,
    Description: v.Description ?? null,
    Scope: scope,
    IsEditable: v.IsEditable ?? true,
    Prompt: v.Prompt ?? null,
    Type: type,
    IsSensitive: sensitive,
  };
}

/**
 * What the variable editor offers as scopes, by name: every environment and target, and for a
 * project's set that project's channels (a library set has none).
 */
export function scopeValues(ctx: EngineContext, ownerId: Json | undefined): JsonObject {
  const ref = (d: JsonObject) => ({ Id: d.Id ?? null, Name: d.Name ?? null }) as JsonObject;
  const project = typeof ownerId === "string" && ownerId.startsWith("Projects-");
  return {
    Environments: ctx.engine.docs("Environments", ctx.spaceId).map(ref),
    Machines: ctx.engine.docs("Machines", ctx.spaceId).map(ref),
    Actions: [],
    Roles: [],
    Channels: project
      ? ctx.engine.docs("Channels", ctx.spaceId, (c) => c.ProjectId === ownerId).map(ref)
      : [],
    TenantTags: [],
    Processes: [],
  };
}

/** Creates the variable set a project or library set owns. */
export function createVariableSet(ctx: EngineContext, ownerId: string): string {
  const id = `variableset-${ownerId}`;
  ctx.store.put("VariableSets", {
    Id: id,
    SpaceId: ctx.spaceId ?? null,
    OwnerId: ownerId,
    Version: 0,
    Variables: [],
  });
  return id;
}

/**
 * What Octopus does to variables and steps when something they are scoped to is deleted:
 * the value leaves every scope; a variable left with nothing in that part of its scope is
 * removed (unscoped, it would apply more widely than before); steps lose it from their
 * environment and channel conditions.
 */
export function forgetScopeValue(ctx: EngineContext, id: string): void {
  const { engine, spaceId } = ctx;
  for (const set of engine.inSpace("VariableSets", spaceId)) {
    const variables = (set.Variables ?? []) as JsonObject[];
    let touched = false;
    const kept: JsonObject[] = [];
    for (const v of variables) {
      const scope = isObject(v.Scope) ? v.Scope : {};
      let emptied = false;
      const next: JsonObject = {};
      for (const [key, values] of Object.entries(scope)) {
        const list = Array.isArray(values) ? values : [];
        const rest = list.filter((x) => x !== id);
        if (rest.length !== list.length) {
          touched = true;
          if (rest.length === 0) emptied = true;
        }
        next[key] = rest;
      }
      if (!emptied) kept.push({ ...v, Scope: next });
    }
    if (touched) engine.update("VariableSets", spaceId, String(set.Id), { ...set, Variables: kept });
  }
  for (const type of ["DeploymentProcesses", "RunbookProcesses"]) {
    for (const process of engine.inSpace(type, spaceId)) {
      let touched = false;
      const steps = ((process.Steps ?? []) as JsonObject[]).map((step) => ({
        ...step,
        Actions: ((step.Actions ?? []) as JsonObject[]).map((action) => {
          const out: JsonObject = { ...action };
          for (const key of ["Environments", "ExcludedEnvironments", "Channels"]) {
            const list = Array.isArray(action[key]) ? (action[key] as Json[]) : undefined;
            if (list?.includes(id)) {
              out[key] = list.filter((x) => x !== id);
              touched = true;
            }
          }
          return out;
        }),
      }));
      if (touched) engine.update(type, spaceId, String(process.Id), { ...process, Steps: steps });
    }
  }
}
