import type { DocType } from "./descriptor.js";

/** Accounts and certificates: credentials, scoped to environments and tenants. */

export const accounts: DocType = {
  type: "Accounts",
  label: "accounts",
  singular: "account",
  klass: "space",
  read: { kind: "collection", path: "accounts", scope: "space" },
  identity: "name",
  family: { name: "accounts" },
  lookup: { data: "octopusdeploy_accounts", collection: "accounts", exactName: false },
  resources: {
    octopusdeploy_aws_account: "document",
    octopusdeploy_aws_openid_connect_account: "document",
    octopusdeploy_azure_openid_connect: "document",
    octopusdeploy_azure_service_principal: "document",
    octopusdeploy_azure_subscription_account: "document",
    octopusdeploy_gcp_account: "document",
    octopusdeploy_generic_oidc_account: "document",
    octopusdeploy_ssh_key_account: "document",
    octopusdeploy_token_account: "document",
    octopusdeploy_username_password_account: "document",
  },
  secrets: [
    { path: "Password" },
    { path: "Token" },
    { path: "SecretKey" },
    { path: "CertificateBytes" },
    { path: "JsonKey" },
    { path: "PrivateKeyFile" },
    { path: "PrivateKeyPassphrase" },
  ],
  ids: [
    { path: "EnvironmentIds[]", to: "Environments" },
    { path: "TenantIds[]", to: "Tenants" },
  ],
};

export const certificates: DocType = {
  type: "Certificates",
  label: "certificates",
  singular: "certificate",
  klass: "space",
  read: { kind: "collection", path: "certificates", scope: "space" },
  identity: "name",
  family: { name: "certificates" },
  lookup: { data: "octopusdeploy_certificates", collection: "certificates", exactName: false },
  resources: { octopusdeploy_certificate: "document" },
  ignoredBy: "ignoreCertificates",
  secrets: [{ path: "CertificateData" }, { path: "Password" }],
  ids: [
    { path: "EnvironmentIds[]", to: "Environments" },
    { path: "TenantIds[]", to: "Tenants" },
  ],
};
