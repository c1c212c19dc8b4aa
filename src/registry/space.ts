import type { DocType } from "./descriptor.js";

/** Space-level infrastructure: environments, groups, lifecycles, policies, proxies, pools, feeds, tags, git credentials. */

const collection = (path: string) => ({ kind: "collection", path, scope: "space" }) as const;

export const environments: DocType = {
  type: "Environments",
  label: "environments",
  singular: "environment",
  klass: "space",
  read: collection("environments"),
  identity: "name",
  family: { name: "environments" },
  lookup: { data: "octopusdeploy_environments", collection: "environments", exactName: true },
  resources: { octopusdeploy_environment: "document" },
};

/**
 * Parent environments: the environments ephemeral environments are made under. The server
 * lists them only through `/environments/v2` with `type=Parent` (go-octopusdeploy
 * pkg/environments/v2, as the provider's octopusdeploy_parent_environments data source reads
 * them) and writes them at `parentEnvironments` (pkg/environments/v2/parentenvironments).
 * Their IDs come from the environments' sequence.
 */
export const parentEnvironments: DocType = {
  type: "ParentEnvironments",
  label: "parent environments",
  singular: "parent environment",
  klass: "space",
  read: {
    kind: "collection",
    path: "environments/v2?type=Parent",
    scope: "space",
    write: "parentEnvironments",
  },
  identity: "name",
  family: { name: "parent-environments" },
  lookup: { data: "octopusdeploy_parent_environments", collection: "parent_environments", exactName: true },
  resources: { octopusdeploy_parent_environment: "document" },
};

export const projectGroups: DocType = {
  type: "ProjectGroups",
  label: "project groups",
  singular: "project group",
  klass: "space",
  read: collection("projectgroups"),
  identity: "name",
  family: { name: "project-groups" },
  builtIn: (_doc, name) => name === "Default Project Group",
  lookup: { data: "octopusdeploy_project_groups", collection: "project_groups", exactName: false },
  resources: { octopusdeploy_project_group: "document" },
};

export const lifecycles: DocType = {
  type: "Lifecycles",
  label: "lifecycles",
  singular: "lifecycle",
  klass: "space",
  read: collection("lifecycles"),
  identity: "name",
  family: { name: "lifecycles" },
  builtIn: (_doc, name) => name === "Default Lifecycle",
  lookup: { data: "octopusdeploy_lifecycles", collection: "lifecycles", exactName: false },
  resources: { octopusdeploy_lifecycle: "document" },
  ids: [
    { path: "Phases[].AutomaticDeploymentTargets[]", to: "Environments" },
    { path: "Phases[].OptionalDeploymentTargets[]", to: "Environments" },
  ],
};

export const machinePolicies: DocType = {
  type: "MachinePolicies",
  label: "machine policies",
  singular: "machine policy",
  klass: "space",
  read: collection("machinepolicies"),
  identity: "name",
  family: { name: "machine-policies" },
  builtIn: (doc) => doc.IsDefault === true,
  lookup: { data: "octopusdeploy_machine_policies", collection: "machine_policies", exactName: false },
  resources: { octopusdeploy_machine_policy: "document" },
};

export const proxies: DocType = {
  type: "Proxies",
  label: "machine proxies",
  singular: "machine proxy",
  klass: "space",
  read: collection("proxies"),
  identity: "name",
  family: { name: "machine-proxies" },
  lookup: { data: "octopusdeploy_machine_proxies", collection: "machine_proxies", exactName: false },
  resources: { octopusdeploy_machine_proxy: "none" },
  secrets: [{ path: "Password" }],
};

/** The worker pool every new space has (not always its default one). */
export const BUILT_IN_WORKER_POOL = "Default Worker Pool";
/**
 * The dynamic worker pools Octopus Cloud gives every space (one for the Ubuntu (default) image,
 * one for Windows; OctopusDeploy/docs infrastructure/workers/dynamic-worker-pools.md). Creating
 * one on the destination fails (the name is taken), so they are looked up by name, as Octoterra
 * does. Other dynamic pools are a space's own and are written.
 */
export const HOSTED_WORKER_POOLS: ReadonlySet<string> = new Set(["Hosted Ubuntu", "Hosted Windows"]);

export const workerPools: DocType = {
  type: "WorkerPools",
  label: "worker pools",
  singular: "worker pool",
  klass: "space",
  read: collection("workerpools"),
  identity: "name",
  family: { name: "worker-pools" },
  // Every new space gets a static pool named "Default Worker Pool", marked default. Another pool
  // may be made the default later (the server then clears the flag on the old one), so the
  // built-in pool is told by what it is, not by IsDefault; a pool marked default is written
  // with is_default. (Octoterra's worker_pool_converter.go also looks that pool up by name.)
  // Octopus Cloud's hosted dynamic pools are every Cloud space's too: looked up by name.
  builtIn: (doc, name) =>
    (name === BUILT_IN_WORKER_POOL && doc.WorkerPoolType !== "DynamicWorkerPool") ||
    (doc.WorkerPoolType === "DynamicWorkerPool" && HOSTED_WORKER_POOLS.has(name)),
  lookup: { data: "octopusdeploy_worker_pools", collection: "worker_pools", exactName: true },
  resources: { octopusdeploy_static_worker_pool: "document", octopusdeploy_dynamic_worker_pool: "document" },
};

const BUILT_IN_FEEDS = new Set(["BuiltIn", "OctopusProject"]);

export const feeds: DocType = {
  type: "Feeds",
  label: "feeds",
  singular: "feed",
  klass: "space",
  read: collection("feeds"),
  identity: "name",
  family: { name: "feeds" },
  builtIn: (doc) => BUILT_IN_FEEDS.has(String(doc.FeedType)),
  lookup: {
    data: "octopusdeploy_feeds",
    collection: "feeds",
    exactName: true,
    // The built-in feeds are found by their type: every space has one of each.
    filterBy: (doc) =>
      BUILT_IN_FEEDS.has(String(doc.FeedType))
        ? { attribute: "feed_type", value: String(doc.FeedType) }
        : undefined,
  },
  resources: {
    octopusdeploy_artifactory_generic_feed: "document",
    octopusdeploy_aws_elastic_container_registry: "document",
    octopusdeploy_azure_container_registry: "document",
    octopusdeploy_docker_container_registry: "document",
    octopusdeploy_gcs_storage_feed: "document",
    octopusdeploy_github_repository_feed: "document",
    octopusdeploy_google_container_registry: "document",
    octopusdeploy_helm_feed: "document",
    octopusdeploy_maven_feed: "document",
    octopusdeploy_npm_feed: "document",
    octopusdeploy_nuget_feed: "document",
    octopusdeploy_oci_registry_feed: "document",
    octopusdeploy_pypi_feed: "document",
    octopusdeploy_s3_feed: "document",
  },
  secrets: [{ path: "Password" }, { path: "SecretKey" }, { path: "ServiceAccountJsonKey" }],
};

export const gitCredentials: DocType = {
  type: "GitCredentials",
  label: "git credentials",
  singular: "git credential",
  klass: "space",
  read: collection("git-credentials"),
  identity: "name",
  family: { name: "git-credentials" },
  lookup: { data: "octopusdeploy_git_credentials", collection: "git_credentials", exactName: true },
  resources: { octopusdeploy_git_credential: "none" },
  secrets: [{ path: "Details.Password" }],
};

export const tagSets: DocType = {
  type: "TagSets",
  label: "tag sets",
  singular: "tag set",
  klass: "space",
  read: collection("tagsets"),
  identity: "name",
  family: { name: "tag-sets" },
  lookup: { data: "octopusdeploy_tag_sets", collection: "tag_sets", exactName: false },
  resources: { octopusdeploy_tag_set: "document", octopusdeploy_tag: "tag" },
};
