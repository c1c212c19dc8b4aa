import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { RestSpace } from "../helpers/rest.js";
import { emptyDestination, importInto, snapshotTo } from "../helpers/snapshot-lib.js";

/**
 * A type listed at one path and written at another (a collection's `write` in the registry):
 * parent environments are listed through environments/v2 and created at parentEnvironments.
 */

const SEED = { spaces: [{ Name: "Default", IsDefault: true }] };

async function parents(sandbox: Sandbox): Promise<Array<Record<string, unknown>>> {
  const list = await RestSpace.existing(sandbox, "Spaces-1").list("environments/v2?type=Parent&skip=0");
  return list
    .map((d) => ({ Name: d.Name, Description: d.Description, Rule: d.AutomaticDeprovisioningRule }))
    .sort((a, b) => (String(a.Name) < String(b.Name) ? -1 : 1));
}

describe("snapshot import at a type's write path", () => {
  it("creates parent environments at parentEnvironments, and updates them there", async () => {
    const source = await new Sandbox({ seed: SEED }).start();
    const destination = await emptyDestination();
    try {
      const space = RestSpace.existing(source, "Spaces-1");
      await space.post("parentEnvironments", {
        Name: "Previews",
        Description: "one per pull request",
        AutomaticDeprovisioningRule: { ExpiryDays: 2, ExpiryHours: 0 },
      });
      await space.post("parentEnvironments", { Name: "Features" });
      const out = join(await mkdtemp(join(tmpdir(), "octoport-write-path-")), "snap");
      await snapshotTo(source, out, { secrets: false });

      const first = await importInto(destination, out);
      expect(first.warnings).toEqual([]);
      const want = await parents(source);
      expect(want).toHaveLength(2);
      expect(await parents(destination)).toEqual(want);

      // Changed on the destination, then overwritten: a PUT at parentEnvironments/{id}.
      const into = RestSpace.existing(destination, "Spaces-1");
      const previews = (await into.list("environments/v2?type=Parent&skip=0")).find(
        (d) => d.Name === "Previews",
      )!;
      await into.put(`parentEnvironments/${previews.Id}`, { ...previews, Description: "changed" });
      await importInto(destination, out, { overwrite: true });
      expect(await parents(destination)).toEqual(want);
    } finally {
      await source.close();
      await destination.close();
    }
  });
});
