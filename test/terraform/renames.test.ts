import { describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { exampleSpace } from "../helpers/examples.js";
import { exportFrom } from "../helpers/export.js";
import { RestSpace } from "../helpers/rest.js";

/**
 * Re-exports after renames and rescopes keep what names a module directory or a secret input
 * (issue 17, items 2 and 3). The real provider's view of the same is in
 * test/conformance/renames.test.ts.
 */
describe("a re-export after renames", () => {
  it("keeps a renamed project's directory and every secret input's name; a gone input is a warning", async () => {
    const sandbox = await new Sandbox({ seed: exampleSpace() }).start();
    try {
      const first = await exportFrom(sandbox);
      const rest = RestSpace.existing(sandbox, "Spaces-1");
      await rest.update("projects/Projects-1", (d) => {
        d.Name = "Orders Platform";
      });
      await rest.update("variables/variableset-Projects-1", (d) => {
        const v = (d.Variables as Array<{ Id: string; Scope: Record<string, string[]> }>).find(
          (x) => x.Id === "1a000000-0000-4000-8000-000000000003",
        )!;
        v.Scope = { Environment: ["Environments-1", "Environments-2"] };
      });
      await rest.update("variables/variableset-Projects-2", (d) => {
        d.Variables = (d.Variables as Array<{ Name: string }>).filter((v) => v.Name !== "Storefront.CdnKey");
      });
      const second = await exportFrom(sandbox, { previous: first.manifest });

      const paths = (m: typeof first.manifest) => m.modules.map((x) => x.path).sort();
      expect(paths(second.manifest)).toEqual(paths(first.manifest));
      expect(
        second.manifest.resources.find(
          (r) => r.sourceId === "Projects-1" && r.type === "octopusdeploy_project",
        ),
      ).toMatchObject({ module: "projects/orders-api" });

      const names = (m: typeof first.manifest) =>
        new Map(m.secrets.map((s) => [`${s.sourceId} ${s.path}`, s.variable]));
      const before = names(first.manifest);
      const after = names(second.manifest);
      const gone = [...before].filter(([k]) => !after.has(k));
      expect(gone).toHaveLength(1);
      for (const [k, v] of after) expect(v, k).toBe(before.get(k));
      expect(second.manifest.warnings.filter((w) => w.subject.startsWith("input "))).toEqual([
        {
          subject: `input "${gone[0]![1]}"`,
          message: expect.stringMatching(
            /^is no longer needed .*; remove it from tfvars files and CI secrets$/,
          ),
        },
      ]);

      // Without the earlier manifest, the same space is named afresh: the pins came from it.
      const fresh = await exportFrom(sandbox);
      expect(paths(fresh.manifest)).toContain("projects/orders-platform");
      expect([...names(fresh.manifest).values()]).not.toEqual([...after.values()]);
    } finally {
      await sandbox.close();
    }
  });
});
