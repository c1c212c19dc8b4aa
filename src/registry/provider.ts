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
