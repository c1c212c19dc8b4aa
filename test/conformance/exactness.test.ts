import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { exampleSpace } from "../helpers/examples.js";
import { RestSpace } from "../helpers/rest.js";
import { decoys, type HiddenReferences, hiddenReferences } from "../helpers/scenarios.js";
import { emptyDestination, exportTo, tfvars, unexplained } from "./flow.js";
import { locateTools, TofuDir, type Tools } from "./harness.js";

/**
 * Exactness on spaces built through the REST API, applied by the real provider into a
 * destination that already holds other documents (so every destination ID differs from the
 * source's): the destination must equal the source by names.
 */
const tools = locateTools();

async function apply(dir: string, vars: string): Promise<Map<string, string[]>> {
  const tf = await TofuDir.at(tools as Tools, dir);
  await tf.must(["get"]);
  await tf.must(["apply", "-auto-approve", "-input=false", `-var-file=${vars}`]);
  return tf.planActions([`-var-file=${vars}`]);
}

const changes = (plan: Map<string, string[]>) => [...plan.entries()].filter(([, a]) => a.join() !== "no-op");

describe.skipIf(typeof tools === "string")("exactness, with the real provider", () => {
  let source: Sandbox;
  let built: HiddenReferences;
  beforeAll(async () => {
    source = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
    built = await hiddenReferences(source);
  });
  afterAll(() => source.close());

  it("IDs hidden in values arrive as the destination's IDs of the same documents", async () => {
    const destination = await new Sandbox({
      seed: { spaces: [{ Name: "Default", IsDefault: true }] },
    }).start();
    try {
      await decoys(destination);
      const target = await RestSpace.create(destination, "Hidden References");
      const { dir, manifest } = await exportTo(source, "modules", {}, undefined, built.space.spaceId);
      const vars = join(dir, "terraform.tfvars");
      await writeFile(vars, tfvars(source, destination, manifest, target.spaceId), { mode: 0o600 });
      expect(changes(await apply(dir, vars))).toEqual([]);

      // The decoys took the source's IDs: the same ID names another document on the destination.
      const cert = destination.engine.docs("Certificates", target.spaceId)[0]!;
      expect(cert.Id).not.toBe(built.certificate.Id);

      const diffs = differences(
        normaliseSpace(source, built.space.spaceId),
        normaliseSpace(destination, target.spaceId),
      );
      // What the source held that named nothing is dropped (the export warned about each).
      const dropped = [
        /Octopus\.Action\.Package\.FeedId: "Feeds-9999"/,
        /Scope\.ProcessOwner: .*"Runbooks-9999"\] != /,
      ];
      expect(unexplained(diffs).filter((d) => !dropped.some((re) => re.test(d)))).toEqual([]);
    } finally {
      await destination.close();
    }
  });

  it("one owner: projects exported apart each manage only their own; destroying one leaves the other and the space", async () => {
    const acme = await new Sandbox({ seed: exampleSpace() }).start();
    const destination = await emptyDestination("Acme Retail");
    try {
      const whole = await exportTo(acme, "modules");
      const orders = await exportTo(acme, "modules", { projects: ["Orders API"], lookupDependencies: true });
      const storefront = await exportTo(acme, "modules", {
        projects: ["Storefront"],
        lookupDependencies: true,
      });
      // Tenants' values of library sets belong to the space side, never to a project module.
      for (const { manifest } of [orders, storefront])
        expect(manifest.resources.filter((r) => r.type === "octopusdeploy_tenant_common_variable")).toEqual(
          [],
        );
      const applyModule = async (dir: string, module: string, manifest: typeof whole.manifest) => {
        const vars = join(dir, "terraform.tfvars");
        await writeFile(vars, tfvars(acme, destination, manifest), { mode: 0o600 });
        expect(changes(await apply(join(dir, module), vars)), `${module} of ${dir}`).toEqual([]);
        return vars;
      };
      const spaceVars = await applyModule(whole.dir, "space", whole.manifest);
      const ordersVars = await applyModule(orders.dir, "projects/orders-api", orders.manifest);
      const storefrontVars = await applyModule(storefront.dir, "projects/storefront", storefront.manifest);
      const valuesVars = await applyModule(whole.dir, "tenant-variables", whole.manifest);
      const rest = RestSpace.existing(destination, "Spaces-1");
      const acmeCorp = async () => {
        const tenant = await rest.named("tenants", "Acme Corp");
        const values = (await rest.get(`tenants/${tenant.Id}/variables`)).LibraryVariables as Record<
          string,
          { Variables: Record<string, unknown> }
        >;
        return Object.values(values).map((v) => v.Variables);
      };
      const before = await acmeCorp();
      expect(before.flatMap((v) => Object.keys(v)).length).toBeGreaterThan(0);

      const tf = await TofuDir.at(tools as Tools, join(storefront.dir, "projects/storefront"));
      await tf.must(["destroy", "-auto-approve", "-input=false", `-var-file=${storefrontVars}`]);

      expect(destination.engine.docs("Projects", "Spaces-1").map((p) => p.Name)).not.toContain("Storefront");
      for (const [dir, vars] of [
        [join(orders.dir, "projects/orders-api"), ordersVars],
        [join(whole.dir, "space"), spaceVars],
      ] as const) {
        const plan = await (await TofuDir.at(tools as Tools, dir)).planActions([`-var-file=${vars}`]);
        expect(changes(plan), `plan of ${dir} after destroying Storefront`).toEqual([]);
      }
      // Acme Corp is still connected to Orders API, which includes the set: its values stay.
      expect(await acmeCorp()).toEqual(before);
      void valuesVars;
    } finally {
      await destination.close();
      await acme.close();
    }
  });
});
