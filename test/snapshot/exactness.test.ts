import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { type Doc, RestSpace } from "../helpers/rest.js";
import { decoys, type HiddenReferences, hiddenReferences } from "../helpers/scenarios.js";
import { workspace } from "../helpers/snapshot.js";
import { importInto, join, snapshotTo } from "../helpers/snapshot-lib.js";

/**
 * The snapshot path's exactness on a space built through the REST API, imported into a
 * destination that already holds other documents (so every destination ID differs from the
 * source's, and a source ID copied raw names another document there): every ID hidden in a
 * value arrives as the destination's ID of the same document, a variable expression stays text,
 * and an ID that names nothing is dropped with a warning naming the document and the field.
 */

/**
 * More places IDs hide, added to the hidden-references space: a step template whose parameter
 * defaults to the certificate (imported before certificates) and whose feed property names the
 * Helm feed; a project whose steps deploy a release of Web (its project ID as a property and as
 * a package), use the step template (its ID, and the certificate as the parameter's value), and
 * check out a repository with a git credential; a Certificate variable; an Azure account
 * variable whose account no longer exists.
 */
async function moreReferences(built: HiddenReferences): Promise<void> {
  const { space, certificate, helm, project: web } = built;
  const { Id: lifecycle } = await space.named("lifecycles", "Default Lifecycle");
  const { Id: group } = await space.named("projectgroups", "Default Project Group");
  const { Id: releases } = await space.named("feeds", "Octopus Server Releases (built-in)");
  const credential = await space.post("git-credentials", {
    Name: "Repo bot",
    Details: {
      Type: "UsernamePassword",
      Username: "bot",
      Password: { HasValue: true, NewValue: "pw-repo-bot" },
    },
  });
  const template = await space.post("actiontemplates", {
    Name: "Notify",
    ActionType: "Octopus.Script",
    Properties: {
      "Octopus.Action.Script.ScriptSource": "Inline",
      "Octopus.Action.Script.Syntax": "Bash",
      "Octopus.Action.Script.ScriptBody": "echo notify",
      "Octopus.Action.Package.FeedId": helm.Id,
    },
    Parameters: [
      {
        Id: "0e000000-0000-4000-8000-00000000000e",
        Name: "Notify.Certificate",
        Label: "Certificate",
        DefaultValue: certificate.Id,
        DisplaySettings: { "Octopus.ControlType": "Certificate" },
      },
    ],
  });
  const orchestrator = await space.post("projects", {
    Name: "Orchestrator",
    LifecycleId: lifecycle,
    ProjectGroupId: group,
  });
  const step = (name: string, action: Record<string, unknown>) => ({
    Name: name,
    Condition: "Success",
    StartTrigger: "StartAfterPrevious",
    PackageRequirement: "LetOctopusDecide",
    Properties: {},
    Actions: [{ Name: name, ...action }],
  });
  await space.update(`deploymentprocesses/${String(orchestrator.DeploymentProcessId)}`, (d) => {
    d.Steps = [
      step("Deploy Web", {
        ActionType: "Octopus.DeployRelease",
        Properties: {
          "Octopus.Action.DeployRelease.ProjectId": web.Id,
          "Octopus.Action.Package.PackageId": web.Id,
          "Octopus.Action.Package.FeedId": releases,
        },
        Packages: [{ Name: "", PackageId: web.Id, FeedId: releases, Properties: {} }],
      }),
      step("Notify", {
        ActionType: "Octopus.Script",
        Properties: {
          "Octopus.Action.Template.Id": template.Id,
          "Octopus.Action.Template.Version": String(template.Version),
          "Octopus.Action.Script.ScriptSource": "Inline",
          "Octopus.Action.Script.Syntax": "Bash",
          "Octopus.Action.Script.ScriptBody": "echo notify",
          "Notify.Certificate": certificate.Id,
        },
      }),
      step("Checkout", {
        ActionType: "Octopus.Script",
        Properties: {
          "Octopus.Action.Script.ScriptSource": "Inline",
          "Octopus.Action.Script.Syntax": "Bash",
          "Octopus.Action.Script.ScriptBody": "ls",
        },
        GitDependencies: [
          {
            Name: "",
            RepositoryUri: "https://git.example/app.git",
            DefaultBranch: "main",
            GitCredentialType: "Library",
            GitCredentialId: credential.Id,
            FilePathFilters: [],
          },
        ],
      }),
    ];
  });
  await space.update(`variables/${String(orchestrator.VariableSetId)}`, (d) => {
    d.Variables = [
      { Name: "Cert", Type: "Certificate", Value: certificate.Id, Scope: {} },
      // An account deleted since.
      { Name: "Azure", Type: "AzureAccount", Value: "Accounts-9999", Scope: {} },
    ];
  });
}

let source: Sandbox;
let built: HiddenReferences;
let snapshot: string;
beforeAll(async () => {
  source = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
  built = await hiddenReferences(source);
  await moreReferences(built);
  const { dir } = await workspace();
  snapshot = join(dir, "snap");
  await snapshotTo(source, snapshot, { space: built.space.spaceId });
});
afterAll(() => source.close());

/** A destination whose other space took the IDs the source's documents have. */
async function decoyed(): Promise<{ destination: Sandbox; target: RestSpace }> {
  const destination = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
  await decoys(destination);
  const target = await RestSpace.create(destination, "Hidden References");
  return { destination, target };
}

/** What the source held that named nothing, and is dropped. */
const DROPPED = [
  /Octopus\.Action\.Package\.FeedId: "Feeds-9999"/,
  /Scope\.ProcessOwner: .*"Runbooks-9999"/,
  /VariableSets:Orchestrator.*"Accounts-9999"/,
];

describe("IDs hidden in values, snapshot import", () => {
  it("arrive as the destination's IDs of the same documents, by name", async () => {
    const { destination, target } = await decoyed();
    try {
      // The decoys hold the source's IDs: copied raw, an ID would name a decoy.
      const decoyCert = destination.engine.docs("Certificates", "Spaces-2")[0]!;
      expect(decoyCert.Id).toBe(built.certificate.Id);

      const report = await importInto(destination, snapshot, { space: target.spaceId });
      const diffs = differences(
        normaliseSpace(source, built.space.spaceId),
        normaliseSpace(destination, target.spaceId),
      );
      expect(diffs.filter((d) => !DROPPED.some((re) => re.test(d)))).toEqual([]);

      const cert = await target.named("certificates", "Signing");
      const account = await target.named("accounts", "AWS deploy");
      const pool = await target.named("workerpools", "Builders");
      const feed = await target.named("feeds", "Charts");
      expect(cert.Id).not.toBe(built.certificate.Id);
      expect(account.Id).not.toBe(built.account.Id);

      // A forward reference: the library set is imported before the certificate.
      const library = await target.named("libraryvariablesets", "Shared");
      const templates = library.Templates as Doc[];
      expect(templates.map((t) => t.DefaultValue)).toEqual([cert.Id]);
      const project = await target.named("projects", "Web");
      expect((project.Templates as Doc[]).map((t) => t.DefaultValue)).toEqual([account.Id]);

      const vars = (await target.get(`variables/${String(project.VariableSetId)}`)).Variables as Doc[];
      const value = (name: string) => vars.find((v) => v.Name === name)?.Value;
      expect(value("Aws")).toBe(account.Id);
      expect(value("Pool")).toBe(pool.Id);
      expect(value("HelmFeed")).toBe(feed.Id);
      const runbook = await target.named("runbooks", "Rotate");
      expect((vars.find((v) => v.Name === "Gone")!.Scope as Doc).ProcessOwner).toEqual([runbook.Id]);

      const process = await target.get(`deploymentprocesses/${String(project.DeploymentProcessId)}`);
      const actions = (process.Steps as Doc[]).flatMap((s) => s.Actions as Doc[]);
      const helm = actions.find((a) => a.Name === "Upgrade chart")!;
      expect((helm.Properties as Doc)["Octopus.Action.Package.FeedId"]).toBe("#{HelmFeed}");
      expect((helm.Packages as Doc[])[0]!.FeedId).toBe("#{HelmFeed}");
      const publish = actions.find((a) => a.Name === "Publish")!;
      expect((publish.Properties as Doc)["Octopus.Action.AwsAccount.Variable"]).toBe(account.Id);
      expect(publish.WorkerPoolId).toBe(pool.Id);
      expect(publish.Properties as Doc).not.toHaveProperty("Octopus.Action.Package.FeedId");

      const tenant = await target.named("tenants", "Acme");
      const tv = await target.get(`tenants/${tenant.Id}/variables`);
      const libValues = Object.values(tv.LibraryVariables as Record<string, { Variables: Doc }>);
      expect(libValues.flatMap((v) => Object.values(v.Variables))).toEqual([cert.Id]);
      const projValues = Object.values(
        tv.ProjectVariables as Record<string, { Variables: Record<string, Doc> }>,
      ).flatMap((p) => Object.values(p.Variables).flatMap((e) => Object.values(e)));
      expect(projValues).toEqual([account.Id]);

      // What named nothing is dropped, each with a warning naming the document and the field.
      expect(report.warnings).toContainEqual(
        expect.stringMatching(
          /DeploymentProcesses of Web.*Publish.*Octopus\.Action\.Package\.FeedId.*Feeds-9999.*dropped/,
        ),
      );
      expect(report.warnings).toContainEqual(
        expect.stringMatching(/VariableSets of Web.*Gone.*Scope\.ProcessOwner.*Runbooks-9999.*dropped/),
      );
      expect(report.warnings).toContainEqual(
        expect.stringMatching(
          /VariableSets of Orchestrator: Variables\[Azure\]\.Value holds Accounts-9999.*dropped/,
        ),
      );

      // A step template's parameter default (a forward reference) and feed property.
      const notify = await target.named("actiontemplates", "Notify");
      expect((notify.Parameters as Doc[]).map((p) => p.DefaultValue)).toEqual([cert.Id]);
      expect((notify.Properties as Doc)["Octopus.Action.Package.FeedId"]).toBe(feed.Id);
      // Steps that deploy a release of Web, use the step template and a git credential.
      const orchestrator = await target.named("projects", "Orchestrator");
      const steps = (
        (await target.get(`deploymentprocesses/${String(orchestrator.DeploymentProcessId)}`)).Steps as Doc[]
      ).flatMap((s) => s.Actions as Doc[]);
      const action = (name: string) => steps.find((a) => a.Name === name)!;
      const props = (name: string) => action(name).Properties as Doc;
      expect(props("Deploy Web")["Octopus.Action.DeployRelease.ProjectId"]).toBe(project.Id);
      expect(props("Deploy Web")["Octopus.Action.Package.PackageId"]).toBe(project.Id);
      expect((action("Deploy Web").Packages as Doc[])[0]!.PackageId).toBe(project.Id);
      // The built-in release feed is feeds-builtin-releases in every space, source and destination.
      expect(target.spaceId).not.toBe("Spaces-1");
      expect((action("Deploy Web").Packages as Doc[])[0]!.FeedId).toBe("feeds-builtin-releases");
      expect(props("Notify")["Octopus.Action.Template.Id"]).toBe(notify.Id);
      expect(props("Notify")["Notify.Certificate"]).toBe(cert.Id);
      const credential = await target.named("git-credentials", "Repo bot");
      expect((action("Checkout").GitDependencies as Doc[])[0]!.GitCredentialId).toBe(credential.Id);
      const orchestratorVars = (await target.get(`variables/${String(orchestrator.VariableSetId)}`))
        .Variables as Doc[];
      expect(orchestratorVars.find((v) => v.Name === "Cert")?.Value).toBe(cert.Id);
      expect(orchestratorVars.find((v) => v.Name === "Azure")?.Value ?? null).toBeNull();

      const all = JSON.stringify(destination.dump({ secrets: false }));
      expect(all).not.toContain("Feeds-9999");
      expect(all).not.toContain("Runbooks-9999");
      expect(all).not.toContain("Accounts-9999");
    } finally {
      await destination.close();
    }
  });

  it("a dry run says what a forward reference will be, and writes nothing", async () => {
    const { destination, target } = await decoyed();
    try {
      const before = JSON.stringify(destination.dump({ secrets: true }));
      const report = await importInto(destination, snapshot, { space: target.spaceId, dryRun: true });
      expect(JSON.stringify(destination.dump({ secrets: true }))).toBe(before);
      expect(report.warnings).toContainEqual(expect.stringMatching(/Feeds-9999.*dropped/));
      const library = report.actions.find(
        (a) => a.what === 'LibraryVariableSets "Shared"' && a.kind === "update",
      );
      expect(library?.diff.join("\n")).toMatch(/Templates.*DefaultValue.*certificate "Signing"/);
    } finally {
      await destination.close();
    }
  });

  it("--overwrite into a space that has every document: references stay the destination's", async () => {
    const { destination, target } = await decoyed();
    try {
      await importInto(destination, snapshot, { space: target.spaceId });
      const again = await importInto(destination, snapshot, { space: target.spaceId, overwrite: true });
      const diffs = differences(
        normaliseSpace(source, built.space.spaceId),
        normaliseSpace(destination, target.spaceId),
      );
      expect(diffs.filter((d) => !DROPPED.some((re) => re.test(d)))).toEqual([]);
      // Nothing refers forward to something not yet there: no second pass is needed.
      expect(again.actions.filter((a) => a.reason?.includes("imported after"))).toEqual([]);
    } finally {
      await destination.close();
    }
  });

  it("a reference to a type the snapshot leaves out is dropped, and the warning says why", async () => {
    const { dir } = await workspace();
    await snapshotTo(source, join(dir, "no-certs"), {
      space: built.space.spaceId,
      selection: { ignoreCertificates: true },
    });
    const { destination, target } = await decoyed();
    try {
      const report = await importInto(destination, join(dir, "no-certs"), { space: target.spaceId });
      expect(report.warnings).toContainEqual(
        `VariableSets of Shared: Variables[Shared.Certificate].Value holds ${built.certificate.Id}, which is a certificate, and the snapshot leaves them out (--ignore-certificates); dropped`,
      );
      const library = await target.named("libraryvariablesets", "Shared");
      expect((library.Templates as Doc[]).map((t) => t.DefaultValue ?? null)).toEqual([null]);
      // The decoy certificate that has the source's ID is named by nothing in the space.
      const everything = JSON.stringify(destination.engine.docs("LibraryVariableSets", target.spaceId));
      expect(everything).not.toContain(`"${built.certificate.Id}"`);
    } finally {
      await destination.close();
    }
  });
});
