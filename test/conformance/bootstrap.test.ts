import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBootstrap } from "../../src/bootstrap/check.js";
import { type BootstrapOptions, bootstrapRoot, SYNC_RUNBOOK } from "../../src/bootstrap/root.js";
import type { Sandbox } from "../../src/sandbox/server.js";
import { printFile } from "../../src/terraform/hcl/print.js";
import type { Manifest } from "../../src/terraform/manifest.js";
import {
  api,
  buildSource,
  changeCount,
  DB_PASSWORD,
  runbookScript,
  runOnWorker,
  setVariables,
} from "./bootstrap-worker.js";
import { emptyDestination, exportTo, unexplainedDifferences } from "./flow.js";
import { locateTools, TofuDir, type Tools } from "./harness.js";

/**
 * octoport bootstrap, end to end: its root applied to a source (built through the REST API)
 * by the real provider, then each sync runbook's script run as a worker would run it: its
 * `#{Name}` substituted from the source's stored values (sensitive ones revealed in-process,
 * never over HTTP), then run with bash, octoport and OpenTofu against a destination. What this
 * simulates, and what it does not (Octopus's own substitution and workers), is in
 * docs/bootstrap.md.
 */

const found = locateTools();
const tools = typeof found === "string" ? undefined : found;
let source: Sandbox;
let work: string;

describe.skipIf(!tools)("octoport bootstrap: sync runbooks on the source, run as a worker would", () => {
  let destination: Sandbox;
  let manifest: Manifest;
  let options: BootstrapOptions;
  let root: TofuDir;
  let rootVars: string[];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "octoport-bootstrap-"));
    source = await buildSource();
    destination = await emptyDestination("Shop copy");
    // The decoy: the destination's IDs differ from the source's.
    await api(destination, "POST", "/api/Spaces-1/environments", { Name: "Decoy" });
    manifest = (await exportTo(source, "modules")).manifest;
    await mkdir(join(work, "tfstate", "projects"), { recursive: true });
    options = {
      providerVersion: manifest.providerVersion,
      sourceServer: source.url,
      destinationServer: destination.url,
      destinationSpace: "Shop copy",
      syncProject: "octoport sync",
      projectGroup: "Default Project Group",
      lifecycle: "Default Lifecycle",
      exportOptions: ["--backend=local"],
      applyOptions: [`--backend-config=path=${join(work, "tfstate")}/{module}.tfstate`],
    };
    root = await TofuDir.create(tools as Tools, { "main.tf": printFile(bootstrapRoot(manifest, options)) });
    rootVars = [
      `-var=octopus_server=${source.url}`,
      `-var=octopus_apikey=${source.apiKey}`,
      "-var=octopus_space_id=Spaces-1",
      `-var=source_api_key=${source.apiKey}`,
      `-var=destination_api_key=${destination.apiKey}`,
    ];
  }, 600_000);
  /** Differences but the sync machinery (on the source only) and the destination's decoy. */
  const leftOver = () =>
    unexplainedDifferences(source, destination).filter(
      (d) =>
        !(/octoport:? sync/.test(d) && d.endsWith("only in the source")) &&
        d !== "Environments:Decoy: only in the destination",
    );
  afterAll(async () => {
    await source?.close();
    await destination?.close();
  });

  it("finds nothing missing: every secret of this space is a variable's", () => {
    expect(checkBootstrap(manifest, options)).toEqual([]);
    expect(manifest.secrets.map((s) => s.sourceVariable).sort()).toEqual([
      "Api.Key",
      "Db.Password",
      "Shared.Token",
    ]);
  });

  it("applies to the source with the real provider, and a second plan is empty", async () => {
    await root.must(["apply", "-auto-approve", "-input=false", ...rootVars]);
    const plan = await root.planActions(rootVars);
    expect([...plan].filter(([, a]) => a.join() !== "no-op")).toEqual([]);
    expect([...plan.keys()].filter((a) => a.startsWith("octopusdeploy_runbook.")).sort()).toEqual([
      "octopusdeploy_runbook.sync_all",
      "octopusdeploy_runbook.sync_projects_billing",
      "octopusdeploy_runbook.sync_projects_orders",
      "octopusdeploy_runbook.sync_space",
    ]);
  });

  it("runs each runbook in apply order: the destination then equals the source, secrets included", async () => {
    const projectOf = (module: string) =>
      manifest.resources.find((r) => r.module === module && r.type === "octopusdeploy_project")?.name ??
      options.syncProject;
    for (const module of manifest.applyOrder.flat()) {
      const script = await runbookScript(source, projectOf(module));
      expect(script).not.toContain("#{Octoport.");
      const run = await runOnWorker(script, tools as Tools, work);
      expect(run.code, `${module}\n${run.stdout}\n${run.stderr}`).toBe(0);
    }
    expect(leftOver()).toEqual([]);
    const orders = (await api(destination, "GET", "/api/Spaces-1/projects/all")).find(
      (p: { Name: string }) => p.Name === "Orders",
    );
    const vars = destination.reveal("VariableSets", orders.VariableSetId, "Spaces-1") as {
      Variables: Array<{ Name: string; Value: string }>;
    };
    expect(vars.Variables.find((v) => v.Name === "Db.Password")?.Value).toBe(DB_PASSWORD);
    // The sync machinery stays on the source: the export leaves out what bootstrap made.
    const names = (type: string) => destination.engine.docs(type, "Spaces-1").map((d) => String(d.Name));
    expect(names("Runbooks")).not.toContain(SYNC_RUNBOOK);
    expect(names("ActionTemplates")).not.toContain("octoport sync");
    expect(names("Projects").sort()).toEqual(["Billing", "Orders"]);
  }, 900_000);

  it("after a change on the source, only the changed module has anything to apply", async () => {
    const billing = (await api(source, "GET", "/api/Spaces-1/projects/all")).find(
      (p: { Name: string }) => p.Name === "Billing",
    );
    await api(source, "PUT", `/api/Spaces-1/projects/${billing.Id}`, {
      ...billing,
      Description: "now described",
    });
    const applied: string[] = [];
    for (const module of manifest.applyOrder.flat()) {
      const project =
        manifest.resources.find((r) => r.module === module && r.type === "octopusdeploy_project")?.name ??
        options.syncProject;
      const run = await runOnWorker(await runbookScript(source, project), tools as Tools, work);
      expect(run.code, `${module}\n${run.stdout}\n${run.stderr}`).toBe(0);
      if (changeCount(run.stdout, module) > 0) applied.push(module);
    }
    expect(applied).toEqual(["projects/billing"]);
    expect(leftOver()).toEqual([]);
  }, 900_000);

  it("stops with a line naming the module and the destination when a secret's variable is gone", async () => {
    const orders = (await api(source, "GET", "/api/Spaces-1/projects/all")).find(
      (p: { Name: string }) => p.Name === "Orders",
    );
    await setVariables(source, orders.VariableSetId, [
      { Name: "Db.Host", Type: "String", Value: "db.internal" },
    ]);
    const run = await runOnWorker(await runbookScript(source, "Orders"), tools as Tools, work);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("projects/orders");
    expect(run.stderr).toContain(destination.url);
    expect(run.stderr).toContain("Db.Password");
  }, 600_000);

  it("fails naming the module and the destination when the worker cannot reach the destination", async () => {
    const unreachable = "http://127.0.0.1:9";
    const script = await runbookScript(source, "Billing", {
      overrides: { "Octoport.Destination.Server": unreachable },
    });
    const run = await runOnWorker(script, tools as Tools, work);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`octoport sync of projects/billing to ${unreachable}`);
  }, 600_000);
});
