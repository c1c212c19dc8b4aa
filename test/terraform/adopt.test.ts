import { describe, expect, it } from "vitest";
import { readSpace } from "../../src/graph/reader.js";
import { OctopusClient } from "../../src/octopus/client.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { parseHcl } from "../../src/terraform/hcl/parse.js";
import { validateHcl } from "../../src/terraform/writer.js";
import { cli } from "../helpers/cli.js";
import { exampleSpace } from "../helpers/examples.js";
import { exportSeed } from "../helpers/export.js";

/** Exports the example space with a destination that already holds `setup`'s documents. */
async function adoptInto(setup: (api: OctopusClient) => Promise<void>) {
  const destination = await new Sandbox({ seed: { spaces: [{ Name: "Target", IsDefault: true }] } }).start();
  try {
    const api = new OctopusClient({ server: destination.url, apiKey: destination.apiKey });
    await setup(api);
    const adoptFrom = await readSpace(api, await api.resolveSpace("Target"));
    return await exportSeed(exampleSpace(), { adoptFrom });
  } finally {
    await destination.close();
  }
}

describe("--import-from-destination", () => {
  it("writes import blocks, in each module's root and the root of all, for what exists by name", async () => {
    const { files, manifest } = await adoptInto(async (api) => {
      await api.post("/api/Spaces-1/environments", { Name: "Staging" });
      await api.post("/api/Spaces-1/environments", { Name: "Not in the source" });
    });
    await validateHcl(files);
    const space = (await parseHcl("space/imports.tf", files.get("space/imports.tf")!)) as {
      import: Array<{ to: string; id: string }>;
    };
    // The default lifecycle, machine policy, worker pool and feeds are looked up, not imported.
    expect(space.import).toEqual([
      { to: "${module.space.octopusdeploy_environment.staging}", id: "Environments-1" },
    ]);
    expect(files.get("imports.tf")).toContain("to = module.space.octopusdeploy_environment.staging");
    expect(files.has("projects/orders-api/imports.tf")).toBe(false);
    expect(manifest.imports).toEqual([
      { address: "module.space.octopusdeploy_environment.staging", id: "Environments-1" },
    ]);
  });

  it("warns about what exists but the provider cannot import", async () => {
    const { manifest, files } = await adoptInto(async (api) => {
      await api.post("/api/Spaces-1/git-credentials", {
        Name: "GitHub deploy bot",
        Details: { Type: "Anonymous" },
      });
    });
    expect(manifest.warnings).toContainEqual({
      subject: 'git credential "GitHub deploy bot"',
      message:
        "already exists on the destination (GitCredentials-1) and the provider cannot import it: delete or rename it there before applying, or leave it out with a filter",
    });
    expect(files.has("imports.tf")).toBe(false);
  });

  it("needs the destination's connection", async () => {
    const result = await cli([
      "export",
      "--server",
      "http://127.0.0.1:9",
      "--api-key",
      "API-X",
      "--space",
      "S",
      "--dest",
      "/tmp/x",
      "--import-from-destination",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "--import-from-destination needs --dest-server, --dest-api-key and --dest-space",
    );
  });
});
