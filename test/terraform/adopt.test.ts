import { describe, expect, it } from "vitest";
import { readSpace } from "../../src/graph/reader.js";
import { OctopusClient } from "../../src/octopus/client.js";
import type { Sandbox as SandboxType } from "../../src/sandbox/server.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { buildExport, DEFAULT_PROVIDER_VERSION } from "../../src/terraform/export.js";
import { parseHcl } from "../../src/terraform/hcl/parse.js";
import { validateHcl } from "../../src/terraform/writer.js";
import { cli } from "../helpers/cli.js";
import { exampleSpace } from "../helpers/examples.js";
import { exportSeed } from "../helpers/export.js";
import { RestSpace, serverCall } from "../helpers/rest.js";
import { decoys, scopedTenantValues, teamsAndSubscriptions } from "../helpers/scenarios.js";

const SEED = { spaces: [{ Name: "Default", IsDefault: true }] };

/**
 * A space built through the REST API on a source and on a destination whose IDs decoys
 * shifted: the scoped tenant values, and governance (a team, its roles, the Everyone team's
 * scoped role, a subscription) and a freeze; the export of the source adopting the destination's.
 */
async function adoptBuilt(build: (sandbox: SandboxType) => Promise<RestSpace>) {
  const source = await new Sandbox({ seed: SEED }).start();
  const destination = await new Sandbox({ seed: SEED }).start();
  try {
    const from = await build(source);
    await decoys(destination);
    const into = await build(destination);
    const read = async (s: SandboxType, space: RestSpace) => {
      const api = new OctopusClient({ server: s.url, apiKey: s.apiKey });
      return readSpace(api, await api.resolveSpace(space.spaceId), { includeTeams: true });
    };
    const result = buildExport(await read(source, from), {
      layout: "modules",
      secretDefaults: "none",
      providerVersion: DEFAULT_PROVIDER_VERSION,
      source: { server: source.url },
      includeTeams: true,
      adoptFrom: await read(destination, into),
    });
    return { result, into, destination };
  } finally {
    await source.close();
    await destination.close();
  }
}

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

  it("writes the resources whose import loses the space ID with ignore_changes = [space_id], only when adopting", async () => {
    const blocks = (files: Map<string, string>, type: string) =>
      [...files.values()]
        .flatMap((text) => text.split(/\n(?=resource ")/))
        .filter((b) => b.startsWith(`resource "${type}"`));
    const adopting = await adoptInto(async () => {});
    const lvs = blocks(adopting.files, "octopusdeploy_library_variable_set");
    expect(lvs.length).toBeGreaterThan(0);
    for (const b of lvs) expect(b).toMatch(/ignore_changes\s*=\s*\[space_id\]/);
    for (const b of blocks(adopting.files, "octopusdeploy_environment"))
      expect(b).not.toContain("ignore_changes");
    const plain = await exportSeed(exampleSpace());
    for (const b of blocks(plain.files, "octopusdeploy_library_variable_set"))
      expect(b).not.toContain("ignore_changes");
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

  it("adopts a tenant's values scoped to environments by the provider's TenantId:VariableId, matched by environments", async () => {
    let expected: string[] = [];
    const { result } = await adoptBuilt(async (sandbox) => {
      const space = await scopedTenantValues(sandbox);
      const tenant = await space.named("tenants", "Acme");
      const common = (await space.get(`tenants/${tenant.Id}/commonvariables`)) as unknown as {
        Variables: Array<{ Id: string; Scope: { EnvironmentIds: string[] } }>;
      };
      expected = common.Variables.filter((v) => v.Scope.EnvironmentIds.length).map(
        (v) => `${tenant.Id}:${v.Id}`,
      );
      return space;
    });
    const ids = (result.manifest.imports ?? [])
      .filter((i) => i.address.includes("octopusdeploy_tenant_common_variable"))
      .map((i) => i.id);
    // The destination's IDs (the last build's), each once; the unscoped value by the older format.
    expect(expected).toHaveLength(3);
    expect(ids.filter((id) => id.split(":").length === 2).sort()).toEqual([...expected].sort());
    expect(ids.filter((id) => id.split(":").length === 3)).toHaveLength(1);
  });

  it("adopts scoped user roles by team, role and scopes; a freeze, which the provider cannot import, is a warning", async () => {
    const { result } = await adoptBuilt(async (sandbox) => {
      const space = await RestSpace.create(sandbox, "Governed");
      const lifecycle = await space.named("lifecycles", "Default Lifecycle");
      const group = await space.named("projectgroups", "Default Project Group");
      const production = await space.post("environments", { Name: "Production" });
      const shop = await space.post("projects", {
        Name: "Shop",
        LifecycleId: lifecycle.Id,
        ProjectGroupId: group.Id,
      });
      await teamsAndSubscriptions(sandbox, space, { production, shop });
      await serverCall(sandbox, "POST", "deploymentfreezes", {
        Name: "Year end",
        Start: "2031-12-24T00:00:00Z",
        End: "2031-12-27T00:00:00Z",
        ProjectEnvironmentScope: { [shop.Id]: [production.Id] },
      });
      return space;
    });
    const types = (result.manifest.imports ?? []).map((i) => i.address.split(".").at(-2));
    for (const type of [
      "octopusdeploy_team",
      "octopusdeploy_user_role",
      "octopusdeploy_scoped_user_role",
      "octopusdeploy_subscription",
    ])
      expect(types, type).toContain(type);
    expect(result.manifest.warnings.map((w) => w.subject)).toContain('deployment freeze "Year end"');
    expect(types).not.toContain("octopusdeploy_deployment_freeze");
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
