import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSpace } from "../../src/graph/reader.js";
import { OctopusClient } from "../../src/octopus/client.js";
import { type RunOptions, type RunReport, runExport } from "../../src/runner/runner.js";
import type { Sandbox } from "../../src/sandbox/server.js";
import { Sandbox as SandboxServer } from "../../src/sandbox/server.js";
import { cli } from "../helpers/cli.js";
import { exampleSpace } from "../helpers/examples.js";
import { resolvedVariables, spreadSeed } from "../helpers/spread.js";
import { emptyDestination, exportTo, secretsTfvars, unexplainedDifferences } from "./flow.js";
import { locateTools, mirrorConfig, type Tools } from "./harness.js";

/**
 * The migration workflows with `octoport plan|apply` running the real OpenTofu and provider
 * (installed by a real `tofu init` from a local mirror) against sandboxes.
 */
const tools = locateTools();

function outcomes(report: RunReport): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [r.module, r.outcome]));
}

describe.skipIf(typeof tools === "string")("octoport plan and apply", () => {
  let rc: string;
  beforeAll(async () => {
    rc = await mirrorConfig(tools as Tools);
  });

  async function run(
    dir: string,
    destination: Sandbox,
    mode: "plan" | "apply",
    extra: Partial<RunOptions> = {},
  ): Promise<RunReport> {
    return runExport({
      dir,
      mode,
      tfBin: (tools as Tools).tofu,
      parallelism: 2,
      destination: { server: destination.url, apiKey: destination.apiKey, spaceId: "Spaces-1" },
      varFiles: [join(dir, "secrets.tfvars")],
      env: { TF_CLI_CONFIG_FILE: rc },
      ...extra,
    });
  }

  describe("big bang, then again", () => {
    let source: Sandbox;
    let destination: Sandbox;
    let dir: string;
    beforeAll(async () => {
      source = await new SandboxServer({ seed: exampleSpace() }).start();
      destination = await emptyDestination("Acme Retail");
      const exported = await exportTo(source, "modules");
      dir = exported.dir;
      await writeFile(join(dir, "secrets.tfvars"), secretsTfvars(source, exported.manifest), { mode: 0o600 });
    });
    afterAll(async () => {
      await source.close();
      await destination.close();
    });

    it("applies every module in order, each with its own state, and the destination equals the source", async () => {
      const report = await run(dir, destination, "apply");
      expect(report.ok).toBe(true);
      expect(outcomes(report)).toEqual({
        space: "applied",
        "projects/orders-api": "applied",
        "projects/payments-service": "applied",
        "projects/storefront": "applied",
        "tenant-variables": "applied",
      });
      expect(report.results.find((r) => r.module === "space")!.counts.add).toBeGreaterThan(40);
      for (const m of ["space", "projects/orders-api", "projects/storefront"]) {
        const state = JSON.parse(await readFile(join(dir, m, "terraform.tfstate"), "utf8"));
        expect(state.resources.length, m).toBeGreaterThan(0);
      }
      // Storefront deploys a release of Orders API: it ran after it.
      const log = await readFile(join(dir, ".octoport/logs/projects__storefront.log"), "utf8");
      expect(log).toMatch(/Apply complete! Resources: \d+ added/);
      expect(unexplainedDifferences(source, destination)).toEqual([]);
    });

    it("a second apply (the CLI) reports every module unchanged, and a plan shows no changes", async () => {
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
      process.env.TF_CLI_CONFIG_FILE = rc;
      try {
        const again = await cli(args("apply"));
        expect(again.code, again.stderr).toBe(0);
        const rows = again.stdout.split("\n").filter((l) => /^(space|projects\/)/.test(l));
        expect(rows).toHaveLength(4);
        for (const row of rows)
          expect(row).toMatch(
            /\s0\s+0\s+0\s+0\s+0\.0s\s+unchanged: nothing changed since it was applied at /,
          );
        const plan = await cli(args("plan"));
        expect(plan.code, plan.stderr).toBe(0);
        expect(plan.stdout).toContain("No changes: the destination matches the export.");
      } finally {
        delete process.env.TF_CLI_CONFIG_FILE;
      }
    });
  });

  it("spreading: after spread --apply, export --spread-secrets applies with secrets per spread name; --undo restores the source", async () => {
    const source = await new SandboxServer({ seed: spreadSeed() }).start();
    const destination = await emptyDestination("Acme Retail");
    try {
      const before = resolvedVariables(source);
      const sets = () =>
        source.engine.docs("VariableSets", "Spaces-1").map((d) => {
          const {
            Version: _v,
            ScopeValues: _s,
            ...rest
          } = source.reveal("VariableSets", String(d.Id)) as Record<string, unknown>;
          return rest;
        });
      const original = sets();
      const journal = join(await mkdtemp(join(tmpdir(), "octoport-journal-")), "spread.json");
      const conn = ["--server", source.url, "--api-key", source.apiKey, "--space", "Acme Retail"];
      expect((await cli(["spread", ...conn, "--apply", "--journal", journal])).code).toBe(0);

      const { dir, manifest } = await exportTo(source, "modules", { spreadSecrets: true });
      const names = manifest.secrets
        .filter((x) => x.sourceId.startsWith("variableset-"))
        .map((x) => x.variable);
      expect(names).toEqual(
        expect.arrayContaining([
          "api_token_paymentsservice",
          "api_token_storefront",
          "database_password_sharedsettings_developmenttest",
          "database_password_sharedsettings_productionstaging",
          "orders_paymentskey_ordersapi_developmentstagingtest",
          "orders_paymentskey_ordersapi_production",
        ]),
      );
      await writeFile(join(dir, "secrets.tfvars"), secretsTfvars(source, manifest), { mode: 0o600 });
      const report = await run(dir, destination, "apply");
      expect(report.ok, JSON.stringify(report.results.map((r) => [r.module, r.outcome, r.reason]))).toBe(
        true,
      );
      // What every deployment resolves, per project, name and scope, is what the source had before spreading.
      expect(resolvedVariables(destination)).toEqual(before);

      expect((await cli(["spread", ...conn, "--undo", journal])).code).toBe(0);
      expect(sets()).toEqual(original);
    } finally {
      await source.close();
      await destination.close();
    }
  });

  it("adoption: a destination that already holds some of the resources has no duplicates after the first apply", async () => {
    const source = await new SandboxServer({ seed: exampleSpace() }).start();
    const destination = await emptyDestination("Acme Retail");
    try {
      // Made by hand on the destination before the migration, so their IDs differ from the source's.
      const api = new OctopusClient({ server: destination.url, apiKey: destination.apiKey });
      const base = "/api/Spaces-1";
      const create = (path: string, body: unknown) => api.post<{ Id: string }>(`${base}/${path}`, body);
      const production = await create("environments", { Name: "Production", Description: "made by hand" });
      await create("environments", { Name: "Development" });
      const group = await create("projectgroups", { Name: "Commerce" });
      const lifecycle = await create("lifecycles", { Name: "Standard release" });
      const tier = await create("tagsets", { Name: "Tier", Tags: [{ Name: "Gold", Color: "#FFD700" }] });
      const project = await api.post<{ Id: string; VariableSetId: string }>(`${base}/projects`, {
        Name: "Storefront",
        LifecycleId: lifecycle.Id,
        ProjectGroupId: group.Id,
      });
      const set = await api.get<{ Variables: unknown[] }>(`${base}/variables/${project.VariableSetId}`);
      set.Variables.push({ Name: "Storefront.Theme", Value: "old-theme", Type: "String", Scope: {} });
      await api.put(`${base}/variables/${project.VariableSetId}`, set);
      expect(production.Id).not.toBe("Environments-4");

      const adoptFrom = await readSpace(api, await api.resolveSpace("Spaces-1"));
      const { dir, manifest } = await exportTo(source, "modules", { adoptFrom });
      const imported = (manifest.imports ?? []).map((i) => `${i.address} = ${i.id}`);
      expect(imported).toEqual(
        expect.arrayContaining([
          `module.space.octopusdeploy_environment.production = ${production.Id}`,
          `module.space.octopusdeploy_project_group.commerce = ${group.Id}`,
          `module.space.octopusdeploy_lifecycle.standard_release = ${lifecycle.Id}`,
          `module.space.octopusdeploy_tag_set.tier = ${tier.Id}`,
          `module.project_storefront.octopusdeploy_project.storefront = ${project.Id}`,
        ]),
      );
      expect(imported).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^module\\.project_storefront\\.octopusdeploy_variable\\.storefront_theme = ${project.Id}:`,
          ),
        ),
      );
      await writeFile(join(dir, "secrets.tfvars"), secretsTfvars(source, manifest), { mode: 0o600 });
      const report = await run(dir, destination, "apply");
      expect(report.ok, JSON.stringify(report.results.map((r) => [r.module, r.outcome, r.reason]))).toBe(
        true,
      );
      const space = report.results.find((r) => r.module === "space")!;
      expect(space.counts.import).toBeGreaterThanOrEqual(4);

      // One of each, with the source's settings.
      const names = (type: string) =>
        destination.engine
          .docs(type, "Spaces-1")
          .map((d) => String(d.Name))
          .sort();
      expect(names("Environments")).toEqual(["Development", "Production", "Staging", "Test"]);
      expect(names("Projects")).toEqual(["Orders API", "Payments Service", "Storefront"]);
      expect(
        destination.engine.docs("Environments", "Spaces-1").find((e) => e.Name === "Production")?.Id,
      ).toBe(production.Id);
      const theme = (
        destination.reveal("VariableSets", project.VariableSetId) as { Variables: Array<{ Name: string }> }
      ).Variables.filter((v) => v.Name === "Storefront.Theme");
      expect(theme).toHaveLength(1);
      expect(unexplainedDifferences(source, destination)).toEqual([]);
      const plan = await run(dir, destination, "plan");
      expect(plan.results.flatMap((r) => r.changes)).toEqual([]);
    } finally {
      await source.close();
      await destination.close();
    }
  });

  it("the single layout applies as one module", async () => {
    const source = await new SandboxServer({ seed: exampleSpace() }).start();
    const destination = await emptyDestination("Acme Retail");
    try {
      const { dir, manifest } = await exportTo(source, "single");
      await writeFile(join(dir, "secrets.tfvars"), secretsTfvars(source, manifest), { mode: 0o600 });
      const report = await run(dir, destination, "apply");
      expect(outcomes(report)).toEqual({ "": "applied" });
      expect(unexplainedDifferences(source, destination)).toEqual([]);
      expect(outcomes(await run(dir, destination, "apply"))).toEqual({ "": "unchanged" });
    } finally {
      await source.close();
      await destination.close();
    }
  });

  it("incremental with --module: space, then one project at a time; out of order, the failure names what is missing", async () => {
    const source = await new SandboxServer({ seed: exampleSpace() }).start();
    const destination = await emptyDestination("Acme Retail");
    try {
      const { dir, manifest } = await exportTo(source, "modules");
      await writeFile(join(dir, "secrets.tfvars"), secretsTfvars(source, manifest), { mode: 0o600 });
      const only = (...modules: string[]) => run(dir, destination, "apply", { only: modules });
      expect(outcomes(await only("space"))).toEqual({ space: "applied" });
      const early = await only("projects/storefront");
      expect(outcomes(early)).toEqual({ "projects/storefront": "failed" });
      expect(early.results[0]!.reason).toContain(
        'The project "Orders API" was not found in the destination space (apply projects/orders-api first).',
      );
      for (const m of [
        "projects/orders-api",
        "projects/payments-service",
        "projects/storefront",
        "tenant-variables",
      ]) {
        expect(outcomes(await only(m))).toEqual({ [m]: "applied" });
      }
      expect(unexplainedDifferences(source, destination)).toEqual([]);
    } finally {
      await source.close();
      await destination.close();
    }
  });

  it("a failed module stops its dependants and nothing else; the next run resumes", async () => {
    const source = await new SandboxServer({ seed: exampleSpace() }).start();
    const destination = await emptyDestination("Acme Retail");
    try {
      const { dir, manifest } = await exportTo(source, "modules");
      await writeFile(join(dir, "secrets.tfvars"), secretsTfvars(source, manifest), { mode: 0o600 });
      // Orders API's module refers to something that does not exist: its plan fails.
      const broken = join(dir, "projects/orders-api/module/broken.tf");
      await writeFile(broken, 'output "broken" {\n  value = octopusdeploy_environment.missing.id\n}\n');
      const first = await run(dir, destination, "apply");
      expect(first.ok).toBe(false);
      expect(outcomes(first)).toEqual({
        space: "applied",
        "projects/orders-api": "failed",
        "projects/payments-service": "applied",
        "projects/storefront": "skipped",
        "tenant-variables": "skipped",
      });
      const skipped = first.results.find((r) => r.module === "projects/storefront")!;
      expect(skipped.reason).toBe("needs projects/orders-api, which failed");
      const failed = first.results.find((r) => r.module === "projects/orders-api")!;
      expect(failed.reason).toBe(
        'plan failed: Reference to undeclared resource: There is no managed resource "octopusdeploy_environment" "missing" definition in module.project_orders_api.',
      );
      const log = await readFile(join(dir, ".octoport/logs/projects__orders-api.log"), "utf8");
      expect(log).toContain("octopusdeploy_environment.missing");
      // The API key reached tofu through the environment, never a log.
      expect(log).not.toContain(destination.apiKey);

      await writeFile(broken, "");
      const second = await run(dir, destination, "apply");
      expect(second.ok).toBe(true);
      expect(outcomes(second)).toEqual({
        space: "unchanged",
        "projects/orders-api": "applied",
        "projects/payments-service": "unchanged",
        "projects/storefront": "applied",
        "tenant-variables": "applied",
      });
      expect(unexplainedDifferences(source, destination)).toEqual([]);
    } finally {
      await source.close();
      await destination.close();
    }
  });

  it("continual: source changes re-export as changed files, plan shows exactly them, apply, then no changes", async () => {
    const source = await new SandboxServer({ seed: exampleSpace() }).start();
    const destination = await emptyDestination("Acme Retail");
    try {
      const first = await exportTo(source, "modules");
      const dir = first.dir;
      await writeFile(join(dir, "secrets.tfvars"), secretsTfvars(source, first.manifest), { mode: 0o600 });
      expect((await run(dir, destination, "apply")).ok).toBe(true);

      // Change the source through its API: rename a step, add a variable, delete a channel.
      const api = new OctopusClient({ server: source.url, apiKey: source.apiKey });
      const orders = await api.get<{ Id: string; DeploymentProcessId: string; VariableSetId: string }>(
        "/api/Spaces-1/projects/orders-api",
      );
      const process = await api.get<{ Steps: Array<{ Name: string; Actions: Array<{ Name: string }> }> }>(
        `/api/Spaces-1/deploymentprocesses/${orders.DeploymentProcessId}`,
      );
      const step = process.Steps.find((s) => s.Name === "Notify status page")!;
      step.Name = "Notify the status page";
      step.Actions[0]!.Name = "Notify the status page";
      await api.put(`/api/Spaces-1/deploymentprocesses/${orders.DeploymentProcessId}`, process);
      const variables = await api.get<{ Variables: unknown[] }>(
        `/api/Spaces-1/variables/${orders.VariableSetId}`,
      );
      variables.Variables.push({ Name: "Orders.NewSetting", Value: "42", Type: "String", Scope: {} });
      await api.put(`/api/Spaces-1/variables/${orders.VariableSetId}`, variables);
      const channels = await api.get<{ Items: Array<{ Id: string; Name: string }> }>(
        `/api/Spaces-1/projects/${orders.Id}/channels`,
      );
      await api.delete(`/api/Spaces-1/channels/${channels.Items.find((c) => c.Name === "Hotfix")!.Id}`);

      const second = await exportTo(source, "modules", {}, dir);
      // The renamed step is followed by a moved block, so it updates in place.
      expect(second.changes.added).toEqual(["projects/orders-api/module/moved.tf"]);
      expect(second.changes.changed.filter((f) => !f.startsWith("projects/orders-api/"))).toEqual([
        "manifest.json",
      ]);
      expect(second.changes.changed).toContain("projects/orders-api/module/process.tf");

      const plan = await run(dir, destination, "plan");
      const changes = plan.results.flatMap((r) => r.changes.map((c) => `${c.action} ${c.address}`));
      const p = "module.project_orders_api";
      expect(changes).toEqual([
        `delete ${p}.octopusdeploy_channel.hotfix`,
        `update ${p}.octopusdeploy_process_step.deployment_notify_the_status_page`,
        // Octopus removes a variable scoped only to a deleted channel.
        `delete ${p}.octopusdeploy_variable.orders_hotfixbanner_hotfix`,
        `create ${p}.octopusdeploy_variable.orders_newsetting`,
      ]);
      const renamed = plan.results.flatMap((r) => r.changes).find((c) => c.from);
      expect(renamed?.from).toBe(`${p}.octopusdeploy_process_step.deployment_notify_status_page`);

      const applied = await run(dir, destination, "apply");
      expect(outcomes(applied)).toEqual({
        space: "unchanged",
        "projects/orders-api": "applied",
        "projects/payments-service": "unchanged",
        "projects/storefront": "unchanged",
        "tenant-variables": "unchanged",
      });
      expect(unexplainedDifferences(source, destination)).toEqual([]);
      const after = await run(dir, destination, "plan");
      expect(after.results.flatMap((r) => r.changes)).toEqual([]);
    } finally {
      await source.close();
      await destination.close();
    }
  });
});
