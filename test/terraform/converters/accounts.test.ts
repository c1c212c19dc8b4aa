import { describe, expect, it } from "vitest";
import * as accounts from "../../../src/terraform/converters/accounts.js";
import {
  DUMMY_CERTIFICATE,
  DUMMY_CERTIFICATE_PASSWORD,
  DUMMY_CERTIFICATE_PEM,
} from "../../../src/terraform/dummies.js";
import { convert, itWritesEveryResourceType } from "../../helpers/convert.js";

/** Accounts and certificates (src/terraform/converters/accounts.ts): a tiny space in, blocks out. */

const SPACE_ID = "${var.octopus_space_id}";
const SECRET = { HasValue: true };

describe("accounts", () => {
  const base = { space_id: SPACE_ID, name: "Cloud", description: "Deploys" };
  const account = (AccountType: string, fields: Record<string, unknown>) => ({
    Id: "Accounts-1",
    Name: "Cloud",
    Description: "Deploys",
    AccountType,
    ...fields,
  });

  it.each([
    {
      type: "UsernamePassword",
      resource: "octopusdeploy_username_password_account",
      fields: { Username: "deploy", Password: SECRET },
      expected: { username: "deploy", password: "${var.account_cloud_password}" },
      secrets: [["account_cloud_password", "Password"]],
    },
    {
      type: "Token",
      resource: "octopusdeploy_token_account",
      fields: { Token: SECRET },
      expected: { token: "${var.account_cloud_token}" },
      secrets: [["account_cloud_token", "Token"]],
    },
    {
      type: "AmazonWebServicesAccount",
      resource: "octopusdeploy_aws_account",
      fields: { AccessKey: "AKIA1", SecretKey: SECRET, Region: "eu-west-1" },
      expected: { access_key: "AKIA1", secret_key: "${var.account_cloud_secret_key}", region: "eu-west-1" },
      secrets: [["account_cloud_secret_key", "SecretKey"]],
    },
    {
      type: "AzureServicePrincipal",
      resource: "octopusdeploy_azure_service_principal",
      fields: {
        ClientId: "app",
        TenantId: "tenant",
        SubscriptionNumber: "sub",
        Password: SECRET,
        AzureEnvironment: "AzureCloud",
        ActiveDirectoryEndpointBaseUri: "https://login.example/",
        ResourceManagementEndpointBaseUri: "https://management.example/",
      },
      expected: {
        application_id: "app",
        tenant_id: "tenant",
        subscription_id: "sub",
        password: "${var.account_cloud_password}",
        azure_environment: "AzureCloud",
        authentication_endpoint: "https://login.example/",
        resource_manager_endpoint: "https://management.example/",
      },
      secrets: [["account_cloud_password", "Password"]],
    },
    {
      type: "AzureOidc",
      resource: "octopusdeploy_azure_openid_connect",
      fields: {
        ClientId: "app",
        TenantId: "tenant",
        SubscriptionNumber: "sub",
        Audience: "api://AzureADTokenExchange",
        DeploymentSubjectKeys: ["space", "environment"],
        HealthCheckSubjectKeys: ["target"],
        AccountTestSubjectKeys: [],
      },
      expected: {
        application_id: "app",
        tenant_id: "tenant",
        subscription_id: "sub",
        audience: "api://AzureADTokenExchange",
        // Kept in the source's order.
        execution_subject_keys: ["space", "environment"],
        health_subject_keys: ["target"],
      },
      secrets: [],
    },
    {
      type: "AzureSubscription",
      resource: "octopusdeploy_azure_subscription_account",
      fields: {
        SubscriptionNumber: "sub",
        CertificateBytes: SECRET,
        ServiceManagementEndpointBaseUri: "https://management.core.example/",
        ServiceManagementEndpointSuffix: "core.example",
      },
      expected: {
        subscription_id: "sub",
        certificate: "${var.account_cloud_certificate}",
        management_endpoint: "https://management.core.example/",
        storage_endpoint_suffix: "core.example",
      },
      secrets: [["account_cloud_certificate", "CertificateBytes"]],
    },
    {
      type: "AmazonWebServicesOidcAccount",
      resource: "octopusdeploy_aws_openid_connect_account",
      fields: {
        RoleArn: "arn:aws:iam::1:role/deploy",
        // As the API sends it: text (go-octopusdeploy's AwsOIDCAccount.SessionDuration is a string).
        SessionDuration: "3600",
        Region: "us-east-1",
        DeploymentSubjectKeys: ["space"],
        CustomClaims: { team: "web", env: "prod" },
      },
      expected: {
        role_arn: "arn:aws:iam::1:role/deploy",
        session_duration: 3600,
        region: "us-east-1",
        execution_subject_keys: ["space"],
        custom_claims: { env: "prod", team: "web" },
      },
      secrets: [],
    },
    {
      type: "GoogleCloudAccount",
      resource: "octopusdeploy_gcp_account",
      fields: { JsonKey: SECRET },
      expected: { json_key: "${var.account_cloud_json_key}" },
      secrets: [["account_cloud_json_key", "JsonKey"]],
    },
    {
      type: "GenericOidcAccount",
      resource: "octopusdeploy_generic_oidc_account",
      fields: { Audience: "octopus", DeploymentSubjectKeys: ["project"], CustomClaims: { a: "1" } },
      expected: { audience: "octopus", execution_subject_keys: ["project"], custom_claims: { a: "1" } },
      secrets: [],
    },
    {
      type: "SshKeyPair",
      resource: "octopusdeploy_ssh_key_account",
      fields: { Username: "root", PrivateKeyFile: SECRET, PrivateKeyPassphrase: SECRET },
      expected: {
        username: "root",
        private_key_file: "${var.account_cloud_private_key}",
        private_key_passphrase: "${var.account_cloud_private_key_passphrase}",
      },
      secrets: [
        ["account_cloud_private_key", "PrivateKeyFile"],
        ["account_cloud_private_key_passphrase", "PrivateKeyPassphrase"],
      ],
    },
  ])("writes a $type account as $resource", async ({ type, resource, fields, expected, secrets }) => {
    const out = convert({ Accounts: [account(type, fields)] });
    expect(out.types).toEqual([resource]);
    expect(await out.resource(resource, "cloud")).toEqual({ ...base, ...expected });
    expect(out.secrets.map((s) => [s.variable, s.path])).toEqual(secrets);
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("asks for optional secrets only when the account has them", async () => {
    const out = convert({
      Accounts: [
        account("UsernamePassword", { Id: "Accounts-1", Name: "Anonymous", Username: "guest" }),
        account("SshKeyPair", {
          Id: "Accounts-2",
          Name: "Key",
          Username: "root",
          PrivateKeyPassphrase: { HasValue: false },
        }),
        account("AzureSubscription", { Id: "Accounts-3", Name: "Classic", SubscriptionNumber: "s" }),
      ],
    });
    expect(await out.resource("octopusdeploy_username_password_account")).not.toHaveProperty("password");
    expect(await out.resource("octopusdeploy_ssh_key_account")).not.toHaveProperty("private_key_passphrase");
    expect(await out.resource("octopusdeploy_azure_subscription_account")).not.toHaveProperty("certificate");
    // The private key is required by the provider, so it is asked for whatever the document says.
    expect(out.secrets.map((s) => s.variable)).toEqual(["account_key_private_key"]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes who may use the account: environments and tenants by name, and tenant tags", async () => {
    const out = convert({
      Environments: [
        { Id: "Environments-1", Name: "Test" },
        { Id: "Environments-2", Name: "Production" },
      ],
      TagSets: [{ Id: "TagSets-1", Name: "Tier", Tags: [{ Id: "Tags-1", Name: "Gold" }] }],
      Tenants: [{ Id: "Tenants-1", Name: "Acme" }],
      Accounts: [
        account("Token", {
          Token: SECRET,
          EnvironmentIds: ["Environments-1", "Environments-2"],
          TenantIds: ["Tenants-1"],
          TenantTags: ["Tier/Gold"],
          TenantedDeploymentParticipation: "TenantedOrUntenanted",
        }),
      ],
    });
    expect(await out.resource("octopusdeploy_token_account")).toMatchObject({
      environments: ["${octopusdeploy_environment.production.id}", "${octopusdeploy_environment.test.id}"],
      tenants: ["${octopusdeploy_tenant.acme.id}"],
      tenant_tags: ["${octopusdeploy_tag.tier_gold.canonical_tag_name}"],
      tenanted_deployment_participation: "TenantedOrUntenanted",
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("drops references to what is not in the space, with a warning", async () => {
    const out = convert({
      Accounts: [
        account("Token", { Token: SECRET, EnvironmentIds: ["Environments-9"], TenantTags: ["Gone/Tag"] }),
      ],
    });
    const written = await out.resource("octopusdeploy_token_account");
    expect(written).not.toHaveProperty("environments");
    expect(written).not.toHaveProperty("tenant_tags");
    // The subject is said twice today: the message repeats what the warning is about.
    expect(out.warnings).toEqual([
      'account "Cloud" account "Cloud" environments refers to Environments-9, which is not in the space; dropped',
      'account "Cloud" account "Cloud" tenant tags: tag "Gone/Tag" is not in the space; dropped',
    ]);
  });

  it("warns of account types it cannot write, and writes nothing for them", async () => {
    const out = convert({ Accounts: [account("AzureKeyVault", { VaultName: "v" })] });
    expect(out.types).toEqual([]);
    expect(out.warnings).toEqual([
      'account "Cloud" account type AzureKeyVault is not exported; create it by hand',
    ]);
  });
});

describe("certificates", () => {
  it("writes the certificate data as a secret, and a password secret when it has one", async () => {
    const out = convert({
      Environments: [{ Id: "Environments-1", Name: "Production" }],
      Certificates: [
        {
          Id: "Certificates-1",
          Name: "Wildcard",
          Notes: "*.example.com",
          CertificateData: SECRET,
          Password: SECRET,
          EnvironmentIds: ["Environments-1"],
          TenantedDeploymentParticipation: "Untenanted",
        },
        { Id: "Certificates-2", Name: "Plain", CertificateData: SECRET, Password: { HasValue: false } },
      ],
    });
    expect(await out.resources("octopusdeploy_certificate")).toEqual({
      wildcard: {
        space_id: SPACE_ID,
        name: "Wildcard",
        notes: "*.example.com",
        certificate_data: "${var.certificate_wildcard_data}",
        password: "${var.certificate_wildcard_password}",
        environments: ["${octopusdeploy_environment.production.id}"],
        tenanted_deployment_participation: "Untenanted",
      },
      plain: { space_id: SPACE_ID, name: "Plain", certificate_data: "${var.certificate_plain_data}" },
    });
    expect(out.secrets.map((s) => [s.variable, s.sourceId, s.path])).toEqual([
      ["certificate_plain_data", "Certificates-2", "CertificateData"],
      ["certificate_wildcard_data", "Certificates-1", "CertificateData"],
      ["certificate_wildcard_password", "Certificates-1", "Password"],
    ]);
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("gives the certificate's placeholder a password exactly when the certificate has one", () => {
    const certificates = [
      { Id: "Certificates-1", Name: "Locked", CertificateData: SECRET, Password: SECRET },
      { Id: "Certificates-2", Name: "Open", CertificateData: SECRET },
    ];
    const dummy = convert({ Certificates: certificates }, { secretDefaults: "dummy" });
    const variables = dummy.text("variables.tf");
    const defaultOf = (name: string) =>
      new RegExp(`variable "${name}" \\{[^}]*default\\s*=\\s*"([^"]*)"`).exec(variables)?.[1];
    // A PKCS#12 file with its password for the first, PEM text (no password) for the second.
    expect(defaultOf("certificate_locked_data")).toBe(DUMMY_CERTIFICATE);
    expect(defaultOf("certificate_locked_password")).toBe(DUMMY_CERTIFICATE_PASSWORD);
    expect(defaultOf("certificate_open_data")).toBe(DUMMY_CERTIFICATE_PEM);
  });

  it("warns that an archived certificate arrives current", () => {
    const out = convert({
      Certificates: [{ Id: "Certificates-1", Name: "Old", CertificateData: SECRET, Archived: "2024-01-01" }],
    });
    expect(out.types).toEqual(["octopusdeploy_certificate"]);
    expect(out.warnings).toEqual([
      'certificate "Old" the certificate is archived; it is exported as a current certificate',
    ]);
  });
});

itWritesEveryResourceType(accounts);
