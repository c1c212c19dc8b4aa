import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import type { ImportOptions } from "../../src/snapshot/import.js";
import { cli } from "../helpers/cli.js";
import { secretValue } from "../helpers/compare.js";
import { type Doc, RestSpace, serverCall } from "../helpers/rest.js";
import { decoys } from "../helpers/scenarios.js";
import { conn, workspace } from "../helpers/snapshot.js";
import { importInto, join, snapshotTo } from "../helpers/snapshot-lib.js";

/**
 * Identity follows the source document, not its name (issue 17 item 2, snapshot path): a space
 * built through the REST API is snapshotted and imported into a destination whose IDs decoys
 * have shifted; then the project is renamed, a sensitive variable rescoped and a step renamed on
 * the source, and the next snapshot, imported with --overwrite into the same space, updates in
 * place: the same destination IDs, no second project, no duplicate variable, no step lost. The
 * Terraform path's counterpart is test/conformance/renames.test.ts.
 */

const DB_PASSWORD = "s3cret-renames-db";

interface Source {
  space: RestSpace;
  project: Doc;
  env: Record<string, string>;
}

/** A project with a one-action step, a sensitive variable scoped to two environments, a project template and a tenant. */
async function build(sandbox: Sandbox, name: string): Promise<Source> {
  const space = await RestSpace.create(sandbox, name);
  const lifecycle = await space.named("lifecycles", "Default Lifecycle");
  const group = await space.named("projectgroups", "Default Project Group");
  const env: Record<string, string> = {};
  for (const e of ["Development", "Test", "Production"])
    env[e] = (await space.post("environments", { Name: e })).Id;
  const project = await space.post("projects", {
    Name: "Checkout",
    LifecycleId: lifecycle.Id,
    ProjectGroupId: group.Id,
    TenantedDeploymentMode: "TenantedOrUntenanted",
  });
  await space.update(`projects/${project.Id}`, (d) => {
    d.Templates = [{ Name: "Region", Label: "Region", DefaultValue: "eu", DisplaySettings: {} }];
  });
  await space.update(`deploymentprocesses/${String(project.DeploymentProcessId)}`, (d) => {
    d.Steps = [
      {
        Name: "Run script",
        Condition: "Success",
        StartTrigger: "StartAfterPrevious",
        PackageRequirement: "LetOctopusDecide",
        Properties: { "Octopus.Action.TargetRoles": "web" },
        Actions: [
          {
            Name: "Run script",
            ActionType: "Octopus.Script",
            Properties: {
              "Octopus.Action.Script.ScriptSource": "Inline",
              "Octopus.Action.Script.Syntax": "Bash",
              "Octopus.Action.Script.ScriptBody": "echo checkout",
            },
          },
        ],
      },
    ];
  });
  await space.update(`variables/${String(project.VariableSetId)}`, (d) => {
    d.Variables = [
      {
        Name: "DbPassword",
        Type: "Sensitive",
        IsSensitive: true,
        Value: DB_PASSWORD,
        Scope: { Environment: [env.Development!, env.Test!] },
      },
      { Name: "Greeting", Type: "String", Value: "hello", Scope: {} },
    ];
  });
  await space.post("runbooks", { Name: "Rotate", ProjectId: project.Id });
  await space.post("tenants", {
    Name: "Contoso",
    ProjectEnvironments: { [project.Id]: [env.Development, env.Production] },
  });
  return { space, project, env };
}

/** On the source: the project (its template, its runbook) and the tenant renamed, the sensitive variable rescoped to Development and Production, the step (and its action) renamed. */
async function renameOnSource({ space, project, env }: Source): Promise<void> {
  await space.update(`projects/${project.Id}`, (d) => {
    d.Name = "Checkout Service";
    (d.Templates as Doc[])[0]!.Name = "Deploy region";
  });
  const runbook = (await space.list("runbooks")).find((r) => r.Name === "Rotate")!;
  await space.update(`runbooks/${runbook.Id}`, (d) => {
    d.Name = "Rotate keys";
  });
  const tenant = await space.named("tenants", "Contoso");
  await space.update(`tenants/${tenant.Id}`, (d) => {
    d.Name = "Contoso Ltd";
  });
  await space.update(`variables/${String(project.VariableSetId)}`, (d) => {
    const db = (d.Variables as Doc[]).find((v) => v.Name === "DbPassword")!;
    db.Scope = { Environment: [env.Development!, env.Production!] };
  });
  await space.update(`deploymentprocesses/${String(project.DeploymentProcessId)}`, (d) => {
    const step = (d.Steps as Doc[])[0]!;
    step.Name = "Run checkout script";
    (step.Actions as Doc[])[0]!.Name = "Run checkout script";
  });
}

/** What the destination holds of the project, by what the tests compare. */
async function destinationView(target: RestSpace) {
  const projects = await target.list("projects");
  const project = projects.find((p) => String(p.Name).startsWith("Checkout"))!;
  const channels = await target.list(`projects/${project.Id}/channels`);
  const vars = (await target.get(`variables/${String(project.VariableSetId)}`)).Variables as Doc[];
  const process = await target.get(`deploymentprocesses/${String(project.DeploymentProcessId)}`);
  const steps = process.Steps as Doc[];
  const tenants = await target.list("tenants");
  const runbooks = (await target.list("runbooks")).filter((r) => r.ProjectId === project.Id);
  return {
    projects: projects.map((p) => `${p.Id} ${String(p.Name)}`).sort(),
    project,
    channels: channels.map((c) => `${c.Id} ${String(c.Name)}`).sort(),
    variables: vars.map((v) => ({ Id: v.Id, Name: v.Name, Scope: v.Scope })),
    templates: (project.Templates as Doc[]).map((t) => `${t.Id} ${String(t.Name)}`),
    steps: steps.map((s) => ({
      Id: s.Id,
      Name: s.Name,
      Actions: (s.Actions as Doc[]).map((a) => `${a.Id} ${String(a.Name)}`),
    })),
    tenants: tenants.map((t) => ({ Id: t.Id, Name: t.Name, ProjectEnvironments: t.ProjectEnvironments })),
    runbooks: runbooks.map((r) => `${r.Id} ${String(r.Name)}`),
  };
}

let source: Sandbox;
let built: Source;
let dir: string;
/** Snapshots of the source before and after the renames. */
let before: string;
let after: string;

beforeAll(async () => {
  source = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
  built = await build(source, "Renames");
  ({ dir } = await workspace());
  before = join(dir, "before");
  after = join(dir, "after");
  await snapshotTo(source, before, { space: built.space.spaceId });
  await renameOnSource(built);
  await snapshotTo(source, after, { space: built.space.spaceId });
}, 60_000);
afterAll(() => source.close());

/** A destination whose other space took the IDs the source's documents have, and an empty target space. */
async function decoyed(): Promise<{ destination: Sandbox; target: RestSpace }> {
  const destination = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
  await decoys(destination);
  const target = await RestSpace.create(destination, "Renames");
  return { destination, target };
}

let n = 0;
const recordFile = () => join(dir, `identities-${++n}.json`);

const importTo = (destination: Sandbox, target: RestSpace, src: string, options: ImportOptions = {}) =>
  importInto(destination, src, { space: target.spaceId, ...options });

/** The environments of a variable's scope, by name. */
async function scopeNames(target: RestSpace, scope: unknown): Promise<string[]> {
  const envs = new Map((await target.list("environments")).map((e) => [e.Id, String(e.Name)]));
  return ((scope as { Environment?: string[] }).Environment ?? []).map((id) => envs.get(id) ?? id).sort();
}

/** Expects `next` to be `first` with the renames carried, in place. */
async function expectInPlace(
  destination: Sandbox,
  target: RestSpace,
  first: Awaited<ReturnType<typeof destinationView>>,
): Promise<void> {
  const next = await destinationView(target);
  // One project, the same one, renamed; its channels the same.
  expect(next.projects).toEqual([`${first.project.Id} Checkout Service`]);
  expect(next.channels).toEqual(first.channels);
  expect(next.templates).toEqual(first.templates.map((t) => t.replace(/ Region$/, " Deploy region")));
  // The same variables, by ID; the sensitive one rescoped, its value still there.
  expect(next.variables.map((v) => v.Id).sort()).toEqual(first.variables.map((v) => v.Id).sort());
  const db = next.variables.find((v) => v.Name === "DbPassword")!;
  expect(db.Id).toBe(first.variables.find((v) => v.Name === "DbPassword")!.Id);
  expect(await scopeNames(target, db.Scope)).toEqual(["Development", "Production"]);
  expect(
    secretValue(destination, String(next.project.VariableSetId), `Variables[Id=${String(db.Id)}].Value`),
  ).toBe(DB_PASSWORD);
  // The same step and action, renamed.
  expect(next.steps).toEqual([
    {
      Id: first.steps[0]!.Id,
      Name: "Run checkout script",
      Actions: [`${first.steps[0]!.Actions[0]!.split(" ")[0]} Run checkout script`],
    },
  ]);
  // The tenant still connected to the same project.
  // The tenant and the runbook: the same, renamed.
  expect(next.tenants).toEqual(first.tenants.map((t) => ({ ...t, Name: "Contoso Ltd" })));
  expect(first.runbooks).toHaveLength(1);
  expect(next.runbooks).toEqual(first.runbooks.map((r) => r.replace(/ Rotate$/, " Rotate keys")));
}

describe("snapshot import after renames on the source", () => {
  it("updates the imported documents in place: same IDs, nothing beside them, nothing lost", async () => {
    const { destination, target } = await decoyed();
    try {
      const identities = recordFile();
      await importTo(destination, target, before, { identities });
      const first = await destinationView(target);
      // The decoys shifted the IDs: a source ID names something else here.
      expect(first.project.Id).not.toBe(built.project.Id);
      expect(statSync(identities).mode & 0o777).toBe(0o600);

      const dry = await importTo(destination, target, after, { identities, overwrite: true, dryRun: true });
      expect(dry.actions.filter((a) => a.kind === "create")).toEqual([]);
      const project = dry.actions.find((a) => a.type === "Projects")!;
      expect(project).toMatchObject({ kind: "update", what: 'Projects "Checkout Service"' });
      expect(project.reason).toBe('renamed "Checkout" -> "Checkout Service"');
      expect(project.diff).toContain('Name: "Checkout" -> "Checkout Service"');
      const process = dry.actions.find((a) => a.type === "DeploymentProcesses")!;
      expect(process.reason).toBe('step "Run script" -> "Run checkout script"');

      const report = await importTo(destination, target, after, { identities, overwrite: true });
      expect(report.actions.filter((a) => a.kind === "create")).toEqual([]);
      await expectInPlace(destination, target, first);
    } finally {
      await destination.close();
    }
  });

  it("into a space that had the project already: the record, not the IDs, keeps each variable and step", async () => {
    const { destination } = await decoyed();
    try {
      // The same project made on the destination by hand: its variables and steps have IDs of their own.
      const made = (await build(destination, "Renames by hand")).space;
      const identities = recordFile();
      await importTo(destination, made, before, { identities, overwrite: true });
      const first = await destinationView(made);
      const sourceVars = (await built.space.get(`variables/${String(built.project.VariableSetId)}`))
        .Variables as Doc[];
      // Matched by name and scope the first time: the destination's variable IDs were kept.
      expect(first.variables.map((v) => v.Id)).not.toContain(sourceVars[0]!.Id);
      expect(first.variables).toHaveLength(2);

      const report = await importTo(destination, made, after, { identities, overwrite: true });
      expect(report.actions.filter((a) => a.kind === "create")).toEqual([]);
      await expectInPlace(destination, made, first);
    } finally {
      await destination.close();
    }
  });

  it("never trusts a record entry whose destination document is gone or no longer what the import left", async () => {
    const { destination, target } = await decoyed();
    try {
      const identities = recordFile();
      await importTo(destination, target, before, { identities });
      const first = await destinationView(target);
      const record = JSON.parse(readFileSync(identities, "utf8")) as {
        sources: Record<string, { documents: Record<string, { id: string; name: string }> }>;
      };
      const documents = Object.values(record.sources)[0]!.documents;
      const entry = documents[`Projects/${built.project.Id}`]!;
      expect(entry).toEqual({ id: first.project.Id, name: "Checkout" });
      // Pointed at a decoy's project (another space) and at an environment of this one: ignored.
      const decoy = destination.engine.docs("Projects", undefined).find((p) => p.Name === "Decoy")!;
      documents[`Projects/${built.project.Id}`] = { id: String(decoy.Id), name: "Decoy" };
      const env = await target.named("environments", "Test");
      documents[`Environments/${built.env.Production}`] = { id: env.Id, name: "Test" };
      writeFileSync(identities, JSON.stringify(record));
      const dry = await importTo(destination, target, before, { identities, overwrite: true, dryRun: true });
      expect(dry.actions.find((a) => a.type === "Projects")).toMatchObject({
        kind: "skip",
        reason: "unchanged",
      });
      expect(dry.actions.filter((a) => a.type === "Environments").map((a) => a.kind)).toEqual([
        "skip",
        "skip",
        "skip",
      ]);

      // The project deleted on the destination: the renamed one is created, nothing else happens.
      const fresh = recordFile();
      await importTo(destination, target, before, { identities: fresh, overwrite: true });
      await target.put(`projects/${first.project.Id}`, { ...first.project, Name: "Checkout (retired)" });
      const report = await importTo(destination, target, after, { identities: fresh, overwrite: true });
      expect(report.actions.filter((a) => a.kind === "create").map((a) => a.what)).toContain(
        'Projects "Checkout Service"',
      );
      const names = (await target.list("projects")).map((p) => p.Name).sort();
      expect(names).toEqual(["Checkout (retired)", "Checkout Service"]);

      // The project the record names deleted on the destination: made again, without a word.
      const gone = await target.named("projects", "Checkout Service");
      await serverCall(destination, "DELETE", `${target.spaceId}/projects/${gone.Id}`);
      const again = await importTo(destination, target, after, { identities: fresh, overwrite: true });
      expect(again.actions.filter((a) => a.kind === "create").map((a) => a.what)).toContain(
        'Projects "Checkout Service"',
      );
      expect(again.warnings.filter((w) => /identit|record/i.test(w))).toEqual([]);
      expect((await target.list("projects")).map((p) => p.Name).sort()).toEqual([
        "Checkout (retired)",
        "Checkout Service",
      ]);
    } finally {
      await destination.close();
    }
  });

  it("is written only by an import that completes: a failed one leaves the record as it was", async () => {
    const { destination, target } = await decoyed();
    try {
      const identities = recordFile();
      // The first import fails: no record at all.
      destination.faults.failWrite(5);
      await expect(importTo(destination, target, before, { identities })).rejects.toThrow(/rolled back/);
      expect(existsSync(identities)).toBe(false);

      await importTo(destination, target, before, { identities });
      const written = readFileSync(identities, "utf8");
      // The import of the renames fails part way: rolled back, and the record is unchanged.
      destination.faults.failWrite(2);
      await expect(importTo(destination, target, after, { identities, overwrite: true })).rejects.toThrow(
        /rolled back/,
      );
      expect(readFileSync(identities, "utf8")).toBe(written);
      expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
      // And it still serves: the next import updates in place.
      const first = await destinationView(target);
      expect(first.projects).toEqual([`${first.project.Id} Checkout`]);
      await importTo(destination, target, after, { identities, overwrite: true });
      await expectInPlace(destination, target, first);
    } finally {
      await destination.close();
    }
  });

  it("octoport snapshot import keeps the record in the state directory by default, or in --identities", async () => {
    const { destination, target } = await decoyed();
    try {
      const password = join(dir, "pw.txt");
      writeFileSync(password, "pw\n");
      const run = (src: string, extra: string[]) =>
        cli([
          "snapshot",
          "import",
          src,
          ...conn(destination, target.spaceId),
          "--password-file",
          password,
          ...extra,
        ]);
      const done = await run(before, []);
      expect(done.code, done.stderr).toBe(0);
      const stateDir = join(process.env.OCTOPORT_STATE_DIR!, "identities");
      const kept = readdirSync(stateDir).filter(
        (f) => f.includes(target.spaceId) && f.includes(new URL(destination.url).port),
      );
      expect(kept).toHaveLength(1);
      expect(statSync(join(stateDir, kept[0]!)).mode & 0o777).toBe(0o600);
      const dry = await run(after, ["--overwrite", "--dry-run"]);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain(
        'update Projects "Checkout Service" (renamed "Checkout" -> "Checkout Service")',
      );
      expect(dry.stdout).not.toContain(DB_PASSWORD);

      const named = join(dir, "named-identities.json");
      const second = await run(after, ["--overwrite", "--identities", named]);
      expect(second.code, second.stderr).toBe(0);
      // A record of its own starts empty: matched by name, the renamed project is new.
      expect(second.stdout).toContain('create Projects "Checkout Service"');
      expect(second.stdout).toContain(`Identity record: ${named}`);
      expect(existsSync(named)).toBe(true);
    } finally {
      await destination.close();
    }
  });
});
