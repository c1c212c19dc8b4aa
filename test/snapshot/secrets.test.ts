import { readdir, readFile, stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { DUMMY_CERTIFICATE, DUMMY_CERTIFICATE_PASSWORD } from "../../src/terraform/dummies.js";
import { type CliResult, cli } from "../helpers/cli.js";
import { type Doc, RestSpace } from "../helpers/rest.js";
import { decoys, hiddenReferences } from "../helpers/scenarios.js";
import { conn, filledSecrets, workspace } from "../helpers/snapshot.js";
import { join } from "../helpers/snapshot-lib.js";

/**
 * No secret in any output: every snapshot command is run on a space built through the REST API
 * with a secret in every kind of place the API keeps one, and everything each command prints
 * and every file it writes (the filled-in secrets file aside: the user wrote those values there)
 * is searched for every seeded secret.
 */

const secret = (value: string) => ({ HasValue: true, NewValue: value });

/** Every seeded secret, as the text searched for (a certificate's data by pieces of it). */
const SEEDED = {
  awsKey: "aws-secret-key",
  feedPassword: "feed-password-5150",
  gitPassword: "git-password-7781",
  projectSensitive: "project-sensitive-9921",
  librarySensitive: "library-sensitive-3307",
  templateDefault: "template-default-6642",
  tenantValue: "tenant-value-1209",
  tenantProjectValue: "tenant-project-value-8315",
  stepProperty: "step-property-4471",
  proxyPassword: "proxy-password-2280",
};
const NEEDLES = [
  ...Object.values(SEEDED),
  DUMMY_CERTIFICATE_PASSWORD,
  DUMMY_CERTIFICATE.slice(0, 40),
  DUMMY_CERTIFICATE.slice(400, 440),
  DUMMY_CERTIFICATE.slice(-40),
];

/** The hidden-references space, with a secret in every kind of place. */
async function seededSpace(sandbox: Sandbox): Promise<RestSpace> {
  const { space, project, library, tenant } = await hiddenReferences(sandbox, "Secrets");
  await space.post("feeds", {
    Name: "Private NuGet",
    FeedType: "NuGet",
    FeedUri: "https://nuget.example/v3/index.json",
    Username: "reader",
    Password: secret(SEEDED.feedPassword),
  });
  await space.post("git-credentials", {
    Name: "Deploy bot",
    Details: { Type: "UsernamePassword", Username: "bot", Password: secret(SEEDED.gitPassword) },
  });
  await space.post("proxies", {
    Name: "Corporate proxy",
    Host: "proxy.example",
    Port: 8080,
    ProxyType: "HTTP",
    Username: "proxy",
    Password: secret(SEEDED.proxyPassword),
  });
  const smtp = {
    Id: "0c000000-0000-4000-8000-00000000000c",
    Name: "Smtp.Password",
    Label: "SMTP password",
    DisplaySettings: { "Octopus.ControlType": "Sensitive" },
  };
  await space.update(`libraryvariablesets/${library.Id}`, (d) => {
    (d.Templates as Doc[]).push(smtp as Doc);
  });
  await space.update(`variables/${String(library.VariableSetId)}`, (d) => {
    (d.Variables as Doc[]).push({
      Name: "Shared.Token",
      Type: "Sensitive",
      IsSensitive: true,
      Value: SEEDED.librarySensitive,
      Scope: {},
    } as unknown as Doc);
  });
  await space.update(`projects/${project.Id}`, (d) => {
    (d.Templates as Doc[]).push({
      Id: "0d000000-0000-4000-8000-00000000000d",
      Name: "Api.Key",
      Label: "API key",
      DefaultValue: secret(SEEDED.templateDefault),
      DisplaySettings: { "Octopus.ControlType": "Sensitive" },
    } as unknown as Doc);
  });
  await space.update(`variables/${String(project.VariableSetId)}`, (d) => {
    (d.Variables as Doc[]).push({
      Name: "Db.Password",
      Type: "Sensitive",
      IsSensitive: true,
      Value: SEEDED.projectSensitive,
      Scope: {},
    } as unknown as Doc);
  });
  await space.update(`deploymentprocesses/${String(project.DeploymentProcessId)}`, (d) => {
    const publish = (d.Steps as Doc[]).find((s) => s.Name === "Publish")!;
    const action = (publish.Actions as Doc[])[0]!;
    (action.Properties as Doc)["Octopus.Action.Script.Password"] = secret(SEEDED.stepProperty) as never;
  });
  const production = await space.named("environments", "Production");
  await space.update(`tenants/${tenant.Id}/variables`, (d) => {
    const lib = (d.LibraryVariables as Record<string, { Variables: Record<string, unknown> }>)[library.Id]!;
    lib.Variables[smtp.Id] = secret(SEEDED.tenantValue);
    const proj = (
      d.ProjectVariables as Record<string, { Variables: Record<string, Record<string, unknown>> }>
    )[project.Id]!;
    proj.Variables[production.Id]!["0d000000-0000-4000-8000-00000000000d"] = secret(
      SEEDED.tenantProjectValue,
    );
  });
  return space;
}

/** Every file under `dir`, but the ones named. */
async function filesUnder(dir: string, except: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir, { recursive: true })) {
    const path = join(dir, name);
    if (except.includes(path) || !(await stat(path)).isFile()) continue;
    out.push(path);
  }
  return out;
}

function leaks(where: string, text: string): string[] {
  return NEEDLES.filter((n) => text.includes(n)).map((n) => `${where} holds ${n.slice(0, 12)}...`);
}

let source: Sandbox;
let space: RestSpace;
beforeAll(async () => {
  source = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
  space = await seededSpace(source);
});
afterAll(() => source.close());

describe("no secret in any output of the snapshot commands", () => {
  it("secrets template, export, inspect, import (dry run and real, with and without --overwrite, failing)", async () => {
    const { dir, password } = await workspace();
    const outputs: Array<{ what: string; result: CliResult }> = [];
    const run = async (what: string, args: string[], expectCode = 0) => {
      const result = await cli(args);
      outputs.push({ what, result });
      expect(result.code, `${what}: ${result.stderr}`).toBe(expectCode);
      return result;
    };

    const template = join(dir, "template.json");
    await run("secrets template", ["secrets", "template", ...conn(source, space.spaceId), "--out", template]);
    const filled = await filledSecrets(source, dir, [], space.spaceId);
    const listed = JSON.parse(await readFile(filled, "utf8")) as { secrets: Array<{ value: string }> };
    // Every seeded secret is one the template lists, so the export carries it.
    for (const value of Object.values(SEEDED)) expect(listed.secrets.map((s) => s.value)).toContain(value);

    const snap = join(dir, "snap");
    const common = ["--password-file", password];
    await run("snapshot export", [
      "snapshot",
      "export",
      ...conn(source, space.spaceId),
      ...common,
      "--out",
      snap,
      "--secrets",
      filled,
    ]);
    await run("snapshot export (zip)", [
      "snapshot",
      "export",
      ...conn(source, space.spaceId),
      ...common,
      "--out",
      join(dir, "snap.zip"),
      "--secrets",
      filled,
    ]);
    await run("inspect", ["inspect", ...conn(source, space.spaceId)]);
    await run("inspect --json", ["inspect", ...conn(source, space.spaceId), "--json"]);

    const destination = await new Sandbox({
      seed: { spaces: [{ Name: "Default", IsDefault: true }] },
    }).start();
    try {
      await decoys(destination);
      const target = await RestSpace.create(destination, "Secrets");
      const into = [...conn(destination, target.spaceId), ...common];
      await run("import --dry-run", ["snapshot", "import", snap, ...into, "--dry-run"]);
      await run("import", ["snapshot", "import", snap, ...into, "--journal", join(dir, "first.journal")]);
      // The destination's documents now differ from the snapshot, secrets included.
      await target.update(`accounts/${(await target.named("accounts", "AWS deploy")).Id}`, (d) => {
        d.Description = "changed on the destination";
        d.SecretKey = secret("destination-only-key");
      });
      await run("import --overwrite --dry-run", [
        "snapshot",
        "import",
        snap,
        ...into,
        "--overwrite",
        "--dry-run",
      ]);
      const overwrite = await run("import --overwrite", [
        "snapshot",
        "import",
        snap,
        ...into,
        "--overwrite",
        "--journal",
        join(dir, "second.journal"),
      ]);
      // The diffs are shown, their secrets masked.
      expect(overwrite.stdout).toMatch(/SecretKey: \(sensitive\) -> \(sensitive, new value\)/);
      await run("import (zip)", ["snapshot", "import", join(dir, "snap.zip"), ...into, "--dry-run"]);
      // A failing overwrite: the error and its rollback.
      destination.faults.failWrite(5);
      const failed = await run(
        "import --overwrite (failing)",
        ["snapshot", "import", snap, ...into, "--overwrite", "--journal", join(dir, "third.journal")],
        1,
      );
      expect(failed.stderr).toMatch(/rolled back/);
      // The overwrite undone from its journal: the before-images go back.
      await run("import --rollback", [
        "snapshot",
        "import",
        ...conn(destination, target.spaceId),
        "--rollback",
        join(dir, "second.journal"),
      ]);
    } finally {
      await destination.close();
    }

    const found: string[] = [];
    for (const { what, result } of outputs) {
      found.push(...leaks(`${what} stdout`, result.stdout), ...leaks(`${what} stderr`, result.stderr));
    }
    for (const file of await filesUnder(dir, [filled, password]))
      found.push(...leaks(file.slice(dir.length + 1), await readFile(file, "latin1")));
    expect(found).toEqual([]);
  }, 120_000);

  it("secrets template labels each value by names, never by an ID or a GUID path", async () => {
    const { dir } = await workspace();
    const file = join(dir, "template.json");
    const made = await cli(["secrets", "template", ...conn(source, space.spaceId), "--out", file]);
    expect(made.code, made.stderr).toBe(0);
    const labels = (
      JSON.parse(await readFile(file, "utf8")) as { secrets: Array<{ label: string }> }
    ).secrets.map((s) => s.label);
    expect(labels).toContainEqual(
      'tenant "Acme": value of template "Smtp.Password" of library variable set "Shared"',
    );
    expect(labels).toContainEqual('project "Web": default value of template "Api.Key"');
    expect(labels).toContainEqual(
      'tenant "Acme": value of template "Api.Key" of project "Web" in environment "Production"',
    );
    expect(labels).toContainEqual(
      'deployment process of project "Web": step "Publish", property Octopus.Action.Script.Password',
    );
    expect(labels).toContainEqual('sensitive variable "Db.Password" of project "Web"');
    for (const label of labels) {
      expect(label).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      expect(label).not.toMatch(/[A-Za-z]+-\d+/);
    }
  });
});
