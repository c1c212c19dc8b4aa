import type { EngineContext, ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import type { JsonObject } from "../secrets.js";
import { isObject, requireRef } from "./common.js";
import { requireTags } from "./library.js";
import { forgetScopeValue } from "./variables.js";

const COMMUNICATION_STYLES = new Set([
  "TentaclePassive",
  "TentacleActive",
  "Ssh",
  "Kubernetes",
  "KubernetesTentacle",
  "None",
  "OfflineDrop",
  "AzureWebApp",
  "AzureCloudService",
  "AzureServiceFabricCluster",
  "StepPackage",
]);

function defaultPolicy(ctx: EngineContext): string | null {
  const policy = ctx.engine.inSpace("MachinePolicies", ctx.spaceId).find((p) => p.IsDefault === true);
  return typeof policy?.Id === "string" ? policy.Id : null;
}

/**
 * What a deployment target and a worker are, field by field, as the server's REST API
 * reference lists them (OctopusDeploy/docs, API reference "Deployment Targets" and "Workers":
 * the DeploymentTargetResource and WorkerResource a create answers with). A field outside
 * these lists is dropped on write, as the server's model binding drops it (there is no
 * `Status` any more: go-octopusdeploy's Machine still reads one, which a server leaves out).
 */
const MACHINE_FIELDS = [
  "Architecture",
  "Endpoint",
  "HasLatestCalamari",
  "HealthStatus",
  "IsDisabled",
  "IsInProcess",
  "MachinePolicyId",
  "Name",
  "OperatingSystem",
  "OperatingSystemVersion",
  "ShellName",
  "ShellVersion",
  "SkipInitialHealthCheck",
  "Slug",
  "StatusSummary",
  "Thumbprint",
  "Uri",
] as const;
const TARGET_FIELDS = [
  ...MACHINE_FIELDS,
  "EnvironmentIds",
  "Roles",
  "TenantIds",
  "TenantTags",
  "TenantedDeploymentParticipation",
];
const WORKER_FIELDS = [...MACHINE_FIELDS, "WorkerPoolIds"];

/**
 * Fields the server keeps up to date itself, from health checks: the resource has them, the
 * create command does not (the API reference's request bodies, CreateWorkerCommand and the
 * deployment target's, take none of them), so what a client sends is ignored and the value
 * stays the server's. The provider agrees: its import tests ignore exactly these when they
 * compare what they wrote with what the server reads back (terraform-provider-octopusdeploy
 * v1.17.0 octopusdeploy_framework/resource_listening_tentacle_deployment_target_test.go,
 * ImportStateVerifyIgnore: has_latest_calamari, health_status, is_in_process,
 * operating_system, shell_name, shell_version, status, status_summary,
 * tentacle_version_details). Until a health check runs, a server reports "Unknown".
 * `undefined` means not served until a health check reports it.
 */
const SERVER_OWNED: Record<string, JsonObject[string] | undefined> = {
  HealthStatus: "Unknown",
  HasLatestCalamari: true,
  StatusSummary: "",
  IsInProcess: false,
  ShellName: "Unknown",
  ShellVersion: "Unknown",
  OperatingSystem: "Unknown",
  OperatingSystemVersion: undefined,
  Architecture: "Unknown",
};

function serverOwned(doc: JsonObject, existing: JsonObject | undefined): void {
  for (const [key, value] of Object.entries(SERVER_OWNED)) {
    const kept = existing?.[key] ?? value;
    if (kept === undefined) delete doc[key];
    else doc[key] = kept;
  }
}

/**
 * A Tentacle's version details are what its last health check found (OctopusDeploy/docs,
 * octopus-rest-api/examples/deployment-targets/check-for-tentacle-upgrades reads Version,
 * UpgradeSuggested and UpgradeRequired from Endpoint.TentacleVersionDetails): none is known
 * before one runs, whatever a client sends. UpgradeLocked is the one a client sets (the
 * provider's tentacle_version_details block sends it, go-octopusdeploy
 * pkg/machines/tentacle_version_details.go).
 */
function tentacleVersionDetails(endpoint: JsonObject, existing: JsonObject | undefined): void {
  const sent = isObject(endpoint.TentacleVersionDetails) ? endpoint.TentacleVersionDetails : {};
  const before = isObject(existing?.Endpoint) ? existing.Endpoint.TentacleVersionDetails : undefined;
  const server = isObject(before) ? before : {};
  endpoint.TentacleVersionDetails = {
    UpgradeLocked:
      typeof sent.UpgradeLocked === "boolean" ? sent.UpgradeLocked : (server.UpgradeLocked ?? false),
    Version: server.Version ?? null,
    UpgradeSuggested: server.UpgradeSuggested ?? false,
    UpgradeRequired: server.UpgradeRequired ?? false,
  };
}

function normaliseEndpoint(
  doc: JsonObject,
  ctx: EngineContext,
  what: string,
  existing: JsonObject | undefined,
): void {
  const endpoint = doc.Endpoint;
  if (!isObject(endpoint)) throw badRequest(`${what} needs an Endpoint.`);
  const style = String(endpoint.CommunicationStyle);
  if (!COMMUNICATION_STYLES.has(style))
    throw badRequest(`${what} has an unknown CommunicationStyle '${style}'.`);
  endpoint.Id ??= null;
  if (typeof endpoint.AccountId === "string")
    requireRef(ctx, "Accounts", endpoint.AccountId, `${what} account`);
  if (typeof endpoint.ProxyId === "string") requireRef(ctx, "Proxies", endpoint.ProxyId, `${what} proxy`);
  if (typeof endpoint.DefaultWorkerPoolId === "string")
    requireRef(ctx, "WorkerPools", endpoint.DefaultWorkerPoolId, `${what} worker pool`);
  if (typeof endpoint.ClusterCertificate === "string")
    requireRef(ctx, "Certificates", endpoint.ClusterCertificate, `${what} certificate`);
  if (style === "KubernetesTentacle") kubernetesAgent(endpoint, doc, existing, what);
  if (style === "TentaclePassive" || style === "TentacleActive") tentacleVersionDetails(endpoint, existing);
  if (style === "AzureWebApp" || style === "AzureCloudService") azureAccount(ctx, endpoint, style, what);
  if (style === "AzureWebApp") {
    if (!endpoint.WebAppName || !endpoint.ResourceGroupName)
      throw badRequest(`${what} needs a WebAppName and a ResourceGroupName.`);
    endpoint.WebAppSlotName ??= "";
  }
  if (style === "AzureCloudService") {
    if (!endpoint.CloudServiceName || !endpoint.StorageAccountName)
      throw badRequest(`${what} needs a CloudServiceName and a StorageAccountName.`);
    // New-OctopusAzureCloudServiceTarget's defaults (docs: dynamic-infrastructure/azure-cloud-service-target):
    // the staging slot, swap to production, the instance count Azure has.
    endpoint.Slot ??= "Staging";
    endpoint.SwapIfPossible ??= true;
    endpoint.UseCurrentInstanceCount ??= true;
  }
  if (style === "AzureServiceFabricCluster") serviceFabric(endpoint, what);
  if (style === "Ssh") endpoint.Uri = `ssh://${String(endpoint.Host ?? "")}:${String(endpoint.Port ?? 22)}/`;
  if (style === "Kubernetes") endpoint.RunningInContainer ??= false;
  if (style === "OfflineDrop") {
    endpoint.SensitiveVariablesEncryptionPassword ??= { HasValue: false, NewValue: null };
    endpoint.Destination ??= { DestinationType: "Artifact", DropFolderPath: null };
  }
  // Tentacle and SSH endpoints echo the thumbprint and URI on the machine itself too.
  if (typeof endpoint.Thumbprint === "string") doc.Thumbprint = endpoint.Thumbprint;
  if (typeof endpoint.Uri === "string") doc.Uri = endpoint.Uri;
}

/**
 * A Kubernetes agent (KubernetesTentacle): a polling Tentacle in a cluster. Its connection is
 * in TentacleEndpointConfiguration (go-octopusdeploy pkg/machines/tentacle_endpoint_configuration.go:
 * Thumbprint, Uri and CommunicationMode are required, the mode Polling or Listening); the
 * provider (v1.17.0 schema_kubernetes_agent_deployment_target.go) sends UpgradeLocked always and
 * DefaultNamespace when set. KubernetesAgentDetails (agent and Tentacle versions, upgrade status,
 * Helm release, namespace) is the server's: it is filled when the installed agent reports in, so
 * a target registered through the API has none, and what a client sends is ignored.
 */
function kubernetesAgent(
  endpoint: JsonObject,
  doc: JsonObject,
  existing: JsonObject | undefined,
  what: string,
): void {
  const config = endpoint.TentacleEndpointConfiguration;
  if (!isObject(config)) throw badRequest(`${what} needs a TentacleEndpointConfiguration.`);
  if (typeof config.Thumbprint !== "string" || !config.Thumbprint)
    throw badRequest(`${what} needs the agent's certificate Thumbprint.`);
  if (typeof config.Uri !== "string" || !/^poll:\/\/[a-z0-9]+\/?$/i.test(config.Uri))
    throw badRequest(`${what} needs the agent's subscription Uri, poll://<subscription id>/.`);
  config.CommunicationMode ??= "Polling";
  if (config.CommunicationMode !== "Polling" && config.CommunicationMode !== "Listening")
    throw badRequest(`${what} has an unknown CommunicationMode '${String(config.CommunicationMode)}'.`);
  config.CertificateSignatureAlgorithm ??= null;
  endpoint.UpgradeLocked ??= false;
  if (endpoint.DefaultNamespace === "") endpoint.DefaultNamespace = null;
  endpoint.DefaultNamespace ??= null;
  const before = existing?.Endpoint;
  endpoint.KubernetesAgentDetails = isObject(before) ? (before.KubernetesAgentDetails ?? null) : null;
  doc.Thumbprint = config.Thumbprint;
  doc.Uri = config.Uri;
}

/**
 * The account of an Azure target: a web app deploys with an Azure service principal or OIDC
 * account; a cloud service with a management certificate (AzureSubscription) account, as the
 * docs of New-OctopusAzureCloudServiceTarget say ("Must be a Management Certificate Account").
 */
function azureAccount(ctx: EngineContext, endpoint: JsonObject, style: string, what: string): void {
  if (typeof endpoint.AccountId !== "string" || !endpoint.AccountId)
    throw badRequest(`${what} needs an Azure account.`);
  const account = ctx.engine.find("Accounts", ctx.spaceId, endpoint.AccountId);
  const allowed = style === "AzureWebApp" ? ["AzureServicePrincipal", "AzureOidc"] : ["AzureSubscription"];
  if (!allowed.includes(String(account?.AccountType)))
    throw badRequest(`${what} needs an account of type ${allowed.join(" or ")}.`);
}

/**
 * A Service Fabric cluster: its security mode decides what else it needs (go-octopusdeploy
 * pkg/machines/azure_service_fabric_endpoint.go: SecurityMode Unsecure, SecureClientCertificate
 * or SecureAzureAD; AadCredentialType ClientCredential or UserCredential). The user
 * credential's password is a sensitive value, write-only like every other.
 */
function serviceFabric(endpoint: JsonObject, what: string): void {
  if (typeof endpoint.ConnectionEndpoint !== "string" || !endpoint.ConnectionEndpoint)
    throw badRequest(`${what} needs a ConnectionEndpoint.`);
  endpoint.SecurityMode ||= "Unsecure";
  if (!["Unsecure", "SecureClientCertificate", "SecureAzureAD"].includes(String(endpoint.SecurityMode)))
    throw badRequest(`${what} has an unknown SecurityMode '${String(endpoint.SecurityMode)}'.`);
  if (endpoint.AadCredentialType === "") endpoint.AadCredentialType = null;
  if (
    endpoint.AadCredentialType != null &&
    !["ClientCredential", "UserCredential"].includes(String(endpoint.AadCredentialType))
  )
    throw badRequest(`${what} has an unknown AadCredentialType '${String(endpoint.AadCredentialType)}'.`);
  for (const key of [
    "ServerCertThumbprint",
    "ClientCertVariable",
    "CertificateStoreLocation",
    "CertificateStoreName",
    "AadClientCredentialSecret",
    "AadUserCredentialUsername",
    "AadCredentialType",
  ])
    endpoint[key] ??= null;
  endpoint.AadUserCredentialPassword ??= { HasValue: false, NewValue: null };
}

const machineCommon = (ctx: EngineContext): JsonObject => ({
  IsDisabled: false,
  MachinePolicyId: defaultPolicy(ctx),
  SkipInitialHealthCheck: false,
  Thumbprint: null,
  Uri: null,
});

export const machines: ResourceDef = {
  type: "Machines",
  collection: "machines",
  idPrefix: "Machines",
  scope: "space",
  link: "Machines",
  required: ["Name", "Endpoint"],
  fields: TARGET_FIELDS,
  slug: true,
  beforeDelete: (doc, ctx) => forgetScopeValue(ctx, String(doc.Id)),
  defaults: (_doc, ctx) => ({
    ...machineCommon(ctx),
    Roles: [],
    EnvironmentIds: [],
    TenantIds: [],
    TenantTags: [],
    TenantedDeploymentParticipation: "Untenanted",
  }),
  normalise: (doc, ctx, existing) => {
    const what = `Deployment target '${String(doc.Name)}'`;
    serverOwned(doc, existing);
    normaliseEndpoint(doc, ctx, what, existing);
    requireRef(ctx, "MachinePolicies", doc.MachinePolicyId, `${what} machine policy`);
    for (const env of Array.isArray(doc.EnvironmentIds) ? doc.EnvironmentIds : [])
      requireRef(ctx, "Environments", env, `${what} environment`);
    for (const t of Array.isArray(doc.TenantIds) ? doc.TenantIds : [])
      requireRef(ctx, "Tenants", t, `${what} tenant`);
    requireTags(ctx, doc.TenantTags, what);
  },
  filters: {
    roles: (d, v) => v.split(",").some((r) => Array.isArray(d.Roles) && d.Roles.includes(r)),
    environmentIds: (d, v) =>
      v.split(",").some((e) => Array.isArray(d.EnvironmentIds) && d.EnvironmentIds.includes(e)),
    isDisabled: (d, v) => String(d.IsDisabled === true) === v.toLowerCase(),
    commStyles: (d, v) =>
      v.split(",").includes(String((d.Endpoint as JsonObject | null)?.CommunicationStyle)),
    tenantIds: (d, v) => v.split(",").some((t) => Array.isArray(d.TenantIds) && d.TenantIds.includes(t)),
    tenantTags: (d, v) => v.split(",").some((t) => Array.isArray(d.TenantTags) && d.TenantTags.includes(t)),
    thumbprint: (d, v) => d.Thumbprint === v,
    healthStatuses: (d, v) => v.split(",").includes(String(d.HealthStatus)),
    shellNames: (d, v) => v.split(",").includes(String(d.ShellName)),
    deploymentTargetTypes: (d, v) =>
      v.split(",").includes(String((d.Endpoint as JsonObject | null)?.CommunicationStyle)),
  },
  links: (_doc, self) => ({ Connection: `${self}/connection`, TasksTemplate: `${self}/tasks{?skip,take}` }),
};

export const workers: ResourceDef = {
  type: "Workers",
  collection: "workers",
  idPrefix: "Workers",
  scope: "space",
  link: "Workers",
  required: ["Name", "Endpoint"],
  fields: WORKER_FIELDS,
  slug: true,
  defaults: (_doc, ctx) => ({ ...machineCommon(ctx), WorkerPoolIds: [] }),
  normalise: (doc, ctx, existing) => {
    const what = `Worker '${String(doc.Name)}'`;
    serverOwned(doc, existing);
    normaliseEndpoint(doc, ctx, what, existing);
    requireRef(ctx, "MachinePolicies", doc.MachinePolicyId, `${what} machine policy`);
    const pools = Array.isArray(doc.WorkerPoolIds) ? doc.WorkerPoolIds : [];
    if (pools.length === 0) throw badRequest(`${what} must belong to at least one worker pool.`);
    for (const pool of pools) {
      requireRef(ctx, "WorkerPools", pool, `${what} worker pool`);
      const p = ctx.engine.find("WorkerPools", ctx.spaceId, String(pool));
      if (p?.WorkerPoolType === "DynamicWorkerPool")
        throw badRequest(`${what} cannot join the dynamic worker pool '${String(p.Name)}'.`);
    }
  },
  filters: {
    workerPoolIds: (d, v) =>
      v.split(",").some((p) => Array.isArray(d.WorkerPoolIds) && d.WorkerPoolIds.includes(p)),
    isDisabled: (d, v) => String(d.IsDisabled === true) === v.toLowerCase(),
    commStyles: (d, v) =>
      v.split(",").includes(String((d.Endpoint as JsonObject | null)?.CommunicationStyle)),
    thumbprint: (d, v) => d.Thumbprint === v,
    healthStatuses: (d, v) => v.split(",").includes(String(d.HealthStatus)),
    shellNames: (d, v) => v.split(",").includes(String(d.ShellName)),
  },
  links: (_doc, self) => ({ Connection: `${self}/connection` }),
};
