import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { SeedFile } from "../../src/sandbox/seed.js";
import { ROOT } from "../helpers/examples.js";
import { exportSeed } from "../helpers/export.js";

/**
 * Golden files: the whole export of small spaces, reviewed by reading them and committed
 * under test/golden/. A change to the output shows here as a diff to review;
 * UPDATE_GOLDEN=1 rewrites them (read the diff before committing it).
 */
const SMALL: SeedFile = {
  spaces: [
    {
      Name: "Small",
      Documents: {
        Environments: [
          { Id: "Environments-1", Name: "Test", SortOrder: 0 },
          { Id: "Environments-2", Name: "Production", SortOrder: 1, UseGuidedFailure: true },
        ],
        Lifecycles: [
          {
            Id: "Lifecycles-2",
            Name: "Test then Production",
            Phases: [
              { Name: "Test", AutomaticDeploymentTargets: ["Environments-1"] },
              { Name: "Production", OptionalDeploymentTargets: ["Environments-2"] },
            ],
          },
        ],
        Accounts: [
          {
            Id: "Accounts-1",
            Name: "Deployer",
            AccountType: "UsernamePassword",
            Username: "deploy",
            Password: { HasValue: true, NewValue: "x" },
          },
        ],
        Projects: [
          {
            Id: "Projects-1",
            Name: "Web Site",
            LifecycleId: "Lifecycles-2",
            ProjectGroupId: "ProjectGroups-1",
          },
        ],
        ProjectGroups: [{ Id: "ProjectGroups-1", Name: "Default Project Group" }],
        VariableSets: [
          {
            Id: "variableset-Projects-1",
            OwnerId: "Projects-1",
            Variables: [
              {
                Id: "11111111-0000-4000-8000-000000000001",
                Name: "Site.Url",
                Value: "https://test.example.com",
                Scope: { Environment: ["Environments-1"] },
              },
              {
                Id: "11111111-0000-4000-8000-000000000002",
                Name: "Site.Url",
                Value: "https://www.example.com",
                Scope: { Environment: ["Environments-2"] },
              },
              {
                Id: "11111111-0000-4000-8000-000000000003",
                Name: "Site.ApiKey",
                Value: "s3cret",
                Type: "Sensitive",
                IsSensitive: true,
              },
            ],
          },
        ],
        DeploymentProcesses: [
          {
            Id: "deploymentprocess-Projects-1",
            ProjectId: "Projects-1",
            Steps: [
              {
                Name: "Deploy",
                Properties: { "Octopus.Action.TargetRoles": "web" },
                Actions: [
                  {
                    Name: "Deploy",
                    ActionType: "Octopus.Script",
                    Properties: {
                      "Octopus.Action.Script.ScriptSource": "Inline",
                      "Octopus.Action.Script.Syntax": "Bash",
                      "Octopus.Action.Script.ScriptBody":
                        'echo "Deploying #{Octopus.Release.Number} to ${HOSTNAME}"\nexit 0\n',
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
    },
  ],
};

const CASES: Array<[string, SeedFile, "modules" | "single"]> = [
  ["small-modules", SMALL, "modules"],
  ["small-single", SMALL, "single"],
];

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

describe("golden exports", () => {
  it.each(CASES)("%s", async (name, seed, layout) => {
    const { files } = await exportSeed(seed, { layout });
    const dir = join(ROOT, "test/golden", name);
    if (process.env.UPDATE_GOLDEN === "1") {
      await rm(dir, { recursive: true, force: true });
      for (const [path, text] of files) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), text);
      }
    }
    const golden = new Map<string, string>();
    for (const path of await listFiles(dir)) golden.set(relative(dir, path), await readFile(path, "utf8"));
    expect([...files.keys()].sort()).toEqual([...golden.keys()].sort());
    for (const [path, text] of files) expect(text, path).toBe(golden.get(path));
  });
});
