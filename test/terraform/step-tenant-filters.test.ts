import { describe, expect, it } from "vitest";
import { filtersFrom } from "../../src/terraform/families.js";
import { convert, type Documents } from "../helpers/convert.js";

/**
 * The filters that reach into documents (src/terraform/selection.ts, the converters):
 * --exclude-steps and its kin (steps of deployment and runbook processes, and what names
 * them), --exclude-tenant-variables and its kin (tenants' values, by template name),
 * --exclude-tenant-tags (tags, wherever they are) and --exclude-invalid-channels.
 */

const AROUND: Documents = {
  Environments: [{ Id: "Environments-1", Name: "Test" }],
  Lifecycles: [{ Id: "Lifecycles-2", Name: "Fast", Phases: [] }],
  ProjectGroups: [{ Id: "ProjectGroups-1", Name: "Default Project Group" }],
  Feeds: [{ Id: "Feeds-1", Name: "Octopus Server (built-in)", FeedType: "BuiltIn" }],
};

const script = (name: string, body = `echo ${name}`, extra: Record<string, unknown> = {}) => ({
  Id: `action-${name}`,
  Name: name,
  Slug: name.toLowerCase().replaceAll(" ", "-"),
  ActionType: "Octopus.Script",
  Properties: { "Octopus.Action.Script.ScriptBody": body },
  ...extra,
});
const packaged = (name: string) =>
  script(name, "", {
    ActionType: "Octopus.TentaclePackage",
    Properties: {},
    Packages: [
      { Id: `p-${name}`, Name: "", PackageId: "web", FeedId: "Feeds-1" },
      { Id: `q-${name}`, Name: "tools", PackageId: "tools", FeedId: "Feeds-1" },
    ],
  });
const step = (name: string, actions: unknown[]) => ({ Id: `step-${name}`, Name: name, Actions: actions });

/** A project whose process has a package step "Deploy" (with a child step), a script step "Notify", and a runbook. */
function space(project: Record<string, unknown> = {}, documents: Documents = {}): Documents {
  return {
    ...AROUND,
    Projects: [
      {
        Id: "Projects-1",
        Name: "Web",
        LifecycleId: "Lifecycles-2",
        ProjectGroupId: "ProjectGroups-1",
        DeploymentProcessId: "deploymentprocess-Projects-1",
        ...project,
      },
    ],
    DeploymentProcesses: [
      {
        Id: "deploymentprocess-Projects-1",
        ProjectId: "Projects-1",
        Steps: [
          step("Deploy", [packaged("Deploy"), script("Smoke test")]),
          step("Notify", [
            script("Notify", "echo #{Octopus.Action[Deploy].Output.Url}", {
              Packages: [{ Id: "p-Notify", Name: "", PackageId: "notes", FeedId: "Feeds-1" }],
            }),
          ]),
        ],
      },
    ],
    Runbooks: [
      {
        Id: "Runbooks-1",
        Name: "Restart",
        ProjectId: "Projects-1",
        RunbookProcessId: "RunbookProcess-Runbooks-1",
      },
    ],
    RunbookProcesses: [
      {
        Id: "RunbookProcess-Runbooks-1",
        ProjectId: "Projects-1",
        RunbookId: "Runbooks-1",
        Steps: [step("Deploy", [script("Stop")]), step("Start", [script("Start")])],
      },
    ],
    ...documents,
  };
}

const exclude = (args: Record<string, unknown>) => ({ filters: filtersFrom(args) });

describe("--exclude-steps and its kin", () => {
  it("leave a step, with its child steps, out of deployment and runbook processes and their order", async () => {
    const out = convert(space(), exclude({ "exclude-steps": ["Deploy"] }));
    expect(Object.keys(await out.resources("octopusdeploy_process_step")).sort()).toEqual([
      "web_deployment_notify",
      "web_restart_start",
    ]);
    expect(out.types).not.toContain("octopusdeploy_process_child_step");
    expect(Object.values(await out.resources("octopusdeploy_process_steps_order"))).toEqual([
      expect.objectContaining({ steps: ["${octopusdeploy_process_step.web_deployment_notify.id}"] }),
      expect.objectContaining({ steps: ["${octopusdeploy_process_step.web_restart_start.id}"] }),
    ]);
    expect(out.warnings).toEqual(
      expect.arrayContaining([
        'project "Web" step "Deploy" of deployment process is left out by --exclude-steps',
        'project "Web" step "Deploy" of runbook "Restart" is left out by --exclude-steps',
        // Notify reads Deploy's output variable: kept as text, and said.
        'project "Web" step "Notify" of deployment process refers to step "Deploy" (Octopus.Action[Deploy]), which --exclude-steps leaves out; the reference is kept as text',
      ]),
    );
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("match step names by regex, keep only the named (except), or leave every step out (all)", async () => {
    const steps = async (args: Record<string, unknown>) =>
      Object.keys(await convert(space(), exclude(args)).resources("octopusdeploy_process_step")).sort();
    expect(await steps({ "exclude-steps-regex": ["^(No|St)"] })).toEqual([
      "web_deployment_deploy",
      "web_restart_deploy",
    ]);
    expect(await steps({ "exclude-steps-except": ["Notify", "Start"] })).toEqual([
      "web_deployment_notify",
      "web_restart_start",
    ]);
    const all = convert(space(), exclude({ "exclude-all-steps": true }));
    expect(all.types).not.toContain("octopusdeploy_process_step");
    expect(all.types).not.toContain("octopusdeploy_process_steps_order");
    // The processes themselves stay, empty.
    expect(Object.keys(await all.resources("octopusdeploy_process")).sort()).toEqual([
      "web_deployment",
      "web_restart",
    ]);
    // A child step's own name is not a step's: it goes only with its step.
    expect(await steps({ "exclude-steps": ["Smoke test"] })).toContain("web_deployment_deploy");
  });

  it("drop a left-out step from channel rules, a rule left with none, and its step scope from variables", async () => {
    const out = convert(
      space(
        {},
        {
          Channels: [
            {
              Id: "Channels-2",
              Name: "Hotfix",
              ProjectId: "Projects-1",
              Rules: [
                {
                  VersionRange: "[1.0,2.0)",
                  ActionPackages: [
                    { DeploymentAction: "Deploy", PackageReference: "" },
                    { DeploymentAction: "Notify", PackageReference: "" },
                  ],
                },
                {
                  Tag: "^hotfix",
                  ActionPackages: [{ DeploymentAction: "Deploy", PackageReference: "tools" }],
                },
              ],
            },
          ],
          VariableSets: [
            {
              Id: "variableset-Projects-1",
              OwnerId: "Projects-1",
              Variables: [
                { Id: "v-1", Name: "OnlyDeploy", Value: "a", Scope: { Action: ["action-Deploy"] } },
                {
                  Id: "v-2",
                  Name: "Both",
                  Value: "b",
                  Scope: { Action: ["action-Deploy", "action-Notify"] },
                },
              ],
            },
          ],
        },
      ),
      exclude({ "exclude-steps": ["Deploy"] }),
    );
    expect((await out.resource("octopusdeploy_channel")).rule).toEqual([
      { version_range: "[1.0,2.0)", action_package: [{ deployment_action: "Notify" }] },
    ]);
    const variables = await out.resources("octopusdeploy_variable");
    expect(Object.values(variables).map((v) => [v.name, v.scope])).toEqual([
      ["Both", [{ actions: ["${octopusdeploy_process_step.web_deployment_notify.action_id}"] }]],
    ]);
    expect(out.warnings).toEqual(
      expect.arrayContaining([
        'channel "Hotfix" of project "Web" has a version rule that names the primary package of step "Deploy", which --exclude-steps leaves out; dropped from the rule',
        'channel "Hotfix" of project "Web" has a version rule that names package "tools" of step "Deploy", which --exclude-steps leaves out; dropped from the rule',
        'channel "Hotfix" of project "Web" has a version rule that names no package that is exported, so the rule is dropped',
        expect.stringMatching(/variable "OnlyDeploy" of Web is scoped only to things that are not exported/),
      ]),
    );
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("leave out the versioning and automatic release creation that follow a left-out step's package", async () => {
    const settings = {
      VersioningStrategy: { DonorPackage: { DeploymentAction: "Deploy", PackageReference: "" } },
      AutoCreateRelease: true,
      ReleaseCreationStrategy: {
        ReleaseCreationPackage: { DeploymentAction: "Deploy", PackageReference: "" },
      },
    };
    const channels = {
      Channels: [{ Id: "Channels-1", Name: "Default", ProjectId: "Projects-1", IsDefault: true }],
    };
    const kept = convert(space(settings, channels));
    expect(kept.types).toContain("octopusdeploy_project_versioning_strategy");
    expect(kept.types).toContain("octopusdeploy_built_in_trigger");
    const out = convert(space(settings, channels), exclude({ "exclude-steps": ["Deploy"] }));
    expect(out.types).not.toContain("octopusdeploy_project_versioning_strategy");
    expect(out.types).not.toContain("octopusdeploy_built_in_trigger");
    expect(out.warnings).toEqual(
      expect.arrayContaining([
        'project "Web" versions its releases after the primary package of step "Deploy", which --exclude-steps leaves out; the versioning strategy is not exported (the destination\'s default applies)',
        'project "Web" creates releases automatically when the primary package of step "Deploy" is pushed, which --exclude-steps leaves out; that setting is not exported',
      ]),
    );
  });

  it("drop a left-out step from the triggers that watch it, and leave out a trigger left watching none", async () => {
    const trigger = (id: string, name: string, filter: Record<string, unknown>) => ({
      Id: id,
      Name: name,
      ProjectId: "Projects-1",
      Filter: filter,
      Action: { ActionType: "CreateRelease", ChannelId: "Channels-2" },
    });
    const out = convert(
      space(
        {},
        {
          Channels: [{ Id: "Channels-2", Name: "Hotfix", ProjectId: "Projects-1" }],
          ProjectTriggers: [
            trigger("ProjectTriggers-1", "Feed", {
              FilterType: "FeedFilter",
              Packages: [
                { DeploymentActionSlug: "deploy", PackageReference: "tools" },
                { DeploymentActionSlug: "notify", PackageReference: "" },
              ],
            }),
            trigger("ProjectTriggers-2", "Git", {
              FilterType: "GitFilter",
              Sources: [{ DeploymentActionSlug: "deploy", GitDependencyName: "", IncludeFilePaths: [] }],
            }),
          ],
        },
      ),
      exclude({ "exclude-steps": ["Deploy"] }),
    );
    expect(await out.resource("octopusdeploy_external_feed_create_release_trigger")).toMatchObject({
      primary_package: [{ deployment_action_slug: "notify" }],
    });
    expect(
      (await out.resource("octopusdeploy_external_feed_create_release_trigger")).package,
    ).toBeUndefined();
    expect(out.types).not.toContain("octopusdeploy_git_trigger");
    expect(out.warnings).toEqual(
      expect.arrayContaining([
        'trigger "Feed" of project "Web" watches step "Deploy", which --exclude-steps leaves out; dropped from the trigger',
        'trigger "Git" of project "Web" watches only steps --exclude-steps leaves out, so the trigger is not exported',
      ]),
    );
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("is a usage error with a bad regular expression", () => {
    expect(() => filtersFrom({ "exclude-steps-regex": ["(open"] })).toThrow(/--exclude-steps-regex/);
  });
});

describe("channels whose rules name what the process does not have", () => {
  const channels = (rules: unknown[]) => ({
    Channels: [
      { Id: "Channels-2", Name: "Hotfix", ProjectId: "Projects-1", Rules: rules },
      { Id: "Channels-3", Name: "Stable", ProjectId: "Projects-1", Rules: [] },
    ],
  });
  const BROKEN = [
    {
      VersionRange: "[1.0,)",
      ActionPackages: [
        { DeploymentAction: "Deploy", PackageReference: "" },
        { DeploymentAction: "Gone", PackageReference: "" },
        { DeploymentAction: "Deploy", PackageReference: "nothere" },
      ],
    },
  ];

  it("are written without the steps the process lacks, with a warning (no flag)", async () => {
    const out = convert(space({}, channels(BROKEN)));
    expect((await out.resource("octopusdeploy_channel", "web_hotfix")).rule).toEqual([
      {
        version_range: "[1.0,)",
        action_package: [
          { deployment_action: "Deploy" },
          // Package references are not checked: an empty one may name a step whose one package has a name.
          { deployment_action: "Deploy", package_reference: "nothere" },
        ],
      },
    ]);
    expect(out.warnings).toEqual(
      expect.arrayContaining([
        'channel "Hotfix" of project "Web" has a version rule that names the primary package of step "Gone", which the deployment process does not have (the rule can match no package, and a server may refuse it); dropped from the rule, or leave the channel out with --exclude-invalid-channels',
      ]),
    );
  });

  it("are left out with --exclude-invalid-channels, and what referred to them drops the reference", async () => {
    const documents = space({}, channels(BROKEN));
    const process = (
      documents.DeploymentProcesses![0]!.Steps as Array<{ Actions: Array<Record<string, unknown>> }>
    )[1]!;
    process.Actions[0]!.Channels = ["Channels-2", "Channels-3"];
    const out = convert(documents, { excludeInvalidChannels: true });
    expect(Object.keys(await out.resources("octopusdeploy_channel"))).toEqual(["web_stable"]);
    expect((await out.resource("octopusdeploy_process_step", "web_deployment_notify")).channels).toEqual([
      "${octopusdeploy_channel.web_stable.id}",
    ]);
    expect(out.warnings).toEqual(
      expect.arrayContaining([
        'channel "Hotfix" of project "Web" is left out by --exclude-invalid-channels: a version rule names step "Gone", which the deployment process does not have',
      ]),
    );
    // A channel whose rules are sound stays, and so does every channel without the flag.
    const sound = convert(
      space({}, channels([BROKEN[0]!.ActionPackages.slice(0, 1)].map((a) => ({ ActionPackages: a })))),
      {
        excludeInvalidChannels: true,
      },
    );
    expect(Object.keys(await sound.resources("octopusdeploy_channel")).sort()).toEqual([
      "web_hotfix",
      "web_stable",
    ]);
    expect(sound.warnings.filter((w) => w.includes("invalid"))).toEqual([]);
  });

  it("names a left-out step's package as invalid only through the step filter, never by the flag", async () => {
    // Rules naming a step --exclude-steps leaves out are sound (the source has the step): the channel stays.
    const out = convert(
      space({}, channels([{ ActionPackages: [{ DeploymentAction: "Deploy", PackageReference: "" }] }])),
      {
        excludeInvalidChannels: true,
        ...exclude({ "exclude-steps": ["Deploy"] }),
      },
    );
    expect(Object.keys(await out.resources("octopusdeploy_channel")).sort()).toEqual([
      "web_hotfix",
      "web_stable",
    ]);
    expect((await out.resource("octopusdeploy_channel", "web_hotfix")).rule).toBeUndefined();
  });
});

describe("--exclude-tenant-variables and its kin", () => {
  const TENANTED = (): Documents =>
    space(
      {
        IncludedLibraryVariableSetIds: ["LibraryVariableSets-1"],
        Templates: [
          { Id: "t-1", Name: "Domain" },
          { Id: "t-2", Name: "Smtp.Port" },
        ],
      },
      {
        LibraryVariableSets: [
          {
            Id: "LibraryVariableSets-1",
            Name: "Mail",
            Templates: [
              { Id: "lt-1", Name: "Smtp.Host" },
              { Id: "lt-2", Name: "Region" },
            ],
          },
        ],
        Tenants: [
          { Id: "Tenants-1", Name: "Acme", ProjectEnvironments: { "Projects-1": ["Environments-1"] } },
        ],
        TenantVariables: [
          {
            Id: "TenantVariables-Tenants-1",
            TenantId: "Tenants-1",
            ProjectVariables: {
              "Projects-1": {
                ProjectId: "Projects-1",
                Variables: { "Environments-1": { "t-1": "acme.example", "t-2": "25" } },
              },
            },
            LibraryVariables: {
              "LibraryVariableSets-1": {
                LibraryVariableSetId: "LibraryVariableSets-1",
                Variables: { "lt-1": "smtp.acme.example", "lt-2": "eu" },
              },
            },
          },
        ],
      },
    );
  const values = async (args: Record<string, unknown>) => {
    const out = convert(TENANTED(), exclude(args));
    return {
      project: Object.keys(await out.resources("octopusdeploy_tenant_project_variable")).sort(),
      common: Object.keys(await out.resources("octopusdeploy_tenant_common_variable")).sort(),
      warnings: out.warnings,
    };
  };

  it("leave out tenants' values of the named project and library templates", async () => {
    const out = await values({ "exclude-tenant-variables": ["Domain", "Smtp.Host"] });
    expect(out.project).toEqual(["web_acme_smtp_port_test"]);
    expect(out.common).toEqual(["acme_mail_region"]);
    expect(out.warnings).toEqual(
      expect.arrayContaining([
        'project "Web" tenant "Acme" of project "Web": its values of template "Domain" are left out by --exclude-tenant-variables',
        'TenantVariables TenantVariables-Tenants-1 tenant "Acme": its values of template "Smtp.Host" of library variable set "Mail" are left out by --exclude-tenant-variables',
      ]),
    );
  });

  it("by regex, all but the named, or all", async () => {
    expect(await values({ "exclude-tenant-variables-regex": ["^Smtp\\."] })).toMatchObject({
      project: ["web_acme_domain_test"],
      common: ["acme_mail_region"],
    });
    expect(await values({ "exclude-tenant-variables-except": ["Region"] })).toMatchObject({
      project: [],
      common: ["acme_mail_region"],
    });
    expect(await values({ "exclude-all-tenant-variables": true })).toMatchObject({ project: [], common: [] });
    // Without a filter, every value.
    expect((await values({})).project).toHaveLength(2);
  });
});

describe("--exclude-tenant-tags", () => {
  const TAGGED = (): Documents =>
    space(
      { TenantedDeploymentMode: "TenantedOrUntenanted" },
      {
        TagSets: [
          {
            Id: "TagSets-1",
            Name: "Tier",
            Tags: [
              { Id: "Tags-1", Name: "Gold" },
              { Id: "Tags-2", Name: "Trial" },
            ],
          },
        ],
        Tenants: [{ Id: "Tenants-1", Name: "Acme", TenantTags: ["Tier/Gold", "Tier/Trial"] }],
        Channels: [{ Id: "Channels-2", Name: "Hotfix", ProjectId: "Projects-1", TenantTags: ["Tier/Trial"] }],
        VariableSets: [
          {
            Id: "variableset-Projects-1",
            OwnerId: "Projects-1",
            Variables: [
              { Id: "v-1", Name: "TrialOnly", Value: "a", Scope: { TenantTag: ["Tier/Trial"] } },
              { Id: "v-2", Name: "Tiered", Value: "b", Scope: { TenantTag: ["Tier/Trial", "Tier/Gold"] } },
            ],
          },
        ],
      },
    );

  it("leaves the tag out of its tag set and of every tenant, channel, step and variable scope", async () => {
    const documents = TAGGED();
    const notify = (
      documents.DeploymentProcesses![0]!.Steps as Array<{ Actions: Array<Record<string, unknown>> }>
    )[1]!;
    notify.Actions[0]!.TenantTags = ["Tier/Trial", "Tier/Gold"];
    const out = convert(documents, { excludeTenantTags: ["Tier/Trial"] });
    expect(Object.keys(await out.resources("octopusdeploy_tag"))).toEqual(["tier_gold"]);
    const gold = "${octopusdeploy_tag.tier_gold.canonical_tag_name}";
    expect((await out.resource("octopusdeploy_tenant")).tenant_tags).toEqual([gold]);
    expect((await out.resource("octopusdeploy_channel")).tenant_tags).toBeUndefined();
    expect((await out.resource("octopusdeploy_process_step", "web_deployment_notify")).tenant_tags).toEqual([
      gold,
    ]);
    const variables = await out.resources("octopusdeploy_variable");
    expect(Object.values(variables).map((v) => [v.name, v.scope])).toEqual([
      ["Tiered", [{ tenant_tags: [gold] }]],
    ]);
    expect(out.warnings).toEqual(
      expect.arrayContaining([
        'tag set "Tier" tag "Tier/Trial" is left out by --exclude-tenant-tags',
        'tenant "Acme" tenant "Acme" tags: tag "Tier/Trial" is left out by --exclude-tenant-tags; dropped',
      ]),
    );
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("changes nothing without the flag", async () => {
    const out = convert(TAGGED());
    expect(Object.keys(await out.resources("octopusdeploy_tag")).sort()).toEqual(["tier_gold", "tier_trial"]);
    expect(out.warnings.filter((w) => w.includes("--exclude-tenant-tags"))).toEqual([]);
  });
});
