import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { RestSpace } from "../helpers/rest.js";
import { commonVariablesByName, decoys, scopedTenantValues } from "../helpers/scenarios.js";
import { workspace } from "../helpers/snapshot.js";
import { importInto, join, snapshotTo } from "../helpers/snapshot-lib.js";

/**
 * A tenant's common variables scoped to environments (Octopus 2025.2, the newer endpoint
 * /tenants/{id}/commonvariables), carried by a snapshot into a space whose IDs decoys shifted:
 * the destination holds every value with its scope, the environments being the destination's
 * of the same names, sensitive values included; a second import changes nothing.
 */
const SEED = { spaces: [{ Name: "Default", IsDefault: true }] };

describe("snapshot of scoped tenant common variables", () => {
  let source: Sandbox;
  let space: RestSpace;
  beforeAll(async () => {
    source = await new Sandbox({ seed: SEED }).start();
    space = await scopedTenantValues(source);
  });
  afterAll(() => source.close());

  it("arrives with each value and its scope (by names), secrets included", async () => {
    const destination = await new Sandbox({ seed: SEED }).start();
    try {
      await decoys(destination);
      const into = await RestSpace.create(destination, "Scopes");
      const { dir } = await workspace();
      await snapshotTo(source, join(dir, "snap"), { space: space.spaceId });
      await importInto(destination, join(dir, "snap"), { space: into.spaceId });
      const want = await commonVariablesByName(space);
      expect(want).toHaveLength(4);
      expect(await commonVariablesByName(into)).toEqual(want);
      const diffs = differences(
        normaliseSpace(source, space.spaceId),
        normaliseSpace(destination, into.spaceId),
      );
      expect(diffs).toEqual([]);
      // The environments are the destination's: decoys took the source's IDs there.
      const staging = await into.named("environments", "Staging");
      expect(staging.Id).not.toBe((await space.named("environments", "Staging")).Id);
      // Again: the destination's values are found equal to the snapshot's, scoped ones included.
      const again = await importInto(destination, join(dir, "snap"), { space: into.spaceId });
      expect(again.actions.filter((a) => a.type === "TenantVariables")).toEqual([
        expect.objectContaining({ kind: "skip", diff: [], reason: "its owner exists; unchanged" }),
      ]);
      expect(await commonVariablesByName(into)).toEqual(want);

      // A scope changed on the source: with --overwrite the destination's scoped values follow.
      const tenant = await space.named("tenants", "Acme");
      const test = await space.named("environments", "Test");
      await space.update(`tenants/${tenant.Id}/commonvariables`, (d) => {
        for (const v of d.Variables as Array<{ Value: unknown; Scope: { EnvironmentIds: string[] } }>)
          if (v.Value === "smtp.test.example.com") v.Scope.EnvironmentIds = [test.Id];
      });
      await snapshotTo(source, join(dir, "changed"), { space: space.spaceId });
      await importInto(destination, join(dir, "changed"), { space: into.spaceId, overwrite: true });
      const changed = await commonVariablesByName(space);
      expect(changed).toContain('Smtp.Host "smtp.test.example.com" Test');
      expect(await commonVariablesByName(into)).toEqual(changed);
      expect(
        differences(normaliseSpace(source, space.spaceId), normaliseSpace(destination, into.spaceId)),
      ).toEqual([]);
    } finally {
      await destination.close();
    }
  });
});
