import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSpace, SIZES } from "../../src/sandbox/generate.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { cli, cliProcess } from "../helpers/cli.js";
import { exampleSpace } from "../helpers/examples.js";
import { tree, treeDiff } from "../helpers/tree.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await new Sandbox({ seed: exampleSpace() }).start();
});
afterAll(() => sandbox.close());

const conn = () => ["--server", sandbox.url, "--api-key", sandbox.apiKey, "--space", "Acme Retail"];
const dir = async () => join(await mkdtemp(join(tmpdir(), "octoport-cli-")), "out");

describe("octoport export", () => {
  it("writes the modules and prints a summary", async () => {
    const dest = await dir();
    const r = await cli(["export", ...conn(), "--dest", dest]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Exported space Acme Retail to ${dest}`);
    expect(r.stdout).toMatch(/octopusdeploy_environment\s+4/);
    expect(r.stdout).toMatch(
      /1\. space\n\s+2\. projects\/orders-api, projects\/payments-service\n\s+3\. projects\/storefront/,
    );
    expect(r.stdout).toMatch(/Secrets to supply: \d+/);
    expect(JSON.parse(await readFile(join(dest, "manifest.json"), "utf8")).source.server).toBe(sandbox.url);
  });

  it("names at most ten modules of an apply level in the summary, and counts the rest", async () => {
    const big = await new Sandbox({ seed: generateSpace(SIZES.S, 1) }).start();
    try {
      const dest = await dir();
      const r = await cli([
        "export",
        "--server",
        big.url,
        "--api-key",
        big.apiKey,
        "--space",
        "Spaces-1",
        "--dest",
        dest,
      ]);
      expect(r.code).toBe(0);
      const manifest = JSON.parse(await readFile(join(dest, "manifest.json"), "utf8")) as {
        applyOrder: string[][];
      };
      const widest = manifest.applyOrder.findIndex((level) => level.length > 10);
      expect(widest).toBeGreaterThan(0);
      const level = manifest.applyOrder[widest]!;
      expect(r.stdout).toContain("in apply order (README.md and manifest.json list them all):");
      expect(r.stdout).toContain(
        `  ${widest + 1}. ${level.length} modules: ${level.slice(0, 10).join(", ")}, and ${level.length - 10} more\n`,
      );
    } finally {
      await big.close();
    }
  });

  it("a second export changes nothing; --check passes, then fails once the space changes", async () => {
    const dest = await dir();
    expect((await cli(["export", ...conn(), "--dest", dest])).code).toBe(0);
    const again = await cli(["export", ...conn(), "--dest", dest]);
    expect(again.stdout).toMatch(/Files: 0 added, 0 changed, 0 removed, \d+ unchanged \(nothing to do\)/);
    const check = await cli(["export", ...conn(), "--dest", dest, "--check"]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/is up to date/);

    const env = sandbox.engine.get("Environments", "Spaces-1", "Environments-2");
    sandbox.engine.update("Environments", "Spaces-1", "Environments-2", {
      ...env,
      Description: "Changed in the source",
    });
    try {
      const drift = await cli(["export", ...conn(), "--dest", dest, "--check"]);
      expect(drift.code).toBe(1);
      expect(drift.stdout).toContain("~ space/module/environments.tf");
      expect(drift.stderr).toMatch(/has drifted from space Acme Retail: 1 file\(s\) would change/);
      expect(await readFile(join(dest, "space/module/environments.tf"), "utf8")).not.toContain(
        "Changed in the source",
      );
      const update = await cli(["export", ...conn(), "--dest", dest]);
      expect(update.stdout).toMatch(/Files: 0 added, 1 changed, 0 removed/);
      expect(update.stdout).toContain("~ space/module/environments.tf");
    } finally {
      sandbox.engine.update("Environments", "Spaces-1", "Environments-2", env);
    }
  });

  it("--verify parses every HCL file (a process of its own, from the source) and writes the same bytes as without it", async () => {
    const plain = await dir();
    expect((await cli(["export", ...conn(), "--dest", plain])).code).toBe(0);
    const verified = await dir();
    const r = await cliProcess(["export", ...conn(), "--dest", verified, "--verify"]);
    expect(r.stderr).not.toMatch(/error|does not parse/i);
    expect(r.code).toBe(0);
    expect(treeDiff(tree(plain), tree(verified))).toEqual([]);
    // And again over it, with every file unchanged on disk, and as --check.
    expect((await cli(["export", ...conn(), "--dest", verified, "--verify"])).stdout).toMatch(
      /\(nothing to do\)/,
    );
    expect((await cli(["export", ...conn(), "--dest", verified, "--verify", "--check"])).code).toBe(0);
  });

  it("--project with --lookup-dependencies writes only that project's module", async () => {
    const dest = await dir();
    const r = await cli([
      "export",
      ...conn(),
      "--dest",
      dest,
      "--project",
      "Storefront",
      "--lookup-dependencies",
    ]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(dest, "manifest.json"), "utf8"));
    expect(manifest.modules.map((m: { path: string }) => m.path)).toEqual(["projects/storefront"]);
    expect(await readFile(join(dest, "projects/storefront/module/lookups.tf"), "utf8")).toMatch(
      /data "octopusdeploy_lifecycles" "standard_release"/,
    );
    // Its README's incremental example starts in the module there is, not in a space/ there is not.
    const readme = await readFile(join(dest, "README.md"), "utf8");
    expect(readme).toContain(
      "cd projects/storefront && tofu init && tofu apply -var-file=../../terraform.tfvars\n",
    );
    expect(readme).not.toContain("cd space");
  });

  it("--project alone also writes the space-level resources it uses", async () => {
    const dest = await dir();
    expect((await cli(["export", ...conn(), "--dest", dest, "--project", "Payments Service"])).code).toBe(0);
    const envs = await readFile(join(dest, "space/module/environments.tf"), "utf8");
    expect(envs).toContain('"Production"');
    const manifest = JSON.parse(await readFile(join(dest, "manifest.json"), "utf8"));
    const types = new Set(manifest.resources.map((r: { sourceType: string }) => r.sourceType));
    expect(types.has("Tenants")).toBe(false); // no tenant is connected to Payments Service
    expect(types.has("Machines")).toBe(false);
    expect(manifest.resources.some((r: { name: string }) => r.name === "Orders API")).toBe(false);
  });

  it("--runbook writes one runbook against its looked-up project", async () => {
    const dest = await dir();
    const r = await cli([
      "export",
      ...conn(),
      "--dest",
      dest,
      "--project",
      "Orders API",
      "--runbook",
      "Restart Orders API",
    ]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(dest, "manifest.json"), "utf8"));
    // One module, for the runbook (the project's module, not the project's module and the runbook's).
    expect(manifest.modules.map((m: { title: string }) => m.title)).toEqual([
      "runbook Restart Orders API of project Orders API",
    ]);
    expect(manifest.resources.map((r: { type: string }) => r.type).sort()).toEqual([
      "octopusdeploy_process",
      "octopusdeploy_process_step",
      "octopusdeploy_process_steps_order",
      "octopusdeploy_runbook",
    ]);
    expect(await readFile(join(dest, "projects/orders-api/module/lookups.tf"), "utf8")).toMatch(
      /data "octopusdeploy_projects" "orders_api"/,
    );
  });

  it("filters leave things out and warn about every reference they drop", async () => {
    const dest = await dir();
    const r = await cli([
      "export",
      ...conn(),
      "--dest",
      dest,
      "--exclude-environments",
      "Development",
      "--exclude-all-targets",
    ]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(dest, "manifest.json"), "utf8"));
    expect(manifest.resources.some((x: { name: string }) => x.name === "Development")).toBe(false);
    expect(manifest.resources.some((x: { sourceType: string }) => x.sourceType === "Machines")).toBe(false);
    const warnings = manifest.warnings.map(
      (w: { subject: string; message: string }) => `${w.subject} ${w.message}`,
    );
    expect(
      warnings.some((w: string) =>
        /Orders\.ReplicaCount.*scope: environment "Development" is left out by a filter/.test(w),
      ),
    ).toBe(true);
    expect(r.stderr).toMatch(/warning: .*environment "Development" is left out by a filter/);
  });
});

describe("bad input: one line, exit 1 (2 for usage), previous output untouched", () => {
  it("an unknown project names the projects there", async () => {
    const r = await cli(["export", ...conn(), "--dest", await dir(), "--project", "Nope"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'octoport: error: unknown project "Nope" in space Acme Retail; projects there: Orders API, Payments Service, Storefront\n',
    );
  });

  it("an unknown runbook names the project's runbooks", async () => {
    const r = await cli([
      "export",
      ...conn(),
      "--dest",
      await dir(),
      "--project",
      "Orders API",
      "--runbook",
      "Nope",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'octoport: error: unknown runbook "Nope" in project "Orders API"; its runbooks: Restart Orders API\n',
    );
  });

  it("an invalid regex is a usage error", async () => {
    const r = await cli(["export", ...conn(), "--dest", await dir(), "--exclude-feeds-regex", "(unclosed"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^octoport: --exclude-feeds-regex: invalid regular expression "\(unclosed"/);
  });

  it("a destination that is a file", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "octoport-cli-")), "file");
    await writeFile(path, "keep me");
    const r = await cli(["export", ...conn(), "--dest", path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `octoport: error: the destination ${path} is a file; pass a directory for --dest\n`,
    );
    expect(await readFile(path, "utf8")).toBe("keep me");
  });

  it("no --dest is a usage error", async () => {
    const r = await cli(["export", ...conn()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dest is required/);
  });

  it("--help documents every family's filters with examples", async () => {
    const r = await cli(["export", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of [
      "--exclude-environments",
      "--exclude-targets-regex",
      "--exclude-projects-except",
      "--exclude-all-variables",
      "--exclude-steps",
      "--exclude-steps-regex",
      "--exclude-steps-except",
      "--exclude-all-steps",
      "--exclude-tenant-variables",
      "--exclude-all-tenant-variables",
      "--exclude-tenant-tags",
      "--exclude-invalid-channels",
    ]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/Examples:/);
  });
});

describe("octoport export --include-teams", () => {
  it("writes the space's teams and their roles only when asked, and --exclude-teams leaves one out", async () => {
    const source = await new Sandbox({ seed: exampleSpace() }).start();
    try {
      const call = async (path: string, body: unknown) => {
        const res = await fetch(`${source.url}/api/${path}`, {
          method: "POST",
          headers: { "X-Octopus-ApiKey": source.apiKey, "Content-Type": "application/json" },
          body: JSON.stringify(body),
        });
        expect(res.ok, await res.clone().text()).toBe(true);
        return (await res.json()) as { Id: string };
      };
      const spaceId = "Spaces-1";
      const user = await call("users", { Username: "ada" });
      const team = await call(`${spaceId}/teams`, { Name: "Approvers", MemberUserIds: [user.Id] });
      await call(`${spaceId}/scopeduserroles`, { TeamId: team.Id, UserRoleId: "userroles-projectviewer" });
      const args = ["--server", source.url, "--api-key", source.apiKey, "--space", "Acme Retail"];
      const types = async (extra: string[]) => {
        const dest = await dir();
        const r = await cli(["export", ...args, "--dest", dest, ...extra]);
        expect(r.code, r.stderr).toBe(0);
        const manifest = JSON.parse(await readFile(join(dest, "manifest.json"), "utf8")) as {
          resources: Array<{ type: string; name: string }>;
        };
        return manifest.resources.filter((x) => x.type === "octopusdeploy_team").map((x) => x.name);
      };
      expect(await types([])).toEqual([]);
      expect(await types(["--include-teams"])).toEqual(["Approvers"]);
      expect(await types(["--include-teams", "--exclude-teams", "Approvers"])).toEqual([]);
    } finally {
      await source.close();
    }
  });
});
