import type { Sandbox } from "../../src/sandbox/server.js";
import { DUMMY_CERTIFICATE, DUMMY_CERTIFICATE_PASSWORD } from "../../src/terraform/dummies.js";
import { type Doc, RestSpace, serverCall } from "./rest.js";

/**
 * Test-only: spaces built through the REST API for what the exactness tests need, and the
 * decoys that make a destination's IDs differ from the source's.
 */

const secret = (value: string) => ({ HasValue: true, NewValue: value });

/** Defaults every space has, by name. */
async function defaults(space: RestSpace) {
  return {
    lifecycle: await space.named("lifecycles", "Default Lifecycle"),
    group: await space.named("projectgroups", "Default Project Group"),
  };
}

/**
 * Documents in another space of the same server, so that the IDs the next space's documents
 * get are not the ones they had in the source (IDs are unique across a server's spaces).
 */
export async function decoys(sandbox: Sandbox): Promise<void> {
  const other = await RestSpace.create(sandbox, "Decoys");
  for (const name of ["Decoy A", "Decoy B", "Decoy C"]) {
    await other.post("environments", { Name: name });
    await other.post("certificates", {
      Name: name,
      CertificateData: secret(DUMMY_CERTIFICATE),
      Password: secret(DUMMY_CERTIFICATE_PASSWORD),
    });
    await other.post("accounts", {
      Name: name,
      AccountType: "AmazonWebServicesAccount",
      AccessKey: "AKIADECOY",
      SecretKey: secret("decoy-secret"),
    });
    await other.post("workerpools", { Name: name, WorkerPoolType: "StaticWorkerPool" });
    await other.post("feeds", { Name: name, FeedType: "Helm", FeedUri: "https://decoy.example/charts" });
    await other.post("tenants", { Name: name });
  }
  const { lifecycle, group } = await defaults(other);
  await other.post("projects", { Name: "Decoy", LifecycleId: lifecycle.Id, ProjectGroupId: group.Id });
}

/** What `hiddenReferences` made, by what the tests ask about. */
export interface HiddenReferences {
  space: RestSpace;
  certificate: Doc;
  account: Doc;
  pool: Doc;
  helm: Doc;
  library: Doc;
  project: Doc;
  tenant: Doc;
}

/**
 * A space whose documents hold IDs inside values: a certificate used only as a library set
 * template's default and a tenant's value of it; an account as a project template's default, a
 * tenant's value of it and a typed variable's value; a worker pool as a typed variable's value;
 * a Helm step whose feed is a variable expression; a step property naming a feed that no longer
 * exists; a variable scoped to a runbook that no longer exists.
 */
export async function hiddenReferences(
  sandbox: Sandbox,
  name = "Hidden References",
): Promise<HiddenReferences> {
  const space = await RestSpace.create(sandbox, name);
  const { lifecycle, group } = await defaults(space);
  const dev = await space.post("environments", { Name: "Development" });
  const prod = await space.post("environments", { Name: "Production" });
  const certificate = await space.post("certificates", {
    Name: "Signing",
    CertificateData: secret(DUMMY_CERTIFICATE),
    Password: secret(DUMMY_CERTIFICATE_PASSWORD),
  });
  const account = await space.post("accounts", {
    Name: "AWS deploy",
    AccountType: "AmazonWebServicesAccount",
    AccessKey: "AKIAEXAMPLE",
    SecretKey: secret("aws-secret-key"),
  });
  const pool = await space.post("workerpools", { Name: "Builders", WorkerPoolType: "StaticWorkerPool" });
  const helm = await space.post("feeds", {
    Name: "Charts",
    FeedType: "Helm",
    FeedUri: "https://charts.example",
  });

  const library = await space.post("libraryvariablesets", { Name: "Shared", ContentType: "Variables" });
  const signingTemplate = {
    Id: "0a000000-0000-4000-8000-00000000000a",
    Name: "Signing certificate",
    Label: "Signing certificate",
    DefaultValue: certificate.Id,
    DisplaySettings: { "Octopus.ControlType": "Certificate" },
  };
  await space.update(`libraryvariablesets/${library.Id}`, (d) => {
    d.Templates = [signingTemplate];
  });
  await space.update(`variables/${String(library.VariableSetId)}`, (d) => {
    d.Variables = [{ Name: "Shared.Certificate", Type: "Certificate", Value: certificate.Id, Scope: {} }];
  });

  const accountTemplate = {
    Id: "0b000000-0000-4000-8000-00000000000b",
    Name: "Deploy account",
    Label: "Deploy account",
    DefaultValue: account.Id,
    DisplaySettings: { "Octopus.ControlType": "AmazonWebServicesAccount" },
  };
  const project = await space.post("projects", {
    Name: "Web",
    LifecycleId: lifecycle.Id,
    ProjectGroupId: group.Id,
    IncludedLibraryVariableSetIds: [library.Id],
    TenantedDeploymentMode: "TenantedOrUntenanted",
  });
  await space.update(`projects/${project.Id}`, (d) => {
    d.Templates = [accountTemplate];
  });
  await space.update(`deploymentprocesses/${String(project.DeploymentProcessId)}`, (d) => {
    d.Steps = [
      {
        Name: "Upgrade chart",
        Condition: "Success",
        StartTrigger: "StartAfterPrevious",
        PackageRequirement: "LetOctopusDecide",
        Properties: { "Octopus.Action.TargetRoles": "k8s" },
        Actions: [
          {
            Name: "Upgrade chart",
            ActionType: "Octopus.HelmChartUpgrade",
            Properties: {
              "Octopus.Action.Helm.ReleaseName": "web",
              "Octopus.Action.Package.PackageId": "web-chart",
              "Octopus.Action.Package.FeedId": "#{HelmFeed}",
              "Octopus.Action.Package.DownloadOnTentacle": "False",
            },
            Packages: [
              {
                PackageId: "web-chart",
                FeedId: "#{HelmFeed}",
                AcquisitionLocation: "Server",
                Properties: {},
              },
            ],
          },
        ],
      },
      {
        Name: "Publish",
        Condition: "Success",
        StartTrigger: "StartAfterPrevious",
        PackageRequirement: "LetOctopusDecide",
        Properties: { "Octopus.Action.TargetRoles": "web" },
        Actions: [
          {
            Name: "Publish",
            ActionType: "Octopus.AwsRunScript",
            Properties: {
              "Octopus.Action.Script.ScriptSource": "Inline",
              "Octopus.Action.Script.Syntax": "Bash",
              "Octopus.Action.Script.ScriptBody": "echo publish",
              "Octopus.Action.AwsAccount.UseInstanceRole": "False",
              "Octopus.Action.AwsAccount.Variable": account.Id,
              "Octopus.Action.Aws.Region": "eu-west-1",
              // A feed deleted since: its ID names nothing.
              "Octopus.Action.Package.FeedId": "Feeds-9999",
            },
            WorkerPoolId: pool.Id,
          },
        ],
      },
    ];
  });
  const runbook = await space.post("runbooks", { Name: "Rotate", ProjectId: project.Id });
  await space.update(`variables/${String(project.VariableSetId)}`, (d) => {
    d.Variables = [
      { Name: "Aws", Type: "AmazonWebServicesAccount", Value: account.Id, Scope: { Environment: [prod.Id] } },
      { Name: "Pool", Type: "WorkerPool", Value: pool.Id, Scope: {} },
      { Name: "HelmFeed", Type: "String", Value: helm.Id, Scope: {} },
      // Scoped to a runbook deleted since, and to an environment that still exists.
      { Name: "Gone", Type: "String", Value: "x", Scope: { ProcessOwner: ["Runbooks-9999", runbook.Id] } },
    ];
  });

  const tenant = await space.post("tenants", {
    Name: "Acme",
    ProjectEnvironments: { [project.Id]: [dev.Id, prod.Id] },
  });
  await space.update(`tenants/${tenant.Id}/variables`, (d) => {
    const lib = (d.LibraryVariables as Record<string, { Variables: Record<string, unknown> }>)[library.Id]!;
    lib.Variables[signingTemplate.Id] = certificate.Id;
    const proj = (
      d.ProjectVariables as Record<string, { Variables: Record<string, Record<string, unknown>> }>
    )[project.Id]!;
    proj.Variables[prod.Id] = { [accountTemplate.Id]: account.Id };
  });
  return { space, certificate, account, pool, helm, library, project, tenant };
}

/**
 * A project that creates its own releases: versions from a step's package (DonorPackage),
 * automatic release creation from the built-in feed into a channel (AutoCreateRelease with
 * ReleaseCreationStrategy; the server fills the step's ID), and two git triggers, one of
 * them disabled. Built through the API, as a user of the server would: in a new space "Release
 * Creation", or `into` an existing one; the project is "Web" unless named.
 */
export async function releaseCreation(
  sandbox: Sandbox,
  into?: string,
  projectName = "Web",
): Promise<RestSpace> {
  const space = into
    ? RestSpace.existing(sandbox, into)
    : await RestSpace.create(sandbox, "Release Creation");
  const { lifecycle, group } = await defaults(space);
  const builtIn = (await space.list("feeds")).find((f) => f.FeedType === "BuiltIn")!;
  const project = await space.post("projects", {
    Name: projectName,
    LifecycleId: lifecycle.Id,
    ProjectGroupId: group.Id,
  });
  const hotfix = await space.post("channels", { Name: "Hotfix", ProjectId: project.Id });
  await space.update(`deploymentprocesses/${String(project.DeploymentProcessId)}`, (d) => {
    d.Steps = [
      {
        Name: "Deploy web",
        Condition: "Success",
        StartTrigger: "StartAfterPrevious",
        PackageRequirement: "LetOctopusDecide",
        Properties: { "Octopus.Action.TargetRoles": "web" },
        Actions: [
          {
            Name: "Deploy web",
            ActionType: "Octopus.TentaclePackage",
            Properties: {
              "Octopus.Action.Package.PackageId": "web",
              "Octopus.Action.Package.FeedId": builtIn.Id,
              "Octopus.Action.Package.DownloadOnTentacle": "False",
            },
            Packages: [
              {
                Name: "",
                PackageId: "web",
                FeedId: builtIn.Id,
                AcquisitionLocation: "Server",
                Properties: {},
              },
            ],
          },
        ],
      },
      {
        Name: "Run migrations",
        Condition: "Success",
        StartTrigger: "StartAfterPrevious",
        PackageRequirement: "LetOctopusDecide",
        Properties: {},
        Actions: [
          {
            Name: "Run migrations",
            ActionType: "Octopus.Script",
            Properties: {
              "Octopus.Action.RunOnServer": "true",
              "Octopus.Action.Script.ScriptSource": "Inline",
              "Octopus.Action.Script.Syntax": "Bash",
              "Octopus.Action.Script.ScriptBody": "echo migrating",
            },
            Packages: [
              {
                Name: "tools",
                PackageId: "db-tools",
                FeedId: builtIn.Id,
                AcquisitionLocation: "Server",
                Properties: {},
              },
            ],
          },
        ],
      },
    ];
  });
  await space.update(`projects/${project.Id}`, (d) => {
    d.VersioningStrategy = {
      Template: null,
      DonorPackage: { DeploymentAction: "Deploy web", PackageReference: "" },
      DonorPackageStepId: null,
    };
    d.AutoCreateRelease = true;
    d.ReleaseCreationStrategy = {
      ChannelId: hotfix.Id,
      ReleaseCreationPackage: { DeploymentAction: "Run migrations", PackageReference: "tools" },
    };
  });
  const trigger = (triggerName: string, extra: Record<string, unknown>) =>
    space.post("projecttriggers", {
      Name: triggerName,
      ProjectId: project.Id,
      Action: { ActionType: "CreateRelease", ChannelId: hotfix.Id },
      ...extra,
    });
  await trigger("On commit", {
    Description: "Releases when the migrations change",
    Filter: {
      FilterType: "GitFilter",
      Sources: [
        {
          DeploymentActionSlug: "run-migrations",
          GitDependencyName: "",
          IncludeFilePaths: ["db/**", "migrations/*.sql"],
          ExcludeFilePaths: ["db/README.md"],
        },
      ],
    },
  });
  await trigger("Paused", {
    IsDisabled: true,
    Filter: { FilterType: "GitFilter", Sources: [{ DeploymentActionSlug: "deploy-web" }] },
  });
  return space;
}

/**
 * A Config-as-Code project built as a user would: a database project with a process,
 * non-sensitive and sensitive variables (one scoped to an environment) and settings, converted
 * to version control, then changed on its branch (a variable added, the release notes template
 * and guided failure mode changed) so that the branch differs from what the database held.
 * Returns the project.
 */
export async function configAsCode(
  sandbox: Sandbox,
  into?: string,
): Promise<{ space: RestSpace; project: Doc }> {
  const space = into ? RestSpace.existing(sandbox, into) : await RestSpace.create(sandbox, "Config as Code");
  const { lifecycle, group } = await defaults(space);
  const production = await space.post("environments", { Name: "Production" });
  const project = await space.post("projects", {
    Name: "Git App",
    LifecycleId: lifecycle.Id,
    ProjectGroupId: group.Id,
  });
  await space.update(`deploymentprocesses/${String(project.DeploymentProcessId)}`, (d) => {
    d.Steps = [
      {
        Name: "Say hello",
        Condition: "Success",
        StartTrigger: "StartAfterPrevious",
        PackageRequirement: "LetOctopusDecide",
        Actions: [
          {
            Name: "Say hello",
            ActionType: "Octopus.Script",
            Properties: {
              "Octopus.Action.RunOnServer": "true",
              "Octopus.Action.Script.ScriptSource": "Inline",
              "Octopus.Action.Script.Syntax": "Bash",
              "Octopus.Action.Script.ScriptBody": "echo #{Greeting}",
            },
          },
        ],
      },
    ];
  });
  await space.update(`variables/${String(project.VariableSetId)}`, (d) => {
    d.Variables = [
      { Name: "Greeting", Value: "hello", Type: "String", Scope: {} },
      {
        Name: "Greeting",
        Value: "hello, production",
        Type: "String",
        Scope: { Environment: [production.Id] },
      },
      {
        Name: "Api.Key",
        Value: "api-key-from-the-database",
        Type: "Sensitive",
        IsSensitive: true,
        Scope: {},
      },
    ];
  });
  await space.update(`projects/${project.Id}/deploymentsettings`, (d) => {
    d.ReleaseNotesTemplate = "notes held in the database";
  });
  await space.post(`projects/${project.Id}/git/convert`, {
    CommitMessage: "Converting project to use VCS",
    VersionControlSettings: {
      Type: "VersionControlled",
      Url: "https://github.com/acme/git-app.git",
      BasePath: ".octopus/git-app",
      DefaultBranch: "main",
      ProtectedDefaultBranch: false,
      ProtectedBranchNamePatterns: [],
      Credentials: { Type: "Anonymous" },
    },
  });
  // Changes made on the branch after the conversion: only the branch has them.
  await space.update(`projects/${project.Id}/main/variables`, (d) => {
    (d.Variables as unknown[]).push({
      Name: "Added.On.Branch",
      Value: "from git",
      Type: "String",
      Scope: {},
    });
  });
  await space.update(`projects/${project.Id}/main/deploymentsettings`, (d) => {
    d.ReleaseNotesTemplate = "notes held on the branch";
    d.DefaultGuidedFailureMode = "On";
  });
  return { space, project: await space.get(`projects/${project.Id}`) };
}

/** Template IDs of the "Mail" library set `scopedTenantValues` makes. */
export const MAIL_HOST = "0c000000-0000-4000-8000-00000000000c";
export const MAIL_PASSWORD = "0d000000-0000-4000-8000-00000000000d";

/**
 * A tenant's common variables scoped to environments (Octopus 2025.2), set through the newer
 * endpoint (/tenants/{id}/commonvariables): library set "Mail" with a text and a sensitive
 * template, project "Web" (tenanted) including it, tenant "Acme" connected to Production,
 * Staging and Test, and four values: the host unscoped and for Staging+Test, the password for
 * Production and for Staging. In a new space `name`, or `into` an existing one.
 */
export async function scopedTenantValues(
  sandbox: Sandbox,
  name = "Scopes",
  into?: string,
): Promise<RestSpace> {
  const space = into ? RestSpace.existing(sandbox, into) : await RestSpace.create(sandbox, name);
  const { lifecycle, group } = await defaults(space);
  const env = async (Name: string) =>
    (await space.list("environments")).find((e) => e.Name === Name) ?? space.post("environments", { Name });
  const production = await env("Production");
  const staging = await env("Staging");
  const test = await env("Test");
  const library = await space.post("libraryvariablesets", { Name: "Mail", ContentType: "Variables" });
  await space.update(`libraryvariablesets/${library.Id}`, (d) => {
    d.Templates = [
      {
        Id: MAIL_HOST,
        Name: "Smtp.Host",
        Label: "SMTP host",
        DisplaySettings: { "Octopus.ControlType": "SingleLineText" },
      },
      {
        Id: MAIL_PASSWORD,
        Name: "Smtp.Password",
        Label: "SMTP password",
        DisplaySettings: { "Octopus.ControlType": "Sensitive" },
      },
    ];
  });
  const project = await space.post("projects", {
    Name: "Web",
    LifecycleId: lifecycle.Id,
    ProjectGroupId: group.Id,
    IncludedLibraryVariableSetIds: [library.Id],
    TenantedDeploymentMode: "Tenanted",
  });
  const tenant = await space.post("tenants", {
    Name: "Acme",
    ProjectEnvironments: { [project.Id]: [production.Id, staging.Id, test.Id] },
  });
  const variable = (TemplateId: string, Value: unknown, EnvironmentIds: string[]): Doc =>
    ({ LibraryVariableSetId: library.Id, TemplateId, Value, Scope: { EnvironmentIds } }) as unknown as Doc;
  await space.put(`tenants/${tenant.Id}/commonvariables`, {
    TenantId: tenant.Id,
    Variables: [
      variable(MAIL_HOST, "smtp.example.com", []),
      variable(MAIL_HOST, "smtp.test.example.com", [staging.Id, test.Id]),
      variable(MAIL_PASSWORD, secret("prod-secret"), [production.Id]),
      variable(MAIL_PASSWORD, secret("other-secret"), [staging.Id]),
    ],
  });
  return space;
}

/**
 * A tenant's common variables as the newer endpoint gives them, by names: one line per value,
 * "template value environments" (a sensitive value as the server shows it).
 */
export async function commonVariablesByName(space: RestSpace, tenantName = "Acme"): Promise<string[]> {
  const tenant = await space.named("tenants", tenantName);
  const envs = new Map((await space.list("environments")).map((e) => [e.Id, String(e.Name)]));
  const common = (await space.get(`tenants/${tenant.Id}/commonvariables`)) as unknown as {
    Variables: Array<{ Template: { Name: string }; Value: unknown; Scope: { EnvironmentIds: string[] } }>;
  };
  return common.Variables.map(
    (v) =>
      `${v.Template.Name} ${JSON.stringify(v.Value)} ${v.Scope.EnvironmentIds.map((id) => envs.get(id))
        .sort()
        .join(",")}`,
  ).sort();
}

/**
 * Two deployment freezes (server-wide documents scoped to the space's projects): "Year end",
 * scoped to `shop` in Production and Staging, `billing` in Production and tenant `acme` on
 * `shop` in Production; "Release train", owned by `shop`, weekly on Mondays and Thursdays for
 * ten occurrences. The tenant must be connected to `shop` in Production.
 */
export async function deploymentFreezes(
  sandbox: Sandbox,
  docs: { shop: Doc; billing: Doc; production: Doc; staging: Doc; acme: Doc },
): Promise<void> {
  const { shop, billing, production, staging, acme } = docs;
  await serverCall(sandbox, "POST", "deploymentfreezes", {
    Name: "Year end",
    Start: "2031-12-24T00:00:00+10:00",
    End: "2031-12-27T00:00:00+10:00",
    ProjectEnvironmentScope: { [shop.Id]: [production.Id, staging.Id], [billing.Id]: [production.Id] },
    TenantProjectEnvironmentScope: [{ TenantId: acme.Id, ProjectId: shop.Id, EnvironmentId: production.Id }],
  });
  await serverCall(sandbox, "POST", "deploymentfreezes", {
    Name: "Release train",
    OwnerId: shop.Id,
    Start: "2031-01-06T22:00:00Z",
    End: "2031-01-07T06:00:00Z",
    ProjectEnvironmentScope: { [shop.Id]: [production.Id] },
    RecurringSchedule: {
      Type: "Weekly",
      Unit: 1,
      DaysOfWeek: ["Thursday", "Monday"],
      EndType: "AfterOccurrences",
      EndAfterOccurrences: 10,
    },
  });
}

/** The space's default retention policies made other than a new space's: releases kept by count, runbook runs forever. */
export async function retentionPolicies(space: RestSpace): Promise<void> {
  for (const policy of await space.list("retentionpolicies")) {
    if (policy.RetentionType === "LifecycleRelease")
      await space.put(`retentionpolicies/${policy.Id}`, {
        ...policy,
        Strategy: "Count",
        QuantityToKeep: 12,
        Unit: "Items",
      });
    if (policy.RetentionType === "RunbookRetention")
      await space.put(`retentionpolicies/${policy.Id}`, { ...policy, Strategy: "Forever" });
  }
}

/**
 * Governance of a space: users "ada" and "grace" (server-wide), a custom role "Release
 * Approver", team "Approvers" of both holding it scoped to `production` and `shop` and Project
 * Viewer unscoped, the Everyone team given Project Viewer in the space, and a subscription
 * "Production failures" that emails the team and calls a webhook with a secret header.
 */
export async function teamsAndSubscriptions(
  sandbox: Sandbox,
  space: RestSpace,
  docs: { production: Doc; shop: Doc },
): Promise<{ team: Doc; approver: Doc }> {
  const { production, shop } = docs;
  const ada = await serverCall(sandbox, "POST", "users", { Username: "ada", DisplayName: "Ada" });
  const grace = await serverCall(sandbox, "POST", "users", { Username: "grace", DisplayName: "Grace" });
  const approver = await serverCall(sandbox, "POST", "userroles", {
    Name: "Release Approver",
    Description: "Approves releases to production",
    GrantedSpacePermissions: ["ReleaseView", "InterruptionSubmit", "EnvironmentView"],
  });
  const team = await space.post("teams", {
    Name: "Approvers",
    Description: "People who approve releases",
    MemberUserIds: [ada.Id, grace.Id],
  });
  await space.post("scopeduserroles", {
    TeamId: team.Id,
    UserRoleId: approver.Id,
    EnvironmentIds: [production.Id],
    ProjectIds: [shop.Id],
  });
  await space.post("scopeduserroles", { TeamId: team.Id, UserRoleId: "userroles-projectviewer" });
  await space.post("scopeduserroles", { TeamId: "teams-everyone", UserRoleId: "userroles-projectviewer" });
  await space.post("subscriptions", {
    Name: "Production failures",
    EventNotificationSubscription: {
      EmailTeams: [team.Id],
      EmailPriority: "High",
      EmailFrequencyPeriod: "00:30:00",
      WebhookURI: "https://hooks.example.com/octopus",
      WebhookHeaderKey: "X-Token",
      WebhookHeaderValue: "hook-secret",
      Filter: {
        EventCategories: ["DeploymentFailed"],
        Environments: [production.Id],
        Projects: [shop.Id],
      },
    },
  });
  return { team, approver };
}

/** The community library's template "Amazon Chime - Post Message", installed into the space. */
export async function installCommunityTemplate(sandbox: Sandbox, space: RestSpace): Promise<Doc> {
  const library = (await serverCall(sandbox, "GET", "communityactiontemplates?take=100")) as unknown as {
    Items: Doc[];
  };
  const chime = library.Items.find((t) => t.Name === "Amazon Chime - Post Message")!;
  const installed = await serverCall(
    sandbox,
    "POST",
    `communityactiontemplates/${chime.Id}/installation/${space.spaceId}`,
  );
  return space.get(`actiontemplates/${installed.Id}`);
}

/** A step that runs a step template (on the server), with values for its parameters. */
export function templateStep(name: string, template: Doc, values: Record<string, string>): Doc {
  return {
    Name: name,
    Condition: "Success",
    StartTrigger: "StartAfterPrevious",
    PackageRequirement: "LetOctopusDecide",
    Properties: {},
    Actions: [
      {
        Name: name,
        ActionType: String(template.ActionType),
        Properties: {
          ...(template.Properties as Record<string, string>),
          "Octopus.Action.RunOnServer": "true",
          "Octopus.Action.Template.Id": template.Id,
          "Octopus.Action.Template.Version": String(template.Version),
          ...values,
        },
      },
    ],
  } as unknown as Doc;
}

/**
 * A deployment step with one inline Bash script action of the same name, run on the server.
 * `body` is the script (`echo NAME` unless given); `action` adds fields to the action (a
 * worker pool, packages).
 */
export function scriptStep(
  name: string,
  options: { body?: string; action?: Record<string, unknown> } = {},
): Doc {
  return {
    Name: name,
    Condition: "Success",
    StartTrigger: "StartAfterPrevious",
    PackageRequirement: "LetOctopusDecide",
    Properties: {},
    Actions: [
      {
        Name: name,
        ActionType: "Octopus.Script",
        Properties: {
          "Octopus.Action.RunOnServer": "true",
          "Octopus.Action.Script.ScriptSource": "Inline",
          "Octopus.Action.Script.Syntax": "Bash",
          "Octopus.Action.Script.ScriptBody": options.body ?? `echo ${name}`,
        },
        ...options.action,
      },
    ],
  } as unknown as Doc;
}
