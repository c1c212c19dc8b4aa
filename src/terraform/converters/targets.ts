import { type Endpoint, type Part, typedDoc } from "../../graph/documents.js";
import type { GraphNode } from "../../graph/graph.js";
import { readNumber } from "../../octopus/schemas.js";
import type { EmitContext } from "../emit.js";
import { attr, type BodyItem, block, bool, num, str, tuple } from "../hcl/model.js";
import {
  byName,
  type Converter,
  hasSecret,
  optBool,
  optExpr,
  optList,
  optNumber,
  optString,
} from "./converter.js";

/** Deployment targets and workers: the provider resource follows the endpoint's communication style. */

const TARGETS: Record<string, string> = {
  TentaclePassive: "octopusdeploy_listening_tentacle_deployment_target",
  TentacleActive: "octopusdeploy_polling_tentacle_deployment_target",
  Ssh: "octopusdeploy_ssh_connection_deployment_target",
  Kubernetes: "octopusdeploy_kubernetes_cluster_deployment_target",
  None: "octopusdeploy_cloud_region_deployment_target",
  OfflineDrop: "octopusdeploy_offline_package_drop_deployment_target",
  KubernetesTentacle: "octopusdeploy_kubernetes_agent_deployment_target",
  AzureWebApp: "octopusdeploy_azure_web_app_deployment_target",
  AzureCloudService: "octopusdeploy_azure_cloud_service_deployment_target",
  AzureServiceFabricCluster: "octopusdeploy_azure_service_fabric_cluster_deployment_target",
};

const WORKERS: Record<string, string> = {
  TentaclePassive: "octopusdeploy_listening_tentacle_worker",
  Ssh: "octopusdeploy_ssh_connection_worker",
  KubernetesTentacle: "octopusdeploy_kubernetes_agent_worker",
};

/** A target's or worker's endpoint (both types' schemas describe it alike). */
const endpoint = (node: GraphNode): Endpoint =>
  typedDoc(node, node.type === "Workers" ? "Workers" : "Machines").Endpoint ?? {};

const style = (node: GraphNode) => String(endpoint(node).CommunicationStyle ?? "");

/** Endpoint attributes shared by targets and workers of the same style. */
function endpointAttributes(node: GraphNode, ctx: EmitContext, what: string): BodyItem[] {
  const e = endpoint(node);
  switch (style(node)) {
    case "TentaclePassive":
    case "TentacleActive":
      return [
        attr("tentacle_url", str(String(e.Uri ?? ""))),
        attr("thumbprint", str(String(e.Thumbprint ?? ""))),
        ...optString("certificate_signature_algorithm", e.CertificateSignatureAlgorithm),
        ...(style(node) === "TentaclePassive"
          ? optExpr("proxy_id", ctx.ref(e.ProxyId, `${what} proxy`, { optional: true }))
          : []),
      ];
    case "Ssh":
      return [
        attr("host", str(String(e.Host ?? ""))),
        attr("port", num(Number(e.Port ?? 22))),
        attr("fingerprint", str(String(e.Fingerprint ?? ""))),
        ...optExpr("account_id", ctx.ref(e.AccountId, `${what} account`)),
        ...optString("dot_net_core_platform", e.DotNetCorePlatform),
        ...optExpr("proxy_id", ctx.ref(e.ProxyId, `${what} proxy`, { optional: true })),
      ];
    default:
      return [];
  }
}

function kubernetes(node: GraphNode, ctx: EmitContext, what: string): BodyItem[] {
  const e = endpoint(node);
  const a: Part<Endpoint["Authentication"]> = e.Authentication ?? {};
  const account = () => ctx.ref(a.AccountId, `${what} account`);
  const out: BodyItem[] = [
    attr("cluster_url", str(String(e.ClusterUrl ?? ""))),
    ...optString("namespace", e.Namespace),
    ...(typeof e.SkipTlsVerification === "string" || typeof e.SkipTlsVerification === "boolean"
      ? [attr("skip_tls_verification", bool(String(e.SkipTlsVerification).toLowerCase() === "true"))]
      : []),
    ...optExpr(
      "default_worker_pool_id",
      ctx.ref(e.DefaultWorkerPoolId, `${what} worker pool`, { optional: true }),
    ),
    ...optExpr(
      "cluster_certificate",
      ctx.ref(e.ClusterCertificate, `${what} cluster certificate`, { optional: true }),
    ),
    ...optString("cluster_certificate_path", e.ClusterCertificatePath),
    ...optExpr("proxy_id", ctx.ref(e.ProxyId, `${what} proxy`, { optional: true })),
    ...optBool("running_in_container", e.RunningInContainer),
  ];
  const container = e.Container ?? null;
  if (container && (container.Image || container.FeedId)) {
    out.push(
      block(
        "container",
        [],
        [
          ...optString("image", container.Image),
          ...optExpr("feed_id", ctx.ref(container.FeedId, `${what} container feed`, { optional: true })),
        ],
      ),
    );
  }
  switch (a.AuthenticationType) {
    case "KubernetesStandard":
      out.push(block("authentication", [], optExpr("account_id", account())));
      break;
    case "KubernetesAzure":
      out.push(
        block(
          "azure_service_principal_authentication",
          [],
          [
            ...optExpr("account_id", account()),
            attr("cluster_name", str(String(a.ClusterName ?? ""))),
            attr("cluster_resource_group", str(String(a.ClusterResourceGroup ?? ""))),
            ...optBool("admin_login", a.AdminLogin === "True" || a.AdminLogin === true ? true : undefined),
          ],
        ),
      );
      break;
    case "KubernetesAws":
      out.push(
        block(
          "aws_account_authentication",
          [],
          [
            ...optExpr("account_id", account()),
            attr("cluster_name", str(String(a.ClusterName ?? ""))),
            ...optBool("assume_role", a.AssumeRole),
            ...optString("assumed_role_arn", a.AssumedRoleArn),
            ...optString("assumed_role_session", a.AssumedRoleSession),
            ...optString("assume_role_external_id", a.AssumeRoleExternalId),
            ...(readNumber(a.AssumeRoleSessionDurationSeconds)
              ? optNumber("assume_role_session_duration", a.AssumeRoleSessionDurationSeconds)
              : []),
            ...optBool("use_instance_role", a.UseInstanceRole),
          ],
        ),
      );
      break;
    case "KubernetesGoogleCloud":
      out.push(
        block(
          "gcp_account_authentication",
          [],
          [
            ...optExpr("account_id", account()),
            attr("cluster_name", str(String(a.ClusterName ?? ""))),
            attr("project", str(String(a.Project ?? ""))),
            ...optBool("impersonate_service_account", a.ImpersonateServiceAccount),
            ...optString("region", a.Region),
            ...optString("service_account_emails", a.ServiceAccountEmails),
            ...optBool("use_vm_service_account", a.UseVmServiceAccount),
            ...optString("zone", a.Zone),
          ],
        ),
      );
      break;
    case "KubernetesCertificate":
      out.push(
        block(
          "certificate_authentication",
          [],
          optExpr("client_certificate", ctx.ref(a.ClientCertificate, `${what} client certificate`)),
        ),
      );
      break;
    case "KubernetesPodService":
      out.push(block("pod_authentication", [], [attr("token_path", str(String(a.TokenPath ?? "")))]));
      break;
    default:
      ctx.warn(`Kubernetes authentication ${String(a.AuthenticationType)} is not exported; set it by hand`);
  }
  return out;
}

/**
 * A Kubernetes agent's registration: the certificate thumbprint and polling subscription its
 * agent was installed with (provider v1.17.0 schema_kubernetes_agent_deployment_target.go and
 * schema_kubernetes_agent_worker.go; go-octopusdeploy's TentacleEndpointConfiguration). The
 * provider makes the registration only: the agent in the cluster keeps polling the server it
 * was installed against, hence the warning.
 */
function kubernetesAgent(node: GraphNode, ctx: EmitContext, kind: "target" | "worker"): BodyItem[] {
  const e = endpoint(node);
  const config: Part<Endpoint["TentacleEndpointConfiguration"]> = e.TentacleEndpointConfiguration ?? {};
  const mode = String(config.CommunicationMode ?? "Polling");
  if (mode !== "Polling")
    ctx.warn(
      `its agent communicates in ${mode} mode, which provider v1.17.0 cannot set; it is written as Polling`,
    );
  ctx.warn(
    `a Kubernetes agent ${kind}: the destination gets its registration (thumbprint and polling subscription), ` +
      "but the agent in its cluster still polls the source; upgrade the agent's Helm release to the destination's " +
      "server URL and thumbprint, or install a new agent against the destination and remove this registration",
  );
  return [
    attr("thumbprint", str(String(config.Thumbprint ?? ""))),
    attr("uri", str(String(config.Uri ?? ""))),
    ...(kind === "target" ? optString("default_namespace", e.DefaultNamespace) : []),
    ...(e.UpgradeLocked === true ? [attr("upgrade_locked", bool(true))] : []),
  ];
}

/** Azure web app, cloud service and Service Fabric targets (provider v1.17.0 schema_azure_*_deployment_target.go). */
function azure(node: GraphNode, ctx: EmitContext, what: string): BodyItem[] {
  const e = endpoint(node);
  const account = () => ctx.ref(e.AccountId, `${what} account`);
  switch (style(node)) {
    case "AzureWebApp":
      // The provider's web app target has no default worker pool (its expand never sets one).
      if (typeof e.DefaultWorkerPoolId === "string" && e.DefaultWorkerPoolId)
        ctx.warn(
          `its default worker pool cannot be set through provider v1.17.0; set it on the destination's target by hand`,
        );
      return [
        ...optExpr("account_id", account()),
        attr("resource_group_name", str(String(e.ResourceGroupName ?? ""))),
        attr("web_app_name", str(String(e.WebAppName ?? ""))),
        ...optString("web_app_slot_name", e.WebAppSlotName),
      ];
    case "AzureCloudService":
      return [
        ...optExpr("account_id", account()),
        attr("cloud_service_name", str(String(e.CloudServiceName ?? ""))),
        attr("storage_account_name", str(String(e.StorageAccountName ?? ""))),
        ...optString("slot", e.Slot),
        ...optBool("swap_if_possible", e.SwapIfPossible),
        ...optBool("use_current_instance_count", e.UseCurrentInstanceCount),
        ...optExpr(
          "default_worker_pool_id",
          ctx.ref(e.DefaultWorkerPoolId, `${what} worker pool`, { optional: true }),
        ),
      ];
    default: {
      const out: BodyItem[] = [
        attr("connection_endpoint", str(String(e.ConnectionEndpoint ?? ""))),
        ...optString("security_mode", e.SecurityMode),
        ...optString("server_certificate_thumbprint", e.ServerCertThumbprint),
        ...optString("client_certificate_variable", e.ClientCertVariable),
        ...optString("certificate_store_location", e.CertificateStoreLocation),
        ...optString("certificate_store_name", e.CertificateStoreName),
        ...optString("aad_credential_type", e.AadCredentialType),
        ...optString("aad_user_credential_username", e.AadUserCredentialUsername),
      ];
      if (typeof e.AadClientCredentialSecret === "string" && e.AadClientCredentialSecret)
        out.push(
          attr(
            "aad_client_credential_secret",
            ctx.secret("aad_client_credential_secret", "password", `Azure AD client secret of ${what}`, {
              path: "Endpoint.AadClientCredentialSecret",
            }),
          ),
        );
      if (hasSecret(e.AadUserCredentialPassword))
        out.push(
          attr(
            "aad_user_credential_password",
            ctx.secret("aad_user_credential_password", "password", `Azure AD user password of ${what}`, {
              path: "Endpoint.AadUserCredentialPassword",
            }),
          ),
        );
      return out;
    }
  }
}

export const machines: Converter = {
  types: ["Machines"],
  file: "deployment_targets.tf",
  primary: (node) => TARGETS[style(node)],
  emit(node, ctx) {
    const d = typedDoc(node, "Machines");
    const type = TARGETS[style(node)];
    if (!type) {
      ctx.warn(`deployment targets of style ${style(node)} are not exported yet; register it by hand`);
      return;
    }
    const what = `deployment target "${node.name}"`;
    const e: Endpoint = d.Endpoint ?? {};
    const body: BodyItem[] = [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      attr("environments", tuple(ctx.refs(byName(ctx, d.EnvironmentIds), `${what} environments`))),
      attr("roles", tuple([...(d.Roles ?? [])].sort().map(str))),
      ...optExpr("machine_policy_id", ctx.ref(d.MachinePolicyId, `${what} machine policy`)),
      ...optBool("is_disabled", d.IsDisabled),
      ...optString("tenanted_deployment_participation", d.TenantedDeploymentParticipation),
      ...optList("tenants", ctx.refs(byName(ctx, d.TenantIds), `${what} tenants`)),
      ...optList("tenant_tags", ctx.tags(d.TenantTags, `${what} tenant tags`)),
      ...endpointAttributes(node, ctx, what),
    ];
    if (style(node) === "Kubernetes") body.push(...kubernetes(node, ctx, what));
    if (style(node) === "KubernetesTentacle") body.push(...kubernetesAgent(node, ctx, "target"));
    if (style(node).startsWith("Azure")) body.push(...azure(node, ctx, what));
    if (style(node) === "None") {
      body.push(
        ...optExpr(
          "default_worker_pool_id",
          ctx.ref(e.DefaultWorkerPoolId, `${what} worker pool`, { optional: true }),
        ),
      );
    }
    if (style(node) === "OfflineDrop") {
      const dest: Part<Endpoint["Destination"]> = e.Destination ?? {};
      body.push(
        attr("applications_directory", str(String(e.ApplicationsDirectory ?? ""))),
        attr("working_directory", str(String(e.OctopusWorkingDirectory ?? ""))),
        block(
          "destination",
          [],
          [
            ...optString("destination_type", dest.DestinationType),
            ...optString("drop_folder_path", dest.DropFolderPath),
          ],
        ),
      );
    }
    ctx.resource(this.file, type, node.name, body);
  },
};

export const workers: Converter = {
  types: ["Workers"],
  file: "workers.tf",
  primary: (node) => WORKERS[style(node)],
  emit(node, ctx) {
    const d = typedDoc(node, "Workers");
    const type = WORKERS[style(node)];
    if (!type) {
      ctx.warn(`workers of style ${style(node)} are not exported yet; register it by hand`);
      return;
    }
    const what = `worker "${node.name}"`;
    const e: Endpoint = d.Endpoint ?? {};
    const body: BodyItem[] = [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      attr("worker_pool_ids", tuple(ctx.refs(byName(ctx, d.WorkerPoolIds), `${what} pools`))),
      ...optExpr("machine_policy_id", ctx.ref(d.MachinePolicyId, `${what} machine policy`)),
      ...optBool("is_disabled", d.IsDisabled),
    ];
    if (style(node) === "KubernetesTentacle") {
      body.push(...kubernetesAgent(node, ctx, "worker"));
    } else if (style(node) === "TentaclePassive") {
      body.push(attr("uri", str(String(e.Uri ?? ""))), attr("thumbprint", str(String(e.Thumbprint ?? ""))));
      body.push(...optExpr("proxy_id", ctx.ref(e.ProxyId, `${what} proxy`, { optional: true })));
    } else {
      body.push(
        attr("host", str(String(e.Host ?? ""))),
        attr("port", num(Number(e.Port ?? 22))),
        attr("fingerprint", str(String(e.Fingerprint ?? ""))),
        ...optExpr("account_id", ctx.ref(e.AccountId, `${what} account`)),
        attr("dotnet_platform", str(String(e.DotNetCorePlatform ?? "linux-x64"))),
        ...optExpr("proxy_id", ctx.ref(e.ProxyId, `${what} proxy`, { optional: true })),
      );
    }
    ctx.resource(this.file, type, node.name, body);
  },
};
