import type { EngineContext, ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import type { JsonObject } from "../secrets.js";
import { guid, isObject, requireRef } from "./common.js";
import { CHANNEL_FIELDS, PROJECT_TRIGGER_FIELDS, RUNBOOK_FIELDS } from "./fields.js";
import { requireTags } from "./library.js";
import { createProcess } from "./processes.js";
import { forgetScopeValue } from "./variables.js";

const perProject = (d: JsonObject) => `${String(d.SpaceId)}/${String(d.ProjectId)}`;

export const channels: ResourceDef = {
  type: "Channels",
  fields: CHANNEL_FIELDS,
  collection: "channels",
  idPrefix: "Channels",
  scope: "space",
  link: "Channels",
  required: ["Name", "ProjectId"],
  uniqueName: perProject,
  slug: true,
  defaults: () => ({
    Description: "",
    IsDefault: false,
    LifecycleId: null,
    Rules: [],
    TenantTags: [],
    Type: "Lifecycle",
    GitReferenceRules: [],
    GitResourceRules: [],
    CustomFieldDefinitions: [],
    EphemeralEnvironmentNameTemplate: null,
    ParentEnvironmentId: null,
  }),
  normalise: (doc, ctx, existing) => {
    requireRef(ctx, "Projects", doc.ProjectId, `Channel '${String(doc.Name)}' project`);
    if (existing && existing.ProjectId !== doc.ProjectId)
      throw badRequest("A channel cannot move to another project.");
    requireRef(ctx, "Lifecycles", doc.LifecycleId, `Channel '${String(doc.Name)}' lifecycle`);
    requireTags(ctx, doc.TenantTags, `Channel '${String(doc.Name)}'`);
    const rules = Array.isArray(doc.Rules) ? doc.Rules : [];
    doc.Rules = rules.map((r) =>
      isObject(r)
        ? {
            ...r,
            Id: typeof r.Id === "string" && r.Id ? r.Id : guid(),
            ActionPackages: (Array.isArray(r.ActionPackages) ? r.ActionPackages : []).map((p) =>
              isObject(p) ? { ...p, PackageReference: p.PackageReference ?? "" } : p,
            ),
          }
        : r,
    );
    if (doc.IsDefault === true) {
      for (const other of ctx.engine.inSpace("Channels", ctx.spaceId)) {
        if (other.Id !== doc.Id && other.ProjectId === doc.ProjectId && other.IsDefault === true) {
          ctx.store.put("Channels", { ...other, IsDefault: false });
        }
      }
    } else if (existing?.IsDefault === true) {
      throw badRequest("A project must have a default channel; make another channel the default first.");
    }
  },
  beforeDelete: (doc, ctx) => {
    if (doc.IsDefault === true) throw badRequest("The default channel of a project cannot be deleted.");
    forgetScopeValue(ctx, String(doc.Id));
  },
  filters: { projectIds: (d, v) => v.split(",").includes(String(d.ProjectId)) },
  links: (doc) => ({ Project: `/api/${String(doc.SpaceId)}/projects/${String(doc.ProjectId)}` }),
};

export const runbooks: ResourceDef = {
  type: "Runbooks",
  fields: RUNBOOK_FIELDS,
  collection: "runbooks",
  idPrefix: "Runbooks",
  scope: "space",
  link: "Runbooks",
  required: ["Name", "ProjectId"],
  uniqueName: perProject,
  slug: true,
  defaults: () => ({
    Description: "",
    PublishedRunbookSnapshotId: null,
    EnvironmentScope: "All",
    Environments: [],
    MultiTenancyMode: "Untenanted",
    DefaultGuidedFailureMode: "EnvironmentDefault",
    ForcePackageDownload: false,
    ConnectivityPolicy: {
      AllowDeploymentsToNoTargets: true,
      ExcludeUnhealthyTargets: false,
      SkipMachineBehavior: "None",
      TargetRoles: [],
    },
    RunRetentionPolicy: { QuantityToKeep: 100, ShouldKeepForever: false, Unit: "Items", Strategy: "Default" },
  }),
  normalise: (doc, ctx, existing) => {
    requireRef(ctx, "Projects", doc.ProjectId, `Runbook '${String(doc.Name)}' project`);
    if (existing) {
      if (existing.ProjectId !== doc.ProjectId) throw badRequest("A runbook cannot move to another project.");
      doc.RunbookProcessId = existing.RunbookProcessId ?? null;
    }
    for (const env of Array.isArray(doc.Environments) ? doc.Environments : []) {
      requireRef(ctx, "Environments", env, `Runbook '${String(doc.Name)}' environment`);
    }
    const retention = isObject(doc.RunRetentionPolicy) ? doc.RunRetentionPolicy : {};
    retention.QuantityToKeep ??= 100;
    retention.ShouldKeepForever ??= false;
    retention.Unit ??= "Items";
    retention.Strategy ??= retention.ShouldKeepForever
      ? "Forever"
      : retention.QuantityToKeep === 100 && retention.Unit === "Items"
        ? "Default"
        : "Count";
    doc.RunRetentionPolicy = retention;
  },
  afterCreate: (doc, ctx) => {
    const processId = `RunbookProcess-${String(doc.Id)}`;
    createProcess(ctx, "RunbookProcesses", processId, doc);
    ctx.store.put("Runbooks", { ...doc, RunbookProcessId: processId });
  },
  beforeDelete: (doc, ctx) => {
    ctx.store.delete("RunbookProcesses", String(doc.RunbookProcessId));
  },
  filters: { projectIds: (d, v) => v.split(",").includes(String(d.ProjectId)) },
  links: (doc, self) => ({
    RunbookProcesses: `/api/${String(doc.SpaceId)}/runbookProcesses/${String(doc.RunbookProcessId)}`,
    RunbookSnapshotTemplate: `${self}/runbookSnapshotTemplate`,
    Project: `/api/${String(doc.SpaceId)}/projects/${String(doc.ProjectId)}`,
  }),
};

export const projectTriggers: ResourceDef = {
  type: "ProjectTriggers",
  fields: PROJECT_TRIGGER_FIELDS,
  collection: "projecttriggers",
  idPrefix: "ProjectTriggers",
  scope: "space",
  link: "ProjectTriggers",
  required: ["Name", "ProjectId", "Action", "Filter"],
  uniqueName: perProject,
  defaults: () => ({ Description: "", IsDisabled: false }),
  normalise: (doc, ctx) => {
    const what = `Trigger '${String(doc.Name)}'`;
    requireRef(ctx, "Projects", doc.ProjectId, `${what} project`);
    if (!isObject(doc.Action) || typeof doc.Action.ActionType !== "string")
      throw badRequest(`${what} needs an Action with an ActionType.`);
    if (!isObject(doc.Filter) || typeof doc.Filter.FilterType !== "string")
      throw badRequest(`${what} needs a Filter with a FilterType.`);
    const channel = doc.Action.ChannelId;
    requireRef(ctx, "Channels", channel, `${what} channel`);
    if (doc.Filter.FilterType === "GitFilter") gitTrigger(doc, ctx, what);
  },
  filters: {
    runbooks: (d, v) => v.split(",").includes(String((d.Action as JsonObject | null)?.RunbookId)),
    triggerActionType: (d, v) => String((d.Action as JsonObject | null)?.ActionType) === v,
  },
  links: (doc) => ({ Project: `/api/${String(doc.SpaceId)}/projects/${String(doc.ProjectId)}` }),
};

/**
 * A git repository trigger (FilterType GitFilter): it creates a release in a channel of its
 * project when a commit lands in one of the git dependencies its sources name
 * (docs/projects/project-triggers/git-triggers in OctopusDeploy/docs). Its action is always
 * CreateRelease (go-octopusdeploy's NewGitTriggerFilter with NewCreateReleaseAction); each
 * source names the step (by slug) and the git dependency ("" for the step's primary one),
 * and its path lists come back as lists, [] when none (the provider's git trigger reads
 * them as required lists: resource_git_trigger.go).
 */
function gitTrigger(doc: JsonObject, ctx: EngineContext, what: string): void {
  const filter = doc.Filter as JsonObject;
  const action = doc.Action as JsonObject;
  if (action.ActionType !== "CreateRelease")
    throw badRequest(`${what}: a git trigger's action must be CreateRelease.`);
  const channel = ctx.engine.find("Channels", ctx.spaceId, String(action.ChannelId ?? ""));
  // The docs offer the project's own channels (docs/projects/project-triggers/git-triggers).
  if (!channel || channel.ProjectId !== doc.ProjectId)
    throw badRequest(`${what}: a git trigger needs a channel of its project to create releases in.`);
  const sources = Array.isArray(filter.Sources) ? filter.Sources : [];
  if (!sources.length) throw badRequest(`${what}: a git trigger needs at least one source.`);
  filter.Sources = sources.map((src) => {
    if (!isObject(src) || typeof src.DeploymentActionSlug !== "string" || !src.DeploymentActionSlug)
      throw badRequest(`${what}: each git trigger source names a step by its slug.`);
    return {
      ...src,
      GitDependencyName: typeof src.GitDependencyName === "string" ? src.GitDependencyName : "",
      IncludeFilePaths: Array.isArray(src.IncludeFilePaths) ? src.IncludeFilePaths : [],
      ExcludeFilePaths: Array.isArray(src.ExcludeFilePaths) ? src.ExcludeFilePaths : [],
    };
  });
}

/** A release: a version of a project, with the packages it was created with. */
export const releases: ResourceDef = {
  type: "Releases",
  collection: "releases",
  idPrefix: "Releases",
  scope: "space",
  link: "Releases",
  required: ["ProjectId", "Version"],
  uniqueName: false,
  defaults: (doc, ctx) => ({
    ChannelId:
      ctx.engine
        .inSpace("Channels", ctx.spaceId)
        .find((c) => c.ProjectId === doc.ProjectId && c.IsDefault === true)?.Id ?? null,
    ReleaseNotes: "",
    SelectedPackages: [],
    SelectedGitResources: [],
    BuildInformation: [],
    IgnoreChannelRules: false,
    Assembled: new Date().toISOString(),
  }),
  normalise: (doc, ctx, existing) => {
    requireRef(ctx, "Projects", doc.ProjectId, `Release ${String(doc.Version)} project`);
    if (doc.ChannelId) requireRef(ctx, "Channels", doc.ChannelId, `Release ${String(doc.Version)} channel`);
    const clash = ctx.engine
      .inSpace("Releases", ctx.spaceId)
      .find((r) => r.ProjectId === doc.ProjectId && r.Version === doc.Version && r.Id !== existing?.Id);
    if (clash)
      throw badRequest(`A release with version ${String(doc.Version)} already exists for this project.`);
    if (existing) doc.Assembled = existing.Assembled ?? null;
  },
  beforeDelete: (doc, ctx) => {
    for (const d of ctx.engine.inSpace("Deployments", ctx.spaceId))
      if (d.ReleaseId === doc.Id) ctx.store.delete("Deployments", String(d.Id));
  },
  filters: { projectIds: (d, v) => v.split(",").includes(String(d.ProjectId)) },
  sort: (a, b) =>
    String(b.Assembled ?? "").localeCompare(String(a.Assembled ?? "")) ||
    String(a.Id).localeCompare(String(b.Id)),
};

/** A deployment of a release to an environment (history: the sandbox runs nothing). */
export const deployments: ResourceDef = {
  type: "Deployments",
  collection: "deployments",
  idPrefix: "Deployments",
  scope: "space",
  link: "Deployments",
  required: ["ReleaseId", "EnvironmentId"],
  uniqueName: false,
  defaults: (doc, ctx) => {
    const release = ctx.engine.find("Releases", ctx.spaceId, String(doc.ReleaseId));
    return {
      ProjectId: release?.ProjectId ?? null,
      ChannelId: release?.ChannelId ?? null,
      TenantId: null,
      Name: `Deploy to ${String(ctx.engine.find("Environments", ctx.spaceId, String(doc.EnvironmentId))?.Name ?? doc.EnvironmentId)}`,
      Comments: "",
      FormValues: {},
      SkipActions: [],
      SpecificMachineIds: [],
      ExcludedMachineIds: [],
      UseGuidedFailure: false,
      Created: new Date().toISOString(),
    };
  },
  normalise: (doc, ctx) => {
    requireRef(ctx, "Releases", doc.ReleaseId, "Deployment release");
    requireRef(ctx, "Environments", doc.EnvironmentId, "Deployment environment");
    if (doc.TenantId) requireRef(ctx, "Tenants", doc.TenantId, "Deployment tenant");
  },
  filters: { projects: (d, v) => v.split(",").includes(String(d.ProjectId)) },
  sort: (a, b) =>
    String(b.Created ?? "").localeCompare(String(a.Created ?? "")) ||
    String(a.Id).localeCompare(String(b.Id)),
};
