import { compareIds, type EngineContext, type ResourceDef } from "../engine.js";
import { badRequest, notFound } from "../errors.js";
import { page, renderDoc } from "../render.js";
import type { Route, RouteRequest, RouteResult } from "../routes.js";
import type { Json, JsonObject } from "../secrets.js";
import { isObject, requireRef } from "./common.js";
import { BUILT_IN_ROLES, canApplyAt, describe, PERMISSIONS } from "./permissions.js";

/**
 * User roles, teams and scoped user roles (a team's role in a space, or at the system
 * level). Behaviour and its sources are in docs/sandbox-governance.md.
 */

/** The user the sandbox's API key belongs to: an administrator, as on a new server. */
export const ADMIN_USER_ID = "Users-1";

const BUILT_IN_TEAMS = [
  {
    Id: "teams-everyone",
    Name: "Everyone",
    Description: "All users are members of this team.",
    CanChangeMembers: false,
    CanChangeRoles: true,
    role: undefined,
    members: [],
  },
  {
    Id: "teams-administrators",
    Name: "Octopus Administrators",
    Description: "Octopus Administrators can do everything at the system level.",
    CanChangeMembers: true,
    CanChangeRoles: false,
    role: "userroles-systemadministrator",
    members: [ADMIN_USER_ID],
  },
  {
    Id: "teams-managers",
    Name: "Octopus Managers",
    Description:
      "Octopus Managers can do everything at the system level except certain system-level functions reserved for Octopus Administrators.",
    CanChangeMembers: true,
    CanChangeRoles: false,
    role: "userroles-systemmanager",
    members: [],
  },
] as const;

const SCOPE_FIELDS = {
  EnvironmentIds: "Environments",
  ProjectIds: "Projects",
  ProjectGroupIds: "ProjectGroups",
  TenantIds: "Tenants",
} as const;

function strings(value: Json | undefined, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
    throw badRequest(`${what} must be a list of strings.`);
  return [...new Set(value as string[])];
}

/** Descriptions in the server's order: case-insensitive, character by character. */
function byText(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function permissions(value: Json | undefined, level: "space" | "system", field: string): string[] {
  const names = strings(value, field);
  for (const name of names) {
    if (!PERMISSIONS[name]) throw badRequest(`'${name}' in ${field} is not a permission Octopus knows.`);
    if (!canApplyAt(name, level)) {
      const other = level === "space" ? "system" : "space";
      throw badRequest(
        `The permission '${name}' applies at the ${other} level, so it cannot be in ${field}.`,
      );
    }
  }
  return names;
}

export const userRoles: ResourceDef = {
  type: "UserRoles",
  collection: "userroles",
  idPrefix: "UserRoles",
  scope: "system",
  link: "UserRoles",
  required: ["Name"],
  defaults: () => ({ Description: "", SupportedRestrictions: [] }),
  normalise: (doc, _ctx, existing) => {
    // Whether a role can be deleted is the server's to say: built-in roles cannot.
    doc.CanBeDeleted = existing ? (existing.CanBeDeleted ?? true) : true;
    const space = permissions(doc.GrantedSpacePermissions, "space", "GrantedSpacePermissions");
    const system = permissions(doc.GrantedSystemPermissions, "system", "GrantedSystemPermissions");
    doc.GrantedSpacePermissions = space;
    doc.GrantedSystemPermissions = system;
    doc.SpacePermissionDescriptions = space.map((p) => describe(p, "space")).sort(byText);
    doc.SystemPermissionDescriptions = system.map((p) => describe(p, "system")).sort(byText);
    doc.SupportedRestrictions = strings(doc.SupportedRestrictions, "SupportedRestrictions");
  },
  beforeDelete: (doc, ctx) => {
    if (doc.CanBeDeleted === false)
      throw badRequest(`The user role '${String(doc.Name)}' is built in and cannot be deleted.`);
    for (const role of ctx.engine.inSpace("ScopedUserRoles", undefined))
      if (role.UserRoleId === doc.Id) ctx.store.delete("ScopedUserRoles", String(role.Id));
  },
  init: (ctx) => {
    const { engine, store } = ctx;
    if (!store.get("Users", ADMIN_USER_ID)) {
      store.noteId("Users", ADMIN_USER_ID);
      store.put("Users", {
        Id: ADMIN_USER_ID,
        Username: "sandbox",
        DisplayName: "Sandbox Admin",
        EmailAddress: "",
        IsService: true,
        IsActive: true,
        IsRequestor: false,
        CanPasswordBeEdited: false,
        Identities: [],
      });
    }
    for (const role of BUILT_IN_ROLES) {
      const made = engine.create(
        "UserRoles",
        undefined,
        {
          Id: role.id,
          Name: role.name,
          Description: role.description,
          GrantedSpacePermissions: [...role.space],
          GrantedSystemPermissions: [...role.system],
        },
        { keepId: true },
      );
      store.put("UserRoles", { ...made, CanBeDeleted: false });
    }
  },
};

/** Who may be in a team: users the server knows. */
function checkMembers(doc: JsonObject, ctx: EngineContext): void {
  const members = strings(doc.MemberUserIds, "MemberUserIds");
  for (const id of members)
    if (!ctx.store.get("Users", id))
      throw badRequest(`The team '${String(doc.Name)}' has a member '${id}' that is not a user.`);
  doc.MemberUserIds = members;
}

/**
 * Teams: a space's own (SpaceId set), or system teams that work in every space
 * (SpaceId null, such as the built-in Everyone and Octopus Administrators).
 */
export const teams: ResourceDef = {
  type: "Teams",
  collection: "teams",
  idPrefix: "Teams",
  scope: "space",
  link: "Teams",
  required: ["Name"],
  defaults: () => ({ Description: "", MemberUserIds: [], ExternalSecurityGroups: [] }),
  normalise: (doc, ctx, existing) => {
    // The Can* flags are the server's: clients send Go's zero values, which are not a request.
    for (const flag of ["CanBeDeleted", "CanBeRenamed", "CanChangeRoles", "CanChangeMembers"])
      doc[flag] = existing ? (existing[flag] ?? true) : true;
    if (existing && existing.CanBeRenamed === false && doc.Name !== existing.Name)
      throw badRequest(`The team '${String(existing.Name)}' is built in and cannot be renamed.`);
    checkMembers(doc, ctx);
    if (
      existing &&
      existing.CanChangeMembers === false &&
      JSON.stringify(doc.MemberUserIds) !== JSON.stringify(existing.MemberUserIds ?? [])
    )
      throw badRequest(`The members of the team '${String(existing.Name)}' cannot be changed.`);
    const groups = Array.isArray(doc.ExternalSecurityGroups) ? doc.ExternalSecurityGroups : [];
    for (const g of groups)
      if (!isObject(g) || typeof g.Id !== "string" || !g.Id)
        throw badRequest(`Each external security group of the team '${String(doc.Name)}' needs an Id.`);
    doc.ExternalSecurityGroups = groups;
  },
  beforeDelete: (doc, ctx) => {
    if (doc.CanBeDeleted === false)
      throw badRequest(`The team '${String(doc.Name)}' is built in and cannot be deleted.`);
    for (const role of ctx.engine.inSpace("ScopedUserRoles", undefined))
      if (role.TeamId === doc.Id) ctx.store.delete("ScopedUserRoles", String(role.Id));
  },
  // Query parameters the lists take (handled by teamRoutes); named here for the Links template.
  filters: { spaces: () => true, includeSystem: () => true },
  links: (_doc, self) => ({ ScopedUserRoles: `${self}/scopeduserroles{?skip,take}` }),
  init: (ctx) => {
    for (const t of BUILT_IN_TEAMS) {
      const made = ctx.engine.create(
        "Teams",
        undefined,
        { Id: t.Id, Name: t.Name, Description: t.Description, MemberUserIds: [...t.members] },
        { keepId: true },
      );
      ctx.store.put("Teams", {
        ...made,
        CanBeDeleted: false,
        CanBeRenamed: false,
        CanChangeMembers: t.CanChangeMembers,
        CanChangeRoles: t.CanChangeRoles,
      });
      if (t.role) builtInRole(ctx, `scopeduserroles-${t.Id.slice("teams-".length)}`, t.Id, t.role, null);
    }
  },
};

/** A role the server gives a built-in team; put directly, as the server makes it. */
function builtInRole(
  ctx: EngineContext,
  id: string,
  teamId: string,
  roleId: string,
  spaceId: string | null,
): void {
  ctx.store.put("ScopedUserRoles", {
    Id: id,
    SpaceId: spaceId,
    TeamId: teamId,
    UserRoleId: roleId,
    EnvironmentIds: [],
    ProjectIds: [],
    ProjectGroupIds: [],
    TenantIds: [],
  });
}

/** What a new space gets: its Space Managers team, with the Space Manager role in the space. */
export function createSpaceManagers(ctx: EngineContext, spaceId: string): void {
  const id = `teams-spacemanagers-${spaceId}`;
  const made = ctx.engine.create(
    "Teams",
    spaceId,
    {
      Id: id,
      Name: "Space Managers",
      Description: "Space Managers can do everything within the context of the space they own.",
    },
    { keepId: true },
  );
  ctx.store.put("Teams", {
    ...made,
    CanBeDeleted: false,
    CanBeRenamed: false,
    CanChangeMembers: true,
    CanChangeRoles: false,
  });
  builtInRole(ctx, `scopeduserroles-spacemanagers-${spaceId}`, id, "userroles-spacemanager", spaceId);
}

/**
 * A team's role, in one space or at the system level. The rules are the server's: a role
 * with space permissions cannot be given at the system level (the message is the one the
 * provider's TestAccTeamUserRole quotes), and a space team's roles are in its own space.
 */
export const scopedUserRoles: ResourceDef = {
  type: "ScopedUserRoles",
  collection: "scopeduserroles",
  idPrefix: "ScopedUserRoles",
  scope: "space",
  link: "ScopedUserRoles",
  required: ["TeamId", "UserRoleId"],
  uniqueName: false,
  defaults: () => ({ EnvironmentIds: [], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] }),
  normalise: (doc, ctx, existing) => {
    const spaceId = typeof doc.SpaceId === "string" && doc.SpaceId ? doc.SpaceId : null;
    doc.SpaceId = spaceId;
    const team = ctx.store.get("Teams", String(doc.TeamId));
    if (!team) throw badRequest(`TeamId refers to '${String(doc.TeamId)}', which is not an existing team.`);
    const role = ctx.store.get("UserRoles", String(doc.UserRoleId));
    if (!role)
      throw badRequest(
        `UserRoleId refers to '${String(doc.UserRoleId)}', which is not an existing user role.`,
      );
    if (existing && existing.TeamId !== doc.TeamId)
      throw badRequest("A scoped user role cannot move to another team.");
    const spacePermissions = Array.isArray(role.GrantedSpacePermissions) ? role.GrantedSpacePermissions : [];
    const systemPermissions = Array.isArray(role.GrantedSystemPermissions)
      ? role.GrantedSystemPermissions
      : [];
    if (spaceId === null) {
      if (spacePermissions.length)
        throw badRequest(
          `You cannot use a role with Space level permissions at the System level. Space level permissions: ${spacePermissions.join(", ")}`,
        );
      if (team.SpaceId)
        throw badRequest(
          `The team '${String(team.Name)}' belongs to ${String(team.SpaceId)}, so its roles must be in that space.`,
        );
    } else {
      if (team.SpaceId && team.SpaceId !== spaceId)
        throw badRequest(
          `The team '${String(team.Name)}' belongs to ${String(team.SpaceId)}, so its roles must be in that space.`,
        );
      if (team.SpaceId && !spacePermissions.length && systemPermissions.length)
        throw badRequest(
          `The role '${String(role.Name)}' has only system level permissions, which cannot be given to the space team '${String(team.Name)}'.`,
        );
    }
    const inSpace = ctx.engine.ctx(spaceId ?? undefined);
    for (const [field, type] of Object.entries(SCOPE_FIELDS)) {
      const ids = strings(doc[field], field);
      if (ids.length && spaceId === null)
        throw badRequest(`A role given at the system level cannot be restricted: ${field} must be empty.`);
      for (const id of ids) requireRef(inSpace, type, id, field);
      doc[field] = ids;
    }
  },
  filters: { spaces: () => true, includeSystem: () => true },
  sort: (a, b) => compareIds(String(a.Id), String(b.Id)),
};

// --- Routes -------------------------------------------------------------------------------

/** The space the request named in its path (/api/Spaces-1/...), if it named one. */
function pathSpace(req: RouteRequest): string | undefined {
  return req.base === "/api" ? undefined : req.base.slice("/api/".length);
}

function prefixOf(doc: JsonObject): string {
  return typeof doc.SpaceId === "string" && doc.SpaceId ? `/api/${doc.SpaceId}` : "/api";
}

function show(req: RouteRequest, type: string, doc: JsonObject): JsonObject {
  return renderDoc(req.engine.def(type), doc, prefixOf(doc), req.engine.ctx(req.ctx.spaceId));
}

/**
 * A team or scoped role by ID. Without a space in the path any is found (the provider's
 * tests look up teams of other spaces through /api/teams/{id}); with one, that space's
 * documents and the system-level ones.
 */
function lookup(req: RouteRequest, type: string, id: string): JsonObject {
  const doc = req.engine.store.get(type, id);
  const space = pathSpace(req);
  if (!doc || (space && doc.SpaceId && doc.SpaceId !== space)) throw notFound(id);
  return doc;
}

/** Which documents a list shows: `spaces=` if given, else the space (and with includeSystem, system ones). */
function listed(req: RouteRequest, type: string, where?: (d: JsonObject) => boolean): JsonObject[] {
  const { query, engine } = req;
  const param = (name: string) =>
    [...query.entries()].find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? "";
  const spaces = new Set(param("spaces").split(",").filter(Boolean));
  const includeSystem = param("includeSystem").toLowerCase() === "true";
  const space = pathSpace(req) ?? req.ctx.spaceId;
  const ids = param("ids") !== "";
  return engine.docs(type, undefined, (d) => {
    if (where && !where(d)) return false;
    const sid = typeof d.SpaceId === "string" && d.SpaceId ? d.SpaceId : null;
    if (ids) return !pathSpace(req) || sid === null || sid === pathSpace(req);
    if (sid === null) return includeSystem;
    return spaces.size ? spaces.has(sid) : sid === space;
  });
}

function list(req: RouteRequest, type: string, where?: (d: JsonObject) => boolean): RouteResult {
  const def = req.engine.def(type);
  const docs = req.engine.filter(def, listed(req, type, where), req.query).map((d) => show(req, type, d));
  return { body: page(def, docs, req.query, req.path) };
}

/** The space a new team or scoped role goes into: the body's, else the path's, else none. */
function targetSpace(req: RouteRequest): string | undefined {
  const body = req.body ?? {};
  const named = typeof body.SpaceId === "string" && body.SpaceId ? body.SpaceId : undefined;
  const space = named ?? pathSpace(req);
  if (space && !req.engine.store.get("Spaces", space)) throw badRequest(`SpaceId '${space}' is not a space.`);
  return space;
}

function required(body: JsonObject | undefined): JsonObject {
  if (!body) throw badRequest("A request body is required.");
  return body;
}

function update(req: RouteRequest, type: string): RouteResult {
  const doc = lookup(req, type, req.params.id!);
  const body = { ...required(req.body) };
  const space = typeof doc.SpaceId === "string" && doc.SpaceId ? doc.SpaceId : undefined;
  if (typeof body.SpaceId === "string" && body.SpaceId && body.SpaceId !== (space ?? null))
    throw badRequest(`A ${type === "Teams" ? "team" : "scoped user role"} cannot move to another space.`);
  body.SpaceId = space ?? null;
  return { body: show(req, type, req.engine.update(type, space, String(doc.Id), body)) };
}

function remove(req: RouteRequest, type: string): RouteResult {
  const doc = lookup(req, type, req.params.id!);
  const space = typeof doc.SpaceId === "string" && doc.SpaceId ? doc.SpaceId : undefined;
  req.engine.delete(type, space, String(doc.Id));
  return { body: {} };
}

function routesFor(type: "Teams" | "ScopedUserRoles", segment: string): Route[] {
  return [
    {
      method: "GET",
      path: `/${segment}/all`,
      scope: "space",
      handler: (req) => ({
        body: req.engine
          .filter(req.engine.def(type), listed(req, type), req.query)
          .map((d) => show(req, type, d)),
      }),
    },
    { method: "GET", path: `/${segment}`, scope: "space", handler: (req) => list(req, type) },
    {
      method: "POST",
      path: `/${segment}`,
      scope: "space",
      handler: (req) => {
        const body = { ...required(req.body) };
        const made = req.engine.create(type, targetSpace(req), body);
        return { status: 201, body: show(req, type, made) };
      },
    },
    {
      method: "GET",
      path: `/${segment}/:id`,
      scope: "space",
      handler: (req) => ({ body: show(req, type, lookup(req, type, req.params.id!)) }),
    },
    { method: "PUT", path: `/${segment}/:id`, scope: "space", handler: (req) => update(req, type) },
    { method: "DELETE", path: `/${segment}/:id`, scope: "space", handler: (req) => remove(req, type) },
  ];
}

export const teamRoutes: Route[] = [
  ...routesFor("Teams", "teams"),
  ...routesFor("ScopedUserRoles", "scopeduserroles"),
  {
    // A team's roles: every space's when asked without a space, else that space's and the system's.
    method: "GET",
    path: "/teams/:id/scopeduserroles",
    scope: "space",
    handler: (req) => {
      const team = lookup(req, "Teams", req.params.id!);
      const space = pathSpace(req);
      const def = req.engine.def("ScopedUserRoles");
      const docs = req.engine
        .docs(
          "ScopedUserRoles",
          undefined,
          (r) => r.TeamId === team.Id && (!space || !r.SpaceId || r.SpaceId === space),
        )
        .map((d) => show(req, "ScopedUserRoles", d));
      return { body: page(def, docs, req.query, req.path, `${req.path}{?skip,take}`) };
    },
  },
];
