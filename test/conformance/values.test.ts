import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { RestSpace } from "../helpers/rest.js";
import { exportTo, tfvars, unexplained } from "./flow.js";
import { locateTools, TofuDir, type Tools } from "./harness.js";

/**
 * Values in the forms the API really sends and that the converters once dropped: an AWS OIDC
 * account's SessionDuration as text ("3600"), a step's Git dependencies (one with a library
 * Git credential, one anonymous), a step template's Git dependency. Built through the REST API, exported, applied by the real
 * provider into a new space: the destination must equal the source and plan no changes.
 */
const tools = locateTools();

const changes = (plan: Map<string, string[]>) => [...plan.entries()].filter(([, a]) => a.join() !== "no-op");

describe.skipIf(typeof tools === "string")("values in the API's own forms, with the real provider", () => {
  let source: Sandbox;
  let space: RestSpace;
  beforeAll(async () => {
    source = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
    space = await RestSpace.create(source, "Values");
    const lifecycle = await space.named("lifecycles", "Default Lifecycle");
    const group = await space.named("projectgroups", "Default Project Group");
    await space.post("accounts", {
      Name: "AWS OIDC",
      AccountType: "AmazonWebServicesOidcAccount",
      RoleArn: "arn:aws:iam::123456789012:role/deploy",
      SessionDuration: "3600",
    });
    const credential = await space.post("git-credentials", {
      Name: "Infra",
      Details: {
        Type: "UsernamePassword",
        Username: "bot",
        Password: { HasValue: true, NewValue: "git-token" },
      },
    });
    await space.post("actiontemplates", {
      Name: "Run from Git",
      ActionType: "Octopus.Script",
      Properties: {
        "Octopus.Action.Script.ScriptSource": "GitRepository",
        "Octopus.Action.Script.ScriptFileName": "run.sh",
      },
      GitDependencies: [
        {
          Name: "",
          RepositoryUri: "https://git.example/tools.git",
          DefaultBranch: "main",
          GitCredentialType: "Library",
          GitCredentialId: credential.Id,
          FilePathFilters: [],
        },
      ],
    });
    const project = await space.post("projects", {
      Name: "Infra",
      ProjectGroupId: group.Id,
      LifecycleId: lifecycle.Id,
    });
    await space.update(`deploymentprocesses/${String(project.DeploymentProcessId)}`, (d) => {
      d.Steps = [
        {
          Name: "Apply",
          Condition: "Success",
          StartTrigger: "StartAfterPrevious",
          PackageRequirement: "LetOctopusDecide",
          Properties: {},
          Actions: [
            {
              Name: "Apply",
              ActionType: "Octopus.Script",
              Properties: {
                "Octopus.Action.RunOnServer": "true",
                "Octopus.Action.Script.ScriptSource": "GitRepository",
                "Octopus.Action.Script.ScriptFileName": "deploy.sh",
              },
              GitDependencies: [
                {
                  Name: "",
                  RepositoryUri: "https://git.example/infra.git",
                  DefaultBranch: "main",
                  GitCredentialType: "Library",
                  GitCredentialId: credential.Id,
                  FilePathFilters: ["scripts/**"],
                },
                {
                  Name: "shared",
                  RepositoryUri: "https://git.example/shared.git",
                  DefaultBranch: "main",
                  GitCredentialType: "Anonymous",
                },
              ],
            },
          ],
        },
      ];
    });
  });
  afterAll(() => source.close());

  it("applies: the session duration and the Git dependencies arrive, and a plan after shows no changes", async () => {
    const destination = await new Sandbox({
      seed: { spaces: [{ Name: "Default", IsDefault: true }] },
    }).start();
    try {
      const target = await RestSpace.create(destination, "Values");
      const { dir, manifest } = await exportTo(source, "modules", {}, undefined, space.spaceId);
      expect(manifest.warnings).toEqual([]);
      const vars = join(dir, "terraform.tfvars");
      await writeFile(vars, tfvars(source, destination, manifest, target.spaceId), { mode: 0o600 });
      const tf = await TofuDir.at(tools as Tools, dir);
      await tf.must(["get"]);
      await tf.must(["apply", "-auto-approve", "-input=false", `-var-file=${vars}`]);
      expect(changes(await tf.planActions([`-var-file=${vars}`]))).toEqual([]);

      const diffs = differences(
        normaliseSpace(source, space.spaceId),
        normaliseSpace(destination, target.spaceId),
      );
      expect(unexplained(diffs)).toEqual([]);
      const account = await target.named("accounts", "AWS OIDC");
      expect(String(account.SessionDuration)).toBe("3600");
      const project = await target.named("projects", "Infra");
      const process = await target.get(`deploymentprocesses/${String(project.DeploymentProcessId)}`);
      const steps = process.Steps as Array<{
        Actions: Array<{ GitDependencies: Array<Record<string, unknown>> }>;
      }>;
      const deps = steps[0]!.Actions[0]!.GitDependencies;
      expect(deps.map((d) => d.Name).sort()).toEqual(["", "shared"]);
      const credential = await target.named("git-credentials", "Infra");
      expect(deps.find((d) => d.Name === "")?.GitCredentialId).toBe(credential.Id);
    } finally {
      await destination.close();
    }
  });
});
