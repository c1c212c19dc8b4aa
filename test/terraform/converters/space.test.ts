import { describe, expect, it } from "vitest";
import * as space from "../../../src/terraform/converters/space.js";
import { timespanToNanoseconds } from "../../../src/terraform/converters/space.js";
import { convert, itWritesEveryResourceType } from "../../helpers/convert.js";

/** Converters of space-level infrastructure (src/terraform/converters/space.ts): a tiny space in, blocks out. */

const SPACE_ID = "${var.octopus_space_id}";

describe("environments", () => {
  it("writes an environment's settings", async () => {
    const out = convert({
      Environments: [
        {
          Id: "Environments-1",
          Name: "Production",
          Description: "Live",
          SortOrder: 2,
          UseGuidedFailure: true,
          AllowDynamicInfrastructure: false,
        },
      ],
    });
    expect(await out.resource("octopusdeploy_environment", "production")).toEqual({
      space_id: SPACE_ID,
      name: "Production",
      description: "Live",
      sort_order: 2,
      use_guided_failure: true,
      allow_dynamic_infrastructure: false,
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("leaves out what the document does not say", async () => {
    const out = convert({ Environments: [{ Id: "Environments-1", Name: "Test" }] });
    expect(out.text("environments.tf")).toBe(
      [
        'resource "octopusdeploy_environment" "test" {',
        "  space_id = var.octopus_space_id",
        '  name     = "Test"',
        "}",
        "",
      ].join("\n"),
    );
  });

  it("writes the Jira, ServiceNow and JSM extension settings, and warns of others", async () => {
    const out = convert({
      Environments: [
        {
          Id: "Environments-1",
          Name: "Production",
          ExtensionSettings: [
            { ExtensionId: "jira-integration", Values: { JiraEnvironmentType: "production" } },
            { ExtensionId: "servicenow-integration", Values: { ServiceNowChangeControlled: true } },
            { ExtensionId: "jiraservicemanagement-integration", Values: { JsmChangeControlled: false } },
            { ExtensionId: "issuetracker-integration", Values: { Anything: 1 } },
          ],
        },
      ],
    });
    expect(await out.resource("octopusdeploy_environment")).toMatchObject({
      jira_extension_settings: [{ environment_type: "production" }],
      servicenow_extension_settings: [{ is_enabled: true }],
      jira_service_management_extension_settings: [{ is_enabled: false }],
    });
    expect(out.warnings).toEqual([
      'environment "Production" extension settings issuetracker-integration are not carried (the provider has no attribute for them)',
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });
});

describe("parent environments", () => {
  it("writes a parent environment and its automatic deprovisioning rule", async () => {
    const out = convert({
      ParentEnvironments: [
        {
          Id: "Environments-7",
          Name: "Previews",
          Slug: "previews",
          Description: "One per pull request",
          SortOrder: 3,
          UseGuidedFailure: true,
          AutomaticDeprovisioningRule: { ExpiryDays: 7, ExpiryHours: 12 },
          Type: "Parent",
        },
      ],
    });
    expect(await out.resource("octopusdeploy_parent_environment", "previews")).toEqual({
      space_id: SPACE_ID,
      name: "Previews",
      slug: "previews",
      description: "One per pull request",
      sort_order: 3,
      use_guided_failure: true,
      automatic_deprovisioning_rule: { days: 7, hours: 12 },
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("leaves the rule to the server when the document has none, and fills a missing half with 0", async () => {
    const out = convert({
      ParentEnvironments: [
        { Id: "Environments-1", Name: "Features", AutomaticDeprovisioningRule: null },
        { Id: "Environments-2", Name: "Hotfixes", AutomaticDeprovisioningRule: { ExpiryHours: 6 } },
      ],
    });
    expect(out.text("parent_environments.tf")).toContain(
      [
        'resource "octopusdeploy_parent_environment" "features" {',
        "  space_id = var.octopus_space_id",
        '  name     = "Features"',
        "}",
      ].join("\n"),
    );
    expect(await out.resource("octopusdeploy_parent_environment", "hotfixes")).toMatchObject({
      automatic_deprovisioning_rule: { days: 0, hours: 6 },
    });
    expect(await out.schemaProblems()).toEqual([]);
  });
});

describe("project groups", () => {
  it("writes a project group, and never the built-in Default Project Group", async () => {
    const out = convert({
      ProjectGroups: [
        { Id: "ProjectGroups-1", Name: "Default Project Group", Description: "every space has it" },
        { Id: "ProjectGroups-2", Name: "Web", Description: "Sites" },
      ],
    });
    expect(await out.resources("octopusdeploy_project_group")).toEqual({
      web: { space_id: SPACE_ID, name: "Web", description: "Sites" },
    });
    expect(await out.schemaProblems()).toEqual([]);
  });
});

describe("lifecycles", () => {
  const environments = [
    { Id: "Environments-1", Name: "Test" },
    { Id: "Environments-2", Name: "Production" },
    { Id: "Environments-3", Name: "Staging" },
  ];

  it("writes phases with references to their environments, sorted by name", async () => {
    const out = convert({
      Environments: environments,
      Lifecycles: [
        {
          Id: "Lifecycles-2",
          Name: "Main",
          Description: "Test first",
          Phases: [
            {
              Name: "Pre-production",
              AutomaticDeploymentTargets: ["Environments-3", "Environments-1"],
              OptionalDeploymentTargets: [],
              MinimumEnvironmentsBeforePromotion: 1,
              IsOptionalPhase: true,
            },
            { Name: "Production", OptionalDeploymentTargets: ["Environments-2"], IsPriorityPhase: true },
          ],
        },
      ],
    });
    expect(await out.resource("octopusdeploy_lifecycle", "main")).toEqual({
      space_id: SPACE_ID,
      name: "Main",
      description: "Test first",
      phase: [
        {
          name: "Pre-production",
          automatic_deployment_targets: [
            "${octopusdeploy_environment.staging.id}",
            "${octopusdeploy_environment.test.id}",
          ],
          optional_deployment_targets: [],
          minimum_environments_before_promotion: 1,
          is_optional_phase: true,
          is_priority_phase: false,
        },
        {
          name: "Production",
          automatic_deployment_targets: [],
          optional_deployment_targets: ["${octopusdeploy_environment.production.id}"],
          minimum_environments_before_promotion: 0,
          is_optional_phase: false,
          is_priority_phase: true,
        },
      ],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes retention policies by strategy: Count, Forever (also the older ShouldKeepForever), none for Default", async () => {
    const out = convert({
      Lifecycles: [
        {
          Id: "Lifecycles-2",
          Name: "Kept",
          ReleaseRetentionPolicy: { Strategy: "Count", QuantityToKeep: 5, Unit: "Items" },
          TentacleRetentionPolicy: { ShouldKeepForever: true, QuantityToKeep: 0, Unit: "Days" },
          Phases: [
            {
              Name: "Only",
              ReleaseRetentionPolicy: { Strategy: "Default", QuantityToKeep: 0, Unit: "Days" },
              TentacleRetentionPolicy: { ShouldKeepForever: false, QuantityToKeep: 3 },
            },
          ],
        },
      ],
    });
    const lifecycle = await out.resource("octopusdeploy_lifecycle");
    expect(lifecycle.release_retention_with_strategy).toEqual([
      { strategy: "Count", quantity_to_keep: 5, unit: "Items" },
    ]);
    expect(lifecycle.tentacle_retention_with_strategy).toEqual([{ strategy: "Forever" }]);
    const [phase] = lifecycle.phase as Array<Record<string, unknown>>;
    expect(phase).not.toHaveProperty("release_retention_with_strategy");
    // No unit in the document: Days.
    expect(phase!.tentacle_retention_with_strategy).toEqual([
      { strategy: "Count", quantity_to_keep: 3, unit: "Days" },
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("looks up the Default Lifecycle instead of writing it, and warns that its phases are not carried", async () => {
    const out = convert({
      Environments: environments,
      Lifecycles: [
        {
          Id: "Lifecycles-1",
          Name: "Default Lifecycle",
          Phases: [{ Name: "All", OptionalDeploymentTargets: [] }],
        },
      ],
    });
    expect(out.types).toEqual(["octopusdeploy_environment"]);
    expect(out.warnings).toEqual([
      'lifecycle "Default Lifecycle" is the space\'s default lifecycle, which every space has: it is looked up, not managed, so its phases are not carried; set them by hand',
    ]);
  });
});

describe("machine policies", () => {
  it("writes durations in nanoseconds and each policy block", async () => {
    const out = convert({
      Accounts: [{ Id: "Accounts-1", Name: "Updater", AccountType: "UsernamePassword", Username: "u" }],
      MachinePolicies: [
        { Id: "MachinePolicies-1", Name: "Default Machine Policy", IsDefault: true },
        {
          Id: "MachinePolicies-2",
          Name: "Linux",
          Description: "SSH boxes",
          ConnectionConnectTimeout: "00:01:00",
          ConnectionRetryCountLimit: 5,
          ConnectionRetrySleepInterval: "00:00:01.5",
          ConnectionRetryTimeLimit: "00:05:00",
          PollingRequestQueueTimeout: "00:02:00",
          MachineHealthCheckPolicy: {
            HealthCheckInterval: "01:00:00",
            HealthCheckType: "RunScript",
            BashHealthCheckPolicy: { RunType: "Inline", ScriptBody: "echo ok" },
            PowerShellHealthCheckPolicy: { RunType: "Inline", ScriptBody: "" },
          },
          MachineConnectivityPolicy: { MachineConnectivityBehavior: "MayBeOfflineAndCanBeSkipped" },
          MachineCleanupPolicy: {
            DeleteMachinesBehavior: "DeleteUnavailableMachines",
            DeleteMachinesElapsedTimeSpan: "00:20:00",
          },
          MachineUpdatePolicy: {
            CalamariUpdateBehavior: "UpdateOnDeployment",
            TentacleUpdateBehavior: "NeverUpdate",
            TentacleUpdateAccountId: "Accounts-1",
          },
          MachinePackageCacheRetentionPolicy: { Strategy: "Quantities", QuantityOfPackagesToKeep: 2 },
        },
      ],
    });
    expect(await out.resources("octopusdeploy_machine_policy")).toEqual({
      linux: {
        space_id: SPACE_ID,
        name: "Linux",
        description: "SSH boxes",
        connection_connect_timeout: 60e9,
        connection_retry_count_limit: 5,
        connection_retry_sleep_interval: 1.5e9,
        connection_retry_time_limit: 300e9,
        polling_request_queue_timeout: 120e9,
        machine_health_check_policy: [
          {
            health_check_interval: 3600e9,
            health_check_type: "RunScript",
            bash_health_check_policy: [{ run_type: "Inline", script_body: "echo ok" }],
            powershell_health_check_policy: [{ run_type: "Inline", script_body: "" }],
          },
        ],
        machine_connectivity_policy: [{ machine_connectivity_behavior: "MayBeOfflineAndCanBeSkipped" }],
        machine_cleanup_policy: [
          { delete_machines_behavior: "DeleteUnavailableMachines", delete_machines_elapsed_timespan: 1200e9 },
        ],
        machine_update_policy: [
          {
            calamari_update_behavior: "UpdateOnDeployment",
            tentacle_update_behavior: "NeverUpdate",
            tentacle_update_account_id: "${octopusdeploy_username_password_account.updater.id}",
          },
        ],
        // Missing quantities are written as 0, as the provider reads them back.
        machine_package_cache_retention_policy: [
          { strategy: "Quantities", quantity_of_packages_to_keep: 2, quantity_of_versions_to_keep: 0 },
        ],
      },
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("leaves durations of a day or more to Terraform once set, and says so", async () => {
    const out = convert({
      MachinePolicies: [
        {
          Id: "MachinePolicies-2",
          Name: "Patient",
          ConnectionConnectTimeout: "1.00:00:00",
          MachineCleanupPolicy: { DeleteMachinesElapsedTimeSpan: "2.12:00:00" },
        },
      ],
    });
    const policy = await out.resource("octopusdeploy_machine_policy");
    expect(policy.connection_connect_timeout).toBe(86400e9);
    expect(policy.machine_cleanup_policy).toEqual([{ delete_machines_elapsed_timespan: 2.5 * 86400e9 }]);
    expect(out.text("machine_policies.tf")).toContain(
      "  lifecycle {\n    ignore_changes = [machine_cleanup_policy, connection_connect_timeout]\n  }",
    );
    expect(out.warnings).toEqual([
      'machine policy "Patient" has durations of a day or more (machine_cleanup_policy, connection_connect_timeout); the provider cannot read those back, so later changes to them are not synced',
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("reads .NET TimeSpan text as nanoseconds", () => {
    expect(timespanToNanoseconds("00:00:30")).toBe(30e9);
    expect(timespanToNanoseconds("1.02:03:04.5")).toBe((86400 + 2 * 3600 + 3 * 60 + 4.5) * 1e9);
    expect(timespanToNanoseconds("-00:00:01")).toBe(-1e9);
    expect(timespanToNanoseconds("00:00:00.0000001")).toBe(100);
    expect(timespanToNanoseconds("soon")).toBeUndefined();
    expect(timespanToNanoseconds(30)).toBeUndefined();
  });
});

describe("worker pools", () => {
  it("writes static and dynamic pools as their own resource types", async () => {
    const out = convert({
      WorkerPools: [
        {
          Id: "WorkerPools-1",
          Name: "Builders",
          WorkerPoolType: "StaticWorkerPool",
          SortOrder: 1,
          IsDefault: false,
        },
        {
          Id: "WorkerPools-2",
          Name: "Ubuntu 22.04",
          WorkerPoolType: "DynamicWorkerPool",
          WorkerType: "Ubuntu2204",
          Description: "Cloud",
          IsDefault: false,
        },
        // The space's default pool is looked up, never written.
        {
          Id: "WorkerPools-3",
          Name: "Default Worker Pool",
          WorkerPoolType: "StaticWorkerPool",
          IsDefault: true,
        },
      ],
    });
    expect(await out.resources("octopusdeploy_static_worker_pool")).toEqual({
      builders: { space_id: SPACE_ID, name: "Builders", sort_order: 1, is_default: false },
    });
    expect(await out.resources("octopusdeploy_dynamic_worker_pool")).toEqual({
      ubuntu_22_04: {
        space_id: SPACE_ID,
        name: "Ubuntu 22.04",
        description: "Cloud",
        worker_type: "Ubuntu2204",
        is_default: false,
      },
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("looks up Octopus Cloud's hosted pools by name, never creates them", async () => {
    const hosted = (id: string, name: string, type: string) => ({
      Id: id,
      Name: name,
      WorkerPoolType: "DynamicWorkerPool",
      WorkerType: type,
      IsDefault: false,
    });
    const out = convert({
      Environments: [{ Id: "Environments-1", Name: "Production" }],
      WorkerPools: [
        hosted("WorkerPools-1", "Hosted Ubuntu", "UbuntuDefault"),
        hosted("WorkerPools-2", "Hosted Windows", "WindowsDefault"),
        // A static pool of that name is the space's own: written.
        {
          Id: "WorkerPools-3",
          Name: "Hosted Linux",
          WorkerPoolType: "StaticWorkerPool",
          IsDefault: false,
        },
      ],
      Machines: [
        {
          Id: "Machines-1",
          Name: "eu",
          EnvironmentIds: ["Environments-1"],
          Roles: ["cloud"],
          Endpoint: { CommunicationStyle: "None", DefaultWorkerPoolId: "WorkerPools-1" },
        },
      ],
    });
    expect(out.manifest.resources.filter((r) => r.sourceType === "WorkerPools").map((r) => r.name)).toEqual([
      "Hosted Linux",
    ]);
    expect(Object.keys(await out.data("octopusdeploy_worker_pools"))).toEqual(["hosted_ubuntu"]);
    expect((await out.resource("octopusdeploy_cloud_region_deployment_target")).default_worker_pool_id).toBe(
      "${local.worker_pool_hosted_ubuntu_id}",
    );
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("tells the built-in Default Worker Pool from the pool marked default: looks the first up, writes the second as default", async () => {
    const out = convert({
      WorkerPools: [
        // Built into every space, but no longer its default: it exists on the destination too.
        {
          Id: "WorkerPools-1",
          Name: "Default Worker Pool",
          WorkerPoolType: "StaticWorkerPool",
          IsDefault: false,
        },
        { Id: "WorkerPools-2", Name: "Linux", WorkerPoolType: "StaticWorkerPool", IsDefault: true },
      ],
      DeploymentProcesses: [],
    });
    expect(out.types).not.toContain("octopusdeploy_dynamic_worker_pool");
    expect(await out.resources("octopusdeploy_static_worker_pool")).toEqual({
      linux: { space_id: SPACE_ID, name: "Linux", is_default: true },
    });
    expect(await out.schemaProblems()).toEqual([]);
  });
});

describe("machine proxies", () => {
  it("writes a proxy whose password comes in as a secret", async () => {
    const out = convert({
      Proxies: [
        {
          Id: "Proxies-1",
          Name: "Corporate",
          Host: "proxy.example.com",
          Port: 3128,
          Username: "svc",
          Password: { HasValue: true },
        },
      ],
    });
    expect(await out.resource("octopusdeploy_machine_proxy")).toEqual({
      space_id: SPACE_ID,
      name: "Corporate",
      host: "proxy.example.com",
      port: 3128,
      username: "svc",
      password: "${var.machine_proxy_corporate_password}",
    });
    expect(out.secrets).toMatchObject([
      {
        variable: "machine_proxy_corporate_password",
        sourceId: "Proxies-1",
        field: "password",
        path: "Password",
      },
    ]);
    expect(out.text("variables.tf")).toContain('variable "machine_proxy_corporate_password" {');
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("asks for a password even when the proxy has none (the provider requires one)", async () => {
    const out = convert({ Proxies: [{ Id: "Proxies-1", Name: "Open", Host: "p", Username: "" }] });
    expect((await out.resource("octopusdeploy_machine_proxy")).password).toBe(
      "${var.machine_proxy_open_password}",
    );
    expect(out.secrets).toHaveLength(1);
  });
});

describe("git credentials", () => {
  it("writes the username, the password as a secret, and repository restrictions sorted", async () => {
    const out = convert({
      GitCredentials: [
        {
          Id: "GitCredentials-1",
          Name: "GitHub",
          Description: "Bot",
          Details: { Type: "UsernamePassword", Username: "bot", Password: { HasValue: true } },
          RepositoryRestrictions: {
            Enabled: true,
            AllowedRepositories: ["https://github.com/b/x", "https://github.com/a/y"],
          },
        },
        { Id: "GitCredentials-2", Name: "Open", Details: { Username: "anyone" } },
      ],
    });
    expect(await out.resources("octopusdeploy_git_credential")).toEqual({
      github: {
        space_id: SPACE_ID,
        name: "GitHub",
        description: "Bot",
        type: "UsernamePassword",
        username: "bot",
        password: "${var.git_credential_github_password}",
        repository_restrictions: {
          enabled: true,
          allowed_repositories: ["https://github.com/a/y", "https://github.com/b/x"],
        },
      },
      open: {
        space_id: SPACE_ID,
        name: "Open",
        type: "UsernamePassword",
        username: "anyone",
        password: "${var.git_credential_open_password}",
      },
    });
    expect(out.secrets.map((s) => s.path)).toEqual(["Details.Password", "Details.Password"]);
    expect(await out.schemaProblems()).toEqual([]);
  });
});

describe("tag sets", () => {
  it("writes the set and each tag, which refers to its set", async () => {
    const out = convert({
      TagSets: [
        {
          Id: "TagSets-1",
          Name: "Tier",
          Description: "Support level",
          SortOrder: 0,
          Tags: [
            { Id: "Tags-1", Name: "Gold", Color: "#FFD700", Description: "Best", SortOrder: 0 },
            { Id: "Tags-2", Name: "Silver", SortOrder: 1 },
          ],
        },
      ],
    });
    // A sort order of 0 is left out: the provider never sends it.
    expect(await out.resource("octopusdeploy_tag_set")).toEqual({
      space_id: SPACE_ID,
      name: "Tier",
      description: "Support level",
    });
    expect(await out.resources("octopusdeploy_tag")).toEqual({
      tier_gold: {
        tag_set_id: "${octopusdeploy_tag_set.tier.id}",
        tag_set_space_id: SPACE_ID,
        name: "Gold",
        color: "#FFD700",
        description: "Best",
      },
      tier_silver: {
        tag_set_id: "${octopusdeploy_tag_set.tier.id}",
        tag_set_space_id: SPACE_ID,
        name: "Silver",
        color: "#333333",
        sort_order: 1,
      },
    });
    expect(
      out.manifest.resources.find((r) => r.type === "octopusdeploy_tag" && r.name === "Tier/Silver"),
    ).toMatchObject({ sourceId: "TagSets-1", sourcePart: "Tags[Id=Tags-2]" });
    expect(await out.schemaProblems()).toEqual([]);
  });
});

describe("feeds", () => {
  const feed = (FeedType: string, extra: Record<string, unknown> = {}) => ({
    Id: "Feeds-2",
    Name: "Packages",
    FeedType,
    FeedUri: "https://feed.example.com/",
    DownloadAttempts: 3,
    DownloadRetryBackoffSeconds: 10,
    ...extra,
  });
  const base = { space_id: SPACE_ID, name: "Packages", feed_uri: "https://feed.example.com/" };
  const download = { download_attempts: 3, download_retry_backoff_seconds: 10 };

  it.each([
    [
      "Docker",
      "octopusdeploy_docker_container_registry",
      { ApiVersion: "v2", RegistryPath: "library" },
      { api_version: "v2", registry_path: "library", ...download },
    ],
    ["Helm", "octopusdeploy_helm_feed", {}, {}],
    ["NuGet", "octopusdeploy_nuget_feed", { EnhancedMode: true }, { is_enhanced_mode: true, ...download }],
    ["Maven", "octopusdeploy_maven_feed", {}, download],
    ["GitHub", "octopusdeploy_github_repository_feed", {}, download],
    ["Npm", "octopusdeploy_npm_feed", {}, download],
    ["PyPi", "octopusdeploy_pypi_feed", {}, download],
    ["OciRegistry", "octopusdeploy_oci_registry_feed", {}, {}],
    ["AzureContainerRegistry", "octopusdeploy_azure_container_registry", {}, {}],
    ["GoogleContainerRegistry", "octopusdeploy_google_container_registry", {}, {}],
  ])("writes a %s feed as %s", async (type, resource, extra, expected) => {
    const out = convert({ Feeds: [feed(type, extra)] });
    expect(out.types).toEqual([resource]);
    expect(await out.resource(resource, "packages")).toEqual({ ...base, ...expected });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes an ArtifactoryGeneric feed as octopusdeploy_artifactory_generic_feed", async () => {
    const out = convert({
      Feeds: [feed("ArtifactoryGeneric", { Repository: "generic-local", LayoutRegex: "(?<id>.*)" })],
    });
    expect(await out.resource("octopusdeploy_artifactory_generic_feed", "packages")).toEqual({
      ...base,
      repository: "generic-local",
      layout_regex: "(?<id>.*)",
      ...download,
    });
    // Wrong today: the provider's Artifactory feed has no download settings, so it refuses these.
    expect(await out.schemaProblems()).toEqual([
      "feeds.tf resource.octopusdeploy_artifactory_generic_feed.packages.download_attempts: no such attribute",
      "feeds.tf resource.octopusdeploy_artifactory_generic_feed.packages.download_retry_backoff_seconds: no such attribute",
    ]);
  });

  it("writes credentials: the password as a secret only when the feed has one", async () => {
    const out = convert({
      Feeds: [
        feed("NuGet", { Id: "Feeds-2", Name: "Private", Username: "me", Password: { HasValue: true } }),
        feed("NuGet", { Id: "Feeds-3", Name: "Public", Username: "", Password: { HasValue: false } }),
      ],
    });
    const feeds = await out.resources("octopusdeploy_nuget_feed");
    expect(feeds.private).toMatchObject({ username: "me", password: "${var.feed_private_password}" });
    expect(feeds.public).not.toHaveProperty("username");
    expect(feeds.public).not.toHaveProperty("password");
    expect(out.secrets.map((s) => [s.variable, s.sourceId, s.path])).toEqual([
      ["feed_private_password", "Feeds-2", "Password"],
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("keeps the order of package acquisition locations", async () => {
    const out = convert({
      Feeds: [feed("Helm", { PackageAcquisitionLocationOptions: ["Server", "ExecutionTarget"] })],
    });
    expect((await out.resource("octopusdeploy_helm_feed")).package_acquisition_location_options).toEqual([
      "Server",
      "ExecutionTarget",
    ]);
  });

  it("writes an ECR feed's region and access key, the secret key as a secret", async () => {
    const out = convert({
      Feeds: [
        {
          Id: "Feeds-2",
          Name: "ECR",
          FeedType: "AwsElasticContainerRegistry",
          Region: "eu-west-1",
          AccessKey: "AKIAEXAMPLE",
          SecretKey: { HasValue: true, NewValue: null },
          PackageAcquisitionLocationOptions: ["ExecutionTarget", "NotAcquired"],
        },
      ],
    });
    expect(await out.resource("octopusdeploy_aws_elastic_container_registry", "ecr")).toEqual({
      space_id: SPACE_ID,
      name: "ECR",
      region: "eu-west-1",
      access_key: "AKIAEXAMPLE",
      secret_key: "${var.feed_ecr_secret_key}",
      package_acquisition_location_options: ["ExecutionTarget", "NotAcquired"],
    });
    expect(out.secrets.map((s) => [s.variable, s.sourceId, s.path])).toEqual([
      ["feed_ecr_secret_key", "Feeds-2", "SecretKey"],
    ]);
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes an ECR feed's OIDC settings, every field as the provider reads it back", async () => {
    const out = convert({
      Feeds: [
        {
          Id: "Feeds-2",
          Name: "ECR OIDC",
          FeedType: "AwsElasticContainerRegistry",
          Region: "us-east-1",
          SecretKey: { HasValue: false },
          OidcAuthentication: { RoleArn: "arn:aws:iam::1:role/pull", SessionDuration: "3600" },
        },
      ],
    });
    expect(await out.resource("octopusdeploy_aws_elastic_container_registry", "ecr_oidc")).toEqual({
      space_id: SPACE_ID,
      name: "ECR OIDC",
      region: "us-east-1",
      oidc_authentication: {
        audience: "",
        role_arn: "arn:aws:iam::1:role/pull",
        session_duration: "3600",
        subject_keys: [],
      },
    });
    expect(out.secrets).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes S3 feeds: the worker's credentials, or an access key and a secret key", async () => {
    const out = convert({
      Feeds: [
        {
          Id: "Feeds-2",
          Name: "Machine",
          FeedType: "S3",
          UseMachineCredentials: true,
          SecretKey: { HasValue: false },
        },
        {
          Id: "Feeds-3",
          Name: "Keys",
          FeedType: "S3",
          UseMachineCredentials: false,
          AccessKey: "AKIAEXAMPLE",
          SecretKey: { HasValue: true },
          PackageAcquisitionLocationOptions: ["Server"],
        },
      ],
    });
    const feeds = await out.resources("octopusdeploy_s3_feed");
    expect(feeds.machine).toEqual({ space_id: SPACE_ID, name: "Machine", use_machine_credentials: true });
    // The provider's S3 feed has no package acquisition locations.
    expect(feeds.keys).toEqual({
      space_id: SPACE_ID,
      name: "Keys",
      use_machine_credentials: false,
      access_key: "AKIAEXAMPLE",
      secret_key: "${var.feed_keys_secret_key}",
    });
    expect(out.secrets.map((s) => [s.variable, s.sourceId, s.path])).toEqual([
      ["feed_keys_secret_key", "Feeds-3", "SecretKey"],
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes GCS feeds: a service account key as a secret, or OIDC", async () => {
    const out = convert({
      Feeds: [
        {
          Id: "Feeds-2",
          Name: "Key",
          FeedType: "GcsStorage",
          UseServiceAccountKey: true,
          ServiceAccountJsonKey: { HasValue: true },
          Project: "my-project",
          DownloadAttempts: 5,
          DownloadRetryBackoffSeconds: 10,
        },
        {
          Id: "Feeds-3",
          Name: "OIDC",
          FeedType: "GcsStorage",
          UseServiceAccountKey: false,
          ServiceAccountJsonKey: { HasValue: false },
          OidcAuthentication: { Audience: "gcs", SubjectKeys: ["space", "feed"] },
          DownloadAttempts: 2,
          DownloadRetryBackoffSeconds: 30,
        },
      ],
    });
    const feeds = await out.resources("octopusdeploy_gcs_storage_feed");
    expect(feeds.key).toEqual({
      space_id: SPACE_ID,
      name: "Key",
      use_service_account_key: true,
      service_account_json_key: "${var.feed_key_service_account_json_key}",
      project: "my-project",
      download_attempts: 5,
      download_retry_backoff_seconds: 10,
    });
    expect(feeds.oidc).toEqual({
      space_id: SPACE_ID,
      name: "OIDC",
      use_service_account_key: false,
      oidc_authentication: { audience: "gcs", subject_keys: ["space", "feed"] },
      download_attempts: 2,
      download_retry_backoff_seconds: 30,
    });
    expect(out.secrets.map((s) => [s.variable, s.sourceId, s.path])).toEqual([
      ["feed_key_service_account_json_key", "Feeds-2", "ServiceAccountJsonKey"],
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("looks up the built-in feed and warns of feed types it cannot write", async () => {
    const out = convert({
      Feeds: [
        { Id: "Feeds-1", Name: "Octopus Server (built-in)", FeedType: "BuiltIn" },
        feed("Bitbucket", { Name: "Future" }),
      ],
    });
    expect(out.types).toEqual([]);
    expect(out.warnings).toEqual([
      'feed "Future" feed type Bitbucket is not exported yet; it must be created by hand',
    ]);
  });
});

itWritesEveryResourceType(space);
