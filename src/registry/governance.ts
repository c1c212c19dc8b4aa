import type { Doc, DocType } from "./descriptor.js";

/**
 * Governance documents of a space. Deployment freezes are server-wide (`/api/deploymentfreezes`,
 * in no space, the list answered as `{DeploymentFreezes, Count}`: go-octopusdeploy's
 * pkg/deploymentfreezes); a freeze belongs to the space whose projects or tenants its scopes
 * name, or whose project owns it (`OwnerId`: a project's own freeze).
 */

/** The IDs a freeze's scopes name. */
function scopeIds(doc: Doc): string[] {
  const out: string[] = [];
  if (typeof doc.OwnerId === "string") out.push(doc.OwnerId);
  const scope = doc.ProjectEnvironmentScope;
  if (scope && typeof scope === "object") out.push(...Object.keys(scope));
  for (const s of Array.isArray(doc.TenantProjectEnvironmentScope) ? doc.TenantProjectEnvironmentScope : [])
    if (s && typeof s === "object") out.push(String((s as Doc).TenantId), String((s as Doc).ProjectId));
  return out;
}

export const deploymentFreezes: DocType = {
  type: "DeploymentFreezes",
  label: "deployment freezes",
  singular: "deployment freeze",
  klass: "space",
  read: {
    kind: "collection",
    path: "deploymentfreezes",
    scope: "server",
    list: "DeploymentFreezes",
    belongs: (doc, inSpace) => scopeIds(doc).some(inSpace),
  },
  // Names are unique among a server's freezes.
  identity: "name",
  family: { name: "deployment-freezes" },
  // A server-level freeze's scopes name projects: it is applied after them. A project's own
  // freeze (OwnerId) belongs to its project and is written with it.
  afterProjects: { path: "deployment-freezes", title: "deployment freezes" },
  // The provider (v1.17.0) imports none of these: octopusdeploy_deployment_freeze and its
  // scope resources have no ImportState (octopusdeploy_framework/resource_deployment_freeze*.go),
  // so a freeze already on a destination is named by a warning, not adopted.
  resources: {
    octopusdeploy_deployment_freeze: "none",
    octopusdeploy_deployment_freeze_project: "none",
    octopusdeploy_deployment_freeze_tenant: "none",
    octopusdeploy_project_deployment_freeze: "none",
  },
  ids: [
    { path: "OwnerId", to: "Projects" },
    { path: "ProjectEnvironmentScope{}", to: "Projects" },
    { path: "ProjectEnvironmentScope.*[]", to: "Environments" },
    { path: "TenantProjectEnvironmentScope[].TenantId", to: "Tenants" },
    { path: "TenantProjectEnvironmentScope[].ProjectId", to: "Projects" },
    { path: "TenantProjectEnvironmentScope[].EnvironmentId", to: "Environments" },
  ],
};

/** The provider resource of each kind of a space's default retention policy. */
export const RETENTION_RESOURCES: Readonly<Record<string, string>> = {
  LifecycleRelease: "octopusdeploy_space_default_lifecycle_release_retention_policy",
  LifecycleTentacle: "octopusdeploy_space_default_lifecycle_tentacle_retention_policy",
  RunbookRetention: "octopusdeploy_space_default_runbook_retention_policy",
};

/**
 * A space's default retention policies (Octopus 2025.4 and later): one per kind, made with the
 * space and never created or deleted through the API (the provider's
 * resource_space_default_*_retention_policy.go), so each is a setting of the space. An older
 * server has no collection: the reader warns and reads none.
 */
export const retentionPolicies: DocType = {
  type: "RetentionPolicies",
  label: "default retention policies",
  singular: "default retention policy",
  klass: "space",
  read: { kind: "collection", path: "retentionpolicies", scope: "space" },
  identity: "retention-type",
  family: { name: "retention-policies", label: "space default retention policies" },
  resources: Object.fromEntries(Object.values(RETENTION_RESOURCES).map((r) => [r, "setting" as const])),
};

/**
 * Teams, user roles and scoped user roles (written only with export --include-teams), and
 * event subscriptions. Shapes: go-octopusdeploy's pkg/teams, pkg/userroles and
 * pkg/subscriptions; resources: the provider's octopusdeploy_team, octopusdeploy_user_role,
 * octopusdeploy_scoped_user_role and octopusdeploy_subscription.
 */

/** A team every server or space has (Everyone, Space Managers...), or a team of the whole server. */
const builtInTeam = (doc: Doc): boolean => doc.CanBeDeleted === false || !doc.SpaceId;

export const teams: DocType = {
  type: "Teams",
  label: "teams",
  singular: "team",
  klass: "space",
  // A space's teams, and (for an export) the system teams, which its documents may name.
  read: { kind: "collection", path: "teams", scope: "space", exportQuery: { includeSystem: "true" } },
  identity: "name",
  includeTeams: { read: false },
  family: { name: "teams" },
  // Applied after the projects, environments and tenants its roles are scoped to.
  afterProjects: { path: "teams", title: "teams and their roles" },
  builtIn: builtInTeam,
  lookup: { data: "octopusdeploy_teams", collection: "teams", exactName: false, spaces: true },
  resources: { octopusdeploy_team: "document" },
  ids: [{ path: "MemberUserIds[]", to: "Users" }],
};

/**
 * User roles are server-wide (`/api/userroles`): a space's export keeps the built-in ones (looked
 * up by name) and the custom ones its scoped user roles give, written in the space module.
 */
export const userRoles: DocType = {
  type: "UserRoles",
  label: "user roles",
  singular: "user role",
  klass: "space",
  read: {
    kind: "collection",
    path: "userroles",
    scope: "server",
    belongs: (doc, _inSpace, namedInSpace) => doc.CanBeDeleted === false || namedInSpace(String(doc.Id)),
  },
  // Names are unique among a server's roles.
  identity: "name",
  includeTeams: { read: true },
  family: { name: "user-roles" },
  builtIn: (doc) => doc.CanBeDeleted === false,
  lookup: { data: "octopusdeploy_user_roles", collection: "user_roles", exactName: false },
  resources: { octopusdeploy_user_role: "document" },
};

/**
 * A team's role in this space, scoped to environments, projects, project groups and tenants:
 * a `user_role` block of its team's resource when the export writes the team, else (a built-in
 * or system team's role here) an octopusdeploy_scoped_user_role. The space's Space Managers
 * team gets the Space Manager role with the space: that one is the destination's own, never
 * written.
 */
export const scopedUserRoles: DocType = {
  type: "ScopedUserRoles",
  label: "scoped user roles",
  singular: "scoped user role",
  klass: "space",
  read: { kind: "collection", path: "scopeduserroles", scope: "space" },
  // Nothing names one: adoption does not find them (docs/limits.md).
  identity: "none",
  includeTeams: { read: true },
  afterProjects: { path: "teams", title: "teams and their roles" },
  builtIn: (doc) =>
    String(doc.TeamId ?? "").startsWith("teams-spacemanagers-") &&
    doc.UserRoleId === "userroles-spacemanager",
  resources: { octopusdeploy_scoped_user_role: "document" },
  ids: [
    { path: "TeamId", to: "Teams" },
    { path: "UserRoleId", to: "UserRoles" },
    { path: "EnvironmentIds[]", to: "Environments" },
    { path: "ProjectIds[]", to: "Projects" },
    { path: "ProjectGroupIds[]", to: "ProjectGroups" },
    { path: "TenantIds[]", to: "Tenants" },
  ],
};

/** Event subscriptions of a space: email or webhook notifications of the events a filter picks. */
export const subscriptions: DocType = {
  type: "Subscriptions",
  label: "subscriptions",
  singular: "subscription",
  klass: "space",
  read: { kind: "collection", path: "subscriptions", scope: "space" },
  identity: "name",
  exportOnly: true,
  family: { name: "subscriptions" },
  // Its filter names projects, environments and tenants; its teams are applied before it.
  afterProjects: { path: "subscriptions", title: "subscriptions" },
  resources: { octopusdeploy_subscription: "document" },
  ids: [
    { path: "EventNotificationSubscription.EmailTeams[]", to: "Teams" },
    { path: "EventNotificationSubscription.WebhookTeams[]", to: "Teams" },
    { path: "EventNotificationSubscription.Filter.Environments[]", to: "Environments" },
    { path: "EventNotificationSubscription.Filter.Projects[]", to: "Projects" },
    { path: "EventNotificationSubscription.Filter.ProjectGroups[]", to: "ProjectGroups" },
    { path: "EventNotificationSubscription.Filter.Tenants[]", to: "Tenants" },
    { path: "EventNotificationSubscription.Filter.Users[]", to: "Users" },
  ],
};
