import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Difference } from "../../src/graph/compare.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { cli } from "../helpers/cli.js";
import { RestSpace } from "../helpers/rest.js";
import { decoys, hiddenReferences } from "../helpers/scenarios.js";

/**
 * `octoport diff`: two spaces built through the REST API with the same content, the
 * destination's IDs shifted by decoys, compare equal; each change made on one side shows as
 * one line under its document, and the exit code says whether they differ.
 */
describe("octoport diff", () => {
  let source: Sandbox;
  let destination: Sandbox;
  const args = (...extra: string[]) => [
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
    ...extra,
  ];

  beforeEach(async () => {
    source = await new Sandbox({ seed: { spaces: [] } }).start();
    destination = await new Sandbox({ seed: { spaces: [] } }).start();
    await hiddenReferences(source);
    await decoys(destination);
    await hiddenReferences(destination);
  });
  afterEach(async () => {
    await source.close();
    await destination.close();
  });

  it("finds nothing between the same space built twice, though every ID differs", async () => {
    const src = await RestSpace.existing(source, "Spaces-1").named("environments", "Production");
    const dst = await RestSpace.existing(destination, "Spaces-2").named("environments", "Production");
    expect(src.Id).not.toBe(dst.Id);
    const result = await cli(args());
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("No differences: the destination matches the source.\n");
    expect(result.code).toBe(0);
  });

  it("names each change under its document, by names, and exits 1", async () => {
    const dest = RestSpace.existing(destination, "Spaces-2");
    const project = await dest.named("projects", "Web");
    const dev = await dest.named("environments", "Development");
    await dest.update(`deploymentprocesses/${String(project.DeploymentProcessId)}`, (d) => {
      const steps = d.Steps as Array<{
        Name: string;
        Actions: Array<{ Properties: Record<string, string> }>;
      }>;
      steps.find((s) => s.Name === "Publish")!.Actions[0]!.Properties["Octopus.Action.Script.ScriptBody"] =
        "echo changed";
    });
    await dest.update(`variables/${String(project.VariableSetId)}`, (d) => {
      const aws = (d.Variables as Array<{ Name: string; Scope: Record<string, string[]> }>).find(
        (v) => v.Name === "Aws",
      )!;
      aws.Scope = { Environment: [dev.Id] };
    });
    await dest.post("environments", { Name: "Only here" });
    const runbook = await dest.named("runbooks", "Rotate");
    await fetch(`${destination.url}/api/Spaces-2/runbooks/${runbook.Id}`, {
      method: "DELETE",
      headers: { "X-Octopus-ApiKey": destination.apiKey },
    });

    const result = await cli(args());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^octoport: error: the spaces differ: \d+ differences in \d+ documents\n$/);
    const lines = result.stdout.split("\n");
    expect(lines).toContain('environment "Only here": only in the destination');
    expect(lines).toContain('runbook "Rotate" of "Web": only in the source');
    expect(lines).toContain('deployment process of "Web":');
    expect(lines).toContain(
      '  Steps["Publish"].Actions["Publish"].Properties["Octopus.Action.Script.ScriptBody"]: "echo publish" -> "echo changed"',
    );
    // The rescoped variable is one that went and one that came, each by name and scope, by names.
    expect(lines).toContain('variable set of "Web":');
    expect(lines).toContain('  Variables["Aws (Environment \\"Production\\")"]: only in the source');
    expect(lines).toContain('  Variables["Aws (Environment \\"Development\\")"]: only in the destination');
    expect(result.stdout).not.toMatch(/Environments-\d+/);
    expect(result.stdout).not.toContain("aws-secret-key");

    const json = await cli(args("--json"));
    expect(json.code).toBe(1);
    const differences = JSON.parse(json.stdout) as Difference[];
    expect(differences).toContainEqual({
      document: 'deployment process of "Web"',
      path: 'Steps["Publish"].Actions["Publish"].Properties["Octopus.Action.Script.ScriptBody"]',
      kind: "changed",
      source: "echo publish",
      destination: "echo changed",
    });
    expect(
      differences
        .filter((d) => d.kind !== "changed")
        .map((d) => d.document)
        .sort(),
    ).toEqual([
      'environment "Only here"',
      'runbook "Rotate" of "Web"',
      'runbook process of runbook "Rotate" of "Web"',
    ]);
  });

  it("compares a project's extension settings by extension, not by their order", async () => {
    const snow = { ExtensionId: "servicenow-integration", Values: { ServiceNowChangeControlled: true } };
    const jsm = { ExtensionId: "jiraservicemanagement-integration", Values: { JsmChangeControlled: true } };
    const src = RestSpace.existing(source, "Spaces-1");
    const dst = RestSpace.existing(destination, "Spaces-2");
    const a = await src.named("projects", "Web");
    const b = await dst.named("projects", "Web");
    await src.update(`projects/${a.Id}`, (d) => {
      d.ExtensionSettings = [snow, jsm];
    });
    await dst.update(`projects/${b.Id}`, (d) => {
      d.ExtensionSettings = [jsm, snow];
    });
    expect((await cli(args())).code).toBe(0);
    await dst.update(`projects/${b.Id}`, (d) => {
      d.ExtensionSettings = [jsm, { ...snow, Values: { ServiceNowChangeControlled: false } }];
    });
    const changed = await cli(args("--json"));
    expect(changed.code).toBe(1);
    expect((JSON.parse(changed.stdout) as Difference[]).map((d) => d.path)).toEqual([
      `ExtensionSettings["servicenow-integration"].Values.ServiceNowChangeControlled`,
    ]);
  });

  it("asks for the destination when none is given", async () => {
    const result = await cli(["diff", "--server", "http://127.0.0.1:1", "--space", "x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("pass --dest-server");
  });
});
