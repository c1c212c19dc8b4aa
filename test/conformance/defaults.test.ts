import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { RestSpace } from "../helpers/rest.js";
import { exportTo, tfvars, unexplained } from "./flow.js";
import { locateTools, TofuDir, type Tools } from "./harness.js";

/**
 * Built-in documents that are no longer the default: every new project gets a channel named
 * "Default" and every new space a static "Default Worker Pool", each marked default; here
 * another channel and another pool were made the default afterwards (through the REST API, as
 * a user would). The real provider applies the export into a new space, which has its own
 * built-in channel and pool: the destination must equal the source, defaults included.
 */
const tools = locateTools();

const changes = (plan: Map<string, string[]>) => [...plan.entries()].filter(([, a]) => a.join() !== "no-op");

describe.skipIf(typeof tools === "string")("built-in documents and defaults, with the real provider", () => {
  let source: Sandbox;
  let space: RestSpace;
  beforeAll(async () => {
    source = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
    space = await RestSpace.create(source, "Defaults");
    const lifecycle = await space.named("lifecycles", "Default Lifecycle");
    const group = await space.named("projectgroups", "Default Project Group");
    await space.post("workerpools", { Name: "Linux", WorkerPoolType: "StaticWorkerPool", IsDefault: true });
    const project = await space.post("projects", {
      Name: "Shop",
      ProjectGroupId: group.Id,
      LifecycleId: lifecycle.Id,
    });
    await space.post("channels", { Name: "Stable", ProjectId: project.Id, IsDefault: true });
    await space.post("channels", { Name: "Hotfix", ProjectId: project.Id, IsDefault: false });
  });
  afterAll(() => source.close());

  it("the source holds what the test is about: built-in channel and pool, no longer default", async () => {
    const pools = await space.list("workerpools");
    expect(pools.map((p) => [p.Name, p.IsDefault])).toEqual(
      expect.arrayContaining([
        ["Default Worker Pool", false],
        ["Linux", true],
      ]),
    );
    const channels = await space.list("channels");
    expect(channels.map((c) => [c.Name, c.IsDefault]).sort()).toEqual([
      ["Default", false],
      ["Hotfix", false],
      ["Stable", true],
    ]);
  });

  it("applies: the built-in ones are found, the defaults are created as defaults, and a plan after shows no changes", async () => {
    const destination = await new Sandbox({
      seed: { spaces: [{ Name: "Default", IsDefault: true }] },
    }).start();
    try {
      const target = await RestSpace.create(destination, "Defaults");
      const { dir, manifest } = await exportTo(source, "modules", {}, undefined, space.spaceId);
      const vars = join(dir, "terraform.tfvars");
      await writeFile(vars, tfvars(source, destination, manifest, target.spaceId), { mode: 0o600 });
      const tf = await TofuDir.at(tools as Tools, dir);
      await tf.must(["get"]);
      await tf.must(["apply", "-auto-approve", "-input=false", `-var-file=${vars}`]);
      expect(changes(await tf.planActions([`-var-file=${vars}`]))).toEqual([]);

      const diffs = differences(
        normaliseSpace(source, space.spaceId),
        normaliseSpace(destination, target.spaceId),
      );
      expect(unexplained(diffs)).toEqual([]);
      // Said outright, not only through the comparison: one default of each, the right one.
      expect((await target.list("workerpools")).filter((p) => p.IsDefault).map((p) => p.Name)).toEqual([
        "Linux",
      ]);
      expect((await target.list("channels")).filter((c) => c.IsDefault).map((c) => c.Name)).toEqual([
        "Stable",
      ]);
    } finally {
      await destination.close();
    }
  });
});
