import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import type { Manifest } from "../../src/terraform/manifest.js";
import { RestSpace } from "../helpers/rest.js";
import { decoys } from "../helpers/scenarios.js";
import { exportTo, tfvars } from "./flow.js";
import { locateTools, TofuDir, type Tools } from "./harness.js";

/**
 * Identity follows the source document, not its name (issue 17, items 2 and 3): a space built
 * through the REST API is exported and applied by the real provider into a destination whose
 * IDs decoys have shifted; then the project is renamed, a step renamed and a sensitive
 * variable rescoped on the source, and the re-export into the same directory must plan as
 * updates in place (nothing destroyed, nothing created) with the same secret inputs, so the
 * tfvars written for the first export still serve.
 */
const tools = locateTools();

interface Built {
  space: RestSpace;
  project: { Id: string; VariableSetId: string; DeploymentProcessId: string };
  environments: Record<string, string>;
}

/** A project with a step, a sensitive variable scoped to two environments, and a tenant. */
async function build(source: Sandbox, name: string): Promise<Built> {
  const space = await RestSpace.create(source, name);
  const lifecycle = await space.named("lifecycles", "Default Lifecycle");
  const group = await space.named("projectgroups", "Default Project Group");
  const environments: Record<string, string> = {};
  for (const name of ["Development", "Test", "Production"])
    environments[name] = (await space.post("environments", { Name: name })).Id;
  const project = (await space.post("projects", {
    Name: "Checkout",
    LifecycleId: lifecycle.Id,
    ProjectGroupId: group.Id,
    TenantedDeploymentMode: "TenantedOrUntenanted",
  })) as unknown as Built["project"];
  await space.update(`deploymentprocesses/${project.DeploymentProcessId}`, (d) => {
    d.Steps = [
      {
        Name: "Run script",
        Condition: "Success",
        StartTrigger: "StartAfterPrevious",
        PackageRequirement: "LetOctopusDecide",
        Properties: { "Octopus.Action.TargetRoles": "web" },
        Actions: [
          {
            Name: "Run script",
            ActionType: "Octopus.Script",
            Properties: {
              "Octopus.Action.Script.ScriptSource": "Inline",
              "Octopus.Action.Script.Syntax": "Bash",
              "Octopus.Action.Script.ScriptBody": "echo checkout",
            },
          },
        ],
      },
    ];
  });
  await space.update(`variables/${project.VariableSetId}`, (d) => {
    d.Variables = [
      {
        Name: "DbPassword",
        Type: "Sensitive",
        IsSensitive: true,
        Value: "s3cret-checkout-db",
        Scope: { Environment: [environments.Development!, environments.Test!] },
      },
      { Name: "Greeting", Type: "String", Value: "hello", Scope: {} },
    ];
  });
  await space.post("tenants", {
    Name: "Contoso",
    ProjectEnvironments: { [project.Id]: [environments.Development, environments.Production] },
  });
  return { space, project, environments };
}

/** The renames and the rescope a user makes on the source between two exports. */
async function rename(built: Built): Promise<void> {
  const { space, project, environments } = built;
  await space.update(`projects/${project.Id}`, (d) => {
    d.Name = "Checkout Service";
  });
  await space.update(`deploymentprocesses/${project.DeploymentProcessId}`, (d) => {
    const [step] = d.Steps as Array<{ Name: string; Actions: Array<{ Name: string }> }>;
    step!.Name = "Run the checkout script";
    step!.Actions[0]!.Name = "Run the checkout script";
  });
  await space.update(`variables/${project.VariableSetId}`, (d) => {
    const db = (d.Variables as Array<{ Name: string; Scope: Record<string, string[]> }>).find(
      (v) => v.Name === "DbPassword",
    )!;
    db.Scope = { Environment: [environments.Development!, environments.Production!] };
  });
}

const inputs = (m: Manifest) => m.secrets.map((s) => s.variable).sort();

describe.skipIf(typeof tools === "string")("renames, with the real provider", () => {
  let source: Sandbox;
  let destination: Sandbox;
  beforeAll(async () => {
    source = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
    destination = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
    await decoys(destination);
  });
  afterAll(async () => {
    await source.close();
    await destination.close();
  });

  for (const layout of ["modules", "single"] as const) {
    it(`${layout} layout: a renamed project, a renamed step and a rescoped secret update in place`, async () => {
      // Each layout gets a space of its own on both sides.
      const built = await build(source, `Renames ${layout}`);
      const target = await RestSpace.create(destination, `Renames ${layout}`);
      const first = await exportTo(source, layout, {}, undefined, built.space.spaceId);
      const vars = join(first.dir, "..", "first.tfvars");
      await writeFile(vars, tfvars(source, destination, first.manifest, target.spaceId), { mode: 0o600 });
      const modules = layout === "modules" ? ["space", "projects/checkout"] : [""];
      for (const module of modules) {
        const tf = await TofuDir.at(tools as Tools, join(first.dir, module));
        await tf.must(["get"]);
        await tf.must(["apply", "-auto-approve", "-input=false", `-var-file=${vars}`]);
      }
      const before = destination.engine.docs("Projects", target.spaceId).map((p) => [p.Id, p.Name]);
      expect(before.map(([, name]) => name)).toEqual(["Checkout"]);

      await rename(built);
      const second = await exportTo(source, layout, {}, first.dir, built.space.spaceId);

      // The same inputs, so the tfvars (and CI secrets) written for the first export still serve.
      expect(inputs(second.manifest)).toEqual(inputs(first.manifest));
      expect(second.manifest.warnings.filter((w) => w.subject.startsWith("input "))).toEqual([]);
      if (layout === "modules") {
        // The project's module stays where its state is.
        expect(second.manifest.modules.map((m) => m.path).sort()).toEqual(
          first.manifest.modules.map((m) => m.path).sort(),
        );
        expect((await readdir(join(first.dir, "projects"))).sort()).toEqual(["checkout"]);
      } else {
        expect(second.manifest.moved.length).toBeGreaterThan(0);
      }

      for (const module of modules) {
        const tf = await TofuDir.at(tools as Tools, join(first.dir, module));
        await tf.must(["get"]);
        const plan = await tf.planActions([`-var-file=${vars}`]);
        const destructive = [...plan].filter(([, actions]) =>
          actions.some((a) => a === "delete" || a === "create"),
        );
        expect(destructive, `plan of ${module || "the root"}`).toEqual([]);
        if (module !== "space")
          expect([...plan].filter(([, a]) => a.includes("update")).length, module).toBeGreaterThan(0);
        await tf.must(["apply", "-auto-approve", "-input=false", `-var-file=${vars}`]);
        const again = await tf.planActions([`-var-file=${vars}`]);
        expect(
          [...again].filter(([, a]) => a.join() !== "no-op"),
          `plan after apply of ${module}`,
        ).toEqual([]);
      }

      // The same project, renamed; its step renamed; its secret still set; its tenant still linked.
      const after = destination.engine.docs("Projects", target.spaceId);
      expect(after.map((p) => [p.Id, p.Name])).toEqual([[before[0]![0], "Checkout Service"]]);
      const process = destination.engine
        .docs("DeploymentProcesses", target.spaceId)
        .find((d) => d.ProjectId === before[0]![0])!;
      expect((process.Steps as Array<{ Name: string }>).map((s) => s.Name)).toEqual([
        "Run the checkout script",
      ]);
      const tenant = destination.engine.docs("Tenants", target.spaceId).find((t) => t.Name === "Contoso")!;
      expect(Object.keys(tenant.ProjectEnvironments as object)).toEqual([before[0]![0]]);
    });
  }
});
