import type { EngineContext, ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import type { Json, JsonObject } from "../secrets.js";
import { guid, isObject, requireRef, uniqueSlug } from "./common.js";

/**
 * Deployment and runbook processes: one document per project or runbook, created with it,
 * only read and replaced (PUT). Steps, actions and packages get GUID IDs when they have none.
 */
function normaliseProcess(doc: JsonObject, ctx: EngineContext, existing: JsonObject | undefined): void {
  if (existing && doc.Version !== undefined && doc.Version !== null && doc.Version !== existing.Version) {
    throw badRequest("The process has been modified by someone else; reload it and try again.");
  }
  doc.Version = existing ? Number(existing.Version ?? 0) + 1 : Number(doc.Version ?? 0);
  for (const field of ["ProjectId", "RunbookId"])
    if (existing && existing[field] !== undefined) doc[field] = existing[field]!;
  const steps = Array.isArray(doc.Steps) ? doc.Steps : [];
  const names = new Set<string>();
  const stepSlugs = new Set<Json | undefined>();
  const actionSlugs = new Set<Json | undefined>();
  // A step written back without its slug (the Go client's step has none) keeps the one it had.
  const previousSlugs = new Map<Json | undefined, Json | undefined>(
    (Array.isArray(existing?.Steps) ? existing.Steps : []).filter(isObject).map((st) => [st.Id, st.Slug]),
  );
  doc.Steps = steps.map((step, i) => {
    if (!isObject(step) || typeof step.Name !== "string" || !step.Name.trim())
      throw badRequest(`Step ${i + 1} needs a Name.`);
    if (names.has(step.Name.toLowerCase()))
      throw badRequest(`Step names must be unique; '${step.Name}' appears twice.`);
    names.add(step.Name.toLowerCase());
    const actions = Array.isArray(step.Actions) ? step.Actions : [];
    return {
      Condition: "Success",
      StartTrigger: "StartAfterPrevious",
      PackageRequirement: "LetOctopusDecide",
      Properties: {},
      ...step,
      Id: typeof step.Id === "string" && step.Id ? step.Id : guid(),
      Slug: keepOrMakeSlug(step.Slug ?? previousSlugs.get(step.Id), step.Name, stepSlugs),
      Actions: actions.map((a, j) => normaliseAction(a, `${step.Name} action ${j + 1}`, ctx, actionSlugs)),
    };
  });
}

/** Steps, and actions, have slugs unique among their kind in the process, made from their names. */
function keepOrMakeSlug(slug: Json | undefined, name: string, taken: Set<Json | undefined>): string {
  const out = typeof slug === "string" && slug && !taken.has(slug) ? slug : uniqueSlug(name, taken);
  taken.add(out);
  return out;
}

function normaliseAction(
  action: Json,
  what: string,
  ctx: EngineContext,
  slugs: Set<Json | undefined>,
): JsonObject {
  if (!isObject(action) || typeof action.Name !== "string" || !action.Name)
    throw badRequest(`${what} needs a Name.`);
  if (typeof action.ActionType !== "string" || !action.ActionType)
    throw badRequest(`${what} needs an ActionType.`);
  for (const env of [...arr(action.Environments), ...arr(action.ExcludedEnvironments)])
    requireRef(ctx, "Environments", env, `Action '${action.Name}' environment`);
  for (const ch of arr(action.Channels)) requireRef(ctx, "Channels", ch, `Action '${action.Name}' channel`);
  if (typeof action.WorkerPoolId === "string" && action.WorkerPoolId)
    requireRef(ctx, "WorkerPools", action.WorkerPoolId, `Action '${action.Name}' worker pool`);
  const packages = arr(action.Packages).map((p) => {
    if (!isObject(p)) throw badRequest(`Action '${action.Name}' has a package that is not an object.`);
    if (typeof p.FeedId === "string" && p.FeedId && !p.FeedId.includes("#{"))
      requireRef(ctx, "Feeds", p.FeedId, `Action '${action.Name}' package feed`);
    return { Name: "", Properties: {}, ...p, Id: typeof p.Id === "string" && p.Id ? p.Id : guid() };
  });
  return {
    IsDisabled: false,
    IsRequired: false,
    Environments: [],
    ExcludedEnvironments: [],
    Channels: [],
    TenantTags: [],
    GitDependencies: [],
    Condition: "Success",
    Properties: {},
    CanBeUsedForProjectVersioning: false,
    ...action,
    Container: {
      FeedId: (isObject(action.Container) ? action.Container.FeedId : null) ?? null,
      Image: (isObject(action.Container) ? action.Container.Image : null) ?? null,
    },
    Id: typeof action.Id === "string" && action.Id ? action.Id : guid(),
    Slug: keepOrMakeSlug(action.Slug, action.Name, slugs),
    Packages: packages,
  };
}

function arr(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}

export const deploymentProcesses: ResourceDef = {
  type: "DeploymentProcesses",
  collection: "deploymentprocesses",
  idPrefix: "deploymentprocess",
  scope: "space",
  link: "DeploymentProcesses",
  uniqueName: false,
  creatable: false,
  deletable: false,
  defaults: () => ({ Steps: [], Version: 0, LastSnapshotId: null }),
  normalise: normaliseProcess,
  links: (doc, self) => ({
    Template: `${self}/template{?channel,releaseId}`,
    Project: `/api/${String(doc.SpaceId)}/projects/${String(doc.ProjectId)}`,
  }),
};

export const runbookProcesses: ResourceDef = {
  type: "RunbookProcesses",
  collection: "runbookProcesses",
  idPrefix: "RunbookProcess",
  scope: "space",
  link: "RunbookProcesses",
  uniqueName: false,
  creatable: false,
  deletable: false,
  defaults: () => ({ Steps: [], Version: 0, LastSnapshotId: null }),
  normalise: normaliseProcess,
  links: (doc) => ({
    Runbook: `/api/${String(doc.SpaceId)}/runbooks/${String(doc.RunbookId)}`,
    Project: `/api/${String(doc.SpaceId)}/projects/${String(doc.ProjectId)}`,
  }),
};

/** Creates the empty process a new project or runbook owns. */
export function createProcess(
  ctx: EngineContext,
  type: "DeploymentProcesses" | "RunbookProcesses",
  id: string,
  owner: JsonObject,
): void {
  ctx.store.put(type, {
    Id: id,
    SpaceId: ctx.spaceId ?? null,
    ProjectId: type === "DeploymentProcesses" ? (owner.Id ?? null) : (owner.ProjectId ?? null),
    ...(type === "RunbookProcesses" ? { RunbookId: owner.Id ?? null } : {}),
    Steps: [],
    Version: 0,
    LastSnapshotId: null,
  });
}
