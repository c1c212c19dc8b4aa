import {
  type GitCredential,
  type MachinePolicy,
  type Part,
  type RetentionPolicy,
  typedDoc,
} from "../../graph/documents.js";
import type { GraphNode } from "../../graph/graph.js";
import { readNumber } from "../../octopus/schemas.js";
import type { EmitContext } from "../emit.js";
import { attr, type BodyItem, block, bool, type Expr, num, object, ref, str, tuple } from "../hcl/model.js";
import {
  byName,
  type Converter,
  type Doc,
  docOf,
  hasSecret,
  optBool,
  optList,
  optNumber,
  optString,
  optStrings,
} from "./converter.js";

/** Converters for space-level infrastructure: environments, groups, lifecycles, policies, pools. */

export const environments: Converter = {
  types: ["Environments"],
  file: "environments.tf",
  primary: () => "octopusdeploy_environment",
  emit(node, ctx) {
    const d = typedDoc(node, "Environments");
    const body: BodyItem[] = [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...optString("slug", d.Slug),
      ...optString("description", d.Description),
      ...optNumber("sort_order", d.SortOrder),
      ...optBool("use_guided_failure", d.UseGuidedFailure),
      ...optBool("allow_dynamic_infrastructure", d.AllowDynamicInfrastructure),
    ];
    for (const ext of Array.isArray(d.ExtensionSettings) ? d.ExtensionSettings : []) {
      const values: Doc = ext.Values ?? {};
      if (ext.ExtensionId === "jira-integration" && typeof values.JiraEnvironmentType === "string") {
        body.push(
          block("jira_extension_settings", [], [attr("environment_type", str(values.JiraEnvironmentType))]),
        );
      } else if (
        ext.ExtensionId === "servicenow-integration" &&
        typeof values.ServiceNowChangeControlled === "boolean"
      ) {
        body.push(
          block(
            "servicenow_extension_settings",
            [],
            [attr("is_enabled", { kind: "bool", value: values.ServiceNowChangeControlled })],
          ),
        );
      } else if (
        ext.ExtensionId === "jiraservicemanagement-integration" &&
        typeof values.JsmChangeControlled === "boolean"
      ) {
        body.push(
          block(
            "jira_service_management_extension_settings",
            [],
            [attr("is_enabled", { kind: "bool", value: values.JsmChangeControlled })],
          ),
        );
      } else {
        ctx.warn(
          `extension settings ${String(ext.ExtensionId)} are not carried (the provider has no attribute for them)`,
        );
      }
    }
    ctx.resource(this.file, "octopusdeploy_environment", node.name, body);
  },
};

/**
 * Parent environments. Their automatic deprovisioning rule (ExpiryDays, ExpiryHours) becomes
 * the provider's days and hours; without a rule the attribute is left to the server.
 */
export const parentEnvironments: Converter = {
  types: ["ParentEnvironments"],
  file: "parent_environments.tf",
  primary: () => "octopusdeploy_parent_environment",
  emit(node, ctx) {
    const d = typedDoc(node, "ParentEnvironments");
    const rule = d.AutomaticDeprovisioningRule;
    const expiry =
      rule && typeof rule === "object" && !Array.isArray(rule)
        ? [
            attr(
              "automatic_deprovisioning_rule",
              object([
                ["days", num(readNumber(rule.ExpiryDays) ?? 0)],
                ["hours", num(readNumber(rule.ExpiryHours) ?? 0)],
              ]),
            ),
          ]
        : [];
    ctx.resource(this.file, "octopusdeploy_parent_environment", node.name, [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...optString("slug", d.Slug),
      ...optString("description", d.Description),
      ...optNumber("sort_order", d.SortOrder),
      ...optBool("use_guided_failure", d.UseGuidedFailure),
      ...expiry,
    ]);
  },
};

export const projectGroups: Converter = {
  types: ["ProjectGroups"],
  file: "project_groups.tf",
  primary: () => "octopusdeploy_project_group",
  emit(node, ctx) {
    const d = docOf(node);
    ctx.resource(this.file, "octopusdeploy_project_group", node.name, [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...optString("slug", d.Slug),
      ...optString("description", d.Description),
    ]);
  },
};

/** A retention policy block, or nothing for the space default. */
function retention(name: string, policy: RetentionPolicy | null | undefined): BodyItem[] {
  if (!policy || typeof policy !== "object") return [];
  const p = policy;
  const strategy = typeof p.Strategy === "string" ? p.Strategy : p.ShouldKeepForever ? "Forever" : "Count";
  if (strategy === "Default") return [];
  if (strategy === "Forever") return [block(name, [], [attr("strategy", str("Forever"))])];
  return [
    block(
      name,
      [],
      [
        attr("strategy", str("Count")),
        attr("quantity_to_keep", num(Number(p.QuantityToKeep ?? 0))),
        attr("unit", str(String(p.Unit ?? "Days"))),
      ],
    ),
  ];
}

export const lifecycles: Converter = {
  types: ["Lifecycles"],
  file: "lifecycles.tf",
  primary: () => "octopusdeploy_lifecycle",
  emit(node, ctx) {
    const d = typedDoc(node, "Lifecycles");
    const phases = Array.isArray(d.Phases) ? d.Phases : [];
    const what = `phase of lifecycle "${node.name}"`;
    ctx.resource(this.file, "octopusdeploy_lifecycle", node.name, [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...optString("description", d.Description),
      ...retention("release_retention_with_strategy", d.ReleaseRetentionPolicy),
      ...retention("tentacle_retention_with_strategy", d.TentacleRetentionPolicy),
      ...phases.map((p) =>
        block(
          "phase",
          [],
          [
            attr("name", str(String(p.Name))),
            attr(
              "automatic_deployment_targets",
              tuple(ctx.refs(byName(ctx, p.AutomaticDeploymentTargets), what)),
            ),
            attr(
              "optional_deployment_targets",
              tuple(ctx.refs(byName(ctx, p.OptionalDeploymentTargets), what)),
            ),
            attr(
              "minimum_environments_before_promotion",
              num(Number(p.MinimumEnvironmentsBeforePromotion ?? 0)),
            ),
            attr("is_optional_phase", { kind: "bool", value: p.IsOptionalPhase === true }),
            attr("is_priority_phase", { kind: "bool", value: p.IsPriorityPhase === true }),
            ...retention("release_retention_with_strategy", p.ReleaseRetentionPolicy),
            ...retention("tentacle_retention_with_strategy", p.TentacleRetentionPolicy),
          ],
        ),
      ),
    ]);
  },
};

/** .NET TimeSpan text ("1.02:03:04.5") as nanoseconds, the provider's unit for durations. */
export function timespanToNanoseconds(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^(-)?(?:(\d+)\.)?(\d+):(\d+):(\d+)(?:\.(\d{1,7}))?$/.exec(value);
  if (!m) return undefined;
  const [, neg, days, h, mi, s, frac] = m;
  const seconds = Number(days ?? 0) * 86400 + Number(h) * 3600 + Number(mi) * 60 + Number(s);
  const ns = seconds * 1e9 + Number((frac ?? "").padEnd(9, "0").slice(0, 9) || 0);
  return neg ? -ns : ns;
}

function duration(name: string, value: unknown): BodyItem[] {
  const ns = timespanToNanoseconds(value);
  return ns === undefined ? [] : [attr(name, num(ns))];
}

export const machinePolicies: Converter = {
  types: ["MachinePolicies"],
  file: "machine_policies.tf",
  primary: () => "octopusdeploy_machine_policy",
  emit(node, ctx) {
    const d = typedDoc(node, "MachinePolicies");
    const health: Part<MachinePolicy["MachineHealthCheckPolicy"]> = d.MachineHealthCheckPolicy ?? {};
    const script = (name: string, p: Part<typeof health>["BashHealthCheckPolicy"]) => {
      const s: Part<typeof p> = p ?? {};
      return block(
        name,
        [],
        [...optString("run_type", s.RunType), attr("script_body", str(String(s.ScriptBody ?? "")))],
      );
    };
    const cleanup: Part<MachinePolicy["MachineCleanupPolicy"]> = d.MachineCleanupPolicy ?? {};
    const connectivity: Part<MachinePolicy["MachineConnectivityPolicy"]> = d.MachineConnectivityPolicy ?? {};
    const update: Part<MachinePolicy["MachineUpdatePolicy"]> = d.MachineUpdatePolicy ?? {};
    const cache: Part<MachinePolicy["MachinePackageCacheRetentionPolicy"]> =
      d.MachinePackageCacheRetentionPolicy ?? {};
    const body: BodyItem[] = [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...optString("description", d.Description),
      ...duration("connection_connect_timeout", d.ConnectionConnectTimeout),
      ...optNumber("connection_retry_count_limit", d.ConnectionRetryCountLimit),
      ...duration("connection_retry_sleep_interval", d.ConnectionRetrySleepInterval),
      ...duration("connection_retry_time_limit", d.ConnectionRetryTimeLimit),
      ...duration("polling_request_queue_timeout", d.PollingRequestQueueTimeout),
      block(
        "machine_health_check_policy",
        [],
        [
          ...duration("health_check_interval", health.HealthCheckInterval),
          ...optString("health_check_cron", health.HealthCheckCron),
          ...optString("health_check_cron_timezone", health.HealthCheckCronTimezone),
          ...optString("health_check_type", health.HealthCheckType),
          script("bash_health_check_policy", health.BashHealthCheckPolicy),
          script("powershell_health_check_policy", health.PowerShellHealthCheckPolicy),
        ],
      ),
      block(
        "machine_connectivity_policy",
        [],
        optString("machine_connectivity_behavior", connectivity.MachineConnectivityBehavior),
      ),
      block(
        "machine_cleanup_policy",
        [],
        [
          ...optString("delete_machines_behavior", cleanup.DeleteMachinesBehavior),
          ...duration("delete_machines_elapsed_timespan", cleanup.DeleteMachinesElapsedTimeSpan),
        ],
      ),
      block(
        "machine_update_policy",
        [],
        [
          ...optString("calamari_update_behavior", update.CalamariUpdateBehavior),
          ...optString("tentacle_update_behavior", update.TentacleUpdateBehavior),
          ...optString("kubernetes_agent_update_behavior", update.KubernetesAgentUpdateBehavior),
          ...(typeof update.TentacleUpdateAccountId === "string"
            ? [
                attr(
                  "tentacle_update_account_id",
                  ctx.ref(update.TentacleUpdateAccountId, `machine policy "${node.name}" update account`) ??
                    str(""),
                ),
              ]
            : []),
        ],
      ),
    ];
    if (typeof cache.Strategy === "string") {
      // The provider reads missing quantities back as 0, so they are written as 0.
      body.push(
        block(
          "machine_package_cache_retention_policy",
          [],
          [
            attr("strategy", str(cache.Strategy)),
            attr("quantity_of_packages_to_keep", num(Number(cache.QuantityOfPackagesToKeep ?? 0))),
            ...optString("package_unit", cache.PackageUnit),
            attr("quantity_of_versions_to_keep", num(Number(cache.QuantityOfVersionsToKeep ?? 0))),
            ...optString("version_unit", cache.VersionUnit),
          ],
        ),
      );
    }
    // The provider reads durations of a day or more back as less than a day (it drops the
    // days), so a plan would always show them changed: they are set, then left alone.
    const DAY = 86400e9;
    const durations: Array<[string, number | undefined]> = [
      ["machine_health_check_policy", timespanToNanoseconds(health.HealthCheckInterval)],
      ["machine_cleanup_policy", timespanToNanoseconds(cleanup.DeleteMachinesElapsedTimeSpan)],
      ["connection_connect_timeout", timespanToNanoseconds(d.ConnectionConnectTimeout)],
      ["connection_retry_sleep_interval", timespanToNanoseconds(d.ConnectionRetrySleepInterval)],
      ["connection_retry_time_limit", timespanToNanoseconds(d.ConnectionRetryTimeLimit)],
      ["polling_request_queue_timeout", timespanToNanoseconds(d.PollingRequestQueueTimeout)],
    ];
    const long = durations.filter(([, ns]) => typeof ns === "number" && ns >= DAY).map(([name]) => name);
    if (long.length) {
      body.push(block("lifecycle", [], [attr("ignore_changes", tuple(long.map((n) => ref(n))))]));
      ctx.warn(
        `has durations of a day or more (${long.join(", ")}); the provider cannot read those back, so later changes to them are not synced`,
      );
    }
    ctx.resource(this.file, "octopusdeploy_machine_policy", node.name, body);
  },
};

export const workerPools: Converter = {
  types: ["WorkerPools"],
  file: "worker_pools.tf",
  primary: (node) =>
    docOf(node).WorkerPoolType === "DynamicWorkerPool"
      ? "octopusdeploy_dynamic_worker_pool"
      : "octopusdeploy_static_worker_pool",
  emit(node, ctx) {
    const d = docOf(node);
    const dynamic = d.WorkerPoolType === "DynamicWorkerPool";
    ctx.resource(
      this.file,
      dynamic ? "octopusdeploy_dynamic_worker_pool" : "octopusdeploy_static_worker_pool",
      node.name,
      [
        attr("space_id", ctx.spaceId),
        attr("name", str(node.name)),
        ...optString("description", d.Description),
        ...(dynamic ? [attr("worker_type", str(String(d.WorkerType ?? "")))] : []),
        ...optNumber("sort_order", d.SortOrder),
        ...optBool("is_default", d.IsDefault),
      ],
    );
  },
};

export const proxies: Converter = {
  types: ["Proxies"],
  file: "machine_proxies.tf",
  primary: () => "octopusdeploy_machine_proxy",
  emit(node, ctx) {
    const d = docOf(node);
    ctx.resource(this.file, "octopusdeploy_machine_proxy", node.name, [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      attr("host", str(String(d.Host ?? ""))),
      ...optNumber("port", d.Port),
      attr("username", str(String(d.Username ?? ""))),
      attr(
        "password",
        ctx.secret("password", "password", `Password of machine proxy "${node.name}"`, { path: "Password" }),
      ),
    ]);
  },
};

export const gitCredentials: Converter = {
  types: ["GitCredentials"],
  file: "git_credentials.tf",
  primary: () => "octopusdeploy_git_credential",
  emit(node, ctx) {
    const d = typedDoc(node, "GitCredentials");
    const details: Part<GitCredential["Details"]> = d.Details ?? {};
    const restrictions: Part<GitCredential["RepositoryRestrictions"]> = d.RepositoryRestrictions ?? {};
    const body: BodyItem[] = [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...optString("description", d.Description),
      attr("type", str(String(details.Type ?? "UsernamePassword"))),
      attr("username", str(String(details.Username ?? ""))),
      attr(
        "password",
        ctx.secret("password", "password", `Password of git credential "${node.name}"`, {
          path: "Details.Password",
        }),
      ),
    ];
    if (
      restrictions.Enabled === true ||
      (Array.isArray(restrictions.AllowedRepositories) && restrictions.AllowedRepositories.length)
    ) {
      const repos = (Array.isArray(restrictions.AllowedRepositories) ? restrictions.AllowedRepositories : [])
        .map(String)
        .sort();
      body.push(
        attr(
          "repository_restrictions",
          object([
            ["enabled", { kind: "bool", value: restrictions.Enabled === true }],
            ["allowed_repositories", tuple(repos.map(str))],
          ]),
        ),
      );
    }
    ctx.resource(this.file, "octopusdeploy_git_credential", node.name, body);
  },
};

/** Tag sets, with each tag its own octopusdeploy_tag so tenants can refer to tags. */
export const tagSets: Converter = {
  types: ["TagSets"],
  file: "tag_sets.tf",
  primary: () => "octopusdeploy_tag_set",
  declare(node, ctx) {
    const tags = typedDoc(node, "TagSets").Tags;
    for (const tag of Array.isArray(tags) ? tags : []) {
      const canonical = `${node.name}/${String(tag.Name)}`;
      if (!ctx.plan.excludeTag(canonical)) ctx.tagLabel(canonical);
    }
  },
  emit(node, ctx) {
    const d = typedDoc(node, "TagSets");
    const set = ctx.resource(this.file, "octopusdeploy_tag_set", node.name, [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...optString("description", d.Description),
      // The provider never sends a sort order of 0 (it reads back whatever the server chose).
      ...(d.SortOrder ? optNumber("sort_order", d.SortOrder) : []),
      ...optStrings("scopes", d.Scopes),
      ...optString("type", d.Type),
    ]);
    const tags = Array.isArray(d.Tags) ? d.Tags : [];
    for (const tag of tags) {
      const canonical = `${node.name}/${String(tag.Name)}`;
      if (ctx.plan.excludeTag(canonical)) {
        ctx.warn(`tag "${canonical}" is left out by --exclude-tenant-tags`);
        continue;
      }
      ctx.resource(
        this.file,
        "octopusdeploy_tag",
        canonical,
        [
          attr("tag_set_id", { kind: "ref", parts: ["octopusdeploy_tag_set", set, "id"] }),
          attr("tag_set_space_id", ctx.spaceId),
          attr("name", str(String(tag.Name))),
          attr("color", str(String(tag.Color ?? "#333333"))),
          ...optString("description", tag.Description),
          ...(tag.SortOrder ? optNumber("sort_order", tag.SortOrder) : []),
        ],
        { label: ctx.tagLabel(canonical), part: `Tags[Id=${String(tag.Id ?? "")}]` },
      );
    }
  },
};

/**
 * Feed types: which resource, and which fields each carries. Feeds at a URI carry the URI,
 * a username and a password; the cloud storage and registry feeds (`cloud`) carry their own
 * credentials instead (`extra`).
 */
interface FeedSpec {
  type: string;
  download?: boolean;
  /** No feed URI, username or password: the fields are all in `extra`. */
  cloud?: boolean;
  /** No package acquisition locations in the provider's schema. */
  noLocations?: boolean;
  extra?: (d: Doc, ctx: EmitContext, node: GraphNode) => BodyItem[];
}

/** A feed's sensitive field as a secret input, when the feed has a value in it. */
function feedSecret(ctx: EmitContext, node: GraphNode, d: Doc, field: string, path: string, what: string) {
  if (!hasSecret(d[path])) return [];
  const kind = path === "ServiceAccountJsonKey" ? "text" : "password";
  return [attr(field, ctx.secret(field, kind, `${what} of feed "${node.name}"`, { path }))];
}

/** A feed's OIDC settings: the provider reads back every field, so each is written as it is. */
function feedOidc(d: Doc, fields: [string, string][]): BodyItem[] {
  const oidc = d.OidcAuthentication;
  if (!oidc || typeof oidc !== "object") return [];
  const o = oidc as Doc;
  const keys = Array.isArray(o.SubjectKeys) ? o.SubjectKeys.filter((k) => typeof k === "string") : [];
  return [
    attr(
      "oidc_authentication",
      object([
        ...fields.map(([name, field]): [string, Expr] => [
          name,
          str(typeof o[field] === "string" ? o[field] : ""),
        ]),
        // Read back as an empty list when there are none, so an empty list is written.
        ["subject_keys", tuple(keys.map((k) => str(String(k))))],
      ]),
    ),
  ];
}

const FEEDS: Record<string, FeedSpec> = {
  Docker: {
    type: "octopusdeploy_docker_container_registry",
    download: true,
    extra: (d) => [...optString("api_version", d.ApiVersion), ...optString("registry_path", d.RegistryPath)],
  },
  Helm: { type: "octopusdeploy_helm_feed" },
  NuGet: {
    type: "octopusdeploy_nuget_feed",
    download: true,
    extra: (d) => optBool("is_enhanced_mode", d.EnhancedMode),
  },
  Maven: { type: "octopusdeploy_maven_feed", download: true },
  GitHub: { type: "octopusdeploy_github_repository_feed", download: true },
  Npm: { type: "octopusdeploy_npm_feed", download: true },
  PyPi: { type: "octopusdeploy_pypi_feed", download: true },
  OciRegistry: { type: "octopusdeploy_oci_registry_feed" },
  AzureContainerRegistry: { type: "octopusdeploy_azure_container_registry" },
  GoogleContainerRegistry: { type: "octopusdeploy_google_container_registry" },
  ArtifactoryGeneric: {
    type: "octopusdeploy_artifactory_generic_feed",
    download: true,
    extra: (d) => [...optString("repository", d.Repository), ...optString("layout_regex", d.LayoutRegex)],
  },
  AwsElasticContainerRegistry: {
    type: "octopusdeploy_aws_elastic_container_registry",
    cloud: true,
    extra: (d, ctx, node) => [
      attr("region", str(String(d.Region ?? ""))),
      ...optString("access_key", d.AccessKey),
      ...feedSecret(ctx, node, d, "secret_key", "SecretKey", "Secret key"),
      ...feedOidc(d, [
        ["audience", "Audience"],
        ["role_arn", "RoleArn"],
        ["session_duration", "SessionDuration"],
      ]),
    ],
  },
  S3: {
    type: "octopusdeploy_s3_feed",
    cloud: true,
    noLocations: true,
    extra: (d, ctx, node) => [
      attr("use_machine_credentials", bool(d.UseMachineCredentials === true)),
      ...optString("access_key", d.AccessKey),
      ...feedSecret(ctx, node, d, "secret_key", "SecretKey", "Secret key"),
      ...optString("username", d.Username),
      ...feedSecret(ctx, node, d, "password", "Password", "Password"),
    ],
  },
  GcsStorage: {
    type: "octopusdeploy_gcs_storage_feed",
    cloud: true,
    noLocations: true,
    download: true,
    extra: (d, ctx, node) => [
      attr("use_service_account_key", bool(d.UseServiceAccountKey === true)),
      ...feedSecret(ctx, node, d, "service_account_json_key", "ServiceAccountJsonKey", "Service account key"),
      ...optString("project", d.Project),
      ...feedOidc(d, [["audience", "Audience"]]),
    ],
  },
};

export function feedResourceType(node: GraphNode): string | undefined {
  return FEEDS[String(docOf(node).FeedType)]?.type;
}

export const feeds: Converter = {
  types: ["Feeds"],
  file: "feeds.tf",
  primary: (node) => feedResourceType(node),
  emit(node, ctx) {
    const d = docOf(node);
    const spec = FEEDS[String(d.FeedType)];
    if (!spec) {
      ctx.warn(`feed type ${String(d.FeedType)} is not exported yet; it must be created by hand`);
      return;
    }
    ctx.resource(this.file, spec.type, node.name, [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...(spec.cloud
        ? []
        : [
            attr("feed_uri", str(String(d.FeedUri ?? ""))),
            ...optString("username", d.Username),
            ...feedSecret(ctx, node, d, "password", "Password", "Password"),
          ]),
      ...(spec.extra?.(d, ctx, node) ?? []),
      ...(spec.download
        ? [
            ...optNumber("download_attempts", d.DownloadAttempts),
            ...optNumber("download_retry_backoff_seconds", d.DownloadRetryBackoffSeconds),
          ]
        : []),
      ...(spec.noLocations
        ? []
        : optStrings("package_acquisition_location_options", d.PackageAcquisitionLocationOptions, {
            sort: false,
          })),
    ]);
  },
};

/** Environment, tenant and tag restrictions accounts and certificates share. */
export function tenancy(
  node: GraphNode,
  ctx: EmitContext,
  options: { environments?: string } = {},
): BodyItem[] {
  const d = docOf(node);
  const what = `${node.type === "Certificates" ? "certificate" : "account"} "${node.name}"`;
  return [
    ...optList(
      options.environments ?? "environments",
      ctx.refs(byName(ctx, d.EnvironmentIds), `${what} environments`),
    ),
    ...optList("tenants", ctx.refs(byName(ctx, d.TenantIds), `${what} tenants`)),
    ...optList("tenant_tags", ctx.tags(d.TenantTags, `${what} tenant tags`)),
    ...optString("tenanted_deployment_participation", d.TenantedDeploymentParticipation),
  ];
}
