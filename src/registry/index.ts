import { accounts, certificates } from "./accounts.js";
import type { DocType, LookupSpec } from "./descriptor.js";
import {
  deploymentFreezes,
  retentionPolicies,
  scopedUserRoles,
  subscriptions,
  teams,
  userRoles,
} from "./governance.js";
import { deployments, releases, users } from "./history.js";
import {
  actionTemplates,
  libraryVariableSets,
  scriptModules,
  tenants,
  tenantVariables,
  variableSets,
} from "./library.js";
import { machines, workers } from "./machines.js";
import {
  channels,
  deploymentProcesses,
  projects,
  projectTriggers,
  runbookProcesses,
  runbooks,
} from "./projects.js";
import {
  environments,
  feeds,
  gitCredentials,
  lifecycles,
  machinePolicies,
  parentEnvironments,
  projectGroups,
  proxies,
  tagSets,
  workerPools,
} from "./space.js";

export type {
  Doc,
  DocClass,
  DocType,
  Identity,
  IdField,
  ImportKind,
  LookupSpec,
  ReadSpec,
  SecretField,
} from "./descriptor.js";

/**
 * Every document type, in the order they are applied and imported: a document refers only to
 * types above it, or (a tenant's accounts, a library set's certificate default) to documents a
 * second pass fills in. A new type is a descriptor here, a converter (terraform/converters/),
 * the sandbox's entry and their tests (docs/design.md).
 */
export const REGISTRY: readonly DocType[] = [
  users,
  environments,
  parentEnvironments,
  projectGroups,
  lifecycles,
  retentionPolicies,
  machinePolicies,
  proxies,
  workerPools,
  feeds,
  tagSets,
  gitCredentials,
  libraryVariableSets,
  scriptModules,
  actionTemplates,
  projects,
  channels,
  runbooks,
  tenants,
  accounts,
  certificates,
  machines,
  workers,
  deploymentProcesses,
  runbookProcesses,
  variableSets,
  projectTriggers,
  tenantVariables,
  deploymentFreezes,
  userRoles,
  teams,
  scopedUserRoles,
  subscriptions,
  releases,
  deployments,
];

const BY_TYPE: ReadonlyMap<string, DocType> = new Map(REGISTRY.map((t) => [t.type, t]));
const RANK: ReadonlyMap<string, number> = new Map(REGISTRY.map((t, i) => [t.type, i]));

/** The descriptor of a type, or undefined for a type octoport does not know. */
export function docType(type: string): DocType | undefined {
  return BY_TYPE.get(type);
}

/** A type's place in the apply and import order; unknown types come last. */
export function orderOf(type: string): number {
  return RANK.get(type) ?? REGISTRY.length;
}

/** How documents of a type are found by name on a destination, when they can be. */
export function lookupOf(type: string): LookupSpec | undefined {
  return BY_TYPE.get(type)?.lookup;
}

/** `deployment target`, or the type's name for a type octoport does not know. */
export function singularOf(type: string): string {
  return BY_TYPE.get(type)?.singular ?? type;
}

/**
 * The modules of space-level documents applied after the projects, in apply order, by type
 * (`afterProjects` of the descriptors).
 */
export const AFTER_PROJECTS: ReadonlyArray<{ type: string; path: string; title: string }> = REGISTRY.flatMap(
  (t) => (t.afterProjects ? [{ type: t.type, ...t.afterProjects }] : []),
);

/** The modules of AFTER_PROJECTS, each once (teams and their scoped roles share one), in apply order. */
export const AFTER_PROJECTS_MODULES: ReadonlyArray<{ path: string; title: string }> = [
  ...new Map(AFTER_PROJECTS.map((a) => [a.path, { path: a.path, title: a.title }])).values(),
];

/** Whether a type's documents are written only with export --include-teams. */
export function needsIncludeTeams(type: string): boolean {
  return BY_TYPE.get(type)?.includeTeams !== undefined;
}

/** Whether a document is one every space or project has built in (looked up, never created). */
export function isBuiltIn(type: string, doc: Record<string, unknown>, name: string): boolean {
  return BY_TYPE.get(type)?.builtIn?.(doc, name) ?? false;
}
