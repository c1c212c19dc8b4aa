import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { RestSpace } from "../helpers/rest.js";
import { decoys, type HiddenReferences, hiddenReferences } from "../helpers/scenarios.js";
import { exportTo, tfvars, unexplained } from "./flow.js";
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
});
