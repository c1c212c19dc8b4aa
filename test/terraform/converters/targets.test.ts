import { describe, expect, it } from "vitest";
import * as targets from "../../../src/terraform/converters/targets.js";
import { filtersFrom } from "../../../src/terraform/families.js";
import { convert, type Documents, itWritesEveryResourceType } from "../../helpers/convert.js";

/** Deployment targets and workers (src/terraform/converters/targets.ts): a tiny space in, blocks out. */

const SPACE_ID = "${var.octopus_space_id}";

/** What targets refer to: environments, a policy, an account, a proxy, a pool, a certificate, a feed. */
const AROUND: Documents = {
  Environments: [
    { Id: "Environments-1", Name: "Test" },
    { Id: "Environments-2", Name: "Production" },
  ],
  MachinePolicies: [
    { Id: "MachinePolicies-1", Name: "Default Machine Policy", IsDefault: true },
    { Id: "MachinePolicies-2", Name: "Linux" },
  ],
  Accounts: [
    { Id: "Accounts-1", Name: "Deployer", AccountType: "UsernamePassword", Username: "deploy" },
    { Id: "Accounts-2", Name: "Cloud", AccountType: "Token", Token: { HasValue: true } },
    { Id: "Accounts-3", Name: "Azure", AccountType: "AzureServicePrincipal", ClientId: "app" },
    { Id: "Accounts-4", Name: "Classic", AccountType: "AzureSubscription", SubscriptionNumber: "sub" },
  ],
  Proxies: [{ Id: "Proxies-1", Name: "Corporate", Host: "proxy", Username: "u" }],
  WorkerPools: [{ Id: "WorkerPools-2", Name: "Builders", WorkerPoolType: "StaticWorkerPool" }],
  Certificates: [{ Id: "Certificates-1", Name: "Cluster CA", CertificateData: { HasValue: true } }],
  Feeds: [{ Id: "Feeds-2", Name: "Docker Hub", FeedType: "Docker", FeedUri: "https://index.docker.io" }],
};

function target(endpoint: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    Id: "Machines-1",
    Name: "web01",
    EnvironmentIds: ["Environments-1", "Environments-2"],
    Roles: ["web", "api"],
    MachinePolicyId: "MachinePolicies-2",
    Endpoint: endpoint,
    ...extra,
  };
}

/** What every target writes the same way, with the settings of `target`. */
const COMMON = {
  space_id: SPACE_ID,
  name: "web01",
  environments: ["${octopusdeploy_environment.production.id}", "${octopusdeploy_environment.test.id}"],
  roles: ["api", "web"],
  machine_policy_id: "${octopusdeploy_machine_policy.linux.id}",
};

describe("deployment targets", () => {
  it("with --exclude-targets-with-no-environments, leaves out a target whose environments are all left out", async () => {
    const endpoint = { CommunicationStyle: "TentaclePassive", Uri: "https://x:10933/", Thumbprint: "ABC" };
    const out = convert(
      {
        ...AROUND,
        Machines: [
          target(endpoint),
          { ...target(endpoint), Id: "Machines-2", Name: "test01", EnvironmentIds: ["Environments-1"] },
        ],
      },
      {
        filters: filtersFrom({ "exclude-environments": ["Test"] }),
        excludeTargetsWithNoEnvironments: true,
      },
    );
    const written = await out.resources("octopusdeploy_listening_tentacle_deployment_target");
    expect(Object.values(written).map((t) => t.name)).toEqual(["web01"]);
  });

  it("writes a listening tentacle, with its proxy", async () => {
    const out = convert({
      ...AROUND,
      Machines: [
        target({
          CommunicationStyle: "TentaclePassive",
          Uri: "https://web01:10933/",
          Thumbprint: "ABC",
          CertificateSignatureAlgorithm: "sha256RSA",
          ProxyId: "Proxies-1",
        }),
      ],
    });
    expect(await out.resource("octopusdeploy_listening_tentacle_deployment_target")).toEqual({
      ...COMMON,
      tentacle_url: "https://web01:10933/",
      thumbprint: "ABC",
      certificate_signature_algorithm: "sha256RSA",
      proxy_id: "${octopusdeploy_machine_proxy.corporate.id}",
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a polling tentacle, without a proxy", async () => {
    const out = convert({
      ...AROUND,
      Machines: [
        target(
          {
            CommunicationStyle: "TentacleActive",
            Uri: "poll://abc/",
            Thumbprint: "DEF",
            ProxyId: "Proxies-1",
          },
          { IsDisabled: true },
        ),
      ],
    });
    expect(await out.resource("octopusdeploy_polling_tentacle_deployment_target")).toEqual({
      ...COMMON,
      is_disabled: true,
      tentacle_url: "poll://abc/",
      thumbprint: "DEF",
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes an SSH target with its account, port and platform", async () => {
    const out = convert({
      ...AROUND,
      Machines: [
        target({
          CommunicationStyle: "Ssh",
          Host: "db01",
          Fingerprint: "SHA256:x",
          AccountId: "Accounts-1",
          DotNetCorePlatform: "linux-x64",
        }),
      ],
    });
    expect(await out.resource("octopusdeploy_ssh_connection_deployment_target")).toEqual({
      ...COMMON,
      host: "db01",
      // No port in the document: 22.
      port: 22,
      fingerprint: "SHA256:x",
      account_id: "${octopusdeploy_username_password_account.deployer.id}",
      dot_net_core_platform: "linux-x64",
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a cloud region with its default worker pool", async () => {
    const out = convert({
      ...AROUND,
      Machines: [target({ CommunicationStyle: "None", DefaultWorkerPoolId: "WorkerPools-2" })],
    });
    expect(await out.resource("octopusdeploy_cloud_region_deployment_target")).toEqual({
      ...COMMON,
      default_worker_pool_id: "${octopusdeploy_static_worker_pool.builders.id}",
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes an offline package drop with its destination", async () => {
    const out = convert({
      ...AROUND,
      Machines: [
        target({
          CommunicationStyle: "OfflineDrop",
          ApplicationsDirectory: "C:\\Apps",
          OctopusWorkingDirectory: "C:\\Work",
          Destination: { DestinationType: "FileSystem", DropFolderPath: "\\\\share\\drop" },
        }),
      ],
    });
    expect(await out.resource("octopusdeploy_offline_package_drop_deployment_target")).toEqual({
      ...COMMON,
      applications_directory: "C:\\Apps",
      working_directory: "C:\\Work",
      destination: [{ destination_type: "FileSystem", drop_folder_path: "\\\\share\\drop" }],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes tenants and tenant tags of a tenanted target", async () => {
    const out = convert({
      ...AROUND,
      TagSets: [{ Id: "TagSets-1", Name: "Tier", Tags: [{ Id: "Tags-1", Name: "Gold" }] }],
      Tenants: [
        { Id: "Tenants-2", Name: "Zeta" },
        { Id: "Tenants-1", Name: "Acme" },
      ],
      Machines: [
        target(
          { CommunicationStyle: "None" },
          {
            TenantedDeploymentParticipation: "Tenanted",
            TenantIds: ["Tenants-2", "Tenants-1"],
            TenantTags: ["Tier/Gold"],
          },
        ),
      ],
    });
    expect(await out.resource("octopusdeploy_cloud_region_deployment_target")).toMatchObject({
      tenanted_deployment_participation: "Tenanted",
      tenants: ["${octopusdeploy_tenant.acme.id}", "${octopusdeploy_tenant.zeta.id}"],
      tenant_tags: ["${octopusdeploy_tag.tier_gold.canonical_tag_name}"],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("looks up the default machine policy by name", async () => {
    const out = convert({
      ...AROUND,
      Machines: [target({ CommunicationStyle: "None" }, { MachinePolicyId: "MachinePolicies-1" })],
    });
    expect((await out.resource("octopusdeploy_cloud_region_deployment_target")).machine_policy_id).toBe(
      "${local.machine_policy_default_machine_policy_id}",
    );
    expect(Object.keys(await out.data("octopusdeploy_machine_policies"))).toEqual(["default_machine_policy"]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("warns of target styles it cannot write", async () => {
    const out = convert({
      ...AROUND,
      Machines: [target({ CommunicationStyle: "StepPackage" })],
    });
    expect(out.manifest.resources.filter((r) => r.sourceType === "Machines")).toEqual([]);
    expect(out.warnings).toEqual([
      'deployment target "web01" deployment targets of style StepPackage are not exported yet; register it by hand',
    ]);
  });
});

describe("Kubernetes agents", () => {
  const AGENT = {
    CommunicationStyle: "KubernetesTentacle",
    TentacleEndpointConfiguration: {
      CommunicationMode: "Polling",
      Thumbprint: "96203ED84246201C26A2F4360D7CBC36AC1D232D",
      Uri: "poll://kcxzcv2fpsxkn6tk9u6d/",
    },
    UpgradeLocked: true,
    DefaultNamespace: "apps",
    // The server's: what the installed agent reported. Never written.
    KubernetesAgentDetails: { AgentVersion: "2.1.0", UpgradeStatus: "NoUpgrades" },
  };
  const WARNING =
    "a Kubernetes agent target: the destination gets its registration (thumbprint and polling subscription), " +
    "but the agent in its cluster still polls the source; upgrade the agent's Helm release to the destination's " +
    "server URL and thumbprint, or install a new agent against the destination and remove this registration";

  it("writes a target's registration, and warns that the agent must be pointed at the destination", async () => {
    const out = convert({ ...AROUND, Machines: [target(AGENT)] });
    expect(await out.resource("octopusdeploy_kubernetes_agent_deployment_target")).toEqual({
      ...COMMON,
      thumbprint: "96203ED84246201C26A2F4360D7CBC36AC1D232D",
      uri: "poll://kcxzcv2fpsxkn6tk9u6d/",
      default_namespace: "apps",
      upgrade_locked: true,
    });
    expect(out.warnings).toEqual([`deployment target "web01" ${WARNING}`]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("leaves out an unlocked agent's upgrade_locked and a missing namespace", async () => {
    const out = convert({
      ...AROUND,
      Machines: [target({ ...AGENT, UpgradeLocked: false, DefaultNamespace: null })],
    });
    const written = await out.resource("octopusdeploy_kubernetes_agent_deployment_target");
    expect(written).not.toHaveProperty("upgrade_locked");
    expect(written).not.toHaveProperty("default_namespace");
  });

  it("writes a worker's registration, with its pools", async () => {
    const out = convert({
      ...AROUND,
      Workers: [
        {
          Id: "Workers-1",
          Name: "agent01",
          WorkerPoolIds: ["WorkerPools-2"],
          MachinePolicyId: "MachinePolicies-2",
          Endpoint: { ...AGENT, DefaultNamespace: null },
        },
      ],
    });
    expect(await out.resource("octopusdeploy_kubernetes_agent_worker")).toEqual({
      space_id: SPACE_ID,
      name: "agent01",
      worker_pool_ids: ["${octopusdeploy_static_worker_pool.builders.id}"],
      machine_policy_id: "${octopusdeploy_machine_policy.linux.id}",
      thumbprint: "96203ED84246201C26A2F4360D7CBC36AC1D232D",
      uri: "poll://kcxzcv2fpsxkn6tk9u6d/",
      upgrade_locked: true,
    });
    expect(out.warnings).toEqual([`worker "agent01" ${WARNING.replace("agent target", "agent worker")}`]);
    expect(await out.schemaProblems()).toEqual([]);
  });
});

describe("Azure targets", () => {
  it("writes a web app, and warns of a default worker pool the provider cannot set", async () => {
    const out = convert({
      ...AROUND,
      Machines: [
        target({
          CommunicationStyle: "AzureWebApp",
          AccountId: "Accounts-3",
          ResourceGroupName: "rg",
          WebAppName: "shop",
          WebAppSlotName: "staging",
          DefaultWorkerPoolId: "WorkerPools-2",
        }),
      ],
    });
    expect(await out.resource("octopusdeploy_azure_web_app_deployment_target")).toEqual({
      ...COMMON,
      account_id: "${octopusdeploy_azure_service_principal.azure.id}",
      resource_group_name: "rg",
      web_app_name: "shop",
      web_app_slot_name: "staging",
    });
    expect(out.warnings).toEqual([
      'deployment target "web01" its default worker pool cannot be set through provider v1.17.0; set it on the destination\'s target by hand',
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a cloud service with its management certificate account and pool", async () => {
    const out = convert({
      ...AROUND,
      Machines: [
        target({
          CommunicationStyle: "AzureCloudService",
          AccountId: "Accounts-4",
          CloudServiceName: "legacy",
          StorageAccountName: "store",
          Slot: "Staging",
          SwapIfPossible: true,
          UseCurrentInstanceCount: false,
          DefaultWorkerPoolId: "WorkerPools-2",
        }),
      ],
    });
    expect(await out.resource("octopusdeploy_azure_cloud_service_deployment_target")).toEqual({
      ...COMMON,
      account_id: "${octopusdeploy_azure_subscription_account.classic.id}",
      cloud_service_name: "legacy",
      storage_account_name: "store",
      slot: "Staging",
      swap_if_possible: true,
      use_current_instance_count: false,
      default_worker_pool_id: "${octopusdeploy_static_worker_pool.builders.id}",
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a Service Fabric cluster, its Azure AD password and client secret as inputs", async () => {
    const out = convert({
      ...AROUND,
      Machines: [
        target({
          CommunicationStyle: "AzureServiceFabricCluster",
          ConnectionEndpoint: "sf.example.com:19000",
          SecurityMode: "SecureAzureAD",
          ServerCertThumbprint: "ABCDEF",
          AadCredentialType: "UserCredential",
          AadUserCredentialUsername: "deployer",
          AadUserCredentialPassword: { HasValue: true, NewValue: null },
          AadClientCredentialSecret: "client-secret",
          ClientCertVariable: null,
        }),
      ],
    });
    expect(await out.resource("octopusdeploy_azure_service_fabric_cluster_deployment_target")).toEqual({
      ...COMMON,
      connection_endpoint: "sf.example.com:19000",
      security_mode: "SecureAzureAD",
      server_certificate_thumbprint: "ABCDEF",
      aad_credential_type: "UserCredential",
      aad_user_credential_username: "deployer",
      aad_client_credential_secret: "${var.deployment_target_web01_aad_client_credential_secret}",
      aad_user_credential_password: "${var.deployment_target_web01_aad_user_credential_password}",
    });
    expect(out.secrets.filter((s) => s.sourceId === "Machines-1").map((s) => [s.variable, s.path])).toEqual([
      ["deployment_target_web01_aad_client_credential_secret", "Endpoint.AadClientCredentialSecret"],
      ["deployment_target_web01_aad_user_credential_password", "Endpoint.AadUserCredentialPassword"],
    ]);
    expect(JSON.stringify(out.files)).not.toContain("client-secret");
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes an unsecured cluster without credentials", async () => {
    const out = convert({
      ...AROUND,
      Machines: [
        target({
          CommunicationStyle: "AzureServiceFabricCluster",
          ConnectionEndpoint: "sf:19000",
          SecurityMode: "Unsecure",
          AadUserCredentialPassword: { HasValue: false, NewValue: null },
        }),
      ],
    });
    expect(await out.resource("octopusdeploy_azure_service_fabric_cluster_deployment_target")).toEqual({
      ...COMMON,
      connection_endpoint: "sf:19000",
      security_mode: "Unsecure",
    });
    expect(out.secrets.filter((s) => s.sourceId === "Machines-1")).toEqual([]);
  });
});

describe("Kubernetes targets", () => {
  const cluster = (authentication: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    ...AROUND,
    Machines: [
      target({
        CommunicationStyle: "Kubernetes",
        ClusterUrl: "https://k8s.example.com",
        Authentication: authentication,
        ...extra,
      }),
    ],
  });
  const K8S = "octopusdeploy_kubernetes_cluster_deployment_target";

  it("writes the cluster's settings, container and certificate", async () => {
    const out = convert(
      cluster(
        { AuthenticationType: "KubernetesStandard", AccountId: "Accounts-2" },
        {
          Namespace: "web",
          SkipTlsVerification: "True",
          DefaultWorkerPoolId: "WorkerPools-2",
          ClusterCertificate: "Certificates-1",
          ProxyId: "Proxies-1",
          RunningInContainer: true,
          Container: { Image: "octopusdeploy/worker-tools", FeedId: "Feeds-2" },
        },
      ),
    );
    expect(await out.resource(K8S)).toEqual({
      ...COMMON,
      cluster_url: "https://k8s.example.com",
      namespace: "web",
      skip_tls_verification: true,
      default_worker_pool_id: "${octopusdeploy_static_worker_pool.builders.id}",
      cluster_certificate: "${octopusdeploy_certificate.cluster_ca.id}",
      proxy_id: "${octopusdeploy_machine_proxy.corporate.id}",
      running_in_container: true,
      container: [
        {
          image: "octopusdeploy/worker-tools",
          feed_id: "${octopusdeploy_docker_container_registry.docker_hub.id}",
        },
      ],
      authentication: [{ account_id: "${octopusdeploy_token_account.cloud.id}" }],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it.each([
    [
      "KubernetesAzure",
      {
        AuthenticationType: "KubernetesAzure",
        AccountId: "Accounts-2",
        ClusterName: "aks",
        ClusterResourceGroup: "rg",
        AdminLogin: "True",
      },
      {
        azure_service_principal_authentication: [
          {
            account_id: "${octopusdeploy_token_account.cloud.id}",
            cluster_name: "aks",
            cluster_resource_group: "rg",
            admin_login: true,
          },
        ],
      },
      // Wrong today: the provider's admin_login is a string ("True" on the server), not a bool.
      [
        "deployment_targets.tf resource.octopusdeploy_kubernetes_cluster_deployment_target.web01.azure_service_principal_authentication[0].admin_login: expected string, got true",
      ],
    ],
    [
      "KubernetesAws",
      {
        AuthenticationType: "KubernetesAws",
        AccountId: "Accounts-2",
        ClusterName: "eks",
        AssumeRole: true,
        AssumedRoleArn: "arn:role",
        AssumedRoleSession: "s",
        AssumeRoleExternalId: "x",
        AssumeRoleSessionDurationSeconds: 900,
        UseInstanceRole: false,
      },
      {
        aws_account_authentication: [
          {
            account_id: "${octopusdeploy_token_account.cloud.id}",
            cluster_name: "eks",
            assume_role: true,
            assumed_role_arn: "arn:role",
            assumed_role_session: "s",
            assume_role_external_id: "x",
            assume_role_session_duration: 900,
            use_instance_role: false,
          },
        ],
      },

      [],
    ],
    [
      "KubernetesGoogleCloud",
      {
        AuthenticationType: "KubernetesGoogleCloud",
        AccountId: "Accounts-2",
        ClusterName: "gke",
        Project: "p",
        ImpersonateServiceAccount: false,
        Region: "europe-west1",
        UseVmServiceAccount: false,
        Zone: "europe-west1-b",
      },
      {
        gcp_account_authentication: [
          {
            account_id: "${octopusdeploy_token_account.cloud.id}",
            cluster_name: "gke",
            project: "p",
            impersonate_service_account: false,
            region: "europe-west1",
            use_vm_service_account: false,
            zone: "europe-west1-b",
          },
        ],
      },

      [],
    ],
    [
      "KubernetesCertificate",
      { AuthenticationType: "KubernetesCertificate", ClientCertificate: "Certificates-1" },
      { certificate_authentication: [{ client_certificate: "${octopusdeploy_certificate.cluster_ca.id}" }] },

      [],
    ],
    [
      "KubernetesPodService",
      { AuthenticationType: "KubernetesPodService", TokenPath: "/var/run/token" },
      { pod_authentication: [{ token_path: "/var/run/token" }] },

      [],
    ],
  ] as const)("writes %s authentication as its block", async (_type, authentication, expected, problems) => {
    const out = convert(cluster(authentication));
    expect(await out.resource(K8S)).toEqual({
      ...COMMON,
      cluster_url: "https://k8s.example.com",
      ...expected,
    });
    expect(await out.schemaProblems()).toEqual(problems);
  });

  it("warns of an authentication it cannot write, and writes the target without one", async () => {
    const out = convert(cluster({ AuthenticationType: "KubernetesOidc" }));
    expect(await out.resource(K8S)).toEqual({ ...COMMON, cluster_url: "https://k8s.example.com" });
    expect(out.warnings).toEqual([
      'deployment target "web01" Kubernetes authentication KubernetesOidc is not exported; set it by hand',
    ]);
  });
});

describe("workers", () => {
  const worker = (endpoint: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    Id: "Workers-1",
    Name: "agent01",
    WorkerPoolIds: ["WorkerPools-2"],
    MachinePolicyId: "MachinePolicies-2",
    Endpoint: endpoint,
    ...extra,
  });
  const common = {
    space_id: SPACE_ID,
    name: "agent01",
    worker_pool_ids: ["${octopusdeploy_static_worker_pool.builders.id}"],
    machine_policy_id: "${octopusdeploy_machine_policy.linux.id}",
  };

  it("writes a listening tentacle worker", async () => {
    const out = convert({
      ...AROUND,
      Workers: [
        worker(
          {
            CommunicationStyle: "TentaclePassive",
            Uri: "https://agent01:10933/",
            Thumbprint: "ABC",
            ProxyId: "Proxies-1",
          },
          { IsDisabled: false },
        ),
      ],
    });
    expect(await out.resource("octopusdeploy_listening_tentacle_worker")).toEqual({
      ...common,
      is_disabled: false,
      uri: "https://agent01:10933/",
      thumbprint: "ABC",
      proxy_id: "${octopusdeploy_machine_proxy.corporate.id}",
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes an SSH worker, linux-x64 unless it says otherwise", async () => {
    const out = convert({
      ...AROUND,
      Workers: [
        worker({
          CommunicationStyle: "Ssh",
          Host: "agent01",
          Port: 2222,
          Fingerprint: "fp",
          AccountId: "Accounts-1",
        }),
      ],
    });
    expect(await out.resource("octopusdeploy_ssh_connection_worker")).toEqual({
      ...common,
      host: "agent01",
      port: 2222,
      fingerprint: "fp",
      account_id: "${octopusdeploy_username_password_account.deployer.id}",
      dotnet_platform: "linux-x64",
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("warns of worker styles it cannot write (polling workers)", async () => {
    const out = convert({
      ...AROUND,
      Workers: [worker({ CommunicationStyle: "TentacleActive", Uri: "poll://x/" })],
    });
    expect(out.manifest.resources.filter((r) => r.sourceType === "Workers")).toEqual([]);
    expect(out.warnings).toEqual([
      'worker "agent01" workers of style TentacleActive are not exported yet; register it by hand',
    ]);
  });
});

itWritesEveryResourceType(targets);
