import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { configAsCode } from "../helpers/scenarios.js";
import { emptyDestination, exportTo, tfvars } from "./flow.js";
import { locateTools, TofuDir, type Tools } from "./harness.js";

/**
 * A Config-as-Code project built through the sandbox's REST API (src/sandbox/resources/
 * version-control.ts keeps its non-sensitive variables and git-held settings on the branch and
 * its sensitive variables in the database, as the server does), exported, applied by the real
 * provider as a database project, and compared: every variable arrives, with the branch's
 * settings.
 */
const tools = locateTools();

describe.skipIf(typeof tools === "string")("a Config-as-Code project through Terraform", () => {
  it.each(["single", "modules"] as const)(
    "arrives as a database project with every variable and the branch's settings, %s layout",
    async (layout) => {
      const source = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
      const destination = await emptyDestination("Default");
      try {
        await configAsCode(source, "Spaces-1");
        const { dir, manifest } = await exportTo(source, layout);
        expect(manifest.warnings).toContainEqual({
          subject: 'project "Git App"',
          message: expect.stringMatching(
            /^is a Config-as-Code project: it is exported as a database project/,
          ),
        });
        const vars = join(dir, "terraform.tfvars");
        await writeFile(vars, tfvars(source, destination, manifest), { mode: 0o600 });
        const roots = layout === "single" ? [dir] : manifest.applyOrder.flat().map((m) => join(dir, m));
        for (const root of roots) {
          const tf = await TofuDir.at(tools as Tools, root);
          await tf.must(["get"]);
          await tf.must(["apply", "-auto-approve", "-input=false", `-var-file=${vars}`]);
        }
        for (const root of roots) {
          const plan = await (await TofuDir.at(tools as Tools, root)).planActions([`-var-file=${vars}`]);
          expect(
            [...plan].filter(([, a]) => a.join() !== "no-op"),
            `plan after applying ${root}`,
          ).toEqual([]);
        }

        const project = destination.engine.docs("Projects", "Spaces-1").find((p) => p.Name === "Git App")!;
        expect(project.IsVersionControlled).toBe(false);
        // The branch's settings, not the ones the database held before the conversion.
        expect(project.ReleaseNotesTemplate).toBe("notes held on the branch");
        expect(project.DefaultGuidedFailureMode).toBe("On");
        const production = destination.engine
          .docs("Environments", "Spaces-1")
          .find((e) => e.Name === "Production")!;
        const set = destination.reveal("VariableSets", String(project.VariableSetId)) as {
          Variables: Array<{
            Name: string;
            Value: string;
            IsSensitive: boolean;
            Scope: Record<string, string[]>;
          }>;
        };
        const seen = set.Variables.map((v) => [
          v.Name,
          v.Value,
          v.IsSensitive,
          v.Scope.Environment ?? [],
        ]).sort((a, b) => `${a[0]}\u0000${a[1]}`.localeCompare(`${b[0]}\u0000${b[1]}`));
        expect(seen).toEqual([
          ["Added.On.Branch", "from git", false, []],
          ["Api.Key", "api-key-from-the-database", true, []],
          ["Greeting", "hello", false, []],
          ["Greeting", "hello, production", false, [production.Id]],
        ]);

        // Everything else is as on the source; what differs is where the source keeps things
        // (its database set has the sensitive variable only, its project document the settings
        // from before the conversion) and that the destination is a database project.
        const explained = [
          /^Projects:Git App\.(IsVersionControlled|PersistenceSettings)/,
          /^Projects:Git App\.(ReleaseNotesTemplate|DefaultGuidedFailureMode): "notes held in the database" != "notes held on the branch"|^Projects:Git App\.DefaultGuidedFailureMode: "EnvironmentDefault" != "On"/,
          /^VariableSets:Git App\.Variables[.:]/,
        ];
        const diffs = differences(
          normaliseSpace(source, "Spaces-1"),
          normaliseSpace(destination, "Spaces-1"),
        );
        expect(diffs.filter((d) => !explained.some((re) => re.test(d)))).toEqual([]);
      } finally {
        await destination.close();
        await source.close();
      }
    },
  );
});
