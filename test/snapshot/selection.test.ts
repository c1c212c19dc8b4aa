import { describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { exampleSpace } from "../helpers/examples.js";
import { workspace } from "../helpers/snapshot.js";
import { emptyDestination, importInto, join, snapshotTo } from "../helpers/snapshot-lib.js";

describe("snapshot export --project", () => {
  it("carries the tag sets its tenants use, so it imports into an empty space; a dry run says the Default channel is updated", async () => {
    const source = await new Sandbox({ seed: exampleSpace() }).start();
    const destination = await emptyDestination();
    try {
      const tagged = source.engine
        .docs("Tenants", "Spaces-1")
        .filter((t) => Array.isArray(t.TenantTags) && t.TenantTags.length > 0);
      expect(tagged.length).toBeGreaterThan(0);
      const { dir } = await workspace();
      await snapshotTo(source, join(dir, "orders"), { selection: { projects: ["Orders API"] } });
      const dry = await importInto(destination, join(dir, "orders"), { dryRun: true });
      const channel = (r: typeof dry) =>
        r.actions.find((a) => a.type === "Channels" && a.what.includes('"Default"'));
      expect(channel(dry)?.kind).toBe("update");
      const report = await importInto(destination, join(dir, "orders"));
      expect(report.warnings.filter((w) => /skipped|cannot/.test(w))).toEqual([]);
      // The real run finds the channel the server made with the project: updated, or unchanged; never created.
      expect(["update", "skip"]).toContain(channel(report)?.kind);
      const tagSets = destination.engine.docs("TagSets", "Spaces-1").map((t) => t.Name);
      expect(tagSets.length).toBeGreaterThan(0);
      for (const t of destination.engine.docs("Tenants", "Spaces-1"))
        for (const tag of (t.TenantTags ?? []) as string[]) expect(tagSets).toContain(tag.split("/")[0]);
    } finally {
      await source.close();
      await destination.close();
    }
  }, 60_000);
});
