import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { exampleSpace } from "../helpers/examples.js";
import { RestSpace } from "../helpers/rest.js";
import { emptyDestination, exportTo, tfvars } from "./flow.js";
import { locateTools, TofuDir, type Tools } from "./harness.js";

/**
 * A project module that uses another (Storefront deploys releases of Orders API) gets the
 * other's IDs, not a depends_on on the whole module, and its lookups of what no module creates
 * (the built-in feeds) do not name the IDs passed in: otherwise every change to Orders API
 * deferred those lookups to the apply (a data source with a postcondition waits for every
 * resource it depends on, even indirectly), so Storefront's plan showed in-place updates
 * (known after apply) that were not its own.
 */
const tools = locateTools();

const changes = (plan: Map<string, string[]>) =>
  [...plan.entries()].filter(([, a]) => a.join() !== "no-op").map(([address, a]) => `${address} ${a.join()}`);

describe.skipIf(typeof tools === "string")("modules that use other modules, with the real provider", () => {
  it("a change to Orders API plans changes in its module only, none in Storefront's", async () => {
    const source = await new Sandbox({ seed: exampleSpace() }).start();
    const destination = await emptyDestination("Acme Retail");
    try {
      const { dir, manifest } = await exportTo(source, "modules");
      expect(manifest.projectDependencies).toContainEqual(
        expect.objectContaining({ project: "Storefront", dependsOn: "Orders API" }),
      );
      const vars = join(dir, "terraform.tfvars");
      await writeFile(vars, tfvars(source, destination, manifest), { mode: 0o600 });
      const tf = await TofuDir.at(tools as Tools, dir);
      await tf.must(["get"]);
      await tf.must(["apply", "-auto-approve", "-input=false", `-var-file=${vars}`]);
      expect(changes(await tf.planActions([`-var-file=${vars}`]))).toEqual([]);

      // Orders API changes on the source: its description, and a new channel.
      const rest = RestSpace.existing(source, "Spaces-1");
      const orders = await rest.named("projects", "Orders API");
      await rest.update(`projects/${orders.Id}`, (d) => {
        d.Description = "Orders, now with a canary";
      });
      await rest.post("channels", { Name: "Canary", ProjectId: orders.Id });
      const again = await exportTo(source, "modules", {}, dir);
      await writeFile(vars, tfvars(source, destination, again.manifest), { mode: 0o600 });

      const planned = changes(await tf.planActions([`-var-file=${vars}`]));
      expect(planned).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^module\.project_orders_api\.octopusdeploy_project\.\S+ update$/),
          expect.stringMatching(/^module\.project_orders_api\.octopusdeploy_channel\.\S*canary create$/),
        ]),
      );
      expect(planned.filter((c) => !c.startsWith("module.project_orders_api."))).toEqual([]);
    } finally {
      await destination.close();
      await source.close();
    }
  });
});
