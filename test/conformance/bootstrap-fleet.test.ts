import { existsSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyAllRunbookName,
  type BootstrapOptions,
  bootstrapRoot,
  syncRunbookName,
} from "../../src/bootstrap/root.js";
import type { FleetStatus } from "../../src/cli/commands/status.js";
import type { Sandbox } from "../../src/sandbox/server.js";
import { printFile } from "../../src/terraform/hcl/print.js";
import type { Manifest } from "../../src/terraform/manifest.js";
import { cli } from "../helpers/cli.js";
import { api, buildSource, DB_PASSWORD, type Run, runbookScript, runOnWorker } from "./bootstrap-worker.js";
import { emptyDestination, exportTo, secretsTfvars, unexplainedDifferences } from "./flow.js";
import { locateTools, mirrorConfig, TofuDir, type Tools } from "./harness.js";

/**
 * octoport bootstrap with many destinations: its root (two destinations and one the worker
 * cannot reach) applied to the source by the real provider, then each destination's apply-all
 * runbook run as a worker would. Its script calls the source's API to publish a snapshot of
 * each module's runbook and run it: the sandbox does not run runbooks, so a small stand-in
 * here answers those three calls (and passes reads on to the source) and runs the module
 * runbook's script as a worker would (simulated substitution, then bash, octoport and
 * OpenTofu). docs/bootstrap.md says what is simulated. Then `octoport status` over both
 * destinations: in sync, then drifted after a change on one.
 */

const found = locateTools();
const tools = typeof found === "string" ? undefined : found;
const RUNNER_KEY = "API-RUNNERKEY0000000000000000";
const UNREACHABLE = "http://127.0.0.1:9";

interface Task {
  Id: string;
  State: string;
  IsCompleted: boolean;
  FinishedSuccessfully: boolean;
  ErrorMessage: string;
}

/**
 * The source's runbook-run API as the apply-all script uses it, standing in for Octopus's:
 * POST runbookSnapshots?publish=true, POST runbook-runs/create/v1, GET tasks/{id}. A run runs
 * the runbook's script (as of the snapshot's runbook) on a "worker"; reads go to the source.
 */
class RunbookRunner {
  server!: Server;
  url = "";
  readonly runs: Array<{ project: string; runbook: string; run: Run }> = [];
  private readonly snapshots = new Map<string, { project: string; runbook: string }>();
  private readonly tasks = new Map<string, Task>();
  /** Keys the runner saw: the apply-all script must send the sync project's sensitive variable. */
  readonly keys = new Set<string>();

  constructor(
    private readonly source: Sandbox,
    private readonly work: string,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req)
        .then(([status, body]) => {
          res.writeHead(status, { "Content-Type": "application/json" });
          res.end(JSON.stringify(body));
        })
        .catch((e) => {
          res.writeHead(500);
          res.end(String(e));
        });
    });
    await new Promise<void>((done) => this.server.listen(0, "127.0.0.1", done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    this.keys.add(String(req.headers["x-octopus-apikey"]));
    if (req.headers["x-octopus-apikey"] !== RUNNER_KEY) return [401, { ErrorMessage: "bad key" }];
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (req.method === "GET" && path.startsWith("/api/tasks/")) {
      const task = this.tasks.get(path.slice("/api/tasks/".length));
      return task ? [200, task] : [404, {}];
    }
    if (req.method === "GET") {
      const res = await fetch(`${this.source.url}${req.url}`, {
        headers: { "X-Octopus-ApiKey": this.source.apiKey },
      });
      return [res.status, await res.json()];
    }
    if (req.method === "POST" && path === "/api/Spaces-1/runbookSnapshots") {
      const projects = await api(this.source, "GET", "/api/Spaces-1/projects/all");
      const project = projects.find((p: { Id: string }) => p.Id === body.ProjectId);
      const runbooks = (await api(this.source, "GET", `/api/Spaces-1/projects/${project.Id}/runbooks`)).Items;
      const runbook = runbooks.find((r: { Id: string }) => r.Id === body.RunbookId);
      const id = `RunbookSnapshots-${this.snapshots.size + 1}`;
      this.snapshots.set(id, { project: project.Name, runbook: runbook.Name });
      return [201, { Id: id, ProjectId: project.Id, RunbookId: runbook.Id, Name: body.Name }];
    }
    if (req.method === "POST" && path === "/api/Spaces-1/runbook-runs/create/v1") {
      const snapshot = this.snapshots.get(body.snapshot);
      if (!snapshot) return [400, { ErrorMessage: `no snapshot ${body.snapshot}` }];
      const id = `ServerTasks-${this.tasks.size + 1}`;
      const task: Task = {
        Id: id,
        State: "Executing",
        IsCompleted: false,
        FinishedSuccessfully: false,
        ErrorMessage: "",
      };
      this.tasks.set(id, task);
      void (async () => {
        const script = await runbookScript(this.source, snapshot.project, { runbook: snapshot.runbook });
        const run = await runOnWorker(script, tools as Tools, this.work);
        this.runs.push({ ...snapshot, run });
        Object.assign(task, {
          State: run.code === 0 ? "Success" : "Failed",
          IsCompleted: true,
          FinishedSuccessfully: run.code === 0,
          ErrorMessage: run.code === 0 ? "" : "The runbook run failed: a step's script exited with 1",
        });
      })();
      return [201, { RunbookRunServerTasks: [{ RunbookRunId: `RunbookRuns-${id}`, ServerTaskId: id }] }];
    }
    return [404, { ErrorMessage: `${req.method} ${path} is not part of this stand-in` }];
  }
}

describe.skipIf(!tools)("octoport bootstrap --destinations and octoport status", () => {
  let source: Sandbox;
  let eu: Sandbox;
  let us: Sandbox;
  let manifest: Manifest;
  let options: BootstrapOptions;
  let runner: RunbookRunner;
  let work: string;
  let exported: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "octoport-fleet-"));
    source = await buildSource();
    eu = await emptyDestination("Shop EU");
    us = await emptyDestination("Shop US");
    await api(us, "POST", "/api/Spaces-1/environments", { Name: "Decoy" });
    const made = await exportTo(source, "modules", { backend: "local" });
    manifest = made.manifest;
    exported = made.dir;
    for (const d of ["eu", "us", "down"])
      await mkdir(join(work, "tfstate", d, "projects"), { recursive: true });
    options = {
      providerVersion: manifest.providerVersion,
      sourceServer: source.url,
      destinationServer: "",
      destinationSpace: "",
      syncProject: "octoport sync",
      projectGroup: "Default Project Group",
      lifecycle: "Default Lifecycle",
      exportOptions: ["--backend=local"],
      applyOptions: [`--backend-config=path=${join(work, "tfstate")}/{destination}/{module}.tfstate`],
      destinations: [
        { name: "eu", server: eu.url, space: "Shop EU" },
        { name: "us", server: us.url, space: "Shop US" },
        { name: "down", server: UNREACHABLE, space: "Shop" },
      ],
    };
    runner = new RunbookRunner(source, work);
    await runner.start();
  }, 600_000);
  afterAll(async () => {
    await runner?.close();
    for (const s of [source, eu, us]) await s?.close();
  });

  const leftOver = (destination: Sandbox) =>
    unexplainedDifferences(source, destination).filter(
      (d) =>
        !(/octoport:? sync/.test(d) && d.endsWith("only in the source")) &&
        d !== "Environments:Decoy: only in the destination",
    );

  /** The apply-all runbook of a destination, run as a worker would, in environment Production. */
  const applyAll = async (name: string) => {
    runner.runs.length = 0;
    const script = await runbookScript(source, "octoport sync", {
      runbook: applyAllRunbookName(name),
      system: {
        "Octopus.Web.ServerUri": runner.url,
        "Octopus.Space.Id": "Spaces-1",
        "Octopus.Environment.Name": "Production",
      },
    });
    return runOnWorker(script, tools as Tools, work);
  };

  it("applies to the source with the real provider (keys from a map input), and a second plan is empty", async () => {
    const root = await TofuDir.create(tools as Tools, {
      "main.tf": printFile(bootstrapRoot(manifest, options)),
      "terraform.tfvars": [
        `octopus_server = ${JSON.stringify(source.url)}`,
        `octopus_apikey = ${JSON.stringify(source.apiKey)}`,
        `octopus_space_id = "Spaces-1"`,
        `source_api_key = ${JSON.stringify(source.apiKey)}`,
        `runner_api_key = ${JSON.stringify(RUNNER_KEY)}`,
        `destination_api_keys = { eu = ${JSON.stringify(eu.apiKey)}, us = ${JSON.stringify(us.apiKey)}, down = "API-DOWN0000000000000000000" }`,
        "",
      ].join("\n"),
    });
    await root.must(["apply", "-auto-approve", "-input=false"]);
    const plan = await root.planActions([]);
    expect([...plan].filter(([, a]) => a.join() !== "no-op")).toEqual([]);
    const runbooks = [...plan.keys()].filter((a) => a.startsWith("octopusdeploy_runbook.")).sort();
    expect(runbooks).toHaveLength(3 * (manifest.applyOrder.flat().length + 1));
  }, 600_000);

  it("a missing destination's key fails the root's plan, naming the destinations", async () => {
    const root = await TofuDir.create(tools as Tools, {
      "main.tf": printFile(bootstrapRoot(manifest, options)),
    });
    const plan = await root.run([
      "plan",
      "-input=false",
      `-var=octopus_server=${source.url}`,
      `-var=octopus_apikey=${source.apiKey}`,
      "-var=octopus_space_id=Spaces-1",
      `-var=source_api_key=${source.apiKey}`,
      `-var=destination_api_keys={ eu = "API-X" }`,
    ]);
    expect(plan.code).not.toBe(0);
    expect((plan.stdout + plan.stderr).replace(/\s+/g, " ")).toContain(
      "destination_api_keys needs a key for each of: eu, us, down",
    );
  }, 600_000);

  it("each destination's apply-all runs its module runbooks in apply order: both destinations equal the source", async () => {
    const order = manifest.applyOrder.flat();
    for (const [name, destination] of [
      ["eu", eu],
      ["us", us],
    ] as const) {
      const run = await applyAll(name);
      expect(run.code, `${name}\n${run.stdout}\n${run.stderr}`).toBe(0);
      expect(runner.runs.map((r) => r.runbook)).toEqual(order.map(() => syncRunbookName(name)));
      const projectOf = (module: string) =>
        manifest.resources.find((r) => r.module === module && r.type === "octopusdeploy_project")?.name ??
        "octoport sync";
      expect(runner.runs.map((r) => r.project)).toEqual(order.map(projectOf));
      expect(leftOver(destination)).toEqual([]);
    }
    expect([...runner.keys]).toEqual([RUNNER_KEY]);
    for (const destination of [eu, us]) {
      const orders = (await api(destination, "GET", "/api/Spaces-1/projects/all")).find(
        (p: { Name: string }) => p.Name === "Orders",
      );
      const vars = destination.reveal("VariableSets", orders.VariableSetId, "Spaces-1") as {
        Variables: Array<{ Name: string; Value: string }>;
      };
      expect(vars.Variables.find((v) => v.Name === "Db.Password")?.Value).toBe(DB_PASSWORD);
    }
    // Each destination's state is its own: {destination} in the backend key.
    for (const d of ["eu", "us"]) expect(existsSync(join(work, "tfstate", d, "space.tfstate"))).toBe(true);
  }, 1_200_000);

  it("a destination the worker cannot reach: the apply-all stops at the first module, naming it and the destination", async () => {
    const run = await applyAll("down");
    expect(run.code).not.toBe(0);
    const first = manifest.applyOrder.flat()[0];
    expect(run.stderr).toContain(`octoport sync all to down: the ${first} module failed`);
    expect(runner.runs).toHaveLength(1);
    expect(runner.runs[0]?.run.stderr).toContain(`octoport sync of ${first} to ${UNREACHABLE}`);
  }, 600_000);

  it("octoport status over both destinations: in sync, then drifted after a change on one", async () => {
    const file = join(work, "destinations.json");
    await writeFile(
      file,
      JSON.stringify([
        { name: "eu", server: eu.url, space: "Shop EU" },
        { name: "us", server: us.url, space: "Shop US", apiKeyEnv: "FLEET_TEST_US_KEY" },
      ]),
    );
    process.env.OCTOPORT_DEST_API_KEY_EU = eu.apiKey;
    process.env.FLEET_TEST_US_KEY = us.apiKey;
    process.env.TF_CLI_CONFIG_FILE = await mirrorConfig(tools as Tools);
    // The modules' secrets, as an operator gives them to plan (the runbooks pass them from Octopus).
    const secrets = join(work, "secrets.tfvars");
    await writeFile(secrets, secretsTfvars(source, manifest), { mode: 0o600 });
    const status = (json: boolean) =>
      cli([
        "status",
        exported,
        "--destinations",
        file,
        "--tf-bin",
        (tools as Tools).tofu,
        "--backend-config",
        `path=${join(work, "tfstate")}/{destination}/{module}.tfstate`,
        "--var-file",
        secrets,
        ...(json ? ["--json"] : []),
      ]);
    try {
      const clean = await status(true);
      expect(clean.code, `${clean.stdout}\n${clean.stderr}`).toBe(0);
      const fleet = JSON.parse(clean.stdout) as FleetStatus;
      expect(fleet.inSync).toBe(true);
      expect(fleet.destinations.map((d) => [d.name, d.modules.map((m) => m.status)])).toEqual(
        ["eu", "us"].map((n) => [n, manifest.applyOrder.flat().map(() => "in-sync")]),
      );

      const billing = (await api(us, "GET", "/api/Spaces-1/projects/all")).find(
        (p: { Name: string }) => p.Name === "Billing",
      );
      await api(us, "PUT", `/api/Spaces-1/projects/${billing.Id}`, {
        ...billing,
        Description: "edited on us",
      });
      const drifted = await status(false);
      expect(drifted.code).toBe(1);
      const row = (d: string, m: string) =>
        drifted.stdout.split("\n").find((l) => l.split(/\s+/)[0] === d && l.split(/\s+/)[1] === m) ?? "";
      expect(row("us", "projects/billing")).toMatch(/\bdrifted\b/);
      expect(row("eu", "projects/billing")).toMatch(/\bin-sync\b/);
      expect(row("us", "projects/orders")).toMatch(/\bin-sync\b/);
      expect(drifted.stderr).toContain("not in sync: us");
    } finally {
      delete process.env.OCTOPORT_DEST_API_KEY_EU;
      delete process.env.FLEET_TEST_US_KEY;
      delete process.env.TF_CLI_CONFIG_FILE;
    }
  }, 900_000);
});
