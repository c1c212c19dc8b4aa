import { createHash, X509Certificate } from "node:crypto";
import type { ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import type { JsonObject } from "../secrets.js";
import { CERTIFICATE_FIELDS } from "./fields.js";

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
    if (doc.AccountType === "AzureServicePrincipal" || doc.AccountType === "AzureOidc") {
      doc.AzureEnvironment ??= "";
      doc.ActiveDirectoryEndpointBaseUri ??= "";
      doc.ResourceManagementEndpointBaseUri ??= "";
    }
    // The server gives an Azure OIDC account the federated credentials' default audience when
    // none is sent (Octopus CLI docs, `account azure-oidc create --audience`: "Defaults to
    // api://AzureADTokenExchange"). The SDK provider's expandAzureOpenIDConnectAccount
    // (octopusdeploy/schema_azure_oidc_account.go, v1.17.0) never sends `audience`, and its
    // acceptance tests expect the server's default back.
    if (doc.AccountType === "AzureOidc" && (typeof doc.Audience !== "string" || doc.Audience === ""))
      doc.Audience = "api://AzureADTokenExchange";
    if (existing && existing.AccountType !== doc.AccountType)
      throw badRequest("The type of an account cannot be changed.");
  },
  filters: { accountType: (d, v) => v.split(",").includes(String(d.AccountType)) },
  links: (_doc, self) => ({ Usages: `${self}/usages` }),
};

export const certificates: ResourceDef = {
  type: "Certificates",
  fields: CERTIFICATE_FIELDS,
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
    CertificateChain: [],
  }),
  normalise: (doc, _ctx, existing) => {
    // What the server reads from the certificate itself: recomputed when new data is uploaded,
    // otherwise kept (a client's copy of these fields is ignored).
    const data = doc.CertificateData;
    const uploaded =
      data && typeof data === "object" && !Array.isArray(data) && typeof data.NewValue === "string"
        ? data.NewValue
        : undefined;
    const derived = uploaded !== undefined ? describeCertificate(uploaded) : existing;
    for (const field of DERIVED) doc[field] = derived?.[field] ?? describeCertificate("")[field] ?? null;
  },
  filters: {
    archived: (d, v) => (v === "true" ? d.Archived !== null : d.Archived === null),
    tenant: (d, v) => Array.isArray(d.TenantIds) && d.TenantIds.includes(v),
    search: (d, v) => String(d.Name).toLowerCase().includes(v.toLowerCase()),
  },
};

const DERIVED = [
  "CertificateDataFormat",
  "HasPrivateKey",
  "IsExpired",
  "Thumbprint",
  "SubjectDistinguishedName",
  "SubjectCommonName",
  "SubjectOrganization",
  "IssuerDistinguishedName",
  "IssuerCommonName",
  "IssuerOrganization",
  "SelfSigned",
  "NotAfter",
  "NotBefore",
  "SerialNumber",
  "SignatureAlgorithmName",
  "SubjectAlternativeNames",
  "Version",
];

/**
 * The certificate's own fields, from its base64 data: PEM and DER certificates are read; a
 * PKCS#12 file is recognised but not opened (its thumbprint here is the SHA-1 of the file).
 */
export function describeCertificate(base64: string): JsonObject {
  const raw = Buffer.from(base64, "base64");
  const pem = raw.toString("latin1").includes("-----BEGIN CERTIFICATE-----");
  try {
    if (!raw.length) throw new Error("empty");
    const cert = new X509Certificate(pem ? raw.toString("latin1") : raw);
    const cn = (dn: string) => /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1] ?? "";
    const org = (dn: string) => /(?:^|\n)O=([^\n]*)/.exec(dn)?.[1] ?? "";
    const notAfter = new Date(cert.validTo);
    return {
      CertificateDataFormat: pem ? "Pem" : "Der",
      HasPrivateKey: pem && raw.toString("latin1").includes("PRIVATE KEY-----"),
      IsExpired: notAfter.getTime() < Date.now(),
      Thumbprint: cert.fingerprint.replace(/:/g, ""),
      SubjectDistinguishedName: cert.subject.split("\n").join(", "),
      SubjectCommonName: cn(cert.subject),
      SubjectOrganization: org(cert.subject),
      IssuerDistinguishedName: cert.issuer.split("\n").join(", "),
      IssuerCommonName: cn(cert.issuer),
      IssuerOrganization: org(cert.issuer),
      SelfSigned: cert.subject === cert.issuer,
      NotAfter: notAfter.toISOString(),
      NotBefore: new Date(cert.validFrom).toISOString(),
      SerialNumber: cert.serialNumber,
      SignatureAlgorithmName: "",
      SubjectAlternativeNames: (cert.subjectAltName ?? "").split(", ").filter(Boolean),
      Version: 3,
    };
  } catch {
    return {
      CertificateDataFormat: raw.length ? "Pkcs12" : "Unknown",
      HasPrivateKey: raw.length > 0,
      IsExpired: false,
      Thumbprint: raw.length ? createHash("sha1").update(raw).digest("hex").toUpperCase() : "",
      SubjectDistinguishedName: "",
      SubjectCommonName: "",
      SubjectOrganization: "",
      IssuerDistinguishedName: "",
      IssuerCommonName: "",
      IssuerOrganization: "",
      SelfSigned: false,
      NotAfter: "",
      NotBefore: "",
      SerialNumber: "",
      SignatureAlgorithmName: "",
      SubjectAlternativeNames: [],
      Version: 3,
    };
  }
}

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
