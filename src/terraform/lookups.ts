/**
 * How each kind of document is found by name in a destination space: the provider's data
 * source, the list attribute it returns, and whether it filters by exact name (otherwise by
 * partial name, and the exact name is picked out of the results).
 */
export interface LookupSpec {
  /** Filter by something other than the name (the built-in feeds are found by type). */
  filterBy?: (doc: Record<string, unknown>) => { attribute: string; value: string } | undefined;
  data: string;
  collection: string;
  /** The data source takes `name` (exact); otherwise `partial_name`. */
  exactName: boolean;
  /** The data source returns one object (in `collection`), not a list. */
  single?: boolean;
  /** Attribute of each result that holds its ID. */
  idAttribute?: string;
  label: string;
}

export const LOOKUPS: Readonly<Record<string, LookupSpec>> = {
  Environments: {
    data: "octopusdeploy_environments",
    collection: "environments",
    exactName: true,
    label: "environment",
  },
  ProjectGroups: {
    data: "octopusdeploy_project_groups",
    collection: "project_groups",
    exactName: false,
    label: "project group",
  },
  Lifecycles: {
    data: "octopusdeploy_lifecycles",
    collection: "lifecycles",
    exactName: false,
    label: "lifecycle",
  },
  Feeds: {
    data: "octopusdeploy_feeds",
    collection: "feeds",
    exactName: true,
    label: "feed",
    filterBy: (doc) =>
      doc.FeedType === "BuiltIn" || doc.FeedType === "OctopusProject"
        ? { attribute: "feed_type", value: String(doc.FeedType) }
        : undefined,
  },
  Accounts: { data: "octopusdeploy_accounts", collection: "accounts", exactName: false, label: "account" },
  Certificates: {
    data: "octopusdeploy_certificates",
    collection: "certificates",
    exactName: false,
    label: "certificate",
  },
  GitCredentials: {
    data: "octopusdeploy_git_credentials",
    collection: "git_credentials",
    exactName: true,
    label: "git credential",
  },
  LibraryVariableSets: {
    data: "octopusdeploy_library_variable_sets",
    collection: "library_variable_sets",
    exactName: false,
    label: "library variable set",
  },
  ScriptModules: {
    data: "octopusdeploy_script_modules",
    collection: "script_modules",
    exactName: false,
    label: "script module",
  },
  TagSets: { data: "octopusdeploy_tag_sets", collection: "tag_sets", exactName: false, label: "tag set" },
  Tenants: { data: "octopusdeploy_tenants", collection: "tenants", exactName: true, label: "tenant" },
  MachinePolicies: {
    data: "octopusdeploy_machine_policies",
    collection: "machine_policies",
    exactName: false,
    label: "machine policy",
  },
  Proxies: {
    data: "octopusdeploy_machine_proxies",
    collection: "machine_proxies",
    exactName: false,
    label: "machine proxy",
  },
  WorkerPools: {
    data: "octopusdeploy_worker_pools",
    collection: "worker_pools",
    exactName: true,
    label: "worker pool",
  },
  Workers: { data: "octopusdeploy_workers", collection: "workers", exactName: true, label: "worker" },
  Machines: {
    data: "octopusdeploy_deployment_targets",
    collection: "deployment_targets",
    exactName: true,
    label: "deployment target",
  },
  Projects: { data: "octopusdeploy_projects", collection: "projects", exactName: true, label: "project" },
  Channels: { data: "octopusdeploy_channels", collection: "channels", exactName: false, label: "channel" },
  ActionTemplates: {
    data: "octopusdeploy_step_template",
    collection: "step_template",
    exactName: true,
    single: true,
    label: "step template",
  },
};
