import type { ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import type { JsonObject } from "../secrets.js";

const ACCOUNT_TYPES = new Set([
  "UsernamePassword",
  "Token",
  "AmazonWebServicesAccount",
  "AmazonWebServicesRoleAccount",
  "AmazonWebServicesOidcAccount",
  "AzureServicePrincipal",
  "AzureOidc",
  "AzureSubscription",
  "SshKeyPair",
  "GoogleCloudAccount",
  "GenericOidcAccount",
]);

export const accounts: ResourceDef = {
  type: "Accounts",
  collection: "accounts",
  idPrefix: "Accounts",
  scope: "space",
  link: "Accounts",
  required: ["Name", "AccountType"],
  slug: true,
  defaults: () => ({
    Description: "",
    EnvironmentIds: [],
    TenantIds: [],
    TenantTags: [],
    TenantedDeploymentParticipation: "Untenanted",
  }),
  normalise: (doc, _ctx, existing) => {
    if (!ACCOUNT_TYPES.has(String(doc.AccountType)))
      throw badRequest(`Unknown account type '${String(doc.AccountType)}'.`);
    if (existing && existing.AccountType !== doc.AccountType)
      throw badRequest("The type of an account cannot be changed.");
  },
  filters: { accountType: (d, v) => v.split(",").includes(String(d.AccountType)) },
  links: (_doc, self) => ({ Usages: `${self}/usages` }),
};

export const certificates: ResourceDef = {
  type: "Certificates",
  collection: "certificates",
  idPrefix: "Certificates",
  scope: "space",
  link: "Certificates",
  required: ["Name", "CertificateData"],
  defaults: () => ({
    Notes: "",
    EnvironmentIds: [],
    TenantIds: [],
    TenantTags: [],
    TenantedDeploymentParticipation: "Untenanted",
    Archived: null,
    ReplacedBy: null,
    CertificateDataFormat: "Pkcs12",
    HasPrivateKey: true,
    IsExpired: false,
    Thumbprint: "",
    SubjectDistinguishedName: "",
    SubjectCommonName: "",
    IssuerDistinguishedName: "",
    IssuerCommonName: "",
    SelfSigned: true,
    NotAfter: "",
    NotBefore: "",
    SerialNumber: "",
    SignatureAlgorithmName: "",
    SubjectAlternativeNames: [],
    Version: 3,
    CertificateChain: [],
  }),
  filters: {
    archived: (d, v) => (v === "true" ? d.Archived !== null : d.Archived === null),
    tenant: (d, v) => Array.isArray(d.TenantIds) && d.TenantIds.includes(v),
    search: (d, v) => String(d.Name).toLowerCase().includes(v.toLowerCase()),
  },
};

export const gitCredentials: ResourceDef = {
  type: "GitCredentials",
  collection: "git-credentials",
  idPrefix: "GitCredentials",
  scope: "space",
  link: "GitCredentials",
  required: ["Name", "Details"],
  slug: true,
  defaults: () => ({ Description: "", RepositoryRestrictions: { Enabled: false, AllowedRepositories: [] } }),
  normalise: (doc) => {
    const details = doc.Details as JsonObject | null;
    if (!details || typeof details !== "object" || !details.Type)
      throw badRequest("Git credential Details need a Type.");
  },
};
