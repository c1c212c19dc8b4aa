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
  resources: {
    octopusdeploy_deployment_freeze: "document",
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
