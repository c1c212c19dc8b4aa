import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { type Doc, RestSpace } from "../helpers/rest.js";
import { decoys, type HiddenReferences, hiddenReferences } from "../helpers/scenarios.js";
import { workspace } from "../helpers/snapshot.js";
import { importInto, join, snapshotTo } from "../helpers/snapshot-lib.js";

/**
 * The snapshot path's exactness on a space built through the REST API, imported into a
 * destination that already holds other documents (so every destination ID differs from the
 * source's, and a source ID copied raw names another document there): every ID hidden in a
 * value arrives as the destination's ID of the same document, a variable expression stays text,
 * and an ID that names nothing is dropped with a warning naming the document and the field.
 */

let source: Sandbox;
let built: HiddenReferences;
let snapshot: string;
beforeAll(async () => {
  source = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
  built = await hiddenReferences(source);
  const { dir } = await workspace();
  snapshot = join(dir, "snap");
  await snapshotTo(source, snapshot, { space: built.space.spaceId });
});
afterAll(() => source.close());

/** A destination whose other space took the IDs the source's documents have. */
async function decoyed(): Promise<{ destination: Sandbox; target: RestSpace }> {
  const destination = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
  await decoys(destination);
  const target = await RestSpace.create(destination, "Hidden References");
  return { destination, target };
}

/** What the source held that named nothing, and is dropped. */
const DROPPED = [/Octopus\.Action\.Package\.FeedId: "Feeds-9999"/, /Scope\.ProcessOwner: .*"Runbooks-9999"/];

describe("IDs hidden in values, snapshot import", () => {
  it("arrive as the destination's IDs of the same documents, by name", async () => {
    const { destination, target } = await decoyed();
    try {
      // The decoys hold the source's IDs: copied raw, an ID would name a decoy.
      const decoyCert = destination.engine.docs("Certificates", "Spaces-2")[0]!;
      expect(decoyCert.Id).toBe(built.certificate.Id);

      const report = await importInto(destination, snapshot, { space: target.spaceId });
      const diffs = differences(
        normaliseSpace(source, built.space.spaceId),
        normaliseSpace(destination, target.spaceId),
      );
      expect(diffs.filter((d) => !DROPPED.some((re) => re.test(d)))).toEqual([]);

      const cert = await target.named("certificates", "Signing");
      const account = await target.named("accounts", "AWS deploy");
      const pool = await target.named("workerpools", "Builders");
      const feed = await target.named("feeds", "Charts");
      expect(cert.Id).not.toBe(built.certificate.Id);
      expect(account.Id).not.toBe(built.account.Id);

      // A forward reference: the library set is imported before the certificate.
      const library = await target.named("libraryvariablesets", "Shared");
      const templates = library.Templates as Doc[];
      expect(templates.map((t) => t.DefaultValue)).toEqual([cert.Id]);
      const project = await target.named("projects", "Web");
      expect((project.Templates as Doc[]).map((t) => t.DefaultValue)).toEqual([account.Id]);

      const vars = (await target.get(`variables/${String(project.VariableSetId)}`)).Variables as Doc[];
      const value = (name: string) => vars.find((v) => v.Name === name)?.Value;
      expect(value("Aws")).toBe(account.Id);
      expect(value("Pool")).toBe(pool.Id);
      expect(value("HelmFeed")).toBe(feed.Id);
      const runbook = await target.named("runbooks", "Rotate");
      expect((vars.find((v) => v.Name === "Gone")!.Scope as Doc).ProcessOwner).toEqual([runbook.Id]);

      const process = await target.get(`deploymentprocesses/${String(project.DeploymentProcessId)}`);
      const actions = (process.Steps as Doc[]).flatMap((s) => s.Actions as Doc[]);
      const helm = actions.find((a) => a.Name === "Upgrade chart")!;
      expect((helm.Properties as Doc)["Octopus.Action.Package.FeedId"]).toBe("#{HelmFeed}");
      expect((helm.Packages as Doc[])[0]!.FeedId).toBe("#{HelmFeed}");
      const publish = actions.find((a) => a.Name === "Publish")!;
      expect((publish.Properties as Doc)["Octopus.Action.AwsAccount.Variable"]).toBe(account.Id);
      expect(publish.WorkerPoolId).toBe(pool.Id);
      expect(publish.Properties as Doc).not.toHaveProperty("Octopus.Action.Package.FeedId");

      const tenant = await target.named("tenants", "Acme");
      const tv = await target.get(`tenants/${tenant.Id}/variables`);
      const libValues = Object.values(tv.LibraryVariables as Record<string, { Variables: Doc }>);
      expect(libValues.flatMap((v) => Object.values(v.Variables))).toEqual([cert.Id]);
      const projValues = Object.values(
        tv.ProjectVariables as Record<string, { Variables: Record<string, Doc> }>,
      ).flatMap((p) => Object.values(p.Variables).flatMap((e) => Object.values(e)));
      expect(projValues).toEqual([account.Id]);

      // What named nothing is dropped, each with a warning naming the document and the field.
      expect(report.warnings).toContainEqual(
        expect.stringMatching(
          /DeploymentProcesses of Web.*Publish.*Octopus\.Action\.Package\.FeedId.*Feeds-9999.*dropped/,
        ),
      );
      expect(report.warnings).toContainEqual(
        expect.stringMatching(/VariableSets of Web.*Gone.*Scope\.ProcessOwner.*Runbooks-9999.*dropped/),
      );
      const all = JSON.stringify(destination.dump({ secrets: false }));
      expect(all).not.toContain("Feeds-9999");
      expect(all).not.toContain("Runbooks-9999");
    } finally {
      await destination.close();
    }
  });

  it("a dry run says what a forward reference will be, and writes nothing", async () => {
    const { destination, target } = await decoyed();
    try {
      const before = JSON.stringify(destination.dump({ secrets: true }));
      const report = await importInto(destination, snapshot, { space: target.spaceId, dryRun: true });
      expect(JSON.stringify(destination.dump({ secrets: true }))).toBe(before);
      expect(report.warnings).toContainEqual(expect.stringMatching(/Feeds-9999.*dropped/));
      const library = report.actions.find(
        (a) => a.what === 'LibraryVariableSets "Shared"' && a.kind === "update",
      );
      expect(library?.diff.join("\n")).toMatch(/Templates.*DefaultValue.*certificate "Signing"/);
    } finally {
      await destination.close();
    }
  });

  it("--overwrite into a space that has every document: references stay the destination's", async () => {
    const { destination, target } = await decoyed();
    try {
      await importInto(destination, snapshot, { space: target.spaceId });
      const again = await importInto(destination, snapshot, { space: target.spaceId, overwrite: true });
      const diffs = differences(
        normaliseSpace(source, built.space.spaceId),
        normaliseSpace(destination, target.spaceId),
      );
      expect(diffs.filter((d) => !DROPPED.some((re) => re.test(d)))).toEqual([]);
      // Nothing refers forward to something not yet there: no second pass is needed.
      expect(again.actions.filter((a) => a.reason?.includes("imported after"))).toEqual([]);
    } finally {
      await destination.close();
    }
  });
});
