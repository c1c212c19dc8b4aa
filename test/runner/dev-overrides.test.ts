import { chmod, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { setsDevOverrides } from "../../src/runner/cliconfig.js";
import { type RunEvent, runExport } from "../../src/runner/runner.js";

/**
 * A stand-in for tofu that records its calls. Its init behaves as the real one does here under
 * dev_overrides with no registry (warning, then "Failed to resolve provider packages", exit 1)
 * when FAKE_INIT=dev-overrides. The real tofu under dev_overrides: test/conformance/dev-overrides.test.ts.
 */
const FAKE_TOFU = `#!/bin/sh
echo "$1" >> "$FAKE_LOG"
case "$1" in
  init)
    if [ "$FAKE_INIT" = dev-overrides ]; then
      echo "Warning: Provider development overrides are in effect"
      echo "Error: Failed to resolve provider packages" >&2
      exit 1
    fi ;;
  show) echo '{"resource_changes":[]}' ;;
esac
exit 0
`;

const DEV_RC = `provider_installation {
  dev_overrides {
    "octopusdeploy/octopusdeploy" = "/opt/provider"
  }
  direct {}
}
`;
const MIRROR_RC = `# dev_overrides would be another way
provider_installation {
  filesystem_mirror {
    path = "/opt/mirror"
  }
}
`;

let dir: string;
let tofu: string;
let calls: string;

async function exportDir(mainTf: string): Promise<string> {
  const out = join(dir, "export");
  await mkdir(join(out, "space"), { recursive: true });
  await writeFile(
    join(out, "manifest.json"),
    JSON.stringify({
      format: "octoport-export/v1",
      layout: "modules",
      source: { spaceName: "Acme Retail" },
      modules: [{ path: "space", title: "space", dependsOn: [] }],
      applyOrder: [["space"]],
    }),
  );
  await writeFile(join(out, "space", "main.tf"), mainTf);
  return out;
}

async function plan(rc: string, mainTf = "terraform {}\n", init = "ok") {
  const rcFile = join(dir, "tofurc");
  await writeFile(rcFile, rc);
  const events: RunEvent[] = [];
  const report = await runExport({
    dir: await exportDir(mainTf),
    mode: "plan",
    tfBin: tofu,
    parallelism: 1,
    destination: { server: "http://127.0.0.1:1", apiKey: "API-X", spaceId: "Spaces-1" },
    env: { TF_CLI_CONFIG_FILE: rcFile, FAKE_LOG: calls, FAKE_INIT: init },
    onEvent: (e) => events.push(e),
  });
  const ran = (await readFile(calls, "utf8").catch(() => "")).trim().split("\n");
  const notices = events.flatMap((e) => (e.kind === "notice" ? [e.message] : []));
  return { report, ran, notices, rcFile };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "octoport-devoverrides-"));
  tofu = join(dir, "tofu");
  calls = join(dir, "calls.log");
  await writeFile(tofu, FAKE_TOFU);
  await chmod(tofu, 0o755);
});

describe("plan and apply under provider dev_overrides", () => {
  it("a CLI configuration with dev_overrides: get instead of init, and one line saying so", async () => {
    const { report, ran, notices, rcFile } = await plan(DEV_RC, "terraform {}\n", "dev-overrides");
    expect(ran).toEqual(["get", "plan", "show"]);
    expect(report.ok).toBe(true);
    expect(report.results.map((r) => r.outcome)).toEqual(["planned"]);
    expect(notices).toEqual([
      `${rcFile} has provider dev_overrides: init skipped (it needs a registry), modules installed with get`,
    ]);
  });

  it("a filesystem mirror: init as usual", async () => {
    const { ran, notices } = await plan(MIRROR_RC);
    expect(ran).toEqual(["init", "plan", "show"]);
    expect(notices).toEqual([]);
  });

  it("overrides the configuration files did not show: init says so, and get follows", async () => {
    const { report, ran, notices } = await plan(MIRROR_RC, "terraform {}\n", "dev-overrides");
    expect(ran).toEqual(["init", "get", "plan", "show"]);
    expect(report.ok).toBe(true);
    expect(notices).toHaveLength(1);
  });

  it("a module with a backend needs init: a failed init says why and what to do", async () => {
    const { report, ran } = await plan(DEV_RC, 'terraform {\n  backend "s3" {}\n}\n', "dev-overrides");
    expect(ran).toEqual(["init"]);
    expect(report.ok).toBe(false);
    expect(report.results[0]!.reason).toBe(
      `init failed: ${join(dir, "tofurc")} has provider dev_overrides, with which init cannot install providers without a registry, and this module's backend needs init; install the provider from a filesystem_mirror instead (docs/apply.md)`,
    );
  });

  it("reads dev_overrides in HCL and JSON, and not in comments", () => {
    expect(setsDevOverrides(DEV_RC)).toBe(true);
    expect(setsDevOverrides('{"provider_installation": [{"dev_overrides": {}}]}')).toBe(true);
    expect(setsDevOverrides(MIRROR_RC)).toBe(false);
    expect(setsDevOverrides("/* dev_overrides {\n} */\nprovider_installation {}\n")).toBe(false);
  });
});
