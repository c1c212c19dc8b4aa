import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { freezesByName, retention } from "../helpers/governance.js";
import { RestSpace, serverCall } from "../helpers/rest.js";
import { decoys, deploymentFreezes, retentionPolicies } from "../helpers/scenarios.js";
import { applyEveryModule, exportTo, pendingChanges, tfvars } from "./flow.js";
import { locateTools, type Tools } from "./harness.js";

/**
 * Governance documents (deployment freezes, the space's default retention policies), exported
 * from a space built through the REST API and applied by the real provider into a destination
 * whose IDs decoys shifted: the destination's freezes equal the source's by names (scopes,
 * windows, a project's recurrence), freezes of other spaces stay out, the retention policies
 * are the source's, and a second plan is empty.
 */
const tools = locateTools();

describe.skipIf(typeof tools === "string")("governance documents, with the real provider", () => {
  let source: Sandbox;
  let space: RestSpace;
  beforeAll(async () => {
    source = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
    space = await RestSpace.create(source, "Freezes");
    const lifecycle = await space.named("lifecycles", "Default Lifecycle");
    const group = await space.named("projectgroups", "Default Project Group");
    const production = await space.post("environments", { Name: "Production" });
    const staging = await space.post("environments", { Name: "Staging" });
    const project = (name: string) =>
      space.post("projects", {
        Name: name,
        LifecycleId: lifecycle.Id,
        ProjectGroupId: group.Id,
        TenantedDeploymentMode: "TenantedOrUntenanted",
      });
    const shop = await project("Shop");
    const billing = await project("Billing");
    const acme = await space.post("tenants", {
      Name: "Acme",
      ProjectEnvironments: { [shop.Id]: [production.Id] },
    });
    await deploymentFreezes(source, { shop, billing, production, staging, acme });
    await retentionPolicies(space);
    // A freeze of another space: not this space's to export.
    const other = await RestSpace.create(source, "Elsewhere");
    const otherLifecycle = await other.named("lifecycles", "Default Lifecycle");
    const otherGroup = await other.named("projectgroups", "Default Project Group");
    const elsewhere = await other.post("projects", {
      Name: "Elsewhere",
      LifecycleId: otherLifecycle.Id,
      ProjectGroupId: otherGroup.Id,
    });
    await serverCall(source, "POST", "deploymentfreezes", {
      Name: "Not ours",
      Start: "2031-03-01T00:00:00Z",
      End: "2031-03-02T00:00:00Z",
      ProjectEnvironmentScope: { [elsewhere.Id]: [] },
    });
  });
  afterAll(() => source.close());

  it("freezes arrive with their scopes and recurrence, in a module applied after the projects; retention policies as set", async () => {
    const destination = await new Sandbox({
      seed: { spaces: [{ Name: "Default", IsDefault: true }] },
    }).start();
    try {
      await decoys(destination);
      const target = await RestSpace.create(destination, "Freezes");
      const { dir, manifest } = await exportTo(source, "modules", {}, undefined, space.spaceId);
      expect(manifest.modules.map((m) => m.path)).toEqual([
        "space",
        "projects/billing",
        "projects/shop",
        "tenant-variables",
        "deployment-freezes",
      ]);
      expect(
        manifest.resources.filter((r) => r.sourceType === "DeploymentFreezes").map((r) => r.name),
      ).not.toContain("Not ours");
      const vars = join(dir, "terraform.tfvars");
      await writeFile(vars, tfvars(source, destination, manifest, target.spaceId), { mode: 0o600 });
      await applyEveryModule(tools as Tools, dir, manifest, vars);
      expect(await pendingChanges(tools as Tools, dir, manifest, vars)).toEqual({});
      const want = await freezesByName(source, space);
      expect(want).toHaveLength(2);
      expect(await freezesByName(destination, target)).toEqual(want);
      const policies = await retention(space);
      expect(policies.LifecycleRelease).toEqual({ Strategy: "Count", QuantityToKeep: 12, Unit: "Items" });
      expect(await retention(target)).toEqual(policies);
    } finally {
      await destination.close();
    }
  });
});
