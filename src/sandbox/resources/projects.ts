import type { EngineContext, ResourceDef } from "../engine.js";
import { badRequest, notFound } from "../errors.js";
import { page } from "../render.js";
import type { Route } from "../routes.js";
import type { JsonObject } from "../secrets.js";
import { isObject, requireRef, variablesInGit } from "./common.js";
import { PROJECT_FIELDS } from "./fields.js";
import { normaliseTemplates } from "./library.js";
import { createProcess } from "./processes.js";
import { createVariableSet } from "./variables.js";
import {
  BRANCH_SETTINGS,
  branchSettings,
  branchVariables,
  deleteBranch,
  saveBranchSettings,
  saveBranchVariables,
  versionControlled,
  versionControlledLinks,
} from "./version-control.js";

/** The project fields the deployment settings endpoint exposes. */
const SETTINGS_FIELDS = [
  "ProjectConnectivityPolicy",
  "DefaultGuidedFailureMode",
  "DefaultToSkipIfAlreadyInstalled",
  "DeploymentChangesTemplate",
  "ReleaseNotesTemplate",
  "VersioningStrategy",
  "ReleaseCreationStrategy",
  "AutoDeployReleaseOverrides",
  "FailTargetDiscovery",
] as const;

export const projects: ResourceDef = {
  type: "Projects",
  fields: PROJECT_FIELDS,
  collection: "projects",
  idPrefix: "Projects",
  scope: "space",
  link: "Projects",
  required: ["Name", "LifecycleId", "ProjectGroupId"],
  slug: true,
  // Managed by their own endpoints and provider resources; a project PUT without them keeps them.
  keepOnUpdate: ["VersioningStrategy", "ReleaseCreationStrategy", "PersistenceSettings"],
  defaults: () => ({
    Description: "",
    IsDisabled: false,
    IsVersionControlled: false,
    AutoCreateRelease: false,
    DefaultToSkipIfAlreadyInstalled: false,
    DiscreteChannelRelease: false,
    DefaultGuidedFailureMode: "EnvironmentDefault",
    TenantedDeploymentMode: "Untenanted",
    IncludedLibraryVariableSetIds: [],
    Templates: [],
    ExtensionSettings: [],
    AutoDeployReleaseOverrides: [],
    ProjectTags: [],
    ClonedFromProjectId: null,
    ReleaseNotesTemplate: null,
    DeploymentChangesTemplate: null,
    ProjectConnectivityPolicy: {
      AllowDeploymentsToNoTargets: false,
      ExcludeUnhealthyTargets: false,
      SkipMachineBehavior: "None",
      TargetRoles: [],
    },
    VersioningStrategy: {
      Template: "#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}.#{Octopus.Version.NextPatch}",
      DonorPackage: null,
      DonorPackageStepId: null,
    },
    ReleaseCreationStrategy: {
      ChannelId: null,
      ReleaseCreationPackage: null,
      ReleaseCreationPackageStepId: null,
    },
    PersistenceSettings: { Type: "Database" },
    CombineHealthAndSyncStatusInDashboardLiveStatus: false,
  }),
  // A client creates a database project; it becomes version-controlled only by conversion
  // (go-octopusdeploy's projects.Add clears the persistence settings: "Persistence settings are
  // available AFTER the project has been created or converted"; the provider's Create posts the
  // project, then converts it: terraform-provider-octopusdeploy v1.17.0 resource_project.go).
  clientCreate: (doc) => {
    delete doc.PersistenceSettings;
    delete doc.IsVersionControlled;
  },
  normalise: (doc, ctx, existing) => {
    const what = `Project '${String(doc.Name)}'`;
    requireRef(ctx, "Lifecycles", doc.LifecycleId, `${what} lifecycle`);
    requireRef(ctx, "ProjectGroups", doc.ProjectGroupId, `${what} project group`);
    const sets = Array.isArray(doc.IncludedLibraryVariableSetIds) ? doc.IncludedLibraryVariableSetIds : [];
    for (const id of sets) requireRef(ctx, "LibraryVariableSets", id, `${what} library variable set`);
    doc.IncludedLibraryVariableSetIds = sets;
    normaliseTemplates(doc, what);
    if (existing) {
      // Server-owned links to the project's children never change.
      doc.VariableSetId = existing.VariableSetId ?? null;
      doc.DeploymentProcessId = existing.DeploymentProcessId ?? null;
    }
    // Only a seed (or the git conversion Octopus does itself) makes a project version-controlled.
    if (!isObject(doc.PersistenceSettings))
      doc.PersistenceSettings = existing?.PersistenceSettings ?? { Type: "Database" };
    doc.IsVersionControlled = (doc.PersistenceSettings as JsonObject).Type === "VersionControlled";
    releaseCreation(doc, ctx, what);
  },
  afterCreate: (doc, ctx) => {
    const id = String(doc.Id);
    const processId = `deploymentprocess-${id}`;
    const variableSetId = createVariableSet(ctx, id);
    createProcess(ctx, "DeploymentProcesses", processId, doc);
    ctx.store.put("Projects", { ...doc, VariableSetId: variableSetId, DeploymentProcessId: processId });
    ctx.engine.create("Channels", ctx.spaceId, {
      Name: "Default",
      ProjectId: id,
      IsDefault: true,
      LifecycleId: null,
    });
  },
  beforeDelete: (doc, ctx) => {
    const id = String(doc.Id);
    for (const type of ["Channels", "Runbooks", "ProjectTriggers"]) {
      for (const child of ctx.engine.inSpace(type, ctx.spaceId)) {
        if (child.ProjectId === id) {
          if (type === "Runbooks") ctx.store.delete("RunbookProcesses", String(child.RunbookProcessId));
          ctx.store.delete(type, String(child.Id));
        }
      }
    }
    ctx.store.delete("VariableSets", String(doc.VariableSetId));
    ctx.store.delete("DeploymentProcesses", String(doc.DeploymentProcessId));
    deleteBranch(ctx, doc);
    for (const tenant of ctx.engine.inSpace("Tenants", ctx.spaceId)) {
      const pe = isObject(tenant.ProjectEnvironments) ? { ...tenant.ProjectEnvironments } : {};
      if (id in pe) {
        delete pe[id];
        ctx.store.put("Tenants", { ...tenant, ProjectEnvironments: pe });
      }
    }
  },
  filters: {
    clonedFromProjectId: (d, v) => d.ClonedFromProjectId === v,
  },
  links: (doc, self) => {
    const space = `/api/${String(doc.SpaceId)}`;
    return {
      Channels: `${self}/channels{/id}{?skip,take,partialName}`,
      Triggers: `${self}/triggers{?skip,take,partialName,triggerActionType}`,
      Runbooks: `${self}/runbooks{?skip,take,partialName}`,
      Variables: `${space}/variables/${String(doc.VariableSetId)}`,
      DeploymentProcess: `${space}/deploymentprocesses/${String(doc.DeploymentProcessId)}`,
      DeploymentSettings: `${self}/deploymentsettings`,
      ConvertToVcs: `${self}/git/convert`,
      Summary: `${self}/summary`,
      Web: `/app#/${String(doc.SpaceId)}/projects/${String(doc.Id)}`,
      ...versionControlledLinks(doc, self),
    };
  },
};

/**
 * Automatic release creation (AutoCreateRelease with ReleaseCreationStrategy), as the server
 * saves it. It refuses to turn it on without a package to watch: the provider's project
 * resource sends the stored strategy back on update "to avoid an error (missing package for
 * ARC)" (terraform-provider-octopusdeploy v1.17.0, octopusdeploy_framework/resource_project.go).
 * It fills ReleaseCreationPackageStepId, the ID of the deployment step whose action the
 * package names: octopusdeploy_built_in_trigger leaves that attribute computed and reads it
 * back after the save (resource_built_in_trigger.go; resource_project_auto_create_release_
 * validation.go resolves the same action name to its step's ID). An action that is not in the
 * process (yet) leaves the ID as sent. Only this field is computed here.
 */
function releaseCreation(doc: JsonObject, ctx: EngineContext, what: string): void {
  const strategy = isObject(doc.ReleaseCreationStrategy) ? doc.ReleaseCreationStrategy : undefined;
  const pkg =
    strategy && isObject(strategy.ReleaseCreationPackage) ? strategy.ReleaseCreationPackage : undefined;
  const action = typeof pkg?.DeploymentAction === "string" ? pkg.DeploymentAction : "";
  if (doc.AutoCreateRelease === true && !action)
    throw badRequest(`${what}: automatic release creation needs a package step to watch.`);
  if (!strategy || !action) return;
  if (strategy.ChannelId) requireRef(ctx, "Channels", strategy.ChannelId, `${what} release creation channel`);
  const process = ctx.engine.find("DeploymentProcesses", ctx.spaceId, String(doc.DeploymentProcessId ?? ""));
  const steps = (Array.isArray(process?.Steps) ? process.Steps : []) as JsonObject[];
  const step = steps.find((s) =>
    (Array.isArray(s.Actions) ? (s.Actions as JsonObject[]) : []).some((a) => a.Name === action),
  );
  if (step && typeof step.Id === "string") strategy.ReleaseCreationPackageStepId = step.Id;
}

/**
 * A project's deployment settings; a version-controlled project's on a git ref, where the
 * git-held ones come from the branch (version-control.ts).
 */
function settingsView(ctx: EngineContext, project: JsonObject, ref?: string): JsonObject {
  const source = ref === undefined ? project : { ...project, ...branchSettings(ctx, project) };
  const view: JsonObject = {
    Id: `deploymentsettings-${String(project.Id)}`,
    ProjectId: project.Id ?? null,
    SpaceId: project.SpaceId ?? null,
    ConnectivityPolicy: source.ProjectConnectivityPolicy ?? null,
  };
  for (const field of SETTINGS_FIELDS)
    if (field !== "ProjectConnectivityPolicy") view[field] = source[field] ?? null;
  const at = ref === undefined ? "" : `/${encodeURIComponent(ref)}`;
  view.Links = {
    Self: `/api/${String(project.SpaceId)}/projects/${String(project.Id)}${at}/deploymentsettings`,
  };
  return view;
}

function childrenOf(ctx: EngineContext, type: string, projectId: string): JsonObject[] {
  return ctx.engine.docs(type, ctx.spaceId, (d) => d.ProjectId === projectId);
}

export const projectRoutes: Route[] = [
  // Deployment settings, and a version-controlled project's on a git ref (the sandbox keeps
  // one branch: every ref reads and writes the same settings). On a ref, the git-held fields
  // are saved on the branch and the rest on the project.
  ...["/projects/:id/deploymentsettings", "/projects/:id/:ref/deploymentsettings"].flatMap(
    (path): Route[] => [
      {
        method: "GET",
        path,
        scope: "space",
        handler: ({ ctx, engine, params, path: at }) => {
          const project = engine.get("Projects", ctx.spaceId, params.id!);
          if (params.ref !== undefined) versionControlled(project, at);
          return { body: settingsView(ctx, project, params.ref) };
        },
      },
      {
        method: "PUT",
        path,
        scope: "space",
        handler: ({ ctx, engine, params, body, path: at }) => {
          const project = engine.get("Projects", ctx.spaceId, params.id!);
          if (params.ref !== undefined) versionControlled(project, at);
          if (!body) throw badRequest("A request body is required.");
          const sent: JsonObject = {};
          if (body.ConnectivityPolicy !== undefined) sent.ProjectConnectivityPolicy = body.ConnectivityPolicy;
          for (const field of SETTINGS_FIELDS)
            if (field !== "ProjectConnectivityPolicy" && body[field] !== undefined)
              sent[field] = body[field]!;
          const onBranch: JsonObject = {};
          if (params.ref !== undefined)
            for (const field of BRANCH_SETTINGS)
              if (field in sent) {
                onBranch[field] = sent[field]!;
                delete sent[field];
              }
          const saved = engine.update("Projects", ctx.spaceId, String(project.Id), { ...project, ...sent });
          if (params.ref !== undefined) saveBranchSettings(ctx, saved, onBranch);
          return { body: settingsView(ctx, saved, params.ref) };
        },
      },
    ],
  ),
  ...(["Channels", "Runbooks", "ProjectTriggers"] as const).map(
    (type): Route => ({
      method: "GET",
      path: `/projects/:id/${type === "ProjectTriggers" ? "triggers" : type.toLowerCase()}`,
      scope: "space",
      handler: ({ ctx, engine, params, query, path, render }) => {
        engine.get("Projects", ctx.spaceId, params.id!);
        const def = engine.def(type);
        const docs = engine.filter(def, childrenOf(ctx, type, params.id!), query).map((d) => render(type, d));
        return { body: page(def, docs, query, path, `${path}{?skip,take,partialName}`) };
      },
    }),
  ),
  {
    method: "GET",
    path: "/projects/:id/channels/:channelId",
    scope: "space",
    handler: ({ ctx, engine, params, render }) => ({
      body: render("Channels", engine.get("Channels", ctx.spaceId, params.channelId!)),
    }),
  },
  {
    method: "GET",
    path: "/projects/:projectId/triggers/:id",
    scope: "space",
    handler: ({ ctx, engine, params, render }) => ({
      body: render("ProjectTriggers", engine.get("ProjectTriggers", ctx.spaceId, params.id!)),
    }),
  },
  {
    method: "PUT",
    path: "/projects/:projectId/triggers/:id",
    scope: "space",
    handler: ({ ctx, engine, params, body, render }) => {
      if (!body) throw badRequest("A request body is required.");
      return {
        body: render("ProjectTriggers", engine.update("ProjectTriggers", ctx.spaceId, params.id!, body)),
      };
    },
  },
  // A project's own process and variable set: by project (Octoterra reads variables so; for a
  // Config-as-Code project this is its database set, the sensitive variables), and for a
  // version-controlled project on a git ref (the sandbox keeps one branch), where a project
  // whose variables are in git has its non-sensitive ones (version-control.ts).
  ...(["deploymentprocesses", "variables"] as const).flatMap((kind): Route[] =>
    [`/projects/:id/${kind}`, `/projects/:id/:ref/${kind}`].map((path) => ({
      method: "GET",
      path,
      scope: "space",
      handler: ({ ctx, engine, params, render, path: at }) => {
        const project = engine.get("Projects", ctx.spaceId, params.id!);
        if (params.ref !== undefined && project.IsVersionControlled !== true)
          throw notFound(`${params.id}/${params.ref}/${kind}`);
        if (kind === "variables" && params.ref !== undefined && variablesInGit(project))
          return { body: branchVariables(ctx, project, at) };
        const type = kind === "deploymentprocesses" ? "DeploymentProcesses" : "VariableSets";
        const id = kind === "deploymentprocesses" ? project.DeploymentProcessId : project.VariableSetId;
        return { body: render(type, engine.get(type, ctx.spaceId, String(id))) };
      },
    })),
  ),
  {
    method: "PUT",
    path: "/projects/:id/:ref/variables",
    scope: "space",
    handler: ({ ctx, engine, params, body, path: at }) => {
      const project = engine.get("Projects", ctx.spaceId, params.id!);
      versionControlled(project, at);
      if (!variablesInGit(project))
        throw badRequest(
          `Project '${String(project.Name)}' keeps its variables in the database; save them through /variables/${String(project.VariableSetId)}.`,
        );
      if (!body) throw badRequest("A request body is required.");
      saveBranchVariables(ctx, project, body);
      return { body: branchVariables(ctx, project, at) };
    },
  },
  {
    method: "GET",
    path: "/projects/:id/runbookProcesses/:processId",
    scope: "space",
    handler: ({ ctx, engine, params, render }) => ({
      body: render("RunbookProcesses", engine.get("RunbookProcesses", ctx.spaceId, params.processId!)),
    }),
  },
];
