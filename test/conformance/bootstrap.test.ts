import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBootstrap } from "../../src/bootstrap/check.js";
import { type BootstrapOptions, bootstrapRoot, SYNC_RUNBOOK } from "../../src/bootstrap/root.js";
import type { Sandbox } from "../../src/sandbox/server.js";
import { printFile } from "../../src/terraform/hcl/print.js";
import type { Manifest } from "../../src/terraform/manifest.js";
import { emptyDestination, exportTo, unexplainedDifferences } from "./flow.js";
import { locateTools, mirrorConfig, TofuDir, type Tools } from "./harness.js";

/**
 * octoport bootstrap, end to end: its root applied to a source (built through the REST API)
 * by the real provider, then each sync runbook's script run as a worker would run it: its
 * `#{Name}` substituted from the source's stored values (sensitive ones revealed in-process,
 * never over HTTP), then run with bash, octoport and OpenTofu against a destination. What this
 * simulates, and what it does not (Octopus's own substitution and workers), is in
 * docs/bootstrap.md.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const found = locateTools();
const tools = typeof found === "string" ? undefined : found;

/** Values no shell may read: quotes, dollars, backticks, backslashes, a newline. */
const DB_PASSWORD = `p'a"s$$(rm -rf /)\`x\\y\nz`;
const TOKEN = "tok-#{not.a.variable}-$HOME";

let source: Sandbox;
let work: string;

async function api(sandbox: Sandbox, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { "X-Octopus-ApiKey": sandbox.apiKey, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function setVariables(sandbox: Sandbox, setId: string, variables: unknown[]) {
  const set = await api(sandbox, "GET", `/api/Spaces-1/variables/${setId}`);
  await api(sandbox, "PUT", `/api/Spaces-1/variables/${setId}`, { ...set, Variables: variables });
}

/** A space with sensitive values in a library set and two projects, made through the API. */
async function buildSource(): Promise<Sandbox> {
  const s = await emptyDestination("Shop");
  await api(s, "POST", "/api/Spaces-1/environments", { Name: "Production" });
  const lib = await api(s, "POST", "/api/Spaces-1/libraryvariablesets", {
    Name: "Shared",
    ContentType: "Variables",
  });
  await setVariables(s, lib.VariableSetId, [
    { Name: "Shared.Token", Type: "Sensitive", IsSensitive: true, Value: TOKEN },
    { Name: "Shared.Url", Type: "String", Value: "https://shared.example.com" },
  ]);
  const group = (await api(s, "GET", "/api/Spaces-1/projectgroups/all"))[0];
  const lifecycle = (await api(s, "GET", "/api/Spaces-1/lifecycles/all"))[0];
  for (const [name, variables] of [
    [
      "Orders",
      [
        { Name: "Db.Password", Type: "Sensitive", IsSensitive: true, Value: DB_PASSWORD },
        { Name: "Db.Host", Type: "String", Value: "db.internal" },
      ],
    ],
    ["Billing", [{ Name: "Api.Key", Type: "Sensitive", IsSensitive: true, Value: "billing-key-1" }]],
  ] as const) {
    const project = await api(s, "POST", "/api/Spaces-1/projects", {
      Name: name,
      ProjectGroupId: group.Id,
      LifecycleId: lifecycle.Id,
      IncludedLibraryVariableSetIds: [lib.Id],
    });
    await setVariables(s, project.VariableSetId, [...variables]);
  }
  return s;
}

/** The source's values a runbook of `projectId` sees, sensitive ones revealed: project, included sets. */
function visibleVariables(sandbox: Sandbox, projectId: string): Map<string, string> {
  const out = new Map<string, string>();
  const project = sandbox.reveal("Projects", projectId, "Spaces-1") as Record<string, unknown>;
  const setIds = [
    ...((project.IncludedLibraryVariableSetIds as string[]) ?? []).map(
      (id) =>
        (sandbox.reveal("LibraryVariableSets", id, "Spaces-1") as Record<string, unknown>).VariableSetId,
    ),
    project.VariableSetId,
  ];
  for (const setId of setIds) {
    const set = sandbox.reveal("VariableSets", String(setId), "Spaces-1") as {
      Variables: Array<Record<string, unknown>>;
    };
    for (const v of set.Variables) out.set(String(v.Name), String(v.Value ?? ""));
  }
  return out;
}

/**
 * Octostache's plain `#{Name}`, as Octopus applies it to a script body: a known name is
 * replaced by its value, which is itself evaluated (a variable that refers to another); an
 * unknown one is left as it is.
 */
function substitute(text: string, values: ReadonlyMap<string, string>, depth = 0): string {
  if (depth > 8) return text;
  return text.replace(/#\{([^}#]+)\}/g, (whole, name: string) => {
    const value = values.get(name.trim());
    return value === undefined ? whole : substitute(value, values, depth + 1);
  });
}

/** The script a runbook's step runs, substituted as Octopus would, for the runbook in `project`. */
async function runbookScript(
  sandbox: Sandbox,
  project: string,
  overrides: Record<string, string> = {},
): Promise<string> {
  const projects = (await api(sandbox, "GET", "/api/Spaces-1/projects/all")) as Array<Record<string, string>>;
  const p = projects.find((x) => x.Name === project);
  if (!p) throw new Error(`no project ${project}`);
  const runbooks = (await api(sandbox, "GET", `/api/Spaces-1/projects/${p.Id}/runbooks`)).Items as Array<
    Record<string, string>
  >;
  const runbook = runbooks.find((r) => r.Name === SYNC_RUNBOOK);
  if (!runbook) throw new Error(`no runbook ${SYNC_RUNBOOK} in ${project}`);
  const process = await api(sandbox, "GET", `/api/Spaces-1/runbookProcesses/${runbook.RunbookProcessId}`);
  const action = process.Steps[0].Actions[0] as { Properties: Record<string, string> };
  const templateId = action.Properties["Octopus.Action.Template.Id"];
  const template = sandbox.reveal("ActionTemplates", String(templateId), "Spaces-1") as {
    Properties: Record<string, string>;
    Parameters: Array<{ Name: string; DefaultValue: unknown }>;
  };
  const values = visibleVariables(sandbox, p.Id as string);
  for (const param of template.Parameters) {
    const d = param.DefaultValue;
    values.set(
      param.Name,
      typeof d === "string" ? d : String((d as { NewValue?: string } | null)?.NewValue ?? ""),
    );
  }
  for (const [k, v] of Object.entries(action.Properties)) if (typeof v === "string") values.set(k, v);
  for (const [k, v] of Object.entries(overrides)) values.set(k, v);
  return substitute(template.Properties["Octopus.Action.Script.ScriptBody"] ?? "", values);
}

/** The add, change, destroy and import counts of a module's row in octoport apply's table. */
function changeCount(stdout: string, module: string): number {
  const row = stdout.split("\n").find((l) => l.startsWith(`${module} `));
  if (!row) throw new Error(`no row for ${module} in:\n${stdout}`);
  const [, ...counts] = row.trim().split(/\s+/);
  return counts.slice(0, 4).reduce((n, c) => n + Number(c), 0);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a script with bash as a worker would: octoport and tofu on the PATH. */
async function runOnWorker(script: string, t: Tools): Promise<Run> {
  const bin = join(work, "bin");
  await mkdir(bin, { recursive: true });
  const octoport = join(bin, "octoport");
  await writeFile(
    octoport,
    `#!/bin/sh\nexec "${join(ROOT, "node_modules/.bin/tsx")}" "${join(ROOT, "src/cli/bin.ts")}" "$@"\n`,
  );
  await chmod(octoport, 0o755);
  const rc = await mirrorConfig(t);
  return new Promise((done) => {
    execFile(
      "bash",
      ["-c", script],
      {
        env: {
          PATH: `${bin}:${dirname(t.tofu)}:${process.env.PATH}`,
          HOME: work,
          TF_CLI_CONFIG_FILE: rc,
          TF_IN_AUTOMATION: "1",
          CHECKPOINT_DISABLE: "1",
          OCTOPORT_STATE_DIR: join(work, "state-dir"),
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) =>
        done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

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
      const run = await runOnWorker(script, tools as Tools);
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
      const run = await runOnWorker(await runbookScript(source, project), tools as Tools);
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
    const run = await runOnWorker(await runbookScript(source, "Orders"), tools as Tools);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("projects/orders");
    expect(run.stderr).toContain(destination.url);
    expect(run.stderr).toContain("Db.Password");
  }, 600_000);

  it("fails naming the module and the destination when the worker cannot reach the destination", async () => {
    const unreachable = "http://127.0.0.1:9";
    const script = await runbookScript(source, "Billing", { "Octoport.Destination.Server": unreachable });
    const run = await runOnWorker(script, tools as Tools);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`octoport sync of projects/billing to ${unreachable}`);
  }, 600_000);
});
