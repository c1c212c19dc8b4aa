/**
 * The permissions a user role grants, and the roles every Octopus Server has built in.
 *
 * Where these facts come from (see docs/sandbox-governance.md):
 * - permission names: go-octopusdeploy pkg/permissions/space_permissions.go and the 2020.5
 *   Swagger description (shared/reference), plus the newer ones the Octopus docs name
 *   (GitCredential*, InsightsReport*, EventRetention*, DeploymentFreezeAdminister);
 * - descriptions, restrictions and which level a permission applies at: the Octopus docs'
 *   "Default permissions for built-in user roles" page, whose older version lists the
 *   server's own description strings ("View teams (space)", "... (restrictable to
 *   Environments, Tenants)");
 * - built-in roles, their descriptions and permissions: the docs' "User roles" and
 *   "Default permissions" pages; their IDs follow the server's `userroles-<name>` form
 *   (`userroles-systemadministrator`, `userroles-projectdeployer` are used by name in
 *   public Terraform configurations).
 */

type Level = "space" | "system" | "both";

interface Permission {
  description: string;
  level: Level;
  /** What a scoped user role can restrict the permission to, when granted in a space. */
  restrictions: readonly string[];
}

const E = "Environments";
const P = "Projects";
const T = "Tenants";
const PG = "ProjectGroups";
const PVT = "ProjectsViaTenants";
const ENV_PROJ_TEN = [E, P, T] as const;
const PROJ = [P, PVT] as const;
const ENV_TEN = [E, T] as const;

const space = (description: string, restrictions: readonly string[] = []): Permission => ({
  description,
  level: "space",
  restrictions,
});
const system = (description: string): Permission => ({ description, level: "system", restrictions: [] });
const both = (description: string, restrictions: readonly string[] = []): Permission => ({
  description,
  level: "both",
  restrictions,
});

export const PERMISSIONS: Readonly<Record<string, Permission>> = {
  AccountCreate: space("Create accounts", ENV_TEN),
  AccountDelete: space("Delete accounts", ENV_TEN),
  AccountEdit: space("Edit accounts", ENV_TEN),
  AccountView: space("View accounts", ENV_TEN),
  ActionTemplateCreate: space("Create step templates"),
  ActionTemplateDelete: space("Delete step templates"),
  ActionTemplateEdit: space("Edit step templates"),
  ActionTemplateView: space("View step templates"),
  AdministerSystem: system(
    "Perform system-level functions like configuring HTTP web hosting, the public URL, server nodes, maintenance mode, and server diagnostics",
  ),
  ArtifactCreate: space("Manually create artifacts", ENV_PROJ_TEN),
  ArtifactDelete: space("Delete artifacts", ENV_PROJ_TEN),
  ArtifactEdit: space("Edit the details describing artifacts", ENV_PROJ_TEN),
  ArtifactView: space("View the artifacts created manually and during deployment", ENV_PROJ_TEN),
  BuildInformationAdminister: space("Replace or delete build information"),
  BuildInformationPush: space("Create/update build information"),
  BuiltInFeedAdminister: space("Replace or delete packages in the built-in package repository", [P]),
  BuiltInFeedDownload: space("Retrieve the contents of packages in the built-in package repository", [P]),
  BuiltInFeedPush: space("Push new packages to the built-in package repository", [P]),
  CertificateCreate: space("Create certificates", ENV_TEN),
  CertificateDelete: space("Delete certificates", ENV_TEN),
  CertificateEdit: space("Edit certificates", ENV_TEN),
  CertificateExportPrivateKey: space("Export certificate private-keys", ENV_TEN),
  CertificateView: space("View certificates", ENV_TEN),
  ConfigureServer: system("Configure server settings like Authentication, SMTP, and HTTP Security Headers"),
  DefectReport: space("Block a release from progressing to the next lifecycle phase", [P]),
  DefectResolve: space("Unblock a release so it can progress to the next phase", [P]),
  // The docs name this system permission; its description here is the sandbox's own.
  DeploymentFreezeAdminister: system("Create, edit and delete deployment freezes"),
  DeploymentCreate: space("Deploy releases to target environments", ENV_PROJ_TEN),
  DeploymentDelete: space("Delete deployments", ENV_PROJ_TEN),
  DeploymentView: space("View deployments", ENV_PROJ_TEN),
  EnvironmentCreate: space("Create environments"),
  EnvironmentDelete: space("Delete environments", [E]),
  EnvironmentEdit: space("Edit environments", [E]),
  EnvironmentView: space("View environments", [E]),
  EventRetentionDelete: system("Delete archived event files"),
  EventRetentionView: system("View/list archived event files"),
  EventView: both("View Events, including access to the Audit screen", ENV_PROJ_TEN),
  FeedEdit: space("Edit feeds"),
  FeedView: space("View package feeds and the packages in them"),
  GitCredentialEdit: space("Edit Git credentials"),
  GitCredentialView: space("View Git credentials"),
  InsightsReportCreate: space("Create Insights reports"),
  InsightsReportDelete: space("Delete Insights reports"),
  InsightsReportEdit: space("Edit Insights reports"),
  InsightsReportView: space("View Insights reports"),
  InterruptionSubmit: space(
    "Take responsibility for and submit interruptions generated during deployments",
    ENV_PROJ_TEN,
  ),
  InterruptionView: space("View interruptions generated during deployments", ENV_PROJ_TEN),
  InterruptionViewSubmitResponsible: space(
    "Take responsibility for and submit interruptions generated during deployments when the user is in a designated responsible team",
    ENV_PROJ_TEN,
  ),
  LibraryVariableSetCreate: space("Create library variable sets"),
  LibraryVariableSetDelete: space("Delete library variable sets"),
  LibraryVariableSetEdit: space("Edit library variable sets", ENV_TEN),
  LibraryVariableSetView: space("View library variable sets", ENV_TEN),
  LifecycleCreate: space("Create lifecycles"),
  LifecycleDelete: space("Delete lifecycles"),
  LifecycleEdit: space("Edit lifecycles"),
  LifecycleView: space("View lifecycles"),
  MachineCreate: space("Create machines", ENV_TEN),
  MachineDelete: space("Delete machines", ENV_TEN),
  MachineEdit: space("Edit machines", ENV_TEN),
  MachinePolicyCreate: space("Create health check policies"),
  MachinePolicyDelete: space("Delete health check policies"),
  MachinePolicyEdit: space("Edit health check policies"),
  MachinePolicyView: space("View health check policies"),
  MachineView: space("View machines", ENV_TEN),
  ProcessEdit: space("Edit the deployment process and channels associated with a project", PROJ),
  ProcessView: space("View the deployment process and channels associated with a project", PROJ),
  ProjectCreate: space("Create projects", [PG]),
  ProjectDelete: space("Delete projects", PROJ),
  ProjectEdit: space("Edit project details", PROJ),
  ProjectGroupCreate: space("Create project groups"),
  ProjectGroupDelete: space("Delete project groups", [PG]),
  ProjectGroupEdit: space("Edit project groups", [PG]),
  ProjectGroupView: space("View project groups", [PG]),
  ProjectView: space("View the details of projects", PROJ),
  ProxyCreate: space("Create proxies"),
  ProxyDelete: space("Delete proxies"),
  ProxyEdit: space("Edit proxies"),
  ProxyView: space("View proxies"),
  ReleaseCreate: space("Create a release for a project", PROJ),
  ReleaseDelete: space("Delete a release of a project", PROJ),
  ReleaseEdit: space("Edit a release of a project", PROJ),
  ReleaseView: space("View a release of a project", PROJ),
  RunbookEdit: space("Edit runbooks", PROJ),
  RunbookRunCreate: space("Create runbook runs", ENV_PROJ_TEN),
  RunbookRunDelete: space("Delete runbook runs", ENV_PROJ_TEN),
  RunbookRunView: space("View runbook runs", ENV_PROJ_TEN),
  RunbookView: space("View runbooks", PROJ),
  SpaceCreate: system("Create spaces"),
  SpaceDelete: system("Delete spaces"),
  SpaceEdit: system("Edit spaces"),
  SpaceView: system("View spaces"),
  SubscriptionCreate: space("Create subscriptions"),
  SubscriptionDelete: space("Delete subscriptions"),
  SubscriptionEdit: space("Edit subscriptions"),
  SubscriptionView: space("View subscriptions"),
  TagSetCreate: space("Create tag sets"),
  TagSetDelete: space("Delete tag sets"),
  TagSetEdit: space("Edit tag sets"),
  TaskCancel: both("Cancel server tasks", ENV_PROJ_TEN),
  TaskCreate: both("Explicitly create (run) server tasks", ENV_PROJ_TEN),
  TaskEdit: both("Edit server tasks", ENV_PROJ_TEN),
  TaskView: both("View summary-level information associated with a task", ENV_PROJ_TEN),
  TeamCreate: both("Create teams"),
  TeamDelete: both("Delete teams"),
  TeamEdit: both("Edit teams"),
  TeamView: both("View teams"),
  TenantCreate: space("Create tenants"),
  TenantDelete: space("Delete tenants", [T]),
  TenantEdit: space("Edit tenants", [T]),
  TenantView: space("View tenants", [T]),
  TriggerCreate: space("Create triggers", [P]),
  TriggerDelete: space("Delete triggers", [P]),
  TriggerEdit: space("Edit triggers", [P]),
  TriggerView: space("View triggers", [P]),
  UserEdit: system("Edit users"),
  UserInvite: system("Invite users to register accounts"),
  UserRoleEdit: system("Edit user role definitions"),
  UserRoleView: system("View other user's roles"),
  UserView: system("View users"),
  VariableEdit: space("Edit variables belonging to a project", ENV_PROJ_TEN),
  VariableEditUnscoped: space(
    "Edit non-environment scoped variables belonging to a project or library variable set",
    [P],
  ),
  VariableView: space("View variables belonging to a project or library variable set", ENV_PROJ_TEN),
  VariableViewUnscoped: space(
    "View non-environment scoped variables belonging to a project or library variable set",
    [P],
  ),
  WorkerEdit: space("Edit workers and worker pools"),
  WorkerView: space("View the workers in worker pools"),
};

export function canApplyAt(name: string, level: "space" | "system"): boolean {
  const p = PERMISSIONS[name];
  return p !== undefined && (p.level === level || p.level === "both");
}

/**
 * The server's description of a granted permission at a level: a permission that applies at
 * both levels says which, and a space permission names what it can be restricted to.
 */
export function describe(name: string, level: "space" | "system"): string {
  const p = PERMISSIONS[name]!;
  const text = p.level === "both" ? `${p.description} (${level})` : p.description;
  return level === "space" && p.restrictions.length
    ? `${text} (restrictable to ${p.restrictions.join(", ")})`
    : text;
}

export interface BuiltInRole {
  id: string;
  name: string;
  description: string;
  system: readonly string[];
  space: readonly string[];
}

const VIEWER_SYSTEM = ["TeamView", "UserView", "UserRoleView"] as const;
const PROJECT_VIEWER = [
  "ReleaseView",
  "ProjectView",
  "DeploymentView",
  "ProcessView",
  "EnvironmentView",
  "ArtifactView",
  "EventView",
  "ProjectGroupView",
  "LibraryVariableSetView",
  "TeamView",
  "TaskView",
  "InterruptionView",
  "LifecycleView",
  "MachinePolicyView",
  "TenantView",
  "TriggerView",
  "CertificateView",
  "RunbookView",
  "RunbookRunView",
] as const;
const PROJECT_CONTRIBUTOR = [
  "ArtifactCreate",
  "ActionTemplateView",
  "ActionTemplateCreate",
  "ActionTemplateEdit",
  "ActionTemplateDelete",
  "ProcessEdit",
  "ProjectEdit",
  "FeedView",
  "LibraryVariableSetCreate",
  "LibraryVariableSetEdit",
  "LibraryVariableSetDelete",
  "TaskCreate",
  "InterruptionViewSubmitResponsible",
  "MachineView",
  "DefectReport",
  "DefectResolve",
  "VariableView",
  "VariableEdit",
  "TriggerCreate",
  "TriggerDelete",
  "TriggerEdit",
  "RunbookEdit",
  ...PROJECT_VIEWER,
] as const;
const SYSTEM_MANAGER = [
  "ConfigureServer",
  "EventRetentionDelete",
  "EventRetentionView",
  "EventView",
  "TeamCreate",
  "TeamView",
  "TeamEdit",
  "TeamDelete",
  "TaskView",
  "TaskCreate",
  "TaskCancel",
  "TaskEdit",
  "SpaceView",
  "SpaceEdit",
  "SpaceCreate",
  "SpaceDelete",
  "UserView",
  "UserInvite",
  "UserRoleView",
  "UserRoleEdit",
  "UserEdit",
] as const;

/** Every permission that applies in a space: the Space Manager role grants them all but Insights'. */
const SPACE_MANAGER = Object.keys(PERMISSIONS).filter(
  (p) => canApplyAt(p, "space") && !p.startsWith("InsightsReport"),
);

export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  {
    id: "userroles-buildserver",
    name: "Build Server",
    description:
      "Build servers can publish packages, and create releases, deployments, runbook snapshots and runbook runs.",
    system: [],
    space: [
      "BuiltInFeedAdminister",
      "BuiltInFeedDownload",
      "BuiltInFeedPush",
      "DeploymentCreate",
      "DeploymentView",
      "EnvironmentView",
      "FeedView",
      "LibraryVariableSetView",
      "LifecycleView",
      "BuildInformationPush",
      "BuildInformationAdminister",
      "ProcessView",
      "ProjectView",
      "ReleaseCreate",
      "ReleaseView",
      "TaskView",
      "TenantView",
      "RunbookView",
      "RunbookEdit",
      "RunbookRunView",
      "RunbookRunCreate",
    ],
  },
  {
    id: "userroles-certificatemanager",
    name: "Certificate Manager",
    description: "Certificate managers can edit certificates and export private-keys",
    system: [],
    space: [
      "CertificateView",
      "CertificateCreate",
      "CertificateEdit",
      "CertificateDelete",
      "CertificateExportPrivateKey",
      "EnvironmentView",
      "TenantView",
    ],
  },
  {
    id: "userroles-deploymentcreator",
    name: "Deployment Creator",
    description: "Deployment creators can create new deployments and runbook runs.",
    system: [],
    space: [
      "DeploymentCreate",
      "DeploymentView",
      "EnvironmentView",
      "LifecycleView",
      "ProcessView",
      "ProjectView",
      "ReleaseView",
      "TaskView",
      "TenantView",
      "LibraryVariableSetView",
      "RunbookView",
      "RunbookRunView",
      "RunbookRunCreate",
    ],
  },
  {
    id: "userroles-environmentmanager",
    name: "Environment Manager",
    description: "Environment managers can view and edit environments and their machines.",
    system: ["TeamView"],
    space: [
      "EnvironmentCreate",
      "EnvironmentEdit",
      "EnvironmentDelete",
      "MachineCreate",
      "MachineEdit",
      "MachineDelete",
      "TaskCreate",
      "TaskCancel",
      "AccountCreate",
      "AccountEdit",
      "AccountDelete",
      "ProxyCreate",
      "ProxyEdit",
      "ProxyDelete",
      "MachinePolicyCreate",
      "MachinePolicyEdit",
      "MachinePolicyDelete",
      "WorkerEdit",
      "EnvironmentView",
      "MachineView",
      "TaskView",
      "TeamView",
      "AccountView",
      "MachinePolicyView",
      "CertificateView",
      "ProxyView",
      "WorkerView",
    ],
  },
  {
    id: "userroles-environmentviewer",
    name: "Environment Viewer",
    description: "Environment viewers can view environments and their machines, but not edit them.",
    system: ["TeamView"],
    space: [
      "EnvironmentView",
      "MachineView",
      "TaskView",
      "TeamView",
      "AccountView",
      "MachinePolicyView",
      "CertificateView",
      "ProxyView",
      "WorkerView",
    ],
  },
  {
    id: "userroles-insightsreportmanager",
    name: "Insights Report Manager",
    // The docs list this role's permissions but not its description: this one is the sandbox's.
    description: "Insights report managers can view, create, edit and delete Insights reports.",
    system: [],
    space: [
      "InsightsReportView",
      "InsightsReportCreate",
      "InsightsReportEdit",
      "InsightsReportDelete",
      "EnvironmentView",
      "ProcessView",
      "ProjectGroupView",
      "ProjectView",
      "TenantView",
    ],
  },
  {
    id: "userroles-packagepublisher",
    name: "Package Publisher",
    description: "Permits packages to be pushed to the Octopus Server's built-in NuGet feed.",
    system: [],
    space: [
      "BuiltInFeedAdminister",
      "BuiltInFeedDownload",
      "BuiltInFeedPush",
      "FeedView",
      "BuildInformationPush",
      "BuildInformationAdminister",
    ],
  },
  {
    id: "userroles-projectcontributor",
    name: "Project Contributor",
    description:
      "All project viewer permissions, plus: editing and viewing variables, editing the deployment steps. Project contributors can't create or deploy releases.",
    system: VIEWER_SYSTEM,
    space: PROJECT_CONTRIBUTOR,
  },
  {
    id: "userroles-projectdeployer",
    name: "Project Deployer",
    description: "All project contributor permissions, plus: deploying releases, but not creating them.",
    system: VIEWER_SYSTEM,
    space: [
      "DeploymentCreate",
      "InterruptionSubmit",
      "TaskCancel",
      "RunbookRunCreate",
      ...PROJECT_CONTRIBUTOR,
    ],
  },
  {
    id: "userroles-projectinitiator",
    name: "Project Initiator",
    description: "All project viewer permissions, plus: create new projects.",
    system: VIEWER_SYSTEM,
    space: [
      "ProjectCreate",
      "ProjectEdit",
      "ProjectDelete",
      "DefectReport",
      "DefectResolve",
      ...PROJECT_VIEWER,
    ],
  },
  {
    id: "userroles-projectlead",
    name: "Project Lead",
    description: "All project contributor permissions, plus: creating releases, but not deploying them.",
    system: VIEWER_SYSTEM,
    space: [
      "ReleaseCreate",
      "ReleaseEdit",
      "ReleaseDelete",
      "ArtifactEdit",
      "ArtifactDelete",
      ...PROJECT_CONTRIBUTOR,
    ],
  },
  {
    id: "userroles-projectviewer",
    name: "Project Viewer",
    description:
      "Project viewers have read-only access to a project. They can see a project in their dashboard, view releases and deployments. Restrict this role by project to limit it to a subset of projects, and restrict it by environment to limit which environments they can view deployments to.",
    system: VIEWER_SYSTEM,
    space: PROJECT_VIEWER,
  },
  {
    id: "userroles-releasecreator",
    name: "Release Creator",
    description: "Release creators can create new releases and runbook snapshots.",
    system: [],
    space: [
      "EnvironmentView",
      "FeedView",
      "ProcessView",
      "ProjectView",
      "ReleaseCreate",
      "ReleaseView",
      "RunbookView",
      "RunbookEdit",
    ],
  },
  {
    id: "userroles-runbookconsumer",
    name: "Runbook Consumer",
    description: "Runbook consumers can view and execute runbooks.",
    system: [],
    space: [
      "ProjectView",
      "EnvironmentView",
      "ArtifactView",
      "EventView",
      "ProjectGroupView",
      "LibraryVariableSetView",
      "TeamView",
      "FeedView",
      "TaskView",
      "InterruptionView",
      "MachinePolicyView",
      "TenantView",
      "TriggerView",
      "CertificateView",
      "MachineView",
      "RunbookView",
      "RunbookRunView",
      "RunbookRunCreate",
    ],
  },
  {
    id: "userroles-runbookproducer",
    name: "Runbook Producer",
    description: "Runbook producers can edit and execute runbooks.",
    system: [],
    space: [
      "ProjectCreate",
      "ProjectEdit",
      "ProjectDelete",
      "LifecycleView",
      "ActionTemplateView",
      "ActionTemplateCreate",
      "ActionTemplateEdit",
      "ActionTemplateDelete",
      "LibraryVariableSetCreate",
      "LibraryVariableSetEdit",
      "LibraryVariableSetDelete",
      "TaskCreate",
      "TaskCancel",
      "InterruptionViewSubmitResponsible",
      "VariableView",
      "VariableEdit",
      "TriggerCreate",
      "TriggerDelete",
      "TriggerEdit",
      "RunbookEdit",
      "RunbookRunDelete",
      "ArtifactCreate",
      "ArtifactEdit",
      "ArtifactDelete",
      "InterruptionSubmit",
      "ProjectView",
      "EnvironmentView",
      "ArtifactView",
      "EventView",
      "ProjectGroupView",
      "LibraryVariableSetView",
      "TeamView",
      "FeedView",
      "TaskView",
      "InterruptionView",
      "MachinePolicyView",
      "TenantView",
      "TriggerView",
      "CertificateView",
      "MachineView",
      "RunbookView",
      "RunbookRunView",
      "RunbookRunCreate",
    ],
  },
  {
    id: "userroles-spacemanager",
    name: "Space Manager",
    description: "Space managers can do everything within the context of the space they own.",
    system: VIEWER_SYSTEM,
    space: SPACE_MANAGER,
  },
  {
    id: "userroles-systemadministrator",
    name: "System Administrator",
    description: "System administrators can do everything at the system level.",
    system: ["AdministerSystem", ...SYSTEM_MANAGER],
    space: [],
  },
  {
    id: "userroles-systemmanager",
    name: "System Manager",
    description:
      "System managers can do everything at the system level except certain system-level functions reserved for system administrators.",
    system: SYSTEM_MANAGER,
    space: [],
  },
  {
    id: "userroles-tenantmanager",
    name: "Tenant Manager",
    description: "Tenant managers can edit tenants and their tags",
    system: [],
    space: ["TenantCreate", "TenantEdit", "TenantDelete", "TenantView"],
  },
];
