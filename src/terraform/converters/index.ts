import { accounts, certificates } from "./accounts.js";
import type { Converter } from "./converter.js";
import {
  deploymentFreezes,
  retentionPolicies,
  scopedUserRoles,
  subscriptions,
  teams,
  userRoles,
} from "./governance.js";
import { libraryVariableSets, scriptModules, tenants, tenantVariables, variableSets } from "./library.js";
import { channels, processes, projects, runbooks, triggers } from "./projects.js";
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
import { machines, workers } from "./targets.js";
import { actionTemplates } from "./templates.js";

/** Every converter: one per exported document type (docs/design.md, "Adding a document type"). */
export const CONVERTERS: readonly Converter[] = [
  environments,
  parentEnvironments,
  projectGroups,
  lifecycles,
  retentionPolicies,
  machinePolicies,
  proxies,
  workerPools,
  feeds,
  accounts,
  certificates,
  gitCredentials,
  tagSets,
  libraryVariableSets,
  scriptModules,
  actionTemplates,
  tenants,
  machines,
  workers,
  projects,
  channels,
  runbooks,
  processes,
  triggers,
  variableSets,
  tenantVariables,
  deploymentFreezes,
  userRoles,
  teams,
  scopedUserRoles,
  subscriptions,
];

const BY_TYPE = new Map<string, Converter>(CONVERTERS.flatMap((c) => c.types.map((t) => [t, c] as const)));

export function converterFor(type: string): Converter | undefined {
  return BY_TYPE.get(type);
}
