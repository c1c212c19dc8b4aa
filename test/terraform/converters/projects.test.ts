import { describe, expect, it } from "vitest";
import * as projects from "../../../src/terraform/converters/projects.js";
import { convert, type Documents, itWritesEveryResourceType } from "../../helpers/convert.js";

/**
 * Projects, channels, runbooks, processes and triggers, and a project's tenants
 * (src/terraform/converters/projects.ts): a tiny space in, blocks out. The single layout
 * prefixes the names of a project's resources with the project's ("web_...").
 */

const SPACE_ID = "${var.octopus_space_id}";
const PROJECT_ID = "${octopusdeploy_project.web.id}";
const TEST = "${octopusdeploy_environment.test.id}";
const PRODUCTION = "${octopusdeploy_environment.production.id}";

/** What a project needs around it: environments, a lifecycle, its group (the built-in one, looked up). */
const AROUND: Documents = {
  Environments: [
    { Id: "Environments-1", Name: "Test" },
    { Id: "Environments-2", Name: "Production" },
  ],
  Lifecycles: [{ Id: "Lifecycles-2", Name: "Fast", Phases: [] }],
  ProjectGroups: [{ Id: "ProjectGroups-1", Name: "Default Project Group" }],
};

function project(extra: Record<string, unknown> = {}) {
  return {
    Id: "Projects-1",
    Name: "Web",
    LifecycleId: "Lifecycles-2",
    ProjectGroupId: "ProjectGroups-1",
    DeploymentProcessId: "deploymentprocess-Projects-1",
    ...extra,
  };
}

/** The space with the project, plus other documents. */
const withProject = (documents: Documents = {}, extra: Record<string, unknown> = {}): Documents => ({
  ...AROUND,
  Projects: [project(extra)],
  ...documents,
});

describe("projects", () => {
  it("writes the project's settings, library sets by name and its connectivity policy", async () => {
    const out = convert(
      withProject(
        {
          LibraryVariableSets: [
            { Id: "LibraryVariableSets-2", Name: "Zeta" },
            { Id: "LibraryVariableSets-1", Name: "Alpha" },
          ],
        },
        {
          Description: "The site",
          DefaultGuidedFailureMode: "EnvironmentDefault",
          DefaultToSkipIfAlreadyInstalled: true,
          DiscreteChannelRelease: false,
          IsDisabled: false,
          TenantedDeploymentMode: "TenantedOrUntenanted",
          ReleaseNotesTemplate: "#{Octopus.Release.Notes}",
          DeploymentChangesTemplate: "changes",
          IncludedLibraryVariableSetIds: ["LibraryVariableSets-2", "LibraryVariableSets-1"],
          ProjectConnectivityPolicy: {
            AllowDeploymentsToNoTargets: true,
            SkipMachineBehavior: "SkipUnavailableMachines",
            TargetRoles: ["web", "api"],
          },
        },
      ),
    );
    expect(await out.resource("octopusdeploy_project", "web")).toEqual({
      space_id: SPACE_ID,
      name: "Web",
      description: "The site",
      lifecycle_id: "${octopusdeploy_lifecycle.fast.id}",
      project_group_id: "${local.project_group_default_project_group_id}",
      default_guided_failure_mode: "EnvironmentDefault",
      default_to_skip_if_already_installed: true,
      is_discrete_channel_release: false,
      is_disabled: false,
      tenanted_deployment_participation: "TenantedOrUntenanted",
      release_notes_template: "#{Octopus.Release.Notes}",
      deployment_changes_template: "changes",
      included_library_variable_sets: [
        "${octopusdeploy_library_variable_set.alpha.id}",
        "${octopusdeploy_library_variable_set.zeta.id}",
      ],
      connectivity_policy: [
        {
          allow_deployments_to_no_targets: true,
          exclude_unhealthy_targets: false,
          skip_machine_behavior: "SkipUnavailableMachines",
          target_roles: ["api", "web"],
        },
      ],
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a connectivity policy that forbids deploying to no targets when the project says nothing", async () => {
    const out = convert(withProject());
    expect((await out.resource("octopusdeploy_project")).connectivity_policy).toEqual([
      {
        allow_deployments_to_no_targets: false,
        exclude_unhealthy_targets: false,
        skip_machine_behavior: "None",
      },
    ]);
  });

  it("writes the project's templates", async () => {
    const out = convert(
      withProject(
        {},
        {
          Templates: [
            {
              Id: "t-1",
              Name: "Tenant.Domain",
              Label: "Domain",
              DefaultValue: "example.com",
              DisplaySettings: { "Octopus.ControlType": "SingleLineText" },
            },
          ],
        },
      ),
    );
    expect((await out.resource("octopusdeploy_project")).template).toEqual([
      {
        name: "Tenant.Domain",
        label: "Domain",
        default_value: "example.com",
        display_settings: { "Octopus.ControlType": "SingleLineText" },
      },
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a versioning strategy from a template", async () => {
    const out = convert(
      withProject({}, { VersioningStrategy: { Template: "1.0.#{Octopus.Version.NextPatch}" } }),
    );
    expect(await out.resource("octopusdeploy_project_versioning_strategy", "web")).toEqual({
      space_id: SPACE_ID,
      project_id: PROJECT_ID,
      template: "1.0.#{Octopus.Version.NextPatch}",
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("warns that a Config-as-Code project is exported as a database project", () => {
    const out = convert(withProject({}, { IsVersionControlled: true }));
    expect(out.warnings).toEqual([
      'project "Web" is a Config-as-Code project: it is exported as a database project with its default branch\'s process and variables',
    ]);
  });
});

describe("release creation", () => {
  /** A process with a package step, so settings that name its action can follow it. */
  const PROCESS = {
    DeploymentProcesses: [
      {
        Id: "deploymentprocess-Projects-1",
        ProjectId: "Projects-1",
        Steps: [
          {
            Id: "step-1",
            Name: "Deploy",
            Actions: [
              {
                Id: "action-1",
                Name: "Deploy",
                ActionType: "Octopus.TentaclePackage",
                Properties: {},
                Packages: [{ Id: "p-1", Name: "", PackageId: "web", FeedId: "Feeds-1" }],
              },
            ],
          },
        ],
      },
    ],
    Feeds: [{ Id: "Feeds-1", Name: "Octopus Server (built-in)", FeedType: "BuiltIn" }],
  };
  const STEP = "${octopusdeploy_process_step.web_deployment_deploy}";

  it("writes release versioning from a package, after the step that holds it", async () => {
    const out = convert(
      withProject(PROCESS, {
        VersioningStrategy: {
          Template: null,
          DonorPackage: { DeploymentAction: "Deploy", PackageReference: "" },
          DonorPackageStepId: "step-1",
        },
      }),
    );
    expect(await out.resource("octopusdeploy_project_versioning_strategy", "web")).toEqual({
      space_id: SPACE_ID,
      project_id: PROJECT_ID,
      donor_package: { deployment_action: "Deploy", package_reference: "" },
      depends_on: [STEP],
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes an older server's donor package, named by its action's ID only, as a reference to the step", async () => {
    const out = convert(withProject(PROCESS, { VersioningStrategy: { DonorPackageStepId: "action-1" } }));
    expect(await out.resource("octopusdeploy_project_versioning_strategy", "web")).toEqual({
      space_id: SPACE_ID,
      project_id: PROJECT_ID,
      donor_package_step_id: "${octopusdeploy_process_step.web_deployment_deploy.action_id}",
    });
  });

  it("writes automatic release creation from the built-in feed as a built-in trigger, after the step and the versioning", async () => {
    const out = convert(
      withProject(
        { ...PROCESS, Channels: [{ Id: "Channels-2", Name: "Hotfix", ProjectId: "Projects-1" }] },
        {
          AutoCreateRelease: true,
          ReleaseCreationStrategy: {
            ChannelId: "Channels-2",
            ReleaseCreationPackage: { DeploymentAction: "Deploy", PackageReference: "" },
            ReleaseCreationPackageStepId: "step-1",
          },
          VersioningStrategy: { Template: "1.0.#{Octopus.Version.NextPatch}" },
        },
      ),
    );
    expect(await out.resource("octopusdeploy_built_in_trigger", "web")).toEqual({
      space_id: SPACE_ID,
      project_id: PROJECT_ID,
      channel_id: "${octopusdeploy_channel.web_hotfix.id}",
      release_creation_package: { deployment_action: "Deploy", package_reference: "" },
      depends_on: [STEP, "${octopusdeploy_project_versioning_strategy.web}"],
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("creates the releases in the Default channel (looked up) when the setting names none", async () => {
    const out = convert(
      withProject(
        {
          ...PROCESS,
          Channels: [{ Id: "Channels-1", Name: "Default", ProjectId: "Projects-1", IsDefault: true }],
        },
        {
          AutoCreateRelease: true,
          ReleaseCreationStrategy: {
            ChannelId: null,
            ReleaseCreationPackage: { DeploymentAction: "Deploy", PackageReference: "" },
          },
        },
      ),
    );
    const trigger = (await out.resource("octopusdeploy_built_in_trigger", "web")) as Record<string, unknown>;
    expect(trigger.channel_id).toBe("${local.channel_web_default_id}");
    expect(out.text("lookups.tf")).toMatch(/data "octopusdeploy_channels"/);
  });

  it("writes no trigger when automatic release creation is off, and warns when it names no package", () => {
    const off = convert(
      withProject(PROCESS, {
        AutoCreateRelease: false,
        ReleaseCreationStrategy: { ReleaseCreationPackage: { DeploymentAction: "Deploy" } },
      }),
    );
    expect(off.types).not.toContain("octopusdeploy_built_in_trigger");
    const bare = convert(withProject(PROCESS, { AutoCreateRelease: true, ReleaseCreationStrategy: {} }));
    expect(bare.types).not.toContain("octopusdeploy_built_in_trigger");
    expect(bare.warnings).toEqual([
      'project "Web" creates releases automatically but names no package to watch; that setting is not exported',
    ]);
  });
});

describe("projects in the modules layout", () => {
  it("go to their own module, and find what the space module makes by name", async () => {
    const out = convert(withProject(), { layout: "modules" });
    expect(await out.resource("octopusdeploy_project", "web")).toMatchObject({
      lifecycle_id: "${local.lifecycle_fast_id}",
      project_group_id: "${local.project_group_default_project_group_id}",
    });
    expect(out.text("projects/web/module/project.tf")).toContain('resource "octopusdeploy_project" "web" {');
    expect(Object.keys(await out.data("octopusdeploy_lifecycles"))).toEqual(["fast"]);
    expect(out.manifest.modules.find((m) => m.path === "projects/web")?.dependsOn).toEqual(["space"]);
    expect(await out.schemaProblems()).toEqual([]);
  });
});

describe("a project's tenants", () => {
  const TENANTED: Documents = withProject(
    {
      LibraryVariableSets: [
        {
          Id: "LibraryVariableSets-1",
          Name: "Mail",
          Templates: [
            { Id: "lt-1", Name: "Smtp.Host" },
            { Id: "lt-2", Name: "Smtp.Password" },
          ],
        },
      ],
      Tenants: [
        {
          Id: "Tenants-1",
          Name: "Acme",
          ProjectEnvironments: { "Projects-1": ["Environments-2", "Environments-1"] },
        },
      ],
      TenantVariables: [
        {
          Id: "TenantVariables-Tenants-1",
          TenantId: "Tenants-1",
          ProjectVariables: {
            "Projects-1": {
              ProjectId: "Projects-1",
              Variables: {
                "Environments-1": { "t-1": "test.acme.example" },
                "Environments-2": { "t-1": "acme.example", "t-2": { HasValue: true } },
              },
            },
          },
          LibraryVariables: {
            "LibraryVariableSets-1": {
              LibraryVariableSetId: "LibraryVariableSets-1",
              Variables: { "lt-1": "smtp.acme.example", "lt-2": { HasValue: true } },
            },
          },
        },
      ],
    },
    {
      IncludedLibraryVariableSetIds: ["LibraryVariableSets-1"],
      Templates: [
        { Id: "t-1", Name: "Domain" },
        { Id: "t-2", Name: "Key" },
      ],
    },
  );

  it("links each tenant to the project in its environments", async () => {
    const out = convert(TENANTED);
    expect(await out.resources("octopusdeploy_tenant_project")).toEqual({
      web_acme: {
        space_id: SPACE_ID,
        tenant_id: "${octopusdeploy_tenant.acme.id}",
        project_id: PROJECT_ID,
        environment_ids: [PRODUCTION, TEST],
      },
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes the tenant's values of the project's templates, per environment, after the link", async () => {
    const out = convert(TENANTED);
    const after = ["${octopusdeploy_tenant_project.web_acme}"];
    expect(await out.resources("octopusdeploy_tenant_project_variable")).toEqual({
      web_acme_domain_production: {
        space_id: SPACE_ID,
        tenant_id: "${octopusdeploy_tenant.acme.id}",
        project_id: PROJECT_ID,
        environment_id: PRODUCTION,
        template_id: "${octopusdeploy_project.web.template[0].id}",
        value: "acme.example",
        depends_on: after,
      },
      web_acme_key_production: {
        space_id: SPACE_ID,
        tenant_id: "${octopusdeploy_tenant.acme.id}",
        project_id: PROJECT_ID,
        environment_id: PRODUCTION,
        template_id: "${octopusdeploy_project.web.template[1].id}",
        value: "${var.tenant_acme_web_key_production}",
        depends_on: after,
      },
      web_acme_domain_test: {
        space_id: SPACE_ID,
        tenant_id: "${octopusdeploy_tenant.acme.id}",
        project_id: PROJECT_ID,
        environment_id: TEST,
        template_id: "${octopusdeploy_project.web.template[0].id}",
        value: "test.acme.example",
        depends_on: after,
      },
    });
    expect(out.secrets).toContainEqual(
      expect.objectContaining({
        variable: "tenant_acme_web_key_production",
        sourceId: "TenantVariables-Tenants-1",
        path: "ProjectVariables.Projects-1.Variables.Environments-2.t-2",
      }),
    );
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes no values of a library set the project does not include", async () => {
    const out = convert({ ...TENANTED, Projects: [project({ Templates: [] })] });
    expect(out.types).toContain("octopusdeploy_tenant_project");
    expect(out.types).not.toContain("octopusdeploy_tenant_common_variable");
    expect(out.types).not.toContain("octopusdeploy_tenant_project_variable");
  });
});

describe("project change control (ITSM)", () => {
  it("writes ServiceNow and Jira Service Management settings, and warns that the connections are the source's", async () => {
    const out = convert(
      withProject(
        {},
        {
          ExtensionSettings: [
            {
              ExtensionId: "servicenow-integration",
              Values: {
                ServiceNowChangeControlled: true,
                ServiceNowConnectionId: "servicenowconnections-1",
                StandardChangeTemplateName: "Deploy web",
                AutomaticStateTransition: true,
              },
            },
            {
              ExtensionId: "jiraservicemanagement-integration",
              Values: {
                JsmChangeControlled: false,
                JsmConnectionId: "jsmconnections-2",
                ServiceDeskProjectName: "OPS",
              },
            },
          ],
        },
      ),
    );
    const web = await out.resource("octopusdeploy_project", "web");
    expect(web.servicenow_extension_settings).toEqual([
      {
        connection_id: "servicenowconnections-1",
        is_enabled: true,
        is_state_automatically_transitioned: true,
        standard_change_template_name: "Deploy web",
      },
    ]);
    expect(web.jira_service_management_extension_settings).toEqual([
      { connection_id: "jsmconnections-2", is_enabled: false, service_desk_project_name: "OPS" },
    ]);
    expect(out.warnings.filter((w) => w.includes("connection"))).toHaveLength(2);
    expect(await out.schemaProblems()).toEqual([]);
  });
});

describe("channels", () => {
  it("writes an ephemeral environment channel: its type, parent environment, name template and custom fields", async () => {
    const out = convert(
      withProject({
        ParentEnvironments: [{ Id: "Environments-9", Name: "Previews", Type: "Parent" }],
        Channels: [
          {
            Id: "Channels-3",
            Name: "Pull requests",
            ProjectId: "Projects-1",
            IsDefault: false,
            Type: "EphemeralEnvironment",
            ParentEnvironmentId: "Environments-9",
            EphemeralEnvironmentNameTemplate: "pr-#{Octopus.Release.Number}",
            CustomFieldDefinitions: [{ FieldName: "Ticket", Description: "The change ticket" }],
          },
        ],
      }),
    );
    expect(await out.resource("octopusdeploy_channel", "web_pull_requests")).toMatchObject({
      type: "EphemeralEnvironment",
      parent_environment_id: "${octopusdeploy_parent_environment.previews.id}",
      ephemeral_environment_name_template: "pr-#{Octopus.Release.Number}",
      custom_field_definitions: [{ field_name: "Ticket", description: "The change ticket" }],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a channel with its lifecycle, tenant tags and version rules; never the Default channel", async () => {
    const out = convert(
      withProject({
        TagSets: [{ Id: "TagSets-1", Name: "Tier", Tags: [{ Id: "Tags-1", Name: "Gold" }] }],
        Channels: [
          { Id: "Channels-1", Name: "Default", ProjectId: "Projects-1", IsDefault: true },
          {
            Id: "Channels-2",
            Name: "Hotfix",
            ProjectId: "Projects-1",
            Description: "Urgent",
            LifecycleId: "Lifecycles-2",
            IsDefault: false,
            TenantTags: ["Tier/Gold"],
            Rules: [
              {
                VersionRange: "[1.0,2.0)",
                Tag: "^hotfix",
                ActionPackages: [{ DeploymentAction: "Deploy", PackageReference: "" }],
              },
            ],
          },
        ],
      }),
    );
    expect(await out.resources("octopusdeploy_channel")).toEqual({
      web_hotfix: {
        space_id: SPACE_ID,
        project_id: PROJECT_ID,
        name: "Hotfix",
        description: "Urgent",
        lifecycle_id: "${octopusdeploy_lifecycle.fast.id}",
        is_default: false,
        tenant_tags: ["${octopusdeploy_tag.tier_gold.canonical_tag_name}"],
        rule: [
          {
            version_range: "[1.0,2.0)",
            tag: "^hotfix",
            action_package: [{ deployment_action: "Deploy" }],
          },
        ],
      },
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("tells the built-in Default channel from the one marked default: looks the first up, writes the second as default", async () => {
    // The project's default is "Stable": the built-in "Default" channel, no longer default,
    // exists in every project on the destination too, so it is looked up, never created.
    const out = convert(
      withProject({
        Channels: [
          { Id: "Channels-1", Name: "Default", ProjectId: "Projects-1", IsDefault: false },
          { Id: "Channels-2", Name: "Stable", ProjectId: "Projects-1", IsDefault: true },
        ],
      }),
    );
    expect(await out.resources("octopusdeploy_channel")).toEqual({
      web_stable: { space_id: SPACE_ID, project_id: PROJECT_ID, name: "Stable", is_default: true },
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("warns about the built-in Default channel's settings when another channel is the default", () => {
    const out = convert(
      withProject({
        Channels: [
          { Id: "Channels-1", Name: "Default", ProjectId: "Projects-1", LifecycleId: "Lifecycles-2" },
          { Id: "Channels-2", Name: "Stable", ProjectId: "Projects-1", IsDefault: true },
        ],
      }),
    );
    expect(out.warnings).toEqual([
      'project "Web" its Default channel has a lifecycle, version rules or tenant tags; the Default channel is looked up, not managed, so set those by hand',
    ]);
  });

  it("warns when the Default channel has settings it cannot carry", () => {
    const out = convert(
      withProject({
        Channels: [
          {
            Id: "Channels-1",
            Name: "Default",
            ProjectId: "Projects-1",
            IsDefault: true,
            LifecycleId: "Lifecycles-2",
          },
        ],
      }),
    );
    expect(out.types).not.toContain("octopusdeploy_channel");
    expect(out.warnings).toEqual([
      'project "Web" its Default channel has a lifecycle, version rules or tenant tags; the Default channel is looked up, not managed, so set those by hand',
    ]);
  });
});

describe("runbooks", () => {
  const runbook = (extra: Record<string, unknown>) =>
    withProject({ Runbooks: [{ Id: "Runbooks-1", Name: "Restart", ProjectId: "Projects-1", ...extra }] });

  it("writes a runbook's settings, environments by name, and a connectivity policy that allows no targets", async () => {
    const out = convert(
      runbook({
        Description: "Restarts the site",
        EnvironmentScope: "Specified",
        Environments: ["Environments-1", "Environments-2"],
        MultiTenancyMode: "Untenanted",
        DefaultGuidedFailureMode: "Off",
        ForcePackageDownload: false,
        RunRetentionPolicy: { QuantityToKeep: 100, ShouldKeepForever: false },
      }),
    );
    expect(await out.resource("octopusdeploy_runbook", "web_restart")).toEqual({
      space_id: SPACE_ID,
      project_id: PROJECT_ID,
      name: "Restart",
      description: "Restarts the site",
      environment_scope: "Specified",
      environments: [PRODUCTION, TEST],
      multi_tenancy_mode: "Untenanted",
      default_guided_failure_mode: "Off",
      force_package_download: false,
      connectivity_policy: [
        {
          allow_deployments_to_no_targets: true,
          exclude_unhealthy_targets: false,
          skip_machine_behavior: "None",
        },
      ],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it.each([
    [{ ShouldKeepForever: true }, [{ strategy: "Forever" }]],
    [{ QuantityToKeep: 10, Unit: "Days" }, [{ strategy: "Count", quantity_to_keep: 10, unit: "Days" }]],
    [{ Strategy: "Count", QuantityToKeep: 5 }, [{ strategy: "Count", quantity_to_keep: 5, unit: "Items" }]],
    [{ Strategy: "Default" }, undefined],
    // 100 items is the server's default: written as no policy.
    [{ QuantityToKeep: 100, Unit: "Items" }, undefined],
  ])("writes the retention policy %o as %o", async (policy, expected) => {
    const out = convert(runbook({ RunRetentionPolicy: policy }));
    expect((await out.resource("octopusdeploy_runbook")).retention_policy_with_strategy).toEqual(expected);
    expect(await out.schemaProblems()).toEqual([]);
  });
});

describe("processes", () => {
  const step = (
    name: string,
    actions: Array<Record<string, unknown>>,
    extra: Record<string, unknown> = {},
  ) => ({
    Id: `step-${name}`,
    Name: name,
    Actions: actions,
    ...extra,
  });
  const action = (name: string, extra: Record<string, unknown> = {}) => ({
    Id: `action-${name}`,
    Name: name,
    ActionType: "Octopus.Script",
    Properties: { "Octopus.Action.Script.ScriptBody": `echo ${name}` },
    ...extra,
  });
  const deployment = (steps: unknown[], documents: Documents = {}) =>
    withProject({
      DeploymentProcesses: [{ Id: "deploymentprocess-Projects-1", ProjectId: "Projects-1", Steps: steps }],
      ...documents,
    });
  const PROCESS = "${octopusdeploy_process.web_deployment.id}";
  const uses = (name: string, version: number, extra: Record<string, unknown> = {}) =>
    action(name, {
      ActionType: "Octopus.Script",
      Properties: {
        "Octopus.Action.Template.Id": "ActionTemplates-1",
        "Octopus.Action.Template.Version": String(version),
        "Octopus.Action.Script.ScriptBody": "from the template",
        Message: `hello from ${name}`,
        "Octopus.Action.RunOnServer": "true",
      },
      ...extra,
    });
  const CHAT = {
    Id: "ActionTemplates-1",
    Name: "Chat",
    ActionType: "Octopus.Script",
    Version: 2,
    Properties: { "Octopus.Action.Script.ScriptBody": "from the template" },
    Parameters: [{ Id: "p-1", Name: "Message" }],
  };

  it("writes the process, a step per step and the order of the steps", async () => {
    const out = convert(deployment([step("Second", [action("Second")]), step("First", [action("First")])]));
    expect(await out.resource("octopusdeploy_process")).toEqual({
      space_id: SPACE_ID,
      project_id: PROJECT_ID,
    });
    expect(Object.keys(await out.resources("octopusdeploy_process_step")).sort()).toEqual([
      "web_deployment_first",
      "web_deployment_second",
    ]);
    // The order of the document, not of names.
    expect(await out.resource("octopusdeploy_process_steps_order")).toEqual({
      space_id: SPACE_ID,
      process_id: PROCESS,
      steps: [
        "${octopusdeploy_process_step.web_deployment_second.id}",
        "${octopusdeploy_process_step.web_deployment_first.id}",
      ],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a step's Git dependencies, by name, with the credential as a reference", async () => {
    const out = convert(
      deployment(
        [
          step("Apply", [
            action("Apply", {
              GitDependencies: [
                {
                  Name: "",
                  RepositoryUri: "https://git.example/infra.git",
                  DefaultBranch: "main",
                  GitCredentialType: "Library",
                  GitCredentialId: "GitCredentials-1",
                  FilePathFilters: ["charts/**", "README.md"],
                },
                {
                  Name: "scripts",
                  RepositoryUri: "https://git.example/s.git",
                  DefaultBranch: "dev",
                  GitCredentialType: "Anonymous",
                },
              ],
            }),
          ]),
        ],
        {
          GitCredentials: [
            {
              Id: "GitCredentials-1",
              Name: "Infra",
              Details: { Username: "bot", Password: { HasValue: true } },
            },
          ],
        },
      ),
    );
    expect((await out.resource("octopusdeploy_process_step")).git_dependencies).toEqual({
      "": {
        repository_uri: "https://git.example/infra.git",
        default_branch: "main",
        git_credential_type: "Library",
        git_credential_id: "${octopusdeploy_git_credential.infra.id}",
        github_connection_id: "",
        file_path_filters: ["README.md", "charts/**"],
      },
      scripts: {
        repository_uri: "https://git.example/s.git",
        default_branch: "dev",
        git_credential_type: "Anonymous",
        github_connection_id: "",
      },
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("keeps a package feed given as a variable expression (#{HelmFeed}), in packages, container and properties", async () => {
    const out = convert(
      deployment([
        step("Upgrade", [
          action("Upgrade", {
            ActionType: "Octopus.HelmChartUpgrade",
            Packages: [{ Name: "", PackageId: "web", FeedId: "#{HelmFeed}", AcquisitionLocation: "Server" }],
            Container: { Image: "tools:1", FeedId: "#{ToolsFeed}" },
            Properties: {
              "Octopus.Action.Package.FeedId": "#{HelmFeed}",
              "Octopus.Action.Package.PackageId": "web",
            },
          }),
        ]),
      ]),
    );
    const upgrade = await out.resource("octopusdeploy_process_step");
    expect(upgrade.primary_package).toEqual({
      package_id: "web",
      feed_id: "#{HelmFeed}",
      acquisition_location: "Server",
    });
    expect(upgrade.container).toEqual({ feed_id: "#{ToolsFeed}", image: "tools:1" });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("drops tenant tags of a step that are not in the space, with a warning naming the step", async () => {
    const out = convert(deployment([step("Notify", [action("Notify", { TenantTags: ["Gone/Tag"] })])]));
    expect((await out.resource("octopusdeploy_process_step")).tenant_tags).toBeUndefined();
    expect(out.warnings).toEqual([
      expect.stringMatching(/Notify.*tenant tags: tag "Gone\/Tag" is not in the space; dropped/),
    ]);
  });

  it("writes a step's settings, its action's settings and properties", async () => {
    const out = convert(
      deployment(
        [
          step(
            "Deploy",
            [
              action("Deploy", {
                Slug: "deploy",
                IsDisabled: false,
                IsRequired: true,
                Notes: "Careful",
                Environments: ["Environments-1", "Environments-2"],
                ExcludedEnvironments: [],
                Channels: ["Channels-2"],
                TenantTags: ["Tier/Gold"],
                WorkerPoolId: "WorkerPools-2",
                WorkerPoolVariable: "",
                Container: { Image: "ubuntu:22.04", FeedId: "Feeds-2" },
                Properties: {
                  "Octopus.Action.Script.ScriptBody": "echo hi",
                  "Octopus.Action.RunOnServer": "true",
                  "Octopus.Action.Password": { HasValue: true },
                  "Octopus.Action.Count": 3,
                },
              }),
            ],
            {
              Condition: "Success",
              StartTrigger: "StartAfterPrevious",
              PackageRequirement: "LetOctopusDecide",
              Properties: { "Octopus.Action.TargetRoles": "web", "Octopus.Action.MaxParallelism": 2 },
            },
          ),
        ],
        {
          Channels: [{ Id: "Channels-2", Name: "Hotfix", ProjectId: "Projects-1" }],
          TagSets: [{ Id: "TagSets-1", Name: "Tier", Tags: [{ Id: "Tags-1", Name: "Gold" }] }],
          WorkerPools: [{ Id: "WorkerPools-2", Name: "Builders", WorkerPoolType: "StaticWorkerPool" }],
          Feeds: [
            { Id: "Feeds-2", Name: "Docker Hub", FeedType: "Docker", FeedUri: "https://index.docker.io" },
          ],
        },
      ),
    );
    expect(await out.resource("octopusdeploy_process_step")).toEqual({
      space_id: SPACE_ID,
      process_id: PROCESS,
      name: "Deploy",
      condition: "Success",
      start_trigger: "StartAfterPrevious",
      package_requirement: "LetOctopusDecide",
      // Only text: a number in the step's properties is left out.
      properties: { "Octopus.Action.TargetRoles": "web" },
      type: "Octopus.Script",
      slug: "deploy",
      is_disabled: false,
      is_required: true,
      notes: "Careful",
      environments: [PRODUCTION, TEST],
      channels: ["${octopusdeploy_channel.web_hotfix.id}"],
      tenant_tags: ["${octopusdeploy_tag.tier_gold.canonical_tag_name}"],
      worker_pool_id: "${octopusdeploy_static_worker_pool.builders.id}",
      container: {
        feed_id: "${octopusdeploy_docker_container_registry.docker_hub.id}",
        image: "ubuntu:22.04",
      },
      execution_properties: {
        // Named after the step, not the project (nor is the description).
        "Octopus.Action.Password": "${var.step_deploy_of_deployment_process_octopus_action_password}",
        "Octopus.Action.RunOnServer": "true",
        "Octopus.Action.Script.ScriptBody": "echo hi",
      },
    });
    expect(out.secrets).toMatchObject([
      {
        variable: "step_deploy_of_deployment_process_octopus_action_password",
        description: 'Sensitive property Octopus.Action.Password of step "Deploy" of deployment process',
        path: "Steps[Id=step-Deploy].Actions[Id=action-Deploy].Properties.Octopus.Action.Password",
      },
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("gives the sensitive properties of same-named steps of two projects one secret", () => {
    const sensitive = (n: number) => ({
      Id: `deploymentprocess-Projects-${n}`,
      ProjectId: `Projects-${n}`,
      Steps: [step("Deploy", [action("Deploy", { Id: `a-${n}`, Properties: { Pw: { HasValue: true } } })])],
    });
    const out = convert(
      {
        ...AROUND,
        Projects: [project(), project({ Id: "Projects-2", Name: "Api" })],
        DeploymentProcesses: [sensitive(1), sensitive(2)],
      },
      { layout: "modules" },
    );
    // Wrong today: the secret's key names the step, not its project, so the second project's
    // value is never asked for: both modules take the one of the project converted first (Api).
    expect(out.secrets.map((s) => [s.variable, s.sourceId, s.modules])).toEqual([
      [
        "step_deploy_of_deployment_process_pw",
        "deploymentprocess-Projects-2",
        ["projects/api", "projects/web"],
      ],
    ]);
  });

  it("writes the primary package and the named ones, without repeating the primary's properties", async () => {
    const out = convert(
      deployment(
        [
          step("Deploy", [
            action("Deploy", {
              ActionType: "Octopus.TentaclePackage",
              Packages: [
                {
                  Name: "",
                  PackageId: "Web",
                  FeedId: "Feeds-2",
                  AcquisitionLocation: "Server",
                  Properties: {},
                },
                {
                  Name: "tools",
                  PackageId: "Tools",
                  FeedId: "Feeds-2",
                  AcquisitionLocation: "ExecutionTarget",
                  Properties: { Extract: "True" },
                },
              ],
              Properties: {
                "Octopus.Action.Package.PackageId": "Web",
                "Octopus.Action.Package.FeedId": "Feeds-2",
                "Octopus.Action.Package.DownloadOnTentacle": "False",
                "Octopus.Action.EnabledFeatures": "",
              },
            }),
          ]),
        ],
        { Feeds: [{ Id: "Feeds-2", Name: "NuGet", FeedType: "NuGet", FeedUri: "https://nuget.example" }] },
      ),
    );
    const written = await out.resource("octopusdeploy_process_step");
    expect(written.primary_package).toEqual({
      package_id: "Web",
      feed_id: "${octopusdeploy_nuget_feed.nuget.id}",
      acquisition_location: "Server",
    });
    expect(written.packages).toEqual({
      tools: {
        package_id: "Tools",
        feed_id: "${octopusdeploy_nuget_feed.nuget.id}",
        acquisition_location: "ExecutionTarget",
        properties: { Extract: "True" },
      },
    });
    expect(written.execution_properties).toEqual({ "Octopus.Action.EnabledFeatures": "" });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes further actions as child steps of their step, and their order", async () => {
    const out = convert(
      deployment([
        step("Deploy", [
          action("Deploy"),
          action("Smoke test", { Condition: "Success" }),
          action("Notify", { IsDisabled: true }),
        ]),
      ]),
    );
    const parent = "${octopusdeploy_process_step.web_deployment_deploy.id}";
    expect(await out.resources("octopusdeploy_process_child_step")).toEqual({
      web_deployment_deploy_notify: {
        space_id: SPACE_ID,
        process_id: PROCESS,
        parent_id: parent,
        name: "Notify",
        type: "Octopus.Script",
        is_disabled: true,
        execution_properties: { "Octopus.Action.Script.ScriptBody": "echo Notify" },
      },
      web_deployment_deploy_smoke_test: {
        space_id: SPACE_ID,
        process_id: PROCESS,
        parent_id: parent,
        name: "Smoke test",
        condition: "Success",
        type: "Octopus.Script",
        execution_properties: { "Octopus.Action.Script.ScriptBody": "echo Smoke test" },
      },
    });
    expect(await out.resource("octopusdeploy_process_child_steps_order")).toEqual({
      space_id: SPACE_ID,
      process_id: PROCESS,
      parent_id: parent,
      children: [
        "${octopusdeploy_process_child_step.web_deployment_deploy_smoke_test.id}",
        "${octopusdeploy_process_child_step.web_deployment_deploy_notify.id}",
      ],
    });
    // A disabled child step is not warned of; a disabled step is.
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes steps that use a step template as templated steps, with the template's parameters", async () => {
    const out = convert(
      deployment([step("Notify", [uses("Notify", 2), uses("Again", 1)])], {
        ActionTemplates: [CHAT],
      }),
    );
    const template = {
      template_id: "${octopusdeploy_step_template.chat.id}",
      template_version: "${octopusdeploy_step_template.chat.version}",
    };
    expect(await out.resource("octopusdeploy_process_templated_step")).toEqual({
      space_id: SPACE_ID,
      process_id: PROCESS,
      name: "Notify",
      ...template,
      parameters: { Message: "hello from Notify" },
      // What the template does not give.
      execution_properties: { "Octopus.Action.RunOnServer": "true" },
    });
    expect(await out.resource("octopusdeploy_process_templated_child_step")).toEqual({
      space_id: SPACE_ID,
      process_id: PROCESS,
      parent_id: "${octopusdeploy_process_templated_step.web_deployment_notify.id}",
      name: "Again",
      ...template,
      parameters: { Message: "hello from Again" },
      execution_properties: { "Octopus.Action.RunOnServer": "true" },
    });
    expect(out.warnings).toEqual([
      'project "Web" child step "Again" of step "Notify" of deployment process uses version 1 of step template "Chat", not its latest (2); it gets the latest',
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a step that uses a community template with the installed template's ID and version", async () => {
    const out = convert(
      deployment([step("Notify", [uses("Notify", 2)])], {
        ActionTemplates: [{ ...CHAT, CommunityActionTemplateId: "CommunityActionTemplates-1" }],
      }),
    );
    expect(await out.resource("octopusdeploy_process_templated_step")).toMatchObject({
      template_id: "${octopusdeploy_community_step_template.chat.id}",
      template_version: "${octopusdeploy_community_step_template.chat.version}",
      parameters: { Message: "hello from Notify" },
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("with --detach-step-templates, writes a templated step as a step of its own, filled from the template", async () => {
    const out = convert(
      deployment(
        [
          step("Notify", [
            uses("Notify", 2, {
              Properties: {
                "Octopus.Action.Template.Id": "ActionTemplates-1",
                "Octopus.Action.Template.Version": "2",
              },
            }),
          ]),
        ],
        {
          ActionTemplates: [{ ...CHAT, Parameters: [{ Id: "p-1", Name: "Message", DefaultValue: "hi" }] }],
        },
      ),
      { detachStepTemplates: true },
    );
    expect(out.types).not.toContain("octopusdeploy_process_templated_step");
    expect(await out.resource("octopusdeploy_process_step")).toMatchObject({
      type: "Octopus.Script",
      // The template's default for the parameter the step leaves unset; not the template's script.
      execution_properties: { Message: "hi" },
    });
    expect(out.warnings).toEqual([
      'project "Web" step "Notify" of deployment process uses step template "Chat"; it is detached (--detach-step-templates) and becomes a step of its own',
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a runbook's process to runbooks.tf, with the runbook", async () => {
    const out = convert(
      withProject({
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
            Steps: [
              step("Restart", [action("Restart"), action("Check")]),
              step("Notify", [uses("Notify", 2), uses("Again", 2)]),
            ],
          },
        ],
        ActionTemplates: [CHAT],
      }),
    );
    expect(await out.resource("octopusdeploy_process", "web_restart")).toEqual({
      space_id: SPACE_ID,
      project_id: PROJECT_ID,
      runbook_id: "${octopusdeploy_runbook.web_restart.id}",
    });
    // Steps, child steps, templated ones and their orders, all in runbooks.tf.
    expect(
      out.manifest.resources.filter((r) => r.sourceType === "RunbookProcesses").map((r) => r.address),
    ).toEqual([
      "octopusdeploy_process.web_restart",
      "octopusdeploy_process_child_step.web_restart_restart_check",
      "octopusdeploy_process_child_steps_order.web_restart_notify",
      "octopusdeploy_process_child_steps_order.web_restart_restart",
      "octopusdeploy_process_step.web_restart_restart",
      "octopusdeploy_process_steps_order.web_restart",
      "octopusdeploy_process_templated_child_step.web_restart_notify_again",
      "octopusdeploy_process_templated_step.web_restart_notify",
    ]);
    expect(out.text("runbooks.tf")).toContain(
      'resource "octopusdeploy_process_templated_child_step" "web_restart_notify_again" {',
    );
    expect(out.files.has("process.tf")).toBe(false);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("warns of disabled steps, and skips steps of the new step framework with a warning", async () => {
    const out = convert(
      deployment([
        step("Old", [action("Old", { IsDisabled: true })]),
        step("New", [
          action("New", {
            ActionType: "Octopus.AzureAppService",
            StepPackageId: "azure-web-app",
            Inputs: {},
          }),
        ]),
        step("Mixed", [action("Mixed"), action("Inner", { StepPackageId: "aws-s3", Inputs: {} })]),
      ]),
    );
    expect(Object.keys(await out.resources("octopusdeploy_process_step")).sort()).toEqual([
      "web_deployment_mixed",
      "web_deployment_old",
    ]);
    expect(out.types).not.toContain("octopusdeploy_process_child_step");
    expect(out.warnings).toEqual([
      'project "Web" step "Inner" of deployment process uses the new step framework (aws-s3), which the provider cannot express; it is skipped (the snapshot path carries it)',
      'project "Web" step "New" of deployment process uses the new step framework (azure-web-app), which the provider cannot express; it is skipped (the snapshot path carries it)',
      'project "Web" step "Old" of deployment process is disabled; it is exported disabled',
    ]);
  });
});

describe("triggers", () => {
  const trigger = (
    filter: Record<string, unknown>,
    action: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) =>
    withProject({
      Channels: [{ Id: "Channels-2", Name: "Hotfix", ProjectId: "Projects-1" }],
      Runbooks: [{ Id: "Runbooks-1", Name: "Restart", ProjectId: "Projects-1" }],
      Tenants: [{ Id: "Tenants-1", Name: "Acme" }],
      ProjectTriggers: [
        {
          Id: "ProjectTriggers-1",
          Name: "Nightly",
          ProjectId: "Projects-1",
          Filter: filter,
          Action: action,
          ...extra,
        },
      ],
    });

  it("writes a deployment target trigger, and warns when it is disabled (it arrives enabled)", async () => {
    const out = convert(
      trigger(
        {
          FilterType: "MachineFilter",
          EnvironmentIds: ["Environments-1"],
          Roles: ["web", "api"],
          EventGroups: ["MachineAvailableForDeployment"],
        },
        { ActionType: "AutoDeploy", ShouldRedeployWhenMachineHasBeenDeployedTo: true },
        { IsDisabled: true },
      ),
    );
    expect(await out.resource("octopusdeploy_project_deployment_target_trigger")).toEqual({
      project_id: PROJECT_ID,
      name: "Nightly",
      should_redeploy: true,
      environment_ids: [TEST],
      roles: ["api", "web"],
      event_groups: ["MachineAvailableForDeployment"],
      event_categories: [],
    });
    expect(out.warnings).toEqual([
      'trigger "Nightly" of project "Web" is disabled; the provider\'s deployment target trigger cannot be disabled, so it arrives enabled',
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes an external feed trigger with its packages", async () => {
    const out = convert(
      trigger(
        {
          FilterType: "FeedFilter",
          Packages: [
            { DeploymentActionSlug: "deploy", PackageReference: "tools" },
            { DeploymentActionSlug: "deploy", PackageReference: "" },
          ],
        },
        { ActionType: "CreateRelease", ChannelId: "Channels-2" },
        { IsDisabled: false },
      ),
    );
    expect(await out.resource("octopusdeploy_external_feed_create_release_trigger")).toEqual({
      space_id: SPACE_ID,
      project_id: PROJECT_ID,
      name: "Nightly",
      channel_id: "${octopusdeploy_channel.web_hotfix.id}",
      is_disabled: false,
      package: [{ deployment_action_slug: "deploy", package_reference: "tools" }],
      primary_package: [{ deployment_action_slug: "deploy" }],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a git trigger with its sources, description and state", async () => {
    const out = convert(
      trigger(
        {
          FilterType: "GitFilter",
          Sources: [
            {
              DeploymentActionSlug: "deploy",
              GitDependencyName: "",
              IncludeFilePaths: ["src/**", "charts/*"],
              ExcludeFilePaths: [],
            },
          ],
        },
        { ActionType: "CreateRelease", ChannelId: "Channels-2" },
        { IsDisabled: true },
      ),
    );
    expect(await out.resource("octopusdeploy_git_trigger")).toEqual({
      space_id: SPACE_ID,
      project_id: PROJECT_ID,
      name: "Nightly",
      description: "",
      is_disabled: true,
      channel_id: "${octopusdeploy_channel.web_hotfix.id}",
      sources: [
        {
          deployment_action_slug: "deploy",
          git_dependency_name: "",
          include_file_paths: ["src/**", "charts/*"],
          exclude_file_paths: [],
        },
      ],
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  const scheduled = {
    space_id: SPACE_ID,
    project_id: PROJECT_ID,
    name: "Nightly",
  };

  it("writes a cron schedule that runs a runbook for tenants", async () => {
    const out = convert(
      trigger(
        { FilterType: "CronExpressionSchedule", CronExpression: "0 0 3 * * *", Timezone: "UTC" },
        {
          ActionType: "RunRunbook",
          RunbookId: "Runbooks-1",
          EnvironmentIds: ["Environments-2"],
          TenantIds: ["Tenants-1"],
        },
        { Description: "Keeps memory in check", IsDisabled: false },
      ),
    );
    expect(await out.resource("octopusdeploy_project_scheduled_trigger")).toEqual({
      ...scheduled,
      description: "Keeps memory in check",
      is_disabled: false,
      timezone: "UTC",
      tenant_ids: ["${octopusdeploy_tenant.acme.id}"],
      cron_expression_schedule: [{ cron_expression: "0 0 3 * * *" }],
      run_runbook_action: [
        { runbook_id: "${octopusdeploy_runbook.web_restart.id}", target_environment_ids: [PRODUCTION] },
      ],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a once-daily schedule that promotes the latest release, times without their offset", async () => {
    const out = convert(
      trigger(
        {
          FilterType: "OnceDailySchedule",
          StartTime: "2024-01-01T09:00:00+02:00",
          DaysOfWeek: ["Monday", "Friday"],
        },
        {
          ActionType: "DeployLatestRelease",
          SourceEnvironmentIds: ["Environments-1"],
          DestinationEnvironmentId: "Environments-2",
          ShouldRedeployWhenReleaseIsCurrent: false,
          ChannelId: "Channels-2",
        },
      ),
    );
    expect(await out.resource("octopusdeploy_project_scheduled_trigger")).toEqual({
      ...scheduled,
      channel_id: "${octopusdeploy_channel.web_hotfix.id}",
      tenant_ids: [],
      once_daily_schedule: [{ start_time: "2024-01-01T09:00:00", days_of_week: ["Monday", "Friday"] }],
      deploy_latest_release_action: [
        { source_environment_id: TEST, destination_environment_id: PRODUCTION, should_redeploy: false },
      ],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a continuous schedule that deploys a new release", async () => {
    const out = convert(
      trigger(
        {
          FilterType: "ContinuousDailySchedule",
          Interval: "OnceHourly",
          HourInterval: 2,
          RunAfter: "2024-01-01T08:00:00Z",
          RunUntil: "2024-01-01T18:00:00Z",
          DaysOfWeek: ["Monday"],
        },
        {
          ActionType: "DeployNewRelease",
          EnvironmentId: "Environments-1",
          VersionControlReference: { GitRef: "refs/heads/main" },
        },
      ),
    );
    expect(await out.resource("octopusdeploy_project_scheduled_trigger")).toMatchObject({
      continuous_daily_schedule: [
        {
          interval: "OnceHourly",
          hour_interval: 2,
          run_after: "2024-01-01T08:00:00",
          run_until: "2024-01-01T18:00:00",
          days_of_week: ["Monday"],
        },
      ],
      deploy_new_release_action: [{ destination_environment_id: TEST, git_reference: "refs/heads/main" }],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a days-per-month schedule", async () => {
    const out = convert(
      trigger(
        {
          FilterType: "DaysPerMonthSchedule",
          MonthlyScheduleType: "DayOfMonth",
          StartTime: "2024-01-01T02:00:00",
          DayNumberOfMonth: "1",
          DayOfWeek: "Sunday",
        },
        { ActionType: "DeployNewRelease", EnvironmentId: "Environments-1" },
      ),
    );
    expect((await out.resource("octopusdeploy_project_scheduled_trigger")).days_per_month_schedule).toEqual([
      {
        monthly_schedule_type: "DayOfMonth",
        start_time: "2024-01-01T02:00:00",
        day_number_of_month: "1",
        day_of_week: "Sunday",
      },
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("warns of schedules whose action it cannot write, and of trigger types it does not know", () => {
    const out = convert(
      withProject({
        ProjectTriggers: [
          {
            Id: "ProjectTriggers-1",
            Name: "Old",
            ProjectId: "Projects-1",
            Filter: { FilterType: "CronExpressionSchedule", CronExpression: "* * * * *" },
            Action: { ActionType: "Unknown" },
          },
          {
            Id: "ProjectTriggers-2",
            Name: "Future",
            ProjectId: "Projects-1",
            Filter: { FilterType: "SomeFutureFilter" },
            Action: { ActionType: "CreateRelease" },
          },
        ],
      }),
    );
    expect(out.manifest.resources.filter((r) => r.sourceType === "ProjectTriggers")).toEqual([]);
    expect(out.warnings).toEqual([
      'trigger "Future" of project "Web" triggers of type SomeFutureFilter are not exported yet; create it by hand',
      'trigger "Old" of project "Web" its action Unknown is not exported yet; create the trigger by hand',
    ]);
  });
});

itWritesEveryResourceType(projects);
