import { z } from "zod";
import { apiBoolean, apiNumber } from "../octopus/schemas.js";
import type { GraphNode } from "./graph.js";

/**
 * The documents converters read, as zod schemas by graph type: the fields a converter reads
 * and the form the API sends them in. Every other field is kept as it came (looseObject), and
 * every field may be missing or null (a document of an older server, or a converter test's
 * small document), so a schema describes without demanding.
 *
 * The reader checks each document of a type listed here (checkDocuments): one that does not
 * fit is warned about and kept, never dropped. Converters read a document through
 * typedDoc(node, "Type"), which gives its inferred type; where a field's form varies between
 * servers they still look before they use it (Array.isArray, typeof), as they did untyped.
 */

/** Text, or nothing. */
const text = z.string().nullish();
/** A number as the API sends it (a number or its decimal text), or nothing. */
const count = apiNumber.nullish();
/** A boolean as the API sends it (a boolean or "True"/"False"), or nothing. */
const flag = apiBoolean.nullish();
/** A list of IDs or names. */
const strings = z.array(z.string()).nullish();
/** Any value: fields whose form the converter checks itself. */
const anything = z.unknown().optional();
const loose = z.looseObject;

/** A sensitive value: `{HasValue, NewValue}` on the way in; only HasValue on the way out. */
export const sensitiveSchema = loose({ HasValue: z.boolean().nullish(), NewValue: text }).nullish();

/** A retention policy of a lifecycle or one of its phases. */
export const retentionPolicySchema = loose({
  Strategy: text,
  ShouldKeepForever: flag,
  QuantityToKeep: count,
  Unit: text,
}).nullish();

export const environmentSchema = loose({
  Slug: text,
  Description: text,
  SortOrder: count,
  UseGuidedFailure: flag,
  AllowDynamicInfrastructure: flag,
  ExtensionSettings: z
    .array(loose({ ExtensionId: text, Values: z.record(z.string(), anything).nullish() }))
    .nullish(),
});

export const parentEnvironmentSchema = loose({
  Slug: text,
  Description: text,
  SortOrder: count,
  UseGuidedFailure: flag,
  AutomaticDeprovisioningRule: loose({ ExpiryDays: count, ExpiryHours: count }).nullish(),
});

export const phaseSchema = loose({
  Name: text,
  AutomaticDeploymentTargets: strings,
  OptionalDeploymentTargets: strings,
  MinimumEnvironmentsBeforePromotion: count,
  IsOptionalPhase: flag,
  IsPriorityPhase: flag,
  ReleaseRetentionPolicy: retentionPolicySchema,
  TentacleRetentionPolicy: retentionPolicySchema,
});

export const lifecycleSchema = loose({
  Description: text,
  Phases: z.array(phaseSchema).nullish(),
  ReleaseRetentionPolicy: retentionPolicySchema,
  TentacleRetentionPolicy: retentionPolicySchema,
});

/** A health check script of a machine policy. */
const healthScriptSchema = loose({ RunType: text, ScriptBody: text }).nullish();

export const machinePolicySchema = loose({
  Description: text,
  ConnectionConnectTimeout: text,
  ConnectionRetryCountLimit: count,
  ConnectionRetrySleepInterval: text,
  ConnectionRetryTimeLimit: text,
  PollingRequestQueueTimeout: text,
  MachineHealthCheckPolicy: loose({
    HealthCheckInterval: text,
    HealthCheckCron: text,
    HealthCheckCronTimezone: text,
    HealthCheckType: text,
    BashHealthCheckPolicy: healthScriptSchema,
    PowerShellHealthCheckPolicy: healthScriptSchema,
  }).nullish(),
  MachineCleanupPolicy: loose({
    DeleteMachinesBehavior: text,
    DeleteMachinesElapsedTimeSpan: text,
  }).nullish(),
  MachineConnectivityPolicy: loose({ MachineConnectivityBehavior: text }).nullish(),
  MachineUpdatePolicy: loose({
    CalamariUpdateBehavior: text,
    TentacleUpdateBehavior: text,
    KubernetesAgentUpdateBehavior: text,
    TentacleUpdateAccountId: text,
  }).nullish(),
  MachinePackageCacheRetentionPolicy: loose({
    Strategy: text,
    QuantityOfPackagesToKeep: count,
    PackageUnit: text,
    QuantityOfVersionsToKeep: count,
    VersionUnit: text,
  }).nullish(),
});

export const gitCredentialSchema = loose({
  Description: text,
  Details: loose({ Type: text, Username: text, Password: sensitiveSchema }).nullish(),
  RepositoryRestrictions: loose({ Enabled: flag, AllowedRepositories: strings }).nullish(),
});

export const tagSchema = loose({
  Id: text,
  Name: text,
  Color: text,
  Description: text,
  SortOrder: count,
});

export const tagSetSchema = loose({
  Description: text,
  SortOrder: count,
  Scopes: strings,
  Type: text,
  Tags: z.array(tagSchema).nullish(),
});

/** A deployment freeze's recurrence. */
export const recurringScheduleSchema = loose({
  Type: text,
  Unit: count,
  EndType: text,
  DaysOfWeek: strings,
  MonthlyScheduleType: text,
  DateOfMonth: text,
  DayNumberOfMonth: text,
  DayOfWeek: text,
  EndOnDate: text,
  EndAfterOccurrences: count,
  UserUtcOffsetInMinutes: count,
}).nullish();

export const deploymentFreezeSchema = loose({
  OwnerId: text,
  Start: text,
  End: text,
  RecurringSchedule: recurringScheduleSchema,
  ProjectEnvironmentScope: z.record(z.string(), strings).nullish(),
  TenantProjectEnvironmentScope: z
    .array(loose({ TenantId: text, ProjectId: text, EnvironmentId: text }))
    .nullish(),
});

/** How a deployment target or worker is reached (its style's fields; the rest kept). */
export const endpointSchema = loose({
  CommunicationStyle: text,
  Uri: text,
  Thumbprint: text,
  CertificateSignatureAlgorithm: text,
  ProxyId: text,
  Host: text,
  Port: count,
  Fingerprint: text,
  AccountId: text,
  DotNetCorePlatform: text,
  ClusterUrl: text,
  Namespace: text,
  DefaultNamespace: text,
  SkipTlsVerification: anything,
  DefaultWorkerPoolId: text,
  ClusterCertificate: text,
  ClusterCertificatePath: text,
  RunningInContainer: flag,
  UpgradeLocked: flag,
  Container: loose({ Image: text, FeedId: text }).nullish(),
  Authentication: loose({
    AuthenticationType: text,
    AccountId: text,
    ClusterName: text,
    ClusterResourceGroup: text,
    AdminLogin: flag,
    AssumeRole: flag,
    AssumedRoleArn: text,
    AssumedRoleSession: text,
    AssumeRoleExternalId: text,
    AssumeRoleSessionDurationSeconds: count,
    UseInstanceRole: flag,
    Project: text,
    ImpersonateServiceAccount: flag,
    Region: text,
    ServiceAccountEmails: text,
    UseVmServiceAccount: flag,
    Zone: text,
    ClientCertificate: text,
    TokenPath: text,
  }).nullish(),
  TentacleEndpointConfiguration: loose({ CommunicationMode: text, Thumbprint: text, Uri: text }).nullish(),
  ResourceGroupName: text,
  WebAppName: text,
  WebAppSlotName: text,
  CloudServiceName: text,
  StorageAccountName: text,
  Slot: text,
  SwapIfPossible: flag,
  UseCurrentInstanceCount: flag,
  ConnectionEndpoint: text,
  SecurityMode: text,
  ServerCertThumbprint: text,
  ClientCertVariable: text,
  CertificateStoreLocation: text,
  CertificateStoreName: text,
  AadCredentialType: text,
  AadUserCredentialUsername: text,
  AadClientCredentialSecret: anything,
  AadUserCredentialPassword: anything,
  ApplicationsDirectory: text,
  OctopusWorkingDirectory: text,
  Destination: loose({ DestinationType: text, DropFolderPath: text }).nullish(),
}).nullish();

export const machineSchema = loose({
  Endpoint: endpointSchema,
  EnvironmentIds: strings,
  Roles: strings,
  MachinePolicyId: text,
  IsDisabled: flag,
  TenantedDeploymentParticipation: text,
  TenantIds: strings,
  TenantTags: strings,
});

export const workerSchema = loose({
  Endpoint: endpointSchema,
  WorkerPoolIds: strings,
  MachinePolicyId: text,
  IsDisabled: flag,
});

/** A map of property names to values (step properties, display settings). */
const properties = z.record(z.string(), anything).nullish();

export const actionTemplateSchema = loose({
  CommunityActionTemplateId: text,
  Description: text,
  ActionType: text,
  StepPackageId: text,
  Version: count,
  Properties: properties,
  Packages: z
    .array(
      loose({ Name: text, PackageId: text, FeedId: text, AcquisitionLocation: text, Properties: properties }),
    )
    .nullish(),
  Parameters: z
    .array(
      loose({
        Id: text,
        Name: text,
        Label: text,
        HelpText: text,
        DefaultValue: anything,
        DisplaySettings: properties,
      }),
    )
    .nullish(),
  GitDependencies: z
    .array(
      loose({
        Name: text,
        GitHubConnectionId: text,
        GitCredentialId: text,
        GitCredentialType: text,
        RepositoryUri: text,
        DefaultBranch: text,
        FilePathFilters: anything,
      }),
    )
    .nullish(),
});

/** A parameter template of a library variable set (or a project): a tenant variable's definition. */
export const templateSchema = loose({
  Id: text,
  Name: text,
  Label: text,
  HelpText: text,
  DefaultValue: anything,
  DisplaySettings: properties,
});

export const libraryVariableSetSchema = loose({
  Description: text,
  VariableSetId: text,
  Templates: z.array(templateSchema).nullish(),
});

export const tenantSchema = loose({
  Description: text,
  IsDisabled: flag,
  TenantTags: strings,
  ProjectEnvironments: z.record(z.string(), strings).nullish(),
});

/** A tenant's values: of library set templates by set, each a map of template ID to value. */
export const tenantVariablesSchema = loose({
  TenantId: text,
  LibraryVariables: z.record(z.string(), loose({ Variables: properties })).nullish(),
  /** Values of project templates, by project, then by environment. */
  ProjectVariables: z
    .record(z.string(), loose({ Variables: z.record(z.string(), properties).nullish() }))
    .nullish() /** Values of library set templates scoped to environments, by set, then template. */,
  ScopedCommonVariables: z
    .record(
      z.string(),
      z.record(z.string(), z.array(loose({ Id: text, Value: anything, EnvironmentIds: strings })).nullish()),
    )
    .nullish(),
});

/** Extension settings of an environment or a project (ITSM change control...), by extension. */
const extensionSettings = z.array(loose({ ExtensionId: text, Values: properties })).nullish();

/** A deployment action's package named in a project setting. */
export const actionPackageSchema = loose({ DeploymentAction: text, PackageReference: text }).nullish();

/** Whether deployments and runbook runs may go to no targets, or skip some (projects and runbooks). */
export const connectivityPolicySchema = loose({
  AllowDeploymentsToNoTargets: flag,
  ExcludeUnhealthyTargets: flag,
  SkipMachineBehavior: text,
  TargetRoles: strings,
}).nullish();

export const projectSchema = loose({
  Slug: text,
  Description: text,
  LifecycleId: text,
  ProjectGroupId: text,
  VariableSetId: text,
  DeploymentProcessId: text,
  DefaultGuidedFailureMode: text,
  DefaultToSkipIfAlreadyInstalled: flag,
  DiscreteChannelRelease: flag,
  IsDisabled: flag,
  IsVersionControlled: flag,
  TenantedDeploymentMode: text,
  ReleaseNotesTemplate: text,
  DeploymentChangesTemplate: text,
  IncludedLibraryVariableSetIds: strings,
  ProjectConnectivityPolicy: connectivityPolicySchema,
  Templates: z.array(templateSchema).nullish(),
  ExtensionSettings: extensionSettings,
  VersioningStrategy: loose({
    DonorPackage: actionPackageSchema,
    DonorPackageStepId: text,
    Template: text,
  }).nullish(),
  AutoCreateRelease: flag,
  ReleaseCreationStrategy: loose({ ReleaseCreationPackage: actionPackageSchema, ChannelId: text }).nullish(),
});

export const channelSchema = loose({
  Description: text,
  LifecycleId: text,
  IsDefault: flag,
  TenantTags: strings,
  Type: text,
  ParentEnvironmentId: text,
  EphemeralEnvironmentNameTemplate: text,
  CustomFieldDefinitions: z.array(loose({ FieldName: text, Description: text })).nullish(),
  Rules: z
    .array(
      loose({
        VersionRange: text,
        Tag: text,
        ActionPackages: z.array(loose({ DeploymentAction: text, PackageReference: text })).nullish(),
      }),
    )
    .nullish(),
});

export const runbookSchema = loose({
  Description: text,
  EnvironmentScope: text,
  Environments: strings,
  MultiTenancyMode: text,
  DefaultGuidedFailureMode: text,
  ForcePackageDownload: flag,
  ConnectivityPolicy: connectivityPolicySchema,
  RunRetentionPolicy: retentionPolicySchema,
});

/** A package an action uses: the primary one has no name. */
export const actionPackageRefSchema = loose({
  Name: text,
  PackageId: text,
  FeedId: text,
  AcquisitionLocation: text,
  Properties: properties,
});

/** A Git repository an action uses, the Git counterpart of a package. */
export const gitDependencySchema = loose({
  Name: text,
  GitHubConnectionId: text,
  GitCredentialId: text,
  GitCredentialType: text,
  RepositoryUri: text,
  DefaultBranch: text,
  FilePathFilters: anything,
});

/** An action of a process step; steps of the new step framework have a StepPackageId and Inputs. */
export const actionSchema = loose({
  Id: text,
  Name: text,
  ActionType: text,
  Slug: text,
  Notes: text,
  Condition: text,
  IsDisabled: flag,
  IsRequired: flag,
  Environments: strings,
  ExcludedEnvironments: strings,
  Channels: strings,
  TenantTags: strings,
  WorkerPoolId: text,
  WorkerPoolVariable: text,
  StepPackageId: text,
  Inputs: anything,
  Container: loose({ Image: text, FeedId: text }).nullish(),
  Packages: z.array(actionPackageRefSchema).nullish(),
  GitDependencies: z.array(gitDependencySchema).nullish(),
  Properties: properties,
});

export const stepSchema = loose({
  Id: text,
  Name: text,
  Condition: text,
  StartTrigger: text,
  PackageRequirement: text,
  Properties: properties,
  Actions: z.array(actionSchema).nullish(),
});

/** A deployment process, or a runbook's process (which names its runbook). */
export const processSchema = loose({
  RunbookId: text,
  Steps: z.array(stepSchema).nullish(),
});

/** What fires a trigger: one form per FilterType (machine events, feeds, Git, schedules). */
export const triggerFilterSchema = loose({
  FilterType: text,
  EnvironmentIds: strings,
  Roles: strings,
  EventGroups: strings,
  EventCategories: strings,
  Packages: z.array(loose({ DeploymentActionSlug: text, PackageReference: text })).nullish(),
  Sources: z
    .array(
      loose({
        DeploymentActionSlug: text,
        GitDependencyName: text,
        IncludeFilePaths: anything,
        ExcludeFilePaths: anything,
      }),
    )
    .nullish(),
  Timezone: text,
  CronExpression: text,
  StartTime: text,
  Interval: text,
  HourInterval: count,
  MinuteInterval: count,
  RunAfter: text,
  RunUntil: text,
  DaysOfWeek: strings,
  MonthlyScheduleType: text,
  DateOfMonth: text,
  DayNumberOfMonth: text,
  DayOfWeek: text,
}).nullish();

/** What a trigger does: one form per ActionType. */
export const triggerActionSchema = loose({
  ActionType: text,
  ShouldRedeployWhenMachineHasBeenDeployedTo: flag,
  ChannelId: text,
  TenantIds: strings,
  RunbookId: text,
  EnvironmentIds: strings,
  EnvironmentId: text,
  SourceEnvironmentIds: strings,
  DestinationEnvironmentId: text,
  ShouldRedeployWhenReleaseIsCurrent: flag,
  VersionControlReference: loose({ GitRef: text }).nullish(),
}).nullish();

export const projectTriggerSchema = loose({
  Description: text,
  IsDisabled: flag,
  Filter: triggerFilterSchema,
  Action: triggerActionSchema,
});

/** What a variable is scoped to: lists of IDs (names for roles) by dimension. */
export const variableScopeSchema = loose({
  Environment: strings,
  Role: strings,
  Machine: strings,
  Channel: strings,
  Action: strings,
  ProcessOwner: strings,
  TenantTag: strings,
}).nullish();

export const variableSchema = loose({
  Id: text,
  Name: text,
  Value: text,
  Type: text,
  IsSensitive: flag,
  Description: text,
  Scope: variableScopeSchema,
  Prompt: loose({ Label: text, Description: text, Required: flag, DisplaySettings: properties }).nullish(),
});

/** The variables of a project, a library variable set or a script module (its owner). */
export const variableSetSchema = loose({
  OwnerId: text,
  Variables: z.array(variableSchema).nullish(),
});

export const scriptModuleSchema = loose({ Description: text, VariableSetId: text });

/** Which events a subscription is about, and whom and where it tells (durations as TimeSpan text). */
export const subscriptionSchema = loose({
  IsDisabled: flag,
  EventNotificationSubscription: loose({
    Filter: loose({
      Users: strings,
      Tags: strings,
      DocumentTypes: strings,
      Environments: strings,
      EventAgents: strings,
      EventCategories: strings,
      EventGroups: strings,
      ProjectGroups: strings,
      Projects: strings,
      Tenants: strings,
    }).nullish(),
    EmailFrequencyPeriod: text,
    EmailPriority: text,
    EmailShowDatesInTimeZoneId: text,
    EmailTeams: strings,
    WebhookHeaderKey: text,
    WebhookTeams: strings,
    WebhookTimeout: text,
    WebhookURI: text,
  }).nullish(),
});

/** The schemas by graph type. A type not listed here is read as an untyped document. */
export const DOCUMENT_SCHEMAS = {
  Environments: environmentSchema,
  ParentEnvironments: parentEnvironmentSchema,
  Lifecycles: lifecycleSchema,
  MachinePolicies: machinePolicySchema,
  GitCredentials: gitCredentialSchema,
  TagSets: tagSetSchema,
  DeploymentFreezes: deploymentFreezeSchema,
  Machines: machineSchema,
  Workers: workerSchema,
  ActionTemplates: actionTemplateSchema,
  LibraryVariableSets: libraryVariableSetSchema,
  Tenants: tenantSchema,
  TenantVariables: tenantVariablesSchema,
  Projects: projectSchema,
  Channels: channelSchema,
  Runbooks: runbookSchema,
  DeploymentProcesses: processSchema,
  RunbookProcesses: processSchema,
  ProjectTriggers: projectTriggerSchema,
  VariableSets: variableSetSchema,
  ScriptModules: scriptModuleSchema,
  Subscriptions: subscriptionSchema,
} as const;

export type DocumentType = keyof typeof DOCUMENT_SCHEMAS;
export type DocumentOf<T extends DocumentType> = z.infer<(typeof DOCUMENT_SCHEMAS)[T]>;

/**
 * A node's document as its type's schema describes it. This is a view, not a parse (the
 * reader checked the document once, and warned if it did not fit): converters see the fields
 * they read with their types, at no cost per read.
 */
export function typedDoc<T extends DocumentType>(node: GraphNode, _type: T): DocumentOf<T> {
  return node.doc as DocumentOf<T>;
}

/**
 * Checks documents of the types listed here, and says for each one that does not fit where
 * and how (the first few problems); the document is kept as it is.
 */
export function checkDocuments(nodes: Iterable<GraphNode>, warn: (message: string) => void): void {
  for (const node of nodes) {
    const schema: z.ZodType | undefined = (DOCUMENT_SCHEMAS as Record<string, z.ZodType>)[node.type];
    if (!schema) continue;
    const result = schema.safeParse(node.doc);
    if (result.success) continue;
    const problems = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.map(String).join(".") || "(document)"}: ${i.message}`);
    warn(
      `${node.type} "${node.name}" (${node.id}) is not in the form octoport expects (${problems.join("; ")}); it is read as it is`,
    );
  }
}

export type RetentionPolicy = NonNullable<z.infer<typeof retentionPolicySchema>>;
export type RecurringSchedule = NonNullable<z.infer<typeof recurringScheduleSchema>>;
export type MachinePolicy = DocumentOf<"MachinePolicies">;
export type GitCredential = DocumentOf<"GitCredentials">;
export type DeploymentFreeze = DocumentOf<"DeploymentFreezes">;

/** A part of a document that may be missing: what a converter reads when it is (`?? {}`). */
export type Part<T> = NonNullable<T>;
export type Endpoint = Part<z.infer<typeof endpointSchema>>;
export type Template = z.infer<typeof templateSchema>;
export type Action = z.infer<typeof actionSchema>;
export type Step = z.infer<typeof stepSchema>;
export type ActionPackage = z.infer<typeof actionPackageRefSchema>;
export type ConnectivityPolicy = z.infer<typeof connectivityPolicySchema>;
export type TriggerFilter = Part<z.infer<typeof triggerFilterSchema>>;
export type TriggerAction = Part<z.infer<typeof triggerActionSchema>>;
export type Variable = z.infer<typeof variableSchema>;
export type VariableScope = z.infer<typeof variableScopeSchema>;
