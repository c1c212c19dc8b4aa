import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { cli } from "../helpers/cli.js";
import { RestSpace } from "../helpers/rest.js";
import { decoys, hiddenReferences } from "../helpers/scenarios.js";
import { workspace } from "../helpers/snapshot.js";
import { importInto, join, snapshotTo } from "../helpers/snapshot-lib.js";

/**
 * `octoport diff` after the snapshot path: a space built through the REST API, imported into a
 * destination whose IDs are shifted by decoys, compares equal but for what the import said it
 * dropped (IDs that named nothing in the source), each shown by name.
 */
describe("octoport diff after a snapshot import", () => {
  let source: Sandbox;
  let destination: Sandbox;
  beforeAll(async () => {
    source = await new Sandbox({ seed: { spaces: [] } }).start();
    destination = await new Sandbox({ seed: { spaces: [] } }).start();
    const built = await hiddenReferences(source);
    const { dir } = await workspace();
    const snapshot = join(dir, "snap");
    await snapshotTo(source, snapshot, { space: built.space.spaceId });
    await decoys(destination);
    const target = await RestSpace.create(destination, "Hidden References");
    const report = await importInto(destination, snapshot, { space: target.spaceId });
    expect(report.warnings.join("\n")).toContain("Runbooks-9999");
  });
  afterAll(async () => {
    await source.close();
    await destination.close();
  });

  it("finds only the dangling IDs the import dropped", async () => {
    const result = await cli([
      "diff",
      "--server",
      source.url,
      "--api-key",
      source.apiKey,
      "--space",
      "Hidden References",
      "--dest-server",
      destination.url,
      "--dest-api-key",
      destination.apiKey,
      "--quiet",
    ]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      'deployment process of "Web":',
      '  Steps["Publish"].Actions["Publish"].Properties["Octopus.Action.Package.FeedId"]: "Feeds-9999" -> (none)',
      'variable set of "Web":',
      '  Variables["Gone (ProcessOwner \\"Rotate\\")"]: only in the destination',
      '  Variables["Gone (ProcessOwner \\"Rotate\\", \\"Runbooks-9999\\")"]: only in the source',
    ]);
  });
});
