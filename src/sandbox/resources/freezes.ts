import type { EngineContext, ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import type { Route } from "../routes.js";
import type { Json, JsonObject } from "../secrets.js";
import { isObject } from "./common.js";

/**
 * Deployment freezes: server-level documents (at /api/deploymentfreezes, in no space) that
 * stop deployments of projects to environments for a time, optionally on a recurring
 * schedule. A freeze's scopes name projects and environments (ProjectEnvironmentScope) and
 * tenants (TenantProjectEnvironmentScope) of any space, each scope within one space; a
 * project's own freeze (OwnerId) scopes only that project. Shape from go-octopusdeploy
 * pkg/deploymentfreezes; behaviour from the provider's resource_*deployment_freeze*.go
 * (see docs/sandbox-governance.md).
 */

const SCHEDULE_TYPES = ["Daily", "Weekly", "Monthly", "Annually"];
const END_TYPES = ["Never", "OnDate", "AfterOccurrences"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** A timestamp as the server writes one: UTC, milliseconds, an explicit offset. */
function instant(value: Json | undefined, what: string): string {
  const ms = typeof value === "string" && value ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw badRequest(`${what} '${String(value)}' is not a date and time.`);
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

/** A document of a type in any space: freezes are not in a space. */
function anywhere(ctx: EngineContext, type: string, id: Json | undefined, what: string): JsonObject {
  const doc = typeof id === "string" && id ? ctx.store.get(type, id) : undefined;
  if (!doc)
    throw badRequest(
      `${what} refers to '${String(id)}', which is not an existing ${type.replace(/s$/, "")}.`,
    );
  return doc;
}

function sameSpace(what: string, docs: JsonObject[]): void {
  const spaces = new Set(docs.map((d) => d.SpaceId));
  if (spaces.size > 1)
    throw badRequest(`${what} names documents of different spaces; a scope is within one space.`);
}

function schedule(value: Json | undefined, name: string): JsonObject | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw badRequest(`Deployment freeze '${name}': RecurringSchedule must be an object.`);
  const s = { ...value };
  const bad = (msg: string) => badRequest(`Deployment freeze '${name}': ${msg}`);
  if (!SCHEDULE_TYPES.includes(String(s.Type)))
    throw bad(`schedule Type must be one of ${SCHEDULE_TYPES.join(", ")}.`);
  if (typeof s.Unit !== "number" || !Number.isInteger(s.Unit) || s.Unit < 1)
    throw bad("schedule Unit must be a whole number of at least 1.");
  if (!END_TYPES.includes(String(s.EndType)))
    throw bad(`schedule EndType must be one of ${END_TYPES.join(", ")}.`);
  if (s.EndType === "OnDate") s.EndOnDate = instant(s.EndOnDate, `Deployment freeze '${name}' EndOnDate`);
  else s.EndOnDate = null;
  if (s.EndType === "AfterOccurrences") {
    if (typeof s.EndAfterOccurrences !== "number" || s.EndAfterOccurrences < 1)
      throw bad("EndAfterOccurrences must be at least 1 when the schedule ends after occurrences.");
  } else s.EndAfterOccurrences = null;
  const days = Array.isArray(s.DaysOfWeek) ? s.DaysOfWeek.map(String) : [];
  for (const d of days) if (!DAYS.includes(d)) throw bad(`'${d}' is not a day of the week.`);
  if (s.Type === "Weekly" && !days.length) throw bad("a weekly schedule needs DaysOfWeek.");
  s.DaysOfWeek = [...days].sort((a, b) => DAYS.indexOf(a) - DAYS.indexOf(b));
  if (s.Type === "Monthly") {
    if (s.MonthlyScheduleType === "DateOfMonth") {
      if (!s.DateOfMonth) throw bad("a monthly schedule by date needs DateOfMonth.");
    } else if (s.MonthlyScheduleType === "DayOfMonth") {
      if (!["1", "2", "3", "4", "L"].includes(String(s.DayNumberOfMonth)))
        throw bad("a monthly schedule by day needs DayNumberOfMonth 1, 2, 3, 4 or L.");
      if (!DAYS.includes(String(s.DayOfWeek))) throw bad("a monthly schedule by day needs DayOfWeek.");
    } else throw bad("a monthly schedule needs MonthlyScheduleType DayOfMonth or DateOfMonth.");
  }
  for (const field of ["MonthlyScheduleType", "DateOfMonth", "DayNumberOfMonth", "DayOfWeek"])
    if (s[field] === undefined || s[field] === "") s[field] = null;
  s.UserUtcOffsetInMinutes = typeof s.UserUtcOffsetInMinutes === "number" ? s.UserUtcOffsetInMinutes : 0;
  return s;
}

export const deploymentFreezes: ResourceDef = {
  type: "DeploymentFreezes",
  collection: "deploymentfreezes",
  idPrefix: "DeploymentFreezes",
  scope: "system",
  link: "DeploymentFreezes",
  required: ["Name", "Start", "End"],
  defaults: () => ({
    ProjectEnvironmentScope: {},
    TenantProjectEnvironmentScope: [],
    RecurringSchedule: null,
  }),
  normalise: (doc, ctx) => {
    const name = String(doc.Name);
    doc.Start = instant(doc.Start, `Deployment freeze '${name}' Start`);
    doc.End = instant(doc.End, `Deployment freeze '${name}' End`);
    if (Date.parse(doc.End) <= Date.parse(doc.Start))
      throw badRequest(`Deployment freeze '${name}': End must be after Start.`);
    const owner = typeof doc.OwnerId === "string" && doc.OwnerId ? doc.OwnerId : null;
    if (owner) anywhere(ctx, "Projects", owner, `Deployment freeze '${name}' OwnerId`);
    doc.OwnerId = owner;
    const scope = isObject(doc.ProjectEnvironmentScope) ? doc.ProjectEnvironmentScope : {};
    for (const [projectId, envs] of Object.entries(scope)) {
      const what = `Deployment freeze '${name}' project scope ${projectId}`;
      if (owner && projectId !== owner)
        throw badRequest(`${what}: a project's own freeze scopes only that project.`);
      const project = anywhere(ctx, "Projects", projectId, what);
      if (!Array.isArray(envs) || envs.some((e) => typeof e !== "string"))
        throw badRequest(`${what}: environments must be a list of IDs.`);
      sameSpace(what, [project, ...envs.map((e) => anywhere(ctx, "Environments", e, what))]);
      scope[projectId] = [...new Set(envs as string[])];
    }
    doc.ProjectEnvironmentScope = scope;
    const tenantScopes = Array.isArray(doc.TenantProjectEnvironmentScope)
      ? doc.TenantProjectEnvironmentScope
      : [];
    const seen = new Set<string>();
    doc.TenantProjectEnvironmentScope = tenantScopes.flatMap((s, i): Json[] => {
      const what = `Deployment freeze '${name}' tenant scope ${i + 1}`;
      if (!isObject(s)) throw badRequest(`${what} is not an object.`);
      if (owner && s.ProjectId !== owner)
        throw badRequest(`${what}: a project's own freeze scopes only that project.`);
      sameSpace(what, [
        anywhere(ctx, "Tenants", s.TenantId, what),
        anywhere(ctx, "Projects", s.ProjectId, what),
        anywhere(ctx, "Environments", s.EnvironmentId, what),
      ]);
      const key = `${String(s.TenantId)}/${String(s.ProjectId)}/${String(s.EnvironmentId)}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [{ TenantId: s.TenantId!, ProjectId: s.ProjectId!, EnvironmentId: s.EnvironmentId! }];
    });
    doc.RecurringSchedule = schedule(doc.RecurringSchedule, name);
  },
  // Scopes on documents deleted since read as gone, as the server drops them with the document.
  view: (doc, ctx) => {
    const exists = (type: string, id: Json | undefined) =>
      typeof id === "string" && !!ctx.store.get(type, id);
    const scope: JsonObject = {};
    for (const [projectId, envs] of Object.entries(
      isObject(doc.ProjectEnvironmentScope) ? doc.ProjectEnvironmentScope : {},
    ))
      if (exists("Projects", projectId))
        scope[projectId] = (envs as Json[]).filter((e) => exists("Environments", e));
    const tenants = (
      Array.isArray(doc.TenantProjectEnvironmentScope) ? doc.TenantProjectEnvironmentScope : []
    ).filter(
      (s) =>
        isObject(s) &&
        exists("Tenants", s.TenantId) &&
        exists("Projects", s.ProjectId) &&
        exists("Environments", s.EnvironmentId),
    );
    return { ...doc, ProjectEnvironmentScope: scope, TenantProjectEnvironmentScope: tenants };
  },
  filters: {
    projectIds: (d, v) => v.split(",").some((id) => scoped(d).projects.has(id)),
    environmentIds: (d, v) => v.split(",").some((id) => scoped(d).environments.has(id)),
    tenantIds: (d, v) => v.split(",").some((id) => scoped(d).tenants.has(id)),
    status: (d, v) => status(d, Date.now()).toLowerCase() === v.toLowerCase(),
    includeComplete: (d, v) => v.toLowerCase() !== "false" || status(d, Date.now()) !== "Expired",
  },
};

function scoped(d: JsonObject): { projects: Set<string>; environments: Set<string>; tenants: Set<string> } {
  const projects = new Set<string>();
  const environments = new Set<string>();
  const tenants = new Set<string>();
  for (const [p, envs] of Object.entries(
    isObject(d.ProjectEnvironmentScope) ? d.ProjectEnvironmentScope : {},
  )) {
    projects.add(p);
    for (const e of envs as Json[]) environments.add(String(e));
  }
  for (const s of Array.isArray(d.TenantProjectEnvironmentScope) ? d.TenantProjectEnvironmentScope : []) {
    if (!isObject(s)) continue;
    tenants.add(String(s.TenantId));
    projects.add(String(s.ProjectId));
    environments.add(String(s.EnvironmentId));
  }
  if (typeof d.OwnerId === "string") projects.add(d.OwnerId);
  return { projects, environments, tenants };
}

/** Scheduled, Active or Expired, by the freeze's first window (recurrences are not followed). */
function status(d: JsonObject, now: number): "Scheduled" | "Active" | "Expired" {
  const start = Date.parse(String(d.Start));
  const end = Date.parse(String(d.End));
  if (now < start) return "Scheduled";
  if (now < end) return "Active";
  const s = isObject(d.RecurringSchedule) ? d.RecurringSchedule : undefined;
  if (s && (s.EndType === "Never" || (s.EndType === "OnDate" && Date.parse(String(s.EndOnDate)) > now)))
    return "Scheduled";
  return "Expired";
}

export const freezeRoutes: Route[] = [
  {
    // The list is not a page: {DeploymentFreezes, Count}, as go-octopusdeploy reads it.
    method: "GET",
    path: "/deploymentfreezes",
    scope: "system",
    handler: ({ engine, query, render }) => {
      const def = engine.def("DeploymentFreezes");
      const all = engine.filter(def, engine.docs("DeploymentFreezes", undefined), query);
      const skip = Math.max(0, Number.parseInt(query.get("skip") ?? "0", 10) || 0);
      const take = Number.parseInt(query.get("take") ?? "", 10);
      const items = all.slice(skip, Number.isFinite(take) && take > 0 ? skip + take : undefined);
      return {
        body: { DeploymentFreezes: items.map((d) => render("DeploymentFreezes", d)), Count: all.length },
      };
    },
  },
];
