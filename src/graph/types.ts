/**
 * The document types octoport reads from a space, and the class of each (SPEC section 2):
 * space-level resources are shared by the whole space and exported to `space/`;
 * project-level resources belong to one project and are exported to its module.
 */

export type DocClass = "space" | "project";

export interface DocTypeSpec {
  /** Type name used in the graph, the manifest and snapshot folders (`<Type>/<Id>.json`). */
  type: string;
  /** Human label for reports. */
  label: string;
  klass: DocClass;
  /**
   * Collection under /api/{spaceId}/ listed with every page, or undefined when documents of
   * this type are read one by one through another document (variable sets, processes).
   */
  collection?: string;
  /** Read only for snapshots (history: releases, deployments), never exported to Terraform. */
  snapshotOnly?: boolean;
}

export const DOC_TYPES: readonly DocTypeSpec[] = [
  { type: "Environments", label: "environments", klass: "space", collection: "environments" },
  { type: "ProjectGroups", label: "project groups", klass: "space", collection: "projectgroups" },
  { type: "Lifecycles", label: "lifecycles", klass: "space", collection: "lifecycles" },
  { type: "Feeds", label: "feeds", klass: "space", collection: "feeds" },
  { type: "Accounts", label: "accounts", klass: "space", collection: "accounts" },
  { type: "Certificates", label: "certificates", klass: "space", collection: "certificates" },
  { type: "GitCredentials", label: "git credentials", klass: "space", collection: "git-credentials" },
  {
    type: "LibraryVariableSets",
    label: "library variable sets",
    klass: "space",
    collection: "libraryvariablesets",
  },
  { type: "ScriptModules", label: "script modules", klass: "space" },
  { type: "TagSets", label: "tag sets", klass: "space", collection: "tagsets" },
  { type: "Tenants", label: "tenants", klass: "space", collection: "tenants" },
  { type: "TenantVariables", label: "tenant variables", klass: "space" },
  { type: "MachinePolicies", label: "machine policies", klass: "space", collection: "machinepolicies" },
  { type: "WorkerPools", label: "worker pools", klass: "space", collection: "workerpools" },
  { type: "Workers", label: "workers", klass: "space", collection: "workers" },
  { type: "Machines", label: "deployment targets", klass: "space", collection: "machines" },
  { type: "ActionTemplates", label: "step templates", klass: "space", collection: "actiontemplates" },
  { type: "Proxies", label: "machine proxies", klass: "space", collection: "proxies" },
  { type: "Projects", label: "projects", klass: "project", collection: "projects" },
  { type: "VariableSets", label: "variable sets", klass: "project" },
  { type: "DeploymentProcesses", label: "deployment processes", klass: "project" },
  { type: "Channels", label: "channels", klass: "project", collection: "channels" },
  { type: "Runbooks", label: "runbooks", klass: "project", collection: "runbooks" },
  { type: "RunbookProcesses", label: "runbook processes", klass: "project" },
  { type: "ProjectTriggers", label: "project triggers", klass: "project", collection: "projecttriggers" },
  { type: "Releases", label: "releases", klass: "project", collection: "releases", snapshotOnly: true },
  { type: "Teams", label: "teams", klass: "space", collection: "teams", snapshotOnly: true },
  /** Server-wide; a snapshot carries the members of its teams, read one by one. */
  { type: "Users", label: "users", klass: "space", snapshotOnly: true },
  {
    type: "Deployments",
    label: "deployments",
    klass: "project",
    collection: "deployments",
    snapshotOnly: true,
  },
];

export const DOC_TYPE_BY_NAME: ReadonlyMap<string, DocTypeSpec> = new Map(DOC_TYPES.map((t) => [t.type, t]));
