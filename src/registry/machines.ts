import type { DocType, IdField } from "./descriptor.js";

/** Deployment targets and workers: machines whose endpoint says how Octopus reaches them. */

/** IDs an endpoint holds, for targets and workers alike. */
const ENDPOINT_IDS: readonly IdField[] = [
  { path: "MachinePolicyId", to: "MachinePolicies" },
  { path: "Endpoint.AccountId", to: "Accounts" },
  { path: "Endpoint.Authentication.AccountId", to: "Accounts" },
  { path: "Endpoint.Authentication.ClientCertificate", to: "Certificates" },
  { path: "Endpoint.ClusterCertificate", to: "Certificates" },
  { path: "Endpoint.DefaultWorkerPoolId", to: "WorkerPools" },
  { path: "Endpoint.ProxyId", to: "Proxies" },
  { path: "Endpoint.Container.FeedId", to: "Feeds" },
];

export const machines: DocType = {
  type: "Machines",
  label: "deployment targets",
  singular: "deployment target",
  klass: "space",
  read: { kind: "collection", path: "machines", scope: "space" },
  identity: "name",
  family: { name: "targets" },
  lookup: { data: "octopusdeploy_deployment_targets", collection: "deployment_targets", exactName: true },
  resources: {
    octopusdeploy_azure_cloud_service_deployment_target: "document",
    octopusdeploy_azure_service_fabric_cluster_deployment_target: "document",
    octopusdeploy_azure_web_app_deployment_target: "document",
    octopusdeploy_cloud_region_deployment_target: "document",
    octopusdeploy_kubernetes_agent_deployment_target: "document",
    octopusdeploy_kubernetes_cluster_deployment_target: "document",
    octopusdeploy_listening_tentacle_deployment_target: "document",
    octopusdeploy_offline_package_drop_deployment_target: "document",
    octopusdeploy_polling_tentacle_deployment_target: "document",
    octopusdeploy_ssh_connection_deployment_target: "document",
  },
  ignoredBy: "ignoreMachines",
  // An offline package drop's password for the sensitive variables it writes; a Service
  // Fabric cluster's Azure AD user password.
  secrets: [
    { path: "Endpoint.SensitiveVariablesEncryptionPassword" },
    { path: "Endpoint.AadUserCredentialPassword" },
    // Sent and returned as text (go-octopusdeploy AzureServiceFabricEndpoint), but a secret all the same.
    { path: "Endpoint.AadClientCredentialSecret" },
  ],
  ids: [
    { path: "EnvironmentIds[]", to: "Environments" },
    { path: "TenantIds[]", to: "Tenants" },
    ...ENDPOINT_IDS,
  ],
};

export const workers: DocType = {
  type: "Workers",
  label: "workers",
  singular: "worker",
  klass: "space",
  read: { kind: "collection", path: "workers", scope: "space" },
  identity: "name",
  family: { name: "workers" },
  lookup: { data: "octopusdeploy_workers", collection: "workers", exactName: true },
  resources: {
    octopusdeploy_kubernetes_agent_worker: "document",
    octopusdeploy_listening_tentacle_worker: "document",
    octopusdeploy_ssh_connection_worker: "document",
  },
  ignoredBy: "ignoreMachines",
  ids: [{ path: "WorkerPoolIds[]", to: "WorkerPools" }, ...ENDPOINT_IDS],
};
