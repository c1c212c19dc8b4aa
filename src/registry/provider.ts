/**
 * The pinned provider's resource types that no document type's descriptor lists, each with why.
 * A test holds this, the descriptors and the provider's schema together: every resource type
 * the provider has is written by a converter, or listed here.
 */

/** Written by the export itself rather than from a document. */
export const WRITTEN_BY_EXPORT: Readonly<Record<string, string>> = {
  octopusdeploy_space: "space_creation/ (export --create-space) creates the destination space",
};

/** Never written, and why. */
export const OUT_OF_SCOPE: Readonly<Record<string, string>> = {
  octopusdeploy_polling_subscription_id:
    "generates a new polling subscription ID for a tentacle being installed; a space holds nothing to read for it",
  octopusdeploy_tentacle_certificate:
    "generates a new certificate for a tentacle being installed; a space holds nothing to read for it",
  octopusdeploy_user:
    "users are server-wide people with passwords or external logins; they are looked up by name, never created",
  octopusdeploy_service_account_oidc_identity:
    "belongs to a user (a service account), not to a space; users are looked up, never created",
  octopusdeploy_project_auto_create_release:
    "deprecated by the provider in favour of octopusdeploy_built_in_trigger, which writes the same project setting (AutoCreateRelease and ReleaseCreationStrategy)",
  octopusdeploy_kubernetes_monitor:
    "registered by the Kubernetes agent's installation on its cluster, with a token only the cluster holds",
  octopusdeploy_platform_hub_aws_account:
    "Platform Hub: server-wide, git-backed, outside any space (docs/limits.md)",
  octopusdeploy_platform_hub_aws_openid_connect_account:
    "Platform Hub: server-wide, git-backed, outside any space (docs/limits.md)",
  octopusdeploy_platform_hub_azure_oidc_account:
    "Platform Hub: server-wide, git-backed, outside any space (docs/limits.md)",
  octopusdeploy_platform_hub_azure_service_principal_account:
    "Platform Hub: server-wide, git-backed, outside any space (docs/limits.md)",
  octopusdeploy_platform_hub_gcp_account:
    "Platform Hub: server-wide, git-backed, outside any space (docs/limits.md)",
  octopusdeploy_platform_hub_generic_oidc_account:
    "Platform Hub: server-wide, git-backed, outside any space (docs/limits.md)",
  octopusdeploy_platform_hub_git_credential:
    "Platform Hub: server-wide, git-backed, outside any space (docs/limits.md)",
  octopusdeploy_platform_hub_username_password_account:
    "Platform Hub: server-wide, git-backed, outside any space (docs/limits.md)",
  octopusdeploy_platform_hub_version_control_anonymous_settings:
    "Platform Hub: server-wide, git-backed, outside any space (docs/limits.md)",
  octopusdeploy_platform_hub_version_control_username_password_settings:
    "Platform Hub: server-wide, git-backed, outside any space (docs/limits.md)",
};

/**
 * Not written yet: each belongs to a document type octoport does not read or convert yet
 * (issue 20, "Every resource a real space has"). This list only shrinks.
 */
export const NOT_YET: Readonly<Record<string, string>> = {};

/**
 * Resources whose import leaves `space_id` empty in the state: the provider's read keeps the
 * state's space ID rather than the server's (v1.17.0, e.g. octopusdeploy_framework/
 * resource_helm_feed.go Read and Update pass `data.SpaceID`/`state.SpaceID` on), so after an
 * import every plan wants to set it, and the update answers the empty value again ("Provider
 * produced inconsistent result after apply"). An export that adopts (--import-from-destination)
 * writes them with `lifecycle { ignore_changes = [space_id] }`: a resource never moves between
 * spaces, so nothing else is lost.
 */
export const SPACE_ID_LOST_ON_IMPORT: ReadonlySet<string> = new Set([
  "octopusdeploy_helm_feed",
  "octopusdeploy_library_variable_set",
  "octopusdeploy_listening_tentacle_worker",
]);
