import type { GraphNode } from "../../graph/graph.js";
import type { EmitContext } from "../emit.js";
import { attr, type BodyItem, str } from "../hcl/model.js";
import {
  type Converter,
  type Doc,
  docOf,
  hasSecret,
  optMap,
  optNumber,
  optString,
  optStrings,
} from "./converter.js";
import { tenancy } from "./space.js";

/** Account types: the provider resource, and the fields (plain and secret) each carries. */
const ACCOUNTS: Record<
  string,
  { type: string; fields: (d: Doc, ctx: EmitContext, node: GraphNode) => BodyItem[] }
> = {
  UsernamePassword: {
    type: "octopusdeploy_username_password_account",
    fields: (d, ctx, node) => [
      attr("username", str(String(d.Username ?? ""))),
      ...(hasSecret(d.Password)
        ? [
            attr(
              "password",
              ctx.secret("password", "password", `Password of account "${node.name}"`, { path: "Password" }),
            ),
          ]
        : []),
    ],
  },
  Token: {
    type: "octopusdeploy_token_account",
    fields: (_d, ctx, node) => [
      attr("token", ctx.secret("token", "token", `Token of account "${node.name}"`, { path: "Token" })),
    ],
  },
  AmazonWebServicesAccount: {
    type: "octopusdeploy_aws_account",
    fields: (d, ctx, node) => [
      attr("access_key", str(String(d.AccessKey ?? ""))),
      attr(
        "secret_key",
        ctx.secret("secret_key", "password", `Secret key of AWS account "${node.name}"`, {
          path: "SecretKey",
        }),
      ),
      ...optString("region", d.Region),
    ],
  },
  AzureServicePrincipal: {
    type: "octopusdeploy_azure_service_principal",
    fields: (d, ctx, node) => [
      attr("application_id", str(String(d.ClientId ?? ""))),
      attr("tenant_id", str(String(d.TenantId ?? ""))),
      attr("subscription_id", str(String(d.SubscriptionNumber ?? ""))),
      attr(
        "password",
        ctx.secret("password", "password", `Client secret of Azure account "${node.name}"`, {
          path: "Password",
        }),
      ),
      ...optString("azure_environment", d.AzureEnvironment),
      ...optString("authentication_endpoint", d.ActiveDirectoryEndpointBaseUri),
      ...optString("resource_manager_endpoint", d.ResourceManagementEndpointBaseUri),
    ],
  },
  AzureOidc: {
    type: "octopusdeploy_azure_openid_connect",
    fields: (d) => [
      attr("application_id", str(String(d.ClientId ?? ""))),
      attr("tenant_id", str(String(d.TenantId ?? ""))),
      attr("subscription_id", str(String(d.SubscriptionNumber ?? ""))),
      ...optString("azure_environment", d.AzureEnvironment),
      ...optString("authentication_endpoint", d.ActiveDirectoryEndpointBaseUri),
      ...optString("resource_manager_endpoint", d.ResourceManagementEndpointBaseUri),
      ...optString("audience", d.Audience),
      ...optStrings("execution_subject_keys", d.DeploymentSubjectKeys, { sort: false }),
      ...optStrings("health_subject_keys", d.HealthCheckSubjectKeys, { sort: false }),
      ...optStrings("account_test_subject_keys", d.AccountTestSubjectKeys, { sort: false }),
    ],
  },
  AzureSubscription: {
    type: "octopusdeploy_azure_subscription_account",
    fields: (d, ctx, node) => [
      attr("subscription_id", str(String(d.SubscriptionNumber ?? ""))),
      ...(hasSecret(d.CertificateBytes)
        ? [
            attr(
              "certificate",
              ctx.secret(
                "certificate",
                "certificate",
                `Management certificate of Azure account "${node.name}"`,
                {
                  path: "CertificateBytes",
                },
              ),
            ),
          ]
        : []),
      ...optString("azure_environment", d.AzureEnvironment),
      ...optString("management_endpoint", d.ServiceManagementEndpointBaseUri),
      ...optString("storage_endpoint_suffix", d.ServiceManagementEndpointSuffix),
    ],
  },
  AmazonWebServicesOidcAccount: {
    type: "octopusdeploy_aws_openid_connect_account",
    fields: (d) => [
      attr("role_arn", str(String(d.RoleArn ?? ""))),
      ...optNumber("session_duration", d.SessionDuration),
      ...optString("region", d.Region),
      ...optStrings("execution_subject_keys", d.DeploymentSubjectKeys, { sort: false }),
      ...optStrings("health_subject_keys", d.HealthCheckSubjectKeys, { sort: false }),
      ...optStrings("account_test_subject_keys", d.AccountTestSubjectKeys, { sort: false }),
      ...optMap("custom_claims", d.CustomClaims),
    ],
  },
  GoogleCloudAccount: {
    type: "octopusdeploy_gcp_account",
    fields: (_d, ctx, node) => [
      attr(
        "json_key",
        ctx.secret("json_key", "text", `JSON key of Google Cloud account "${node.name}"`, {
          path: "JsonKey",
        }),
      ),
    ],
  },
  GenericOidcAccount: {
    type: "octopusdeploy_generic_oidc_account",
    fields: (d) => [
      ...optString("audience", d.Audience),
      ...optStrings("execution_subject_keys", d.DeploymentSubjectKeys, { sort: false }),
      ...optMap("custom_claims", d.CustomClaims),
    ],
  },
  SshKeyPair: {
    type: "octopusdeploy_ssh_key_account",
    fields: (d, ctx, node) => [
      attr("username", str(String(d.Username ?? ""))),
      attr(
        "private_key_file",
        ctx.secret("private_key", "ssh-key", `Private key (base64) of SSH account "${node.name}"`, {
          path: "PrivateKeyFile",
        }),
      ),
      ...(hasSecret(d.PrivateKeyPassphrase)
        ? [
            attr(
              "private_key_passphrase",
              ctx.secret("private_key_passphrase", "password", `Passphrase of SSH account "${node.name}"`, {
                path: "PrivateKeyPassphrase",
              }),
            ),
          ]
        : []),
    ],
  },
};

export const accounts: Converter = {
  types: ["Accounts"],
  file: "accounts.tf",
  primary: (node) => ACCOUNTS[String(docOf(node).AccountType)]?.type,
  emit(node, ctx) {
    const d = docOf(node);
    const spec = ACCOUNTS[String(d.AccountType)];
    if (!spec) {
      ctx.warn(`account type ${String(d.AccountType)} is not exported; create it by hand`);
      return;
    }
    ctx.resource(this.file, spec.type, node.name, [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...optString("description", d.Description),
      ...spec.fields(d, ctx, node),
      ...tenancy(node, ctx),
    ]);
  },
};

export const certificates: Converter = {
  types: ["Certificates"],
  file: "certificates.tf",
  primary: () => "octopusdeploy_certificate",
  emit(node, ctx) {
    const d = docOf(node);
    if (d.Archived) ctx.warn("the certificate is archived; it is exported as a current certificate");
    ctx.resource(this.file, "octopusdeploy_certificate", node.name, [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...optString("notes", d.Notes),
      attr(
        "certificate_data",
        ctx.secret(
          "data",
          // A placeholder needs a password exactly when the certificate has one.
          hasSecret(d.Password) ? "certificate" : "certificate-pem",
          `Certificate "${node.name}": the certificate file, base64 (PFX, PEM or DER)`,
          {
            path: "CertificateData",
          },
        ),
      ),
      ...(hasSecret(d.Password)
        ? [
            attr(
              "password",
              ctx.secret("password", "certificate-password", `Password of certificate "${node.name}"`, {
                path: "Password",
              }),
            ),
          ]
        : []),
      ...tenancy(node, ctx),
    ]);
  },
};
