import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanStatus } from "../../src/cli/commands/run.js";
import type { Sandbox } from "../../src/sandbox/server.js";
import { Sandbox as SandboxServer } from "../../src/sandbox/server.js";
import { cli } from "../helpers/cli.js";
import { exampleSpace } from "../helpers/examples.js";
import { emptyDestination, exportTo, secretsTfvars, unexplainedDifferences } from "./flow.js";
import { locateTools, type Tools } from "./harness.js";

/**
 * `octoport plan` and `apply` with the real OpenTofu under a CLI configuration whose
 * provider_installation has dev_overrides and no registry to reach: `tofu init` fails there
 * (it asks the registry for the overridden provider), so the runner installs modules with
 * `tofu get` instead and says so once.
 */
const tools = locateTools();

describe.skipIf(typeof tools === "string")("plan and apply under provider dev_overrides", () => {
  let source: Sandbox;
  let destination: Sandbox;
  let dir: string;
  let rc: string;
  let modules: number;
  beforeAll(async () => {
    source = await new SandboxServer({ seed: exampleSpace() }).start();
    destination = await emptyDestination("Acme Retail");
    const exported = await exportTo(source, "modules");
    dir = exported.dir;
    modules = exported.manifest.modules.length;
    await writeFile(join(dir, "secrets.tfvars"), secretsTfvars(source, exported.manifest), { mode: 0o600 });
    rc = join(await mkdtemp(join(tmpdir(), "octoport-devrc-")), "tofurc");
    await writeFile(
      rc,
      `provider_installation {\n  dev_overrides {\n    "octopusdeploy/octopusdeploy" = "${(tools as Tools).providerDir}"\n  }\n  direct {}\n}\n`,
    );
    process.env.TF_CLI_CONFIG_FILE = rc;
  });
  afterAll(async () => {
    delete process.env.TF_CLI_CONFIG_FILE;
    await source.close();
    await destination.close();
  });

  const args = (mode: string) => [
    mode,
    dir,
    "--server",
    destination.url,
    "--api-key",
    destination.apiKey,
    "--space",
    "Acme Retail",
    "--tf-bin",
    (tools as Tools).tofu,
    "--var-file",
    join(dir, "secrets.tfvars"),
  ];

  it("plans without init, saying so in one line", async () => {
    const plan = await cli(args("plan"));
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toBe(
      `${rc} has provider dev_overrides: init skipped (it needs a registry), modules installed with get\n`,
    );
    expect(plan.stdout).toMatch(/^space\s+\d+\s+0\s+0\s+0\s+[\d.]+s\s+planned$/m);
    expect(plan.stdout).toMatch(/^projects\/storefront .*waiting: plan needs /m);
    const json = await cli([...args("plan"), "--json", "--quiet"]);
    expect(json.code, json.stderr).toBe(0);
    const status = JSON.parse(json.stdout) as PlanStatus;
    expect(status.inSync).toBe(false);
    const of = (m: string) => status.modules.find((x) => x.module === m)!;
    expect(of("space").status).toBe("drifted");
    expect(of("space").changes.length).toBe(of("space").counts.add);
    expect(of("projects/storefront").status).toBe("waiting");
  });

  it("applies, and the destination equals the source", async () => {
    const apply = await cli(args("apply"));
    expect(apply.code, apply.stderr).toBe(0);
    expect(modules).toBeGreaterThan(1);
    expect(apply.stdout.split("\n").filter((l) => / applied$/.test(l))).toHaveLength(modules);
    expect(unexplainedDifferences(source, destination)).toEqual([]);
  });

  it("octoport diff, over the API, finds the destination equal to the source", async () => {
    const diff = await cli([
      "diff",
      "--server",
      source.url,
      "--api-key",
      source.apiKey,
      "--space",
      "Acme Retail",
      "--dest-server",
      destination.url,
      "--dest-api-key",
      destination.apiKey,
      "--quiet",
    ]);
    expect(diff.stdout).toBe("No differences: the destination matches the source.\n");
    expect(diff.code, diff.stderr).toBe(0);
    const json = await cli([...args("plan"), "--json", "--quiet"]);
    expect(json.code, json.stderr).toBe(0);
    const status = JSON.parse(json.stdout) as PlanStatus;
    expect(status.modules.map((m) => m.status)).toEqual(status.modules.map(() => "in-sync"));
    expect(status.inSync).toBe(true);
    expect(json.stdout).not.toContain(destination.apiKey);
  });
});
