import { describe, expect, it } from "vitest";
import { diffDocs } from "../../src/snapshot/import.js";
import { MASKED, maskSecrets, scrubText } from "../../src/snapshot/mask.js";
import type { JsonObject } from "../../src/snapshot/paths.js";

/**
 * Masking is decided by the type registry's secret-field table: a field it names is hidden
 * whatever shape its value has (a server that adds a key to a sensitive value, a certificate's
 * data sent as text), and so are sensitive variables' values, step properties and tenants'
 * values shaped as sensitive values.
 */

const SECRETS = [
  "hunter2-password",
  "MIIEXAIBAzCCBBIGCSqGSIb3DQ",
  "variable-secret",
  "step-secret",
  "tenant-secret",
];

const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

describe("masking by the registry's secret fields", () => {
  it("hides a named field whatever its shape, in a diff and in a before-image", () => {
    const before: JsonObject = {
      Name: "Signing",
      Password: { HasValue: true, NewValue: null, Hint: null, LastModifiedOn: "2026-01-01" },
      CertificateData: { HasValue: true, NewValue: null },
    };
    const after: JsonObject = {
      Name: "Signing (renewed)",
      // A server that answers with one more key than {HasValue, NewValue}: still the password.
      Password: { HasValue: true, NewValue: "hunter2-password", Hint: null, LastModifiedOn: "2026-01-02" },
      // A certificate's data as plain text.
      CertificateData: "MIIEXAIBAzCCBBIGCSqGSIb3DQ",
    };
    const diff = diffDocs("Certificates", before, after);
    expect(leaks(diff.join("\n"))).toEqual([]);
    expect(diff).toContain('Name: "Signing" -> "Signing (renewed)"');
    expect(diff.some((d) => d.startsWith("Password: (sensitive) -> (sensitive, new value)"))).toBe(true);
    expect(leaks(JSON.stringify(maskSecrets("Certificates", after)))).toEqual([]);
  });

  it("hides sensitive variables, step properties and tenants' values", () => {
    const variables: JsonObject = {
      Variables: [
        { Id: "v1", Name: "Db.Password", Type: "Sensitive", IsSensitive: true, Value: "variable-secret" },
      ],
    };
    const process: JsonObject = {
      Steps: [
        {
          Id: "s1",
          Name: "Publish",
          Properties: {},
          Actions: [
            {
              Id: "a1",
              Name: "Publish",
              Properties: { "Octopus.Action.Script.Password": { HasValue: true, NewValue: "step-secret" } },
            },
          ],
        },
      ],
    };
    const tenant: JsonObject = {
      TenantId: "Tenants-1",
      LibraryVariables: {
        "LibraryVariableSets-1": { Variables: { "t-1": { HasValue: true, NewValue: "tenant-secret" } } },
      },
    };
    for (const [type, doc] of [
      ["VariableSets", variables],
      ["DeploymentProcesses", process],
      ["TenantVariables", tenant],
    ] as const) {
      expect(leaks(JSON.stringify(maskSecrets(type, doc))), type).toEqual([]);
      expect(leaks(diffDocs(type, {}, doc).join("\n")), type).toEqual([]);
      expect(leaks(JSON.stringify(maskSecrets(type, doc, "display"))), type).toEqual([]);
    }
  });

  it("scrubs every value sent from an error text, the longest first", () => {
    const text = 'rejected {"Password":"hunter2-password","Other":"hunter2"}';
    expect(scrubText(text, ["hunter2", "hunter2-password"])).toBe(
      `rejected {"Password":"${MASKED}","Other":"${MASKED}"}`,
    );
  });
});
