import type { DocType, IdField, SecretField } from "./descriptor.js";
import { TEMPLATE_DEFAULTS, TEMPLATE_SECRETS } from "./library.js";

/** Projects and what belongs to them: channels, runbooks, processes, triggers. */

export const projects: DocType = {
  type: "Projects",
  label: "projects",
  singular: "project",
  klass: "project",
  read: { kind: "collection", path: "projects", scope: "space" },
  identity: "name",
  family: { name: "projects" },
  lookup: { data: "octopusdeploy_projects", collection: "projects", exactName: true },
  resources: {
    octopusdeploy_project: "document",
    octopusdeploy_project_versioning_strategy: "setting",
    // AutoCreateRelease and ReleaseCreationStrategy: releases created from the built-in feed.
    octopusdeploy_built_in_trigger: "setting",
    // A project's tenants: the connection, and the tenants' values of the project's templates.
    octopusdeploy_tenant_project: "setting",
    octopusdeploy_tenant_project_variable: "tenant-project-variable",
  },
  secrets: [TEMPLATE_SECRETS, { path: "PersistenceSettings.Credentials.Password" }],
  ids: [
    { path: "LifecycleId", to: "Lifecycles" },
    { path: "ProjectGroupId", to: "ProjectGroups" },
    { path: "IncludedLibraryVariableSetIds[]", to: ["LibraryVariableSets", "ScriptModules"] },
    { path: "VariableSetId", to: "VariableSets" },
    { path: "DeploymentProcessId", to: "DeploymentProcesses" },
    { path: "ReleaseCreationStrategy.ChannelId", to: "Channels" },
    { path: "PersistenceSettings.Credentials.Id", to: "GitCredentials" },
    { path: "AutoDeployReleaseOverrides[].EnvironmentId", to: "Environments" },
    { path: "AutoDeployReleaseOverrides[].TenantId", to: "Tenants" },
    TEMPLATE_DEFAULTS,
  ],
};

/** The channel every new project has (not always its default one). */
export const BUILT_IN_CHANNEL = "Default";

export const channels: DocType = {
  type: "Channels",
  label: "channels",
  singular: "channel",
  klass: "project",
  read: { kind: "collection", path: "channels", scope: "space" },
  identity: "name-in-project",
  family: { name: "channels" },
  // Every new project gets a channel named "Default", marked default. Another channel may be
  // made the default later (the server then clears the flag on the old one), so the built-in
  // channel is told by its name, not by IsDefault; a channel marked default is written with
  // is_default. (Octoterra's channel_converter.go also looks the channel named Default up.)
  builtIn: (_doc, name) => name === BUILT_IN_CHANNEL,
  lookup: { data: "octopusdeploy_channels", collection: "channels", exactName: false },
  resources: { octopusdeploy_channel: "document" },
  ids: [
    { path: "ProjectId", to: "Projects" },
    { path: "LifecycleId", to: "Lifecycles" },
    { path: "ParentEnvironmentId", to: "ParentEnvironments" },
  ],
};

export const runbooks: DocType = {
  type: "Runbooks",
  label: "runbooks",
  singular: "runbook",
  klass: "project",
  read: { kind: "collection", path: "runbooks", scope: "space" },
  identity: "name-in-project",
  family: { name: "runbooks" },
  resources: { octopusdeploy_runbook: "document" },
  ids: [
    { path: "ProjectId", to: "Projects" },
    { path: "RunbookProcessId", to: "RunbookProcesses" },
    { path: "Environments[]", to: "Environments" },
  ],
};

/** What a process's steps hold: IDs in their fields and their properties, and sensitive properties. */
const STEP_IDS: readonly IdField[] = [
  { path: "Steps[].Actions[].Environments[]", to: "Environments" },
  { path: "Steps[].Actions[].ExcludedEnvironments[]", to: "Environments" },
  { path: "Steps[].Actions[].Channels[]", to: "Channels" },
  { path: "Steps[].Actions[].WorkerPoolId", to: "WorkerPools" },
  { path: "Steps[].Actions[].Container.FeedId", to: "Feeds", expression: true },
  { path: "Steps[].Actions[].Packages[].FeedId", to: "Feeds", expression: true },
  { path: "Steps[].Actions[].GitDependencies[].GitCredentialId", to: "GitCredentials" },
  { path: "Steps[].Actions[].Properties['Octopus.Action.Package.FeedId']", to: "Feeds", expression: true },
  { path: "Steps[].Actions[].Properties['Octopus.Action.DeployRelease.ProjectId']", to: "Projects" },
  // A Deploy a release step's package is the project whose release it deploys.
  { path: "Steps[].Actions[ActionType=Octopus.DeployRelease].Packages[].PackageId", to: "Projects" },
  {
    path: "Steps[].Actions[ActionType=Octopus.DeployRelease].Properties['Octopus.Action.Package.PackageId']",
    to: "Projects",
  },
  { path: "Steps[].Actions[].Properties['Octopus.Action.Template.Id']", to: "ActionTemplates" },
  {
    path: "Steps[].Actions[].Properties['Octopus.Action.Azure.AccountId']",
    to: "Accounts",
    expression: true,
  },
  {
    path: "Steps[].Actions[].Properties['Octopus.Action.AzureAccount.Variable']",
    to: "Accounts",
    expression: true,
  },
  {
    path: "Steps[].Actions[].Properties['Octopus.Action.AwsAccount.Variable']",
    to: "Accounts",
    expression: true,
  },
  {
    path: "Steps[].Actions[].Properties['Octopus.Action.GoogleCloudAccount.Variable']",
    to: "Accounts",
    expression: true,
  },
  {
    path: "Steps[].Actions[].Properties['Octopus.Action.Manual.ResponsibleTeamIds']",
    to: "Teams",
    list: ",",
  },
];

const STEP_SECRETS: readonly SecretField[] = [
  { path: "Steps[].Properties.*" },
  { path: "Steps[].Actions[].Properties.*" },
];

export const deploymentProcesses: DocType = {
  type: "DeploymentProcesses",
  label: "deployment processes",
  singular: "deployment process",
  klass: "project",
  // Version-controlled projects' processes are read from their git ref (graph/reader.ts).
  read: {
    kind: "by-reference",
    from: [{ type: "Projects", field: "DeploymentProcessId" }],
    path: "deploymentprocesses/{id}",
    scope: "space",
  },
  identity: "project",
  resources: {
    octopusdeploy_process: "document",
    octopusdeploy_process_step: "step",
    octopusdeploy_process_templated_step: "step",
    octopusdeploy_process_child_step: "child-step",
    octopusdeploy_process_templated_child_step: "child-step",
    octopusdeploy_process_child_steps_order: "step",
    octopusdeploy_process_steps_order: "document",
  },
  secrets: STEP_SECRETS,
  ids: [{ path: "ProjectId", to: "Projects" }, ...STEP_IDS],
};

export const runbookProcesses: DocType = {
  ...deploymentProcesses,
  type: "RunbookProcesses",
  label: "runbook processes",
  singular: "runbook process",
  read: {
    kind: "by-reference",
    from: [{ type: "Runbooks", field: "RunbookProcessId" }],
    path: "runbookProcesses/{id}",
    scope: "space",
  },
  identity: "runbook",
  ids: [{ path: "ProjectId", to: "Projects" }, { path: "RunbookId", to: "Runbooks" }, ...STEP_IDS],
};

export const projectTriggers: DocType = {
  type: "ProjectTriggers",
  label: "project triggers",
  singular: "trigger",
  klass: "project",
  read: { kind: "collection", path: "projecttriggers", scope: "space" },
  identity: "name-in-project",
  family: { name: "triggers" },
  resources: {
    octopusdeploy_project_deployment_target_trigger: "document",
    octopusdeploy_external_feed_create_release_trigger: "document",
    octopusdeploy_project_scheduled_trigger: "document",
    octopusdeploy_git_trigger: "document",
  },
  ids: [
    { path: "ProjectId", to: "Projects" },
    { path: "Filter.EnvironmentIds[]", to: "Environments" },
    { path: "Action.ChannelId", to: "Channels" },
    { path: "Action.RunbookId", to: "Runbooks" },
    { path: "Action.EnvironmentId", to: "Environments" },
    { path: "Action.EnvironmentIds[]", to: "Environments" },
    { path: "Action.SourceEnvironmentIds[]", to: "Environments" },
    { path: "Action.DestinationEnvironmentId", to: "Environments" },
    { path: "Action.TenantIds[]", to: "Tenants" },
  ],
};
