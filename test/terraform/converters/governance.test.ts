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

itWritesEveryResourceType(governance);
