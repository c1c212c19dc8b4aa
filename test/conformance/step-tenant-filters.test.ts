import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { filtersFrom } from "../../src/terraform/families.js";
import { type Doc, RestSpace } from "../helpers/rest.js";
import { decoys, scriptStep } from "../helpers/scenarios.js";
import { applyWithVars, exportTo, pendingChanges, tfvars } from "./flow.js";
import { locateTools, type Tools } from "./harness.js";

/**
 * `export --exclude-steps Cleanup --exclude-tenant-variables Domain --exclude-tenant-tags
 * Tier/Trial --exclude-invalid-channels`, applied by the real provider: the destination gets
 * the process without the step (and a channel rule without it, a variable scoped only to it
 * not at all), the tenant without the project value of that template (the others stay), the
 * tag set and the tenant without the tag, and no channel whose rule names a step the process
 * no longer has; the second plan is clean.
 */
const tools = locateTools();
const SEED = { spaces: [{ Name: "Default", IsDefault: true }] };

const templateOf = (name: string, id: string) => ({
  Id: id,
  Name: name,
  Label: name,
  DefaultValue: "",
  DisplaySettings: { "Octopus.ControlType": "SingleLineText" },
});

/** A script step, with a package when `pkg` names one ("" the primary). */
function packagedStep(name: string, feedId: string, pkg?: string): Doc {
  const packages =
    pkg === undefined
      ? []
      : [{ Name: pkg, PackageId: "tools", FeedId: feedId, AcquisitionLocation: "Server", Properties: {} }];
  return scriptStep(name, { action: { Packages: packages } });
}

describe.skipIf(typeof tools === "string")(
  "export's step, tenant variable, tag and channel filters, with the real provider",
  () => {
    let source: Sandbox;
    let space: RestSpace;
    beforeAll(async () => {
      source = await new Sandbox({ seed: SEED }).start();
      space = await RestSpace.create(source, "Filtered");
      const dev = await space.post("environments", { Name: "Dev" });
      const lifecycle = await space.named("lifecycles", "Default Lifecycle");
      const group = await space.named("projectgroups", "Default Project Group");
      const builtIn = (await space.list("feeds")).find((f) => f.FeedType === "BuiltIn")!;
      await space.post("tagsets", {
        Name: "Tier",
        Tags: [
          { Name: "Gold", Color: "#FFD700" },
          { Name: "Trial", Color: "#999999" },
        ],
      });
      const library = await space.post("libraryvariablesets", { Name: "Mail", ContentType: "Variables" });
      await space.update(`libraryvariablesets/${library.Id}`, (d) => {
        d.Templates = [templateOf("Smtp.Host", "0c000000-0000-4000-8000-00000000000c")];
      });
      const project = await space.post("projects", {
        Name: "Web",
        LifecycleId: lifecycle.Id,
        ProjectGroupId: group.Id,
        IncludedLibraryVariableSetIds: [library.Id],
        TenantedDeploymentMode: "TenantedOrUntenanted",
      });
      await space.update(`projects/${project.Id}`, (d) => {
        d.Templates = [
          templateOf("Domain", "0d000000-0000-4000-8000-00000000000d"),
          templateOf("Region", "0e000000-0000-4000-8000-00000000000e"),
        ];
      });
      await space.update(`deploymentprocesses/${String(project.DeploymentProcessId)}`, (d) => {
        d.Steps = [
          packagedStep("Deploy web", builtIn.Id, ""),
          packagedStep("Cleanup", builtIn.Id, "tools"),
          packagedStep("Notify", builtIn.Id),
        ];
        const notify = (d.Steps as Array<{ Actions: Array<Record<string, unknown>> }>)[2]!.Actions[0]!;
        notify.TenantTags = ["Tier/Gold", "Tier/Trial"];
      });
      const process = await space.get(`deploymentprocesses/${String(project.DeploymentProcessId)}`);
      const cleanup = (process.Steps as Array<{ Name: string; Actions: Doc[] }>).find(
        (s) => s.Name === "Cleanup",
      )!;
      await space.post("channels", {
        Name: "Hotfix",
        ProjectId: project.Id,
        Rules: [
          {
            VersionRange: "[1.0,2.0)",
            ActionPackages: [
              { DeploymentAction: "Deploy web", PackageReference: "" },
              { DeploymentAction: "Cleanup", PackageReference: "tools" },
            ],
          },
        ],
      });
      // A rule naming a step the process no longer has (the sandbox, unlike a server, keeps it).
      await space.post("channels", {
        Name: "Stale",
        ProjectId: project.Id,
        Rules: [
          {
            VersionRange: "[3.0,)",
            ActionPackages: [{ DeploymentAction: "Removed step", PackageReference: "" }],
          },
        ],
      });
      await space.update(`variables/${String(project.VariableSetId)}`, (set) => {
        set.Variables = [
          { Name: "Everywhere", Value: "yes", Type: "String", Scope: {} },
          { Name: "Cleanup.Only", Value: "no", Type: "String", Scope: { Action: [cleanup.Actions[0]!.Id] } },
        ];
      });
      const tenant = await space.post("tenants", {
        Name: "Acme",
        TenantTags: ["Tier/Gold", "Tier/Trial"],
        ProjectEnvironments: { [project.Id]: [dev.Id] },
      });
      await space.update(`tenants/${tenant.Id}/variables`, (d) => {
        const lib = (d.LibraryVariables as Record<string, { Variables: Record<string, unknown> }>)[
          library.Id
        ]!;
        lib.Variables["0c000000-0000-4000-8000-00000000000c"] = "smtp.acme.example";
        const proj = (
          d.ProjectVariables as Record<string, { Variables: Record<string, Record<string, unknown>> }>
        )[project.Id]!;
        proj.Variables[dev.Id] = {
          "0d000000-0000-4000-8000-00000000000d": "acme.example",
          "0e000000-0000-4000-8000-00000000000e": "eu",
        };
      });
    });
    afterAll(() => source.close());

    it("applies what the filters leave, and plans clean", async () => {
      const destination = await new Sandbox({ seed: SEED }).start();
      try {
        await decoys(destination);
        const into = await RestSpace.create(destination, "Filtered");
        const { dir, manifest } = await exportTo(
          source,
          "modules",
          {
            filters: filtersFrom({ "exclude-steps": ["Cleanup"], "exclude-tenant-variables": ["Domain"] }),
            excludeTenantTags: ["Tier/Trial"],
            excludeInvalidChannels: true,
          },
          undefined,
          space.spaceId,
        );
        expect(manifest.warnings.map((w) => `${w.subject} ${w.message}`)).toEqual(
          expect.arrayContaining([
            'channel "Stale" of project "Web" is left out by --exclude-invalid-channels: a version rule names step "Removed step", which the deployment process does not have',
            'project "Web" step "Cleanup" of deployment process is left out by --exclude-steps',
            'tag set "Tier" tag "Tier/Trial" is left out by --exclude-tenant-tags',
          ]),
        );
        const vars = await applyWithVars(
          tools as Tools,
          dir,
          manifest,
          tfvars(source, destination, manifest, into.spaceId),
        );
        expect(await pendingChanges(tools as Tools, dir, manifest, vars)).toEqual({});

        const web = await into.named("projects", "Web");
        const process = await into.get(`deploymentprocesses/${String(web.DeploymentProcessId)}`);
        const steps = process.Steps as Array<{ Name: string; Actions: Doc[] }>;
        expect(steps.map((s) => s.Name)).toEqual(["Deploy web", "Notify"]);
        expect(steps[1]!.Actions[0]!.TenantTags).toEqual(["Tier/Gold"]);

        const channels = (await into.list("channels")).filter((c) => c.ProjectId === web.Id);
        expect(channels.map((c) => c.Name).sort()).toEqual(["Default", "Hotfix"]);
        const hotfix = channels.find((c) => c.Name === "Hotfix")!;
        expect(
          (hotfix.Rules as Array<{ ActionPackages: Array<{ DeploymentAction: string }> }>).map((r) =>
            r.ActionPackages.map((p) => p.DeploymentAction),
          ),
        ).toEqual([["Deploy web"]]);

        const tier = await into.named("tagsets", "Tier");
        expect((tier.Tags as Doc[]).map((t) => t.Name)).toEqual(["Gold"]);
        const acme = await into.named("tenants", "Acme");
        expect(acme.TenantTags).toEqual(["Tier/Gold"]);

        const variables = await into.get(`variables/${String(web.VariableSetId)}`);
        expect((variables.Variables as Doc[]).map((v) => v.Name)).toEqual(["Everywhere"]);

        const templates = new Map((web.Templates as Doc[]).map((t) => [t.Name as string, t.Id]));
        const values = await into.get(`tenants/${acme.Id}/variables`);
        const dev = await into.named("environments", "Dev");
        const projectValues =
          (values.ProjectVariables as Record<string, { Variables: Record<string, Record<string, unknown>> }>)[
            web.Id
          ]!.Variables[dev.Id] ?? {};
        expect(projectValues[templates.get("Region")!]).toBe("eu");
        expect(projectValues[templates.get("Domain")!]).toBeUndefined();
        const mail = await into.named("libraryvariablesets", "Mail");
        const common = (values.LibraryVariables as Record<string, { Variables: Record<string, unknown> }>)[
          mail.Id
        ]!;
        expect(Object.values(common.Variables)).toEqual(["smtp.acme.example"]);
      } finally {
        await destination.close();
      }
    });

    it("without the filters, writes every step, tag and value, and a channel's rule without the step its process lacks", async () => {
      const destination = await new Sandbox({ seed: SEED }).start();
      try {
        const into = await RestSpace.create(destination, "Filtered");
        const { dir, manifest } = await exportTo(source, "modules", {}, undefined, space.spaceId);
        expect(manifest.warnings.map((w) => `${w.subject} ${w.message}`)).toContain(
          'channel "Stale" of project "Web" has a version rule that names the primary package of step "Removed step", which the deployment process does not have (the rule can match no package, and a server may refuse it); dropped from the rule, or leave the channel out with --exclude-invalid-channels',
        );
        const vars = await applyWithVars(
          tools as Tools,
          dir,
          manifest,
          tfvars(source, destination, manifest, into.spaceId),
        );
        expect(await pendingChanges(tools as Tools, dir, manifest, vars)).toEqual({});
        const web = await into.named("projects", "Web");
        const process = await into.get(`deploymentprocesses/${String(web.DeploymentProcessId)}`);
        expect((process.Steps as Doc[]).map((s) => s.Name)).toEqual(["Deploy web", "Cleanup", "Notify"]);
        const stale = (await into.list("channels")).find(
          (c) => c.ProjectId === web.Id && c.Name === "Stale",
        )!;
        expect(stale.Rules).toEqual([]);
        expect((await into.named("tenants", "Acme")).TenantTags).toEqual(["Tier/Gold", "Tier/Trial"]);
        const variables = await into.get(`variables/${String(web.VariableSetId)}`);
        expect((variables.Variables as Doc[]).map((v) => v.Name).sort()).toEqual([
          "Cleanup.Only",
          "Everywhere",
        ]);
      } finally {
        await destination.close();
      }
    });
  },
);
