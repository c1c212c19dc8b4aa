import type { ResourceDef } from "../engine.js";
import type { Route } from "../routes.js";
import { accounts, certificates, gitCredentials } from "./accounts.js";
import { environmentRoutes, environments, parentEnvironments } from "./environments.js";
import { feeds } from "./feeds.js";
import { deploymentFreezes, freezeRoutes } from "./freezes.js";
import {
  lifecycles,
  machinePolicies,
  machinePolicyTemplate,
  projectGroups,
  proxies,
  workerPools,
} from "./infrastructure.js";
import { libraryVariableSets, tagSets } from "./library.js";
import { machines, workers } from "./machines.js";
import { oidcIdentityRoutes } from "./oidc-identities.js";
import { deploymentProcesses, runbookProcesses } from "./processes.js";
import { channels, deployments, projectTriggers, releases, runbooks } from "./project-children.js";
import { projectRoutes, projects } from "./projects.js";
import { retentionPolicies, retentionRoutes } from "./retention.js";
import { spaces } from "./spaces.js";
import { subscriptions } from "./subscriptions.js";
import { packages, tasks } from "./tasks.js";
import { users } from "./teams.js";
import { actionTemplates, communityActionTemplates, templateRoutes } from "./templates.js";
import { tenantRoutes, tenants, tenantVariables } from "./tenants.js";
import { scopedUserRoles, teamRoutes, teams, userRoles } from "./user-roles.js";
import { variableSets } from "./variables.js";
import { versionControlRoutes } from "./version-control.js";

/** The Octopus Server version the sandbox reports (the provider gates features on 2025.3+). */
export const SERVER_VERSION = "2025.4.10000";

/**
 * Every resource type the sandbox serves, in dependency order: seed files load in this
 * order, so a document only refers to types above it.
 */
export const RESOURCE_DEFS: readonly ResourceDef[] = [
  spaces,
  users,
  userRoles,
  environments,
  parentEnvironments,
  projectGroups,
  lifecycles,
  machinePolicies,
  proxies,
  workerPools,
  feeds,
  accounts,
  certificates,
  gitCredentials,
  tagSets,
  libraryVariableSets,
  actionTemplates,
  communityActionTemplates,
  projects,
  channels,
  runbooks,
  variableSets,
  deploymentProcesses,
  runbookProcesses,
  projectTriggers,
  tenants,
  tenantVariables,
  machines,
  workers,
  releases,
  deployments,
  teams,
  scopedUserRoles,
  subscriptions,
  retentionPolicies,
  deploymentFreezes,
  packages,
  tasks,
];

const systemRoutes: Route[] = [
  {
    method: "GET",
    path: "/configuration/feature-toggles",
    scope: "system",
    // The provider reads this once (octopusdeploy_framework/config.go SetFeatureToggles) and uses
    // the newer tenant variable endpoints only when CommonVariableScopingFeatureToggle is on
    // (resource_tenant_common_variable.go supportsV2); servers have it from 2025.2.
    handler: () => ({
      body: { FeatureToggles: [{ Name: "CommonVariableScopingFeatureToggle", IsEnabled: true }] },
    }),
  },
  {
    method: "GET",
    path: "/users/me",
    scope: "system",
    handler: () => ({
      body: {
        Id: "Users-1",
        Username: "sandbox",
        DisplayName: "Sandbox Admin",
        IsActive: true,
        IsService: true,
        Links: {},
      },
    }),
  },
  {
    method: "GET",
    path: "/serverstatus",
    scope: "system",
    handler: () => ({ body: { IsDatabaseEncrypted: true, IsInMaintenanceMode: false, Links: {} } }),
  },
  {
    method: "GET",
    path: "/machinepolicies/template",
    scope: "space",
    handler: () => ({ body: { Id: null, Name: null, ...machinePolicyTemplate() } }),
  },
];

/** Routes beyond the generic collection routes; matched first, in this order. */
export const ROUTES: readonly Route[] = [
  ...systemRoutes,
  ...environmentRoutes,
  ...projectRoutes,
  ...versionControlRoutes,
  ...tenantRoutes,
  ...templateRoutes,
  ...teamRoutes,
  ...retentionRoutes,
  ...freezeRoutes,
  ...oidcIdentityRoutes,
];
