import { describe, expect, it } from "vitest";
import { generateSpace, SIZES } from "../../src/sandbox/generate.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { cli } from "../helpers/cli.js";

type Doc = Record<string, unknown>;

describe("generated spaces", () => {
  it("have the benchmark's shape: per project variables, steps, a runbook, two channels, a trigger", () => {
    const space = generateSpace(SIZES.S, 3).spaces[0]!;
    const docs = space.Documents as Record<string, Doc[]>;
    const n = (t: string) => docs[t]?.length ?? 0;
    expect(n("Projects")).toBe(20);
    expect(n("Runbooks")).toBe(20);
    expect(n("Channels")).toBe(40);
    expect(n("ProjectTriggers")).toBe(20);
    expect(n("Environments")).toBe(10);
    expect(n("Lifecycles")).toBeGreaterThanOrEqual(3);
    expect(n("Tenants")).toBe(50);
    expect(n("Feeds") + n("Accounts")).toBeGreaterThanOrEqual(20);
    expect(n("Machines")).toBe(100);
    const libSets = docs.LibraryVariableSets!.filter((l) => l.ContentType !== "ScriptModule");
    expect(libSets.length).toBeGreaterThanOrEqual(10);
    const processes = docs.DeploymentProcesses!;
    expect(processes.every((p) => (p.Steps as unknown[]).length >= 5)).toBe(true);
    const deployRelease = processes.flatMap((p) =>
      (p.Steps as Doc[]).flatMap((s) =>
        (s.Actions as Doc[]).filter((a) => a.ActionType === "Octopus.DeployRelease"),
      ),
    );
    expect(deployRelease.length).toBeGreaterThan(0);
    const projectSets = docs.VariableSets!.filter((v) => String(v.OwnerId).startsWith("Projects-"));
    const variables = projectSets.flatMap((v) => v.Variables as Doc[]);
    expect(variables.length).toBeGreaterThanOrEqual(20 * 10);
    expect(variables.some((v) => v.IsSensitive)).toBe(true);
    expect(
      variables.some(
        (v) => ((v.Scope as Doc)?.TenantTag as unknown[] | undefined)?.length || (v.Scope as Doc)?.Tenant,
      ),
    ).toBe(true);
  });

  it("are the same for the same size and seed, different for another seed, and load into the sandbox", () => {
    const a = JSON.stringify(generateSpace(SIZES.S, 5));
    expect(JSON.stringify(generateSpace(SIZES.S, 5))).toBe(a);
    expect(JSON.stringify(generateSpace(SIZES.S, 6))).not.toBe(a);
    const sandbox = new Sandbox({ seed: generateSpace(SIZES.M, 5) });
    expect(sandbox.engine.docs("Projects", "Spaces-1")).toHaveLength(200);
  });

  it("octoport sandbox --generate wants a known size and a whole-number seed", async () => {
    const size = await cli(["sandbox", "--generate", "XL"]);
    expect(size.code).toBe(2);
    const seed = await cli(["sandbox", "--generate", "S", "--seed", "space.json"]);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain("--seed is a whole number");
  });
});
