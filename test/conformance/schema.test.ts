import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { locateTools, TofuDir, type Tools } from "./harness.js";

/**
 * The pinned provider's schema (`tofu providers schema -json`), saved for the exporter's
 * schema checks. This test fails when the saved copy no longer matches the pinned provider;
 * UPDATE_PROVIDER_SCHEMA=1 rewrites it (review the diff before committing).
 */
const SAVED = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/provider-schema.json");
const tools = locateTools();

describe.skipIf(typeof tools === "string")("provider schema", () => {
  it("test/fixtures/provider-schema.json is the pinned provider's schema", async () => {
    const tf = await TofuDir.create(tools as Tools, {
      "main.tf":
        'terraform {\n  required_providers {\n    octopusdeploy = { source = "octopusdeploy/octopusdeploy" }\n  }\n}\n',
    });
    const out = await tf.must(["providers", "schema", "-json"]);
    const schema = `${JSON.stringify(JSON.parse(out.stdout), null, 1)}\n`;
    if (process.env.UPDATE_PROVIDER_SCHEMA === "1") writeFileSync(SAVED, schema);
    expect(
      schema === readFileSync(SAVED, "utf8"),
      "saved schema differs; rerun with UPDATE_PROVIDER_SCHEMA=1",
    ).toBe(true);
  });
});
