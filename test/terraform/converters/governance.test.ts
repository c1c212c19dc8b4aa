import { describe, expect, it } from "vitest";
import * as governance from "../../../src/terraform/converters/governance.js";
import { convert, type Documents, itWritesEveryResourceType } from "../../helpers/convert.js";

/** Deployment freezes (src/terraform/converters/governance.ts): a tiny space in, blocks out. */

const space = (freezes: Array<Record<string, unknown>>): Documents => ({
  Environments: [
    { Id: "Environments-1", Name: "Production" },
    { Id: "Environments-2", Name: "Staging" },
  ],
  Lifecycles: [{ Id: "Lifecycles-1", Name: "Default Lifecycle" }],
  ProjectGroups: [{ Id: "ProjectGroups-1", Name: "Default Project Group" }],
  Projects: [
    { Id: "Projects-1", Name: "Shop", LifecycleId: "Lifecycles-1", ProjectGroupId: "ProjectGroups-1" },
    { Id: "Projects-2", Name: "Billing", LifecycleId: "Lifecycles-1", ProjectGroupId: "ProjectGroups-1" },
  ],
  Tenants: [
    {
      Id: "Tenants-1",
      Name: "Acme",
      ProjectEnvironments: { "Projects-1": ["Environments-1"] },
    },
  ],
  DeploymentFreezes: freezes,
});

const yearEnd = {
  Id: "DeploymentFreezes-1",
  Name: "Year end",
  Start: "2031-12-23T14:00:00.000+00:00",
  End: "2031-12-26T14:00:00.000+00:00",
  ProjectEnvironmentScope: {
    "Projects-1": ["Environments-2", "Environments-1"],
    "Projects-2": ["Environments-1"],
  },
  TenantProjectEnvironmentScope: [
    { TenantId: "Tenants-1", ProjectId: "Projects-1", EnvironmentId: "Environments-1" },
  ],
  RecurringSchedule: null,
};

describe("deployment freezes", () => {
  it("writes a server-level freeze, one project scope per project and its tenant scopes, one after another", async () => {
    const out = convert(space([yearEnd]));
    expect(await out.resource("octopusdeploy_deployment_freeze")).toEqual({
      name: "Year end",
      start: "2031-12-23T14:00:00.000+00:00",
      end: "2031-12-26T14:00:00.000+00:00",
    });
    const freezeId = "${octopusdeploy_deployment_freeze.year_end.id}";
    // Each scope replaces the whole freeze on the server, so each waits for the one before.
    expect(await out.resources("octopusdeploy_deployment_freeze_project")).toEqual({
      year_end_billing: {
        deploymentfreeze_id: freezeId,
        project_id: "${octopusdeploy_project.billing.id}",
        environment_ids: ["${octopusdeploy_environment.production.id}"],
      },
      year_end_shop: {
        deploymentfreeze_id: freezeId,
        project_id: "${octopusdeploy_project.shop.id}",
        environment_ids: [
          "${octopusdeploy_environment.production.id}",
          "${octopusdeploy_environment.staging.id}",
        ],
        depends_on: ["${octopusdeploy_deployment_freeze_project.year_end_billing}"],
      },
    });
    expect(await out.resources("octopusdeploy_deployment_freeze_tenant")).toEqual({
      year_end_acme_shop_production: {
        deploymentfreeze_id: freezeId,
        tenant_id: "${octopusdeploy_tenant.acme.id}",
        project_id: "${octopusdeploy_project.shop.id}",
        environment_id: "${octopusdeploy_environment.production.id}",
        depends_on: [
          "${octopusdeploy_deployment_freeze_project.year_end_shop}",
          "${octopusdeploy_tenant_project.shop_acme}",
        ],
      },
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a project's own freeze with its recurrence into the project's module", async () => {
    const out = convert(
      space([
        {
          Id: "DeploymentFreezes-2",
          Name: "Release train",
          OwnerId: "Projects-1",
          Start: "2031-01-06T22:00:00.000+00:00",
          End: "2031-01-07T06:00:00.000+00:00",
          ProjectEnvironmentScope: { "Projects-1": ["Environments-1"] },
          TenantProjectEnvironmentScope: [],
          RecurringSchedule: {
            Type: "Weekly",
            Unit: 1,
            DaysOfWeek: ["Monday", "Thursday"],
            EndType: "AfterOccurrences",
            EndAfterOccurrences: 10,
            EndOnDate: null,
            MonthlyScheduleType: null,
            UserUtcOffsetInMinutes: 60,
          },
        },
      ]),
      { layout: "modules" },
    );
    expect(out.text("projects/shop/module/deployment_freezes.tf")).toContain(
      'resource "octopusdeploy_project_deployment_freeze" "release_train"',
    );
    expect(await out.resource("octopusdeploy_project_deployment_freeze")).toEqual({
      owner_id: "${octopusdeploy_project.shop.id}",
      name: "Release train",
      start: "2031-01-06T22:00:00.000+00:00",
      end: "2031-01-07T06:00:00.000+00:00",
      environment_ids: ["${local.environment_production_id}"],
      recurring_schedule: {
        type: "Weekly",
        unit: 1,
        end_type: "AfterOccurrences",
        days_of_week: ["Monday", "Thursday"],
        end_after_occurrences: 10,
        utc_offset_in_minutes: 60,
      },
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("puts server-level freezes in a module applied after the projects they scope", async () => {
    const out = convert(space([yearEnd]), { layout: "modules" });
    const modules = out.manifest.modules.map((m) => m.path);
    expect(modules).toEqual(["space", "projects/billing", "projects/shop", "deployment-freezes"]);
    expect(out.manifest.modules.find((m) => m.path === "deployment-freezes")?.dependsOn).toEqual([
      "projects/billing",
      "projects/shop",
      "space",
    ]);
    expect(out.text("deployment-freezes/module/deployment_freezes.tf")).toContain(
      'resource "octopusdeploy_deployment_freeze_tenant"',
    );
  });

  it("writes a recurring server-level freeze's first window, leaves its schedule alone and says so", async () => {
    const out = convert(
      space([
        {
          ...yearEnd,
          ProjectEnvironmentScope: {},
          TenantProjectEnvironmentScope: [],
          RecurringSchedule: { Type: "Annually", Unit: 1, EndType: "Never" },
        },
      ]),
    );
    expect(await out.resource("octopusdeploy_deployment_freeze")).toEqual({
      name: "Year end",
      start: "2031-12-23T14:00:00.000+00:00",
      end: "2031-12-26T14:00:00.000+00:00",
      lifecycle: [{ ignore_changes: ["${recurring_schedule}"] }],
    });
    expect(out.warnings).toEqual([expect.stringMatching(/Year end.*repeats on a schedule.*by hand/)]);
  });
});

describe("a space's default retention policies", () => {
  it("writes each kind as the setting it is: a count with its unit, or forever", async () => {
    const out = convert({
      RetentionPolicies: [
        {
          Id: "RetentionPolicies-1",
          Name: "Default Lifecycle Release Retention Policy",
          RetentionType: "LifecycleRelease",
          Strategy: "Count",
          QuantityToKeep: 12,
          Unit: "Items",
        },
        {
          Id: "RetentionPolicies-2",
          Name: "Default Lifecycle Tentacle Retention Policy",
          RetentionType: "LifecycleTentacle",
          Strategy: "Forever",
          QuantityToKeep: 0,
          Unit: null,
        },
        {
          Id: "RetentionPolicies-3",
          Name: "Default Runbook Retention Policy",
          RetentionType: "RunbookRetention",
          Strategy: "Count",
          QuantityToKeep: 100,
          Unit: "Items",
        },
      ],
    });
    expect(await out.resource("octopusdeploy_space_default_lifecycle_release_retention_policy")).toEqual({
      space_id: "${var.octopus_space_id}",
      strategy: "Count",
      quantity_to_keep: 12,
      unit: "Items",
    });
    expect(await out.resources("octopusdeploy_space_default_lifecycle_tentacle_retention_policy")).toEqual({
      lifecycle_tentacle: { space_id: "${var.octopus_space_id}", strategy: "Forever" },
    });
    expect(await out.resources("octopusdeploy_space_default_runbook_retention_policy")).toEqual({
      runbook_retention: {
        space_id: "${var.octopus_space_id}",
        strategy: "Count",
        quantity_to_keep: 100,
        unit: "Items",
      },
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("says so when a kind is new to octoport", () => {
    const out = convert({
      RetentionPolicies: [
        { Id: "RetentionPolicies-9", Name: "Future", RetentionType: "Artifacts", Strategy: "Forever" },
      ],
    });
    expect(out.types).toEqual([]);
    expect(out.warnings).toEqual([expect.stringMatching(/Future.*Artifacts.*not carried/)]);
  });
});

/** Teams, user roles, scoped user roles and subscriptions of a tiny space. */
const governed = (extra: Documents = {}): Documents => ({
  Environments: [
    { Id: "Environments-1", Name: "Production" },
    { Id: "Environments-2", Name: "Staging" },
  ],
  Lifecycles: [{ Id: "Lifecycles-1", Name: "Default Lifecycle" }],
  ProjectGroups: [{ Id: "ProjectGroups-1", Name: "Default Project Group" }],
  Projects: [
    { Id: "Projects-1", Name: "Shop", LifecycleId: "Lifecycles-1", ProjectGroupId: "ProjectGroups-1" },
  ],
  TagSets: [
    { Id: "TagSets-1", Name: "Tier", Tags: [{ Id: "Tags-1", Name: "Gold", CanonicalTagName: "Tier/Gold" }] },
  ],
  Users: [
    { Id: "Users-2", Username: "ada" },
    { Id: "Users-3", Username: "Grace" },
  ],
  UserRoles: [
    {
      Id: "userroles-projectviewer",
      Name: "Project Viewer",
      CanBeDeleted: false,
      GrantedSpacePermissions: ["ProjectView"],
    },
    {
      Id: "UserRoles-1",
      Name: "Release Approver",
      Description: "Approves releases",
      CanBeDeleted: true,
      GrantedSpacePermissions: ["ReleaseView", "InterruptionSubmit", "EnvironmentView"],
      GrantedSystemPermissions: [],
      SupportedRestrictions: [],
    },
  ],
  Teams: [
    {
      Id: "teams-everyone",
      Name: "Everyone",
      SpaceId: null,
      CanBeDeleted: false,
      MemberUserIds: [],
    },
    {
      Id: "teams-spacemanagers-Spaces-1",
      Name: "Space Managers",
      SpaceId: "Spaces-1",
      CanBeDeleted: false,
      MemberUserIds: ["Users-2"],
    },
    {
      Id: "Teams-1",
      Name: "Approvers",
      Description: "People who approve",
      SpaceId: "Spaces-1",
      CanBeDeleted: true,
      MemberUserIds: ["Users-3", "Users-2"],
      ExternalSecurityGroups: [],
    },
  ],
  ScopedUserRoles: [
    {
      Id: "scopeduserroles-spacemanagers-Spaces-1",
      TeamId: "teams-spacemanagers-Spaces-1",
      UserRoleId: "userroles-spacemanager",
      SpaceId: "Spaces-1",
    },
    {
      Id: "ScopedUserRoles-1",
      TeamId: "Teams-1",
      UserRoleId: "UserRoles-1",
      SpaceId: "Spaces-1",
      EnvironmentIds: ["Environments-2", "Environments-1"],
      ProjectIds: ["Projects-1"],
      ProjectGroupIds: [],
      TenantIds: [],
    },
    {
      Id: "ScopedUserRoles-2",
      TeamId: "Teams-1",
      UserRoleId: "userroles-projectviewer",
      SpaceId: "Spaces-1",
      EnvironmentIds: [],
      ProjectIds: [],
      ProjectGroupIds: ["ProjectGroups-1"],
      TenantIds: [],
    },
    {
      Id: "ScopedUserRoles-3",
      TeamId: "teams-everyone",
      UserRoleId: "userroles-projectviewer",
      SpaceId: "Spaces-1",
      EnvironmentIds: [],
      ProjectIds: [],
      ProjectGroupIds: [],
      TenantIds: [],
    },
  ],
  ...extra,
});

const subscription = {
  Id: "Subscriptions-1",
  Name: "Production failures",
  Type: "Event",
  IsDisabled: false,
  EventNotificationSubscription: {
    EmailFrequencyPeriod: "01:00:00",
    EmailPriority: "High",
    EmailShowDatesInTimeZoneId: "UTC",
    EmailTeams: ["Teams-1"],
    WebhookURI: "https://hooks.example.com/octopus",
    WebhookHeaderKey: "X-Token",
    WebhookHeaderValue: null,
    WebhookTeams: [],
    WebhookTimeout: "00:00:10",
    Filter: {
      DocumentTypes: [],
      EventAgents: [],
      EventCategories: ["DeploymentFailed"],
      EventGroups: [],
      Environments: ["Environments-1"],
      ProjectGroups: [],
      Projects: ["Projects-1"],
      Tags: ["Tier/Gold"],
      Tenants: [],
      Users: [],
    },
  },
};

describe("teams, user roles and scoped user roles (--include-teams)", () => {
  it("writes custom roles and teams; built-in roles and teams are looked up; members by username", async () => {
    const out = convert(governed(), { includeTeams: true });
    expect(await out.resources("octopusdeploy_user_role")).toEqual({
      release_approver: {
        name: "Release Approver",
        description: "Approves releases",
        granted_space_permissions: ["EnvironmentView", "InterruptionSubmit", "ReleaseView"],
      },
    });
    const members =
      '${toset(flatten([[for u in data.octopusdeploy_users.ada.users : u.id if lower(u.username) == "ada"], [for u in data.octopusdeploy_users.grace.users : u.id if lower(u.username) == "grace"]]))}';
    expect(await out.resources("octopusdeploy_team")).toEqual({
      approvers: {
        name: "Approvers",
        description: "People who approve",
        space_id: "${var.octopus_space_id}",
        users: members,
        // Its roles are its own blocks: provider v1.17.0 deletes a team's other roles when it
        // updates the team.
        user_role: [
          {
            space_id: "${var.octopus_space_id}",
            user_role_id: "${local.user_role_project_viewer_id}",
            project_group_ids: ["${local.project_group_default_project_group_id}"],
          },
          {
            space_id: "${var.octopus_space_id}",
            user_role_id: "${octopusdeploy_user_role.release_approver.id}",
            environment_ids: [
              "${octopusdeploy_environment.production.id}",
              "${octopusdeploy_environment.staging.id}",
            ],
            project_ids: ["${octopusdeploy_project.shop.id}"],
          },
        ],
      },
    });
    expect(Object.keys(await out.data("octopusdeploy_users")).sort()).toEqual(["ada", "grace"]);
    expect((await out.data("octopusdeploy_users")).grace).toMatchObject({ filter: "Grace" });
    // Built-in teams and roles are found on the destination by name.
    const teams = await out.data("octopusdeploy_teams");
    expect(Object.values(teams).map((t) => t.partial_name)).toEqual(["Everyone"]);
    expect(Object.values(teams)[0]).toMatchObject({
      spaces: ["${var.octopus_space_id}"],
      include_system: true,
    });
    expect(Object.values(await out.data("octopusdeploy_user_roles")).map((r) => r.partial_name)).toEqual([
      "Project Viewer",
    ]);
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a looked-up team's role as a scoped user role, with references, never IDs", async () => {
    const out = convert(governed(), { includeTeams: true });
    const roles = await out.resources("octopusdeploy_scoped_user_role");
    expect(Object.keys(roles)).toEqual(["everyone_project_viewer"]);
    expect(roles.everyone_project_viewer).toEqual({
      space_id: "${var.octopus_space_id}",
      team_id: "${local.team_everyone_id}",
      user_role_id: "${local.user_role_project_viewer_id}",
    });
    // The Space Managers' own role comes with the destination space.
    expect(out.text("teams.tf")).not.toContain("space_managers");
    expect(out.text("teams.tf")).not.toContain("Space Manager");
  });

  it("warns, through a check block, about each member the destination lacks", () => {
    const text = convert(governed(), { includeTeams: true }).text("teams.tf");
    expect(text).toMatch(/check "approvers_members" \{/);
    expect(text.match(/assert \{/g)).toHaveLength(2);
    expect(text).toContain('User \\"Grace\\", a member of team \\"Approvers\\" on the source');
  });

  it("puts teams and their roles in teams/, after the projects, and user roles in the space module", () => {
    const out = convert(governed(), { includeTeams: true, layout: "modules" });
    expect(out.manifest.modules.map((m) => m.path)).toEqual(["space", "projects/shop", "teams"]);
    expect(out.text("space/module/user_roles.tf")).toContain('resource "octopusdeploy_user_role"');
    expect(out.text("teams/module/teams.tf")).toContain('resource "octopusdeploy_scoped_user_role"');
    expect(out.text("teams/module/teams.tf")).toContain("user_role {");
  });

  it("writes none of them without --include-teams, and --exclude-teams leaves a team and its roles out", async () => {
    expect(convert(governed()).types).toEqual([
      "octopusdeploy_environment",
      "octopusdeploy_project",
      "octopusdeploy_tag",
      "octopusdeploy_tag_set",
    ]);
    const out = convert(governed(), {
      includeTeams: true,
      filters: new Map([["teams", { names: ["Approvers"], regexes: [], except: undefined, all: false }]]),
    });
    expect(Object.keys(await out.resources("octopusdeploy_scoped_user_role"))).toEqual([
      "everyone_project_viewer",
    ]);
    expect(await out.resources("octopusdeploy_team")).toEqual({});
    expect(out.text("teams.tf")).not.toContain("release_approver");
  });
});

describe("subscriptions", () => {
  it("writes the notification, its filter as references and tags, and the header value as an input", async () => {
    const out = convert(governed({ Subscriptions: [subscription] }), { includeTeams: true });
    const s = await out.resource("octopusdeploy_subscription");
    expect(s).toEqual({
      space_id: "${var.octopus_space_id}",
      name: "Production failures",
      event_notification_subscription: {
        email_frequency_period: "01:00:00",
        email_priority: "High",
        email_show_dates_in_timezone_id: "UTC",
        email_teams: ["${octopusdeploy_team.approvers.id}"],
        filter: {
          environments: ["${octopusdeploy_environment.production.id}"],
          event_categories: ["DeploymentFailed"],
          projects: ["${octopusdeploy_project.shop.id}"],
          tags: ["${octopusdeploy_tag.tier_gold.canonical_tag_name}"],
        },
        webhook_header_key: "X-Token",
        webhook_header_value: expect.stringMatching(
          /^\$\{var\.subscription_production_failures_webhook_header_value\}$/,
        ),
        webhook_timeout: "00:00:10",
        webhook_uri: "https://hooks.example.com/octopus",
      },
    });
    expect(out.secrets.map((x) => x.path)).toEqual(["EventNotificationSubscription.WebhookHeaderValue"]);
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("is written by default, in subscriptions/ after the teams, looking teams up without --include-teams", () => {
    const out = convert(governed({ Subscriptions: [subscription] }), { layout: "modules" });
    expect(out.manifest.modules.map((m) => m.path)).toEqual(["space", "projects/shop", "subscriptions"]);
    expect(out.text("subscriptions/module/lookups.tf")).toContain('data "octopusdeploy_teams"');
    expect(out.types).toContain("octopusdeploy_subscription");
    expect(out.types).not.toContain("octopusdeploy_team");
  });
});

itWritesEveryResourceType(governance);
