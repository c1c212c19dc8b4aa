/**
 * The top-level fields of the server's resources, type by type, for the model binding the
 * engine does on every write (`ResourceDef.fields`): a field outside its type's list is dropped,
 * as the server drops a property its resource class does not declare.
 *
 * Each list is the union of two readings of the server's resources, so a field either knows is
 * kept: the server's own Swagger document (Octopus Server 2021.2, as published in
 * OctopusDeployLabs/java-octopus-deploy, octopus-openapi-wrapper/spec/swagger.json, the
 * `*Resource` definitions), and the structs of go-octopusdeploy v2.111.0, the client the pinned
 * provider (v1.17.0) is built with, which carry the fields added since (a project's ProjectTags,
 * a channel's ephemeral environment settings, an environment's Type and ParentEnvironmentId,
 * ...). `Slug` is added where the sandbox gives a type a slug (Octopus references these types by
 * slug in Config-as-Code files), and an action template's `StepPackageId` (the step framework).
 * Id, SpaceId and Links are the engine's. Deployment targets and workers have their own lists
 * (machines.ts); types without a list keep what they are sent.
 */

export const ENVIRONMENT_FIELDS = [
  "AllowDynamicInfrastructure",
  "Description",
  "EnvironmentTags",
  "ExtensionSettings",
  "LastModifiedBy",
  "LastModifiedOn",
  "Name",
  "ParentEnvironmentId",
  "Slug",
  "SortOrder",
  "Type",
  "UseGuidedFailure",
] as const;

export const PROJECT_GROUP_FIELDS = [
  "Description",
  "EnvironmentIds",
  "LastModifiedBy",
  "LastModifiedOn",
  "Name",
  "RetentionPolicyId",
  "Slug",
] as const;

export const LIFECYCLE_FIELDS = [
  "Description",
  "LastModifiedBy",
  "LastModifiedOn",
  "Name",
  "Phases",
  "ReleaseRetentionPolicy",
  "Slug",
  "TentacleRetentionPolicy",
] as const;

export const TENANT_FIELDS = [
  "ClonedFromTenantId",
  "Description",
  "IsDisabled",
  "LastModifiedBy",
  "LastModifiedOn",
  "Name",
  "ProjectEnvironments",
  "Slug",
  "TenantTags",
] as const;

export const TAG_SET_FIELDS = [
  "Description",
  "LastModifiedBy",
  "LastModifiedOn",
  "Name",
  "Scopes",
  "SortOrder",
  "Tags",
  "Type",
] as const;

export const CHANNEL_FIELDS = [
  "AutomaticEphemeralEnvironmentDeployments",
  "CustomFieldDefinitions",
  "Description",
  "EphemeralEnvironmentNameTemplate",
  "GitReferenceRules",
  "GitResourceRules",
  "IsDefault",
  "LastModifiedBy",
  "LastModifiedOn",
  "LifecycleId",
  "Name",
  "ParentEnvironmentId",
  "ProjectId",
  "Rules",
  "Slug",
  "TenantTags",
  "Type",
] as const;

export const PROJECT_FIELDS = [
  "AllowIgnoreChannelRules",
  "AutoCreateRelease",
  "AutoDeployReleaseOverrides",
  "ClonedFromProjectId",
  "CombineHealthAndSyncStatusInDashboardLiveStatus",
  "DefaultGuidedFailureMode",
  "DefaultToSkipIfAlreadyInstalled",
  "DeploymentChangesTemplate",
  "DeploymentProcessId",
  "DeprovisioningRunbookId",
  "Description",
  "DiscreteChannelRelease",
  "ExtensionSettings",
  "IncludedLibraryVariableSetIds",
  "IsDisabled",
  "IsVersionControlled",
  "LastModifiedBy",
  "LastModifiedOn",
  "LifecycleId",
  "Name",
  "PersistenceSettings",
  "ProjectConnectivityPolicy",
  "ProjectGroupId",
  "ProjectTags",
  "ProvisioningRunbookId",
  "ReleaseCreationStrategy",
  "ReleaseNotesTemplate",
  "Slug",
  "Templates",
  "TenantedDeploymentMode",
  "VariableSetId",
  "VersioningStrategy",
] as const;

export const LIBRARY_VARIABLE_SET_FIELDS = [
  "ContentType",
  "Description",
  "LastModifiedBy",
  "LastModifiedOn",
  "Name",
  "Templates",
  "VariableSetId",
] as const;

export const MACHINE_POLICY_FIELDS = [
  "ConnectionConnectTimeout",
  "ConnectionRetryCountLimit",
  "ConnectionRetrySleepInterval",
  "ConnectionRetryTimeLimit",
  "Description",
  "IsDefault",
  "LastModifiedBy",
  "LastModifiedOn",
  "MachineCleanupPolicy",
  "MachineConnectivityPolicy",
  "MachineHealthCheckPolicy",
  "MachinePackageCacheRetentionPolicy",
  "MachineUpdatePolicy",
  "Name",
  "PollingRequestMaximumMessageProcessingTimeout",
  "PollingRequestQueueTimeout",
] as const;

export const WORKER_POOL_FIELDS = [
  "CanAddWorkers",
  "Description",
  "IsDefault",
  "LastModifiedBy",
  "LastModifiedOn",
  "Name",
  "Slug",
  "SortOrder",
  "WorkerPoolType",
  "WorkerType",
] as const;

export const CERTIFICATE_FIELDS = [
  "Archived",
  "CertificateChain",
  "CertificateData",
  "CertificateDataFormat",
  "EnvironmentIds",
  "HasPrivateKey",
  "IsExpired",
  "IssuerCommonName",
  "IssuerDistinguishedName",
  "IssuerOrganization",
  "LastModifiedBy",
  "LastModifiedOn",
  "Name",
  "NotAfter",
  "NotBefore",
  "Notes",
  "Password",
  "ReplacedBy",
  "SelfSigned",
  "SerialNumber",
  "SignatureAlgorithmName",
  "SubjectAlternativeNames",
  "SubjectCommonName",
  "SubjectDistinguishedName",
  "SubjectOrganization",
  "TenantIds",
  "TenantTags",
  "TenantedDeploymentParticipation",
  "Thumbprint",
  "Version",
] as const;

export const RUNBOOK_FIELDS = [
  "ConnectivityPolicy",
  "DefaultGuidedFailureMode",
  "Description",
  "EnvironmentScope",
  "Environments",
  "ForcePackageDownload",
  "LastModifiedBy",
  "LastModifiedOn",
  "MultiTenancyMode",
  "Name",
  "ProjectId",
  "PublishedRunbookSnapshotId",
  "RunRetentionPolicy",
  "RunbookProcessId",
  "RunbookTags",
  "Slug",
] as const;

export const PROJECT_TRIGGER_FIELDS = [
  "Action",
  "Description",
  "Filter",
  "IsDisabled",
  "LastModifiedBy",
  "LastModifiedOn",
  "Name",
  "ProjectId",
] as const;

export const ACTION_TEMPLATE_FIELDS = [
  "ActionType",
  "CommunityActionTemplateId",
  "Description",
  "GitDependencies",
  "LastModifiedBy",
  "LastModifiedOn",
  "Name",
  "Packages",
  "Parameters",
  "Properties",
  "StepPackageId",
  "Version",
] as const;
