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
