import type { SpaceGraph } from "../graph/graph.js";

/**
 * What a converter knows of the selection (see selection.ts, which makes it): where each
 * selected document goes, what is left out or looked up, and the choices that apply to all.
 */

/**
 * What a destination may edit after the first apply without the next apply putting it back
 * (`export --ignore-changes`, Octoterra's ignore*Changes options): each writes a lifecycle
 * `ignore_changes` into the resources it covers.
 */
export const IGNORE_CHANGES = {
  projects:
    "every resource of a project's module: the project, its process, channels, runbooks, triggers and variables",
  "project-variables": "the variables of projects",
  "project-names": "projects' names",
  "project-groups": "project groups",
  tenants: "tenants and their variable values",
  space: "every resource of the space module",
} as const;

export type IgnoreChanges = keyof typeof IGNORE_CHANGES;

/** Where each selected document goes, and how the export as a whole is doing. */
export interface ExportPlan {
  graph: SpaceGraph;
  /** Module path of every document written as a resource (absent: looked up or left out). */
  home: ReadonlyMap<string, string>;
  /** Documents a filter left out: references to them are dropped (or looked up when required). */
  excluded: ReadonlySet<string>;
  /** Documents every space has and that are looked up, never created. */
  defaults: ReadonlySet<string>;
  layout: "modules" | "single";
  /** Variable names a --exclude-variables filter leaves out. */
  excludeVariable: (name: string) => boolean;
  /** Steps (by step name) that --exclude-steps and its kin leave out of deployment and runbook processes. */
  excludeStep: (name: string) => boolean;
  /** Tenants' values of templates (by template name) that --exclude-tenant-variables and its kin leave out. */
  excludeTenantVariable: (name: string) => boolean;
  /** Tags ("Tag set/Tag") that --exclude-tenant-tags leaves out of their tag set and of everything that carries them. */
  excludeTag: (canonical: string) => boolean;
  /** Environments (by name) that --exclude-variable-environment-scopes takes out of variables' scopes. */
  scopeExcludedEnvironment: (name: string) => boolean;
  detachStepTemplates: boolean;
  spreadSecrets: boolean;
  /** Teams, user roles and scoped user roles are written (export --include-teams). */
  includeTeams: boolean;
  /** What `--ignore-changes` names: resources the destination may change, which Terraform leaves. */
  ignoreChanges: ReadonlySet<IgnoreChanges>;
  /** Resources already on the destination are imported (--import-from-destination). */
  adopting: boolean;
  /** Projects in apply order (levels flattened), for deciding where shared values go. */
  projectOrder: readonly string[];
}
