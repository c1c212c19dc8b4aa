import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSpace } from "../../src/graph/reader.js";
import { OctopusClient } from "../../src/octopus/client.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { buildExport, DEFAULT_PROVIDER_VERSION, type ExportResult } from "../../src/terraform/export.js";
import { parseHcl } from "../../src/terraform/hcl/parse.js";
import { exampleSpace } from "../helpers/examples.js";
import { type HiddenReferences, hiddenReferences } from "../helpers/scenarios.js";

/**
 * IDs hidden inside values, on a space built through the REST API: each becomes a reference
 * to what it names, a variable expression stays an expression, and an ID that names nothing is
 * dropped with a warning that says where it was. No generated file carries a source ID as text.
 */

async function exportSpace(sandbox: Sandbox, spaceId: string, layout: "modules" | "single") {
  const client = new OctopusClient({ server: sandbox.url, apiKey: sandbox.apiKey });
  const graph = await readSpace(client, await client.resolveSpace(spaceId));
  const ids = new Set(graph.nodes.keys());
  const result = buildExport(graph, {
    layout,
    secretDefaults: "none",
    providerVersion: DEFAULT_PROVIDER_VERSION,
    source: { server: "https://octopus.example.com" },
  });
  return { result, ids };
}

/** Every string literal of the export's HCL (not references, not templates' reference parts). */
async function literals(result: ExportResult): Promise<Array<{ file: string; text: string }>> {
  const out: Array<{ file: string; text: string }> = [];
  const walk = (v: unknown, file: string) => {
    if (typeof v === "string") out.push({ file, text: v });
    else if (Array.isArray(v)) for (const x of v) walk(x, file);
    else if (v && typeof v === "object") for (const x of Object.values(v)) walk(x, file);
  };
  for (const [file, text] of result.files) if (file.endsWith(".tf")) walk(await parseHcl(file, text), file);
  return out;
}

/** Source IDs that appear as text, outside `${...}` expressions. */
function rawIds(found: Array<{ file: string; text: string }>, ids: Set<string>): string[] {
  const out: string[] = [];
  for (const { file, text } of found) {
    const outside = text.replace(/\$\{[^}]*\}/g, "");
    for (const m of outside.matchAll(/[A-Za-z][A-Za-z-]*-\d+/g))
      if (ids.has(m[0])) out.push(`${file}: ${text}`);
  }
  return out;
}

describe("IDs hidden in values", () => {
  let sandbox: Sandbox;
  let space: HiddenReferences;
  beforeAll(async () => {
    sandbox = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
    space = await hiddenReferences(sandbox);
  });
  afterAll(() => sandbox.close());

  it.each(["modules", "single"] as const)("become references, in the %s layout", async (layout) => {
    const { result, ids } = await exportSpace(sandbox, space.space.spaceId, layout);
    expect(rawIds(await literals(result), ids)).toEqual([]);
    const all = [...result.files.entries()]
      .filter(([f]) => f.endsWith(".tf"))
      .map(([, t]) => t)
      .join("\n");
    // The library set template's default and the tenant's value of it name the certificate.
    expect(all).toMatch(
      /default_value\s*=\s*(octopusdeploy_certificate\.signing\.id|local\.certificate_signing_id)/,
    );
    expect(all).toMatch(/value\s*=\s*(octopusdeploy_certificate\.signing\.id|local\.certificate_signing_id)/);
    // The project template's default and the tenant's value of it, and the typed variable, name the account.
    expect(all).toMatch(
      /default_value\s*=\s*(octopusdeploy_aws_account\.aws_deploy\.id|local\.account_aws_deploy_id)/,
    );
    // A step property that holds an account ID.
    expect(all).toMatch(
      /"Octopus\.Action\.AwsAccount\.Variable"\s*=\s*(octopusdeploy_aws_account\.aws_deploy\.id|local\.account_aws_deploy_id)/,
    );
    // A feed given as a variable expression stays one (the provider sets the step's feed property from it).
    expect(all).toMatch(/"feed_id"\s*=\s*"#\{HelmFeed\}"/);
    // A string variable that holds a feed's ID names the feed.
    expect(all).toMatch(/value\s*=\s*(octopusdeploy_helm_feed\.charts\.id|local\.feed_charts_id)/);
  });

  it("drops an ID that names nothing, with a warning naming the document and the field", async () => {
    const { result } = await exportSpace(sandbox, space.space.spaceId, "modules");
    const warnings = result.manifest.warnings.map((w) => `${w.subject}: ${w.message}`);
    expect(warnings).toContainEqual(
      expect.stringMatching(/step "Publish".*Octopus\.Action\.Package\.FeedId.*Feeds-9999.*dropped/),
    );
    expect(warnings).toContainEqual(expect.stringMatching(/Gone.*Runbooks-9999.*dropped/));
    const all = [...result.files.entries()]
      .filter(([f]) => f.endsWith(".tf"))
      .map(([, t]) => t)
      .join("\n");
    expect(all).not.toContain("Feeds-9999");
    expect(all).not.toContain("Runbooks-9999");
  });

  it("leaves no source ID as text in the example space's export either", async () => {
    const example = await new Sandbox({ seed: exampleSpace("acme") }).start();
    try {
      for (const layout of ["modules", "single"] as const) {
        const { result, ids } = await exportSpace(example, "Spaces-1", layout);
        expect(rawIds(await literals(result), ids)).toEqual([]);
      }
    } finally {
      await example.close();
    }
  });
});
