import type { EngineContext } from "../engine.js";
import { ApiError, badRequest, notFound } from "../errors.js";
import type { Route } from "../routes.js";
import type { JsonObject } from "../secrets.js";
import { isObject, requireRef } from "./common.js";
import { normaliseVariable, scopeValues } from "./variables.js";

/**
 * Converting a project to version control (Config as Code), as the server does it.
 *
 * The project document advertises the endpoint as `Links.ConvertToVcs`
 * (`/api/{space}/projects/{id}/git/convert`); go-octopusdeploy posts
 * `{CommitMessage, VersionControlSettings, InitialCommitBranchName}` there and reads back
 * `{Messages}` with 200 (pkg/projects/convert_to_vcs.go, convert_to_vcs_response.go,
 * project_service.go ConvertToVCS, the deprecated form checking for http.StatusOK), then gets
 * the project again. The provider's octopusdeploy_project converts a project right after
 * creating it, and an existing one when git settings are added (terraform-provider-octopusdeploy
 * v1.17.0 octopusdeploy_framework/resource_project.go Create and Update); a project is never
 * created with git settings (the Go client's Add clears them: "Persistence settings are
 * available AFTER the project has been created or converted").
 *
 * The settings arrive as GitPersistenceSettings marshal them (pkg/projects/
 * git_persistence_settings.go): `Url`, `BasePath`, `DefaultBranch`, `ProtectedDefaultBranch`,
 * `ProtectedBranchNamePatterns`, `Type: "VersionControlled"` and `Credentials` with a `Type` of
 * `Anonymous`, `UsernamePassword` (`Username`, a write-only `Password`), `Reference` (the `Id`
 * of a git credential of the space) or `GitHub` (the `Id` of a GitHub connection)
 * (pkg/credentials/types.go). The server answers them with a `ConversionState`: the process,
 * deployment settings and non-sensitive variables go to the repository (OctopusDeploy/docs
 * docs/projects/version-control/converting/index.md), runbooks stay in the database until
 * moved on their own; go-octopusdeploy's test fixtures serve such a project with
 * `ConversionState {VariablesAreInGit, RunbooksAreInGit}` and the links below.
 *
 * The sandbox has no repository: nothing is committed, the commit message and the initial
 * commit branch (used when the default branch is protected) are not kept, and every git ref
 * reads and writes the one branch the sandbox keeps. What conversion moves there is moved:
 * the non-sensitive variables leave the project's database variable set and the git-held
 * deployment settings are copied to the branch (`moveToBranch` below); the process is served
 * from its database document on every ref.
 */
function convert(project: JsonObject, body: JsonObject | undefined, check: (id: string) => void): JsonObject {
  if (project.IsVersionControlled === true)
    throw badRequest(`Project '${String(project.Name)}' is already version controlled.`);
  const settings = body?.VersionControlSettings;
  if (!isObject(settings)) throw badRequest("The VersionControlSettings field is required.");
  const url = typeof settings.Url === "string" ? settings.Url.trim() : "";
  if (!/^https?:\/\/[^\s/]+/i.test(url))
    throw badRequest("The repository Url must be an absolute http or https URL.");
  const credentials = settings.Credentials;
  if (!isObject(credentials))
    throw badRequest("The Credentials of the version control settings are required.");
  switch (credentials.Type) {
    case "Anonymous":
      break;
    case "UsernamePassword":
      if (typeof credentials.Username !== "string" || !credentials.Username)
        throw badRequest("UsernamePassword credentials need a Username.");
      if (!isObject(credentials.Password) || typeof credentials.Password.NewValue !== "string")
        throw badRequest("UsernamePassword credentials need a Password.");
      break;
    case "Reference":
    case "GitHub":
      if (typeof credentials.Id !== "string" || !credentials.Id)
        throw badRequest(`${String(credentials.Type)} credentials need the Id of what they refer to.`);
      if (credentials.Type === "Reference") check(credentials.Id);
      break;
    default:
      throw badRequest(
        `Unknown credential type '${String(credentials.Type)}'; expected Anonymous, UsernamePassword, Reference or GitHub.`,
      );
  }
  const patterns = Array.isArray(settings.ProtectedBranchNamePatterns)
    ? settings.ProtectedBranchNamePatterns.filter((p): p is string => typeof p === "string")
    : [];
  return {
    Type: "VersionControlled",
    Url: url,
    // The provider defaults base_path to ".octopus" (schemas/project.go) and reads a missing
    // default branch as "main" (resource_project.go updateStateWithDeploymentSettings).
    BasePath: typeof settings.BasePath === "string" && settings.BasePath ? settings.BasePath : ".octopus",
    DefaultBranch:
      typeof settings.DefaultBranch === "string" && settings.DefaultBranch ? settings.DefaultBranch : "main",
    ProtectedDefaultBranch: settings.ProtectedDefaultBranch === true,
    ProtectedBranchNamePatterns: patterns,
    Credentials: credentials,
    ConversionState: { VariablesAreInGit: true, RunbooksAreInGit: false },
  };
}

export const versionControlRoutes: Route[] = [
  {
    method: "POST",
    path: "/projects/:id/git/convert",
    scope: "space",
    handler: ({ ctx, engine, params, body }) => {
      const project = engine.get("Projects", ctx.spaceId, params.id!);
      const persistence = convert(project, body, (id) =>
        requireRef(ctx, "GitCredentials", id, "The version control settings' git credential"),
      );
      const converted = engine.update("Projects", ctx.spaceId, String(project.Id), {
        ...project,
        PersistenceSettings: persistence,
      });
      moveToBranch(ctx, converted);
      return { body: { Messages: [] } };
    },
  },
];

/** The links a version-controlled project has instead of, or beyond, a database project's. */
export function versionControlledLinks(doc: JsonObject, self: string): Record<string, string> {
  if (doc.IsVersionControlled !== true) return {};
  // go-octopusdeploy's test fixtures for a version-controlled project (NewVersionControlledProject):
  // gitRef is a template parameter in the middle of the path.
  return {
    DeploymentProcess: `${self}/{gitRef}/deploymentprocesses`,
    DeploymentSettings: `${self}/{gitRef}/deploymentsettings`,
    Tags: `${self}/git/tags{/name}{?skip,take,searchByName,refresh}`,
    Branches: `${self}/git/branches{/name}{?skip,take,searchByName,refresh}`,
    Commits: `${self}/git/commits{/hash}{?skip,take,refresh}`,
  };
}

/** A version-controlled project, or 404 for a path on a git ref of a database project. */
export function versionControlled(project: JsonObject, path: string): JsonObject {
  if (project.IsVersionControlled !== true) throw notFound(path);
  return project;
}

/**
 * What a version-controlled project keeps on its branch, held apart from the database
 * documents (one document a project, never served as it is): its non-sensitive variables and
 * its git-held deployment settings.
 */
export const BRANCH_TYPE = "GitBranches";

/**
 * The deployment settings a branch holds: the fields of go-octopusdeploy's DeploymentSettings
 * (pkg/deployments/deployment_settings.go, read and written on `{gitRef}/deploymentsettings`),
 * which are the "Deployment Settings" OctopusDeploy/docs lists as saved to git
 * (docs/projects/version-control/config-as-code-reference.md). The provider clears these on
 * the project PUT of a Config-as-Code project because "the server rejects these deployment
 * settings fields on the base project endpoint" and writes them on the branch instead
 * (terraform-provider-octopusdeploy v1.17.0 resource_project.go Update).
 */
export const BRANCH_SETTINGS = [
  "ProjectConnectivityPolicy",
  "DefaultGuidedFailureMode",
  "DefaultToSkipIfAlreadyInstalled",
  "DeploymentChangesTemplate",
  "ReleaseNotesTemplate",
  "VersioningStrategy",
] as const;

function branchId(project: JsonObject): string {
  return `gitbranch-${String(project.Id)}`;
}

/** A project's branch document; undefined before anything was put on it. */
export function branchOf(ctx: EngineContext, project: JsonObject): JsonObject | undefined {
  return ctx.store.get(BRANCH_TYPE, branchId(project));
}

function saveBranch(ctx: EngineContext, project: JsonObject, fields: JsonObject): JsonObject {
  const before = branchOf(ctx, project) ?? {
    Id: branchId(project),
    SpaceId: project.SpaceId ?? null,
    ProjectId: project.Id ?? null,
    VariablesVersion: 0,
    Variables: [],
    Settings: null,
  };
  return ctx.store.put(BRANCH_TYPE, { ...before, ...fields });
}

/** Forgets a deleted project's branch. */
export function deleteBranch(ctx: EngineContext, project: JsonObject): void {
  ctx.store.delete(BRANCH_TYPE, branchId(project));
}

/**
 * Conversion: the non-sensitive variables go to the branch and leave the database set (which
 * keeps the sensitive ones: "Sensitive variables are still stored in the database",
 * config-as-code-reference.md), and the git-held settings are copied to the branch.
 */
function moveToBranch(ctx: EngineContext, project: JsonObject): void {
  const set = ctx.engine.find("VariableSets", ctx.spaceId, String(project.VariableSetId ?? ""));
  const variables = (Array.isArray(set?.Variables) ? set.Variables : []) as JsonObject[];
  const settings: JsonObject = {};
  for (const field of BRANCH_SETTINGS) settings[field] = structuredClone(project[field] ?? null);
  saveBranch(ctx, project, {
    Variables: variables.filter((v) => v.IsSensitive !== true).map((v) => structuredClone(v)),
    Settings: settings,
  });
  if (set)
    ctx.engine.update("VariableSets", ctx.spaceId, String(set.Id), {
      ...set,
      Variables: variables.filter((v) => v.IsSensitive === true),
    });
}

/** A project's git-held settings: the branch's, or (nothing saved there yet) the project's own. */
export function branchSettings(ctx: EngineContext, project: JsonObject): JsonObject {
  const saved = branchOf(ctx, project)?.Settings;
  const out: JsonObject = {};
  for (const field of BRANCH_SETTINGS)
    out[field] = isObject(saved) && field in saved ? saved[field]! : (project[field] ?? null);
  return out;
}

/** Saves git-held settings on the branch. */
export function saveBranchSettings(ctx: EngineContext, project: JsonObject, settings: JsonObject): void {
  saveBranch(ctx, project, { Settings: { ...branchSettings(ctx, project), ...settings } });
}

/** The variable set of a branch, shaped as the database one is served. */
export function branchVariables(ctx: EngineContext, project: JsonObject, self: string): JsonObject {
  const branch = branchOf(ctx, project);
  return {
    Id: String(project.VariableSetId ?? `variableset-${String(project.Id)}`),
    SpaceId: project.SpaceId ?? null,
    OwnerId: project.Id ?? null,
    Version: Number(branch?.VariablesVersion ?? 0),
    Variables: structuredClone((branch?.Variables ?? []) as JsonObject[]),
    ScopeValues: scopeValues(ctx, project.Id),
    Links: { Self: self },
  };
}

/**
 * Saves a branch's variables (go-octopusdeploy pkg/projectvariables UpdateByGitRef: a PUT of
 * the whole set to `/projects/{id}/{gitRef}/variables`). The version is checked as the
 * database set's is. A sensitive variable is refused: its value could only be committed in
 * plain text, and the server keeps those in the database (config-as-code-reference.md); no
 * public source says what the server answers, so the sandbox refuses it loudly.
 */
export function saveBranchVariables(ctx: EngineContext, project: JsonObject, body: JsonObject): void {
  const branch = branchOf(ctx, project);
  const version = Number(branch?.VariablesVersion ?? 0);
  if (body.Version !== undefined && body.Version !== null && Number(body.Version) !== version)
    throw new ApiError(409, "The variable set has been modified by someone else; reload it and try again.");
  const variables = (Array.isArray(body.Variables) ? body.Variables : []).map((v, i) =>
    normaliseVariable(v, i, ctx),
  );
  const sensitive = variables.filter((v) => v.IsSensitive === true);
  if (sensitive.length)
    throw badRequest(
      `Sensitive variables are kept in the database, not in git: save ${sensitive
        .map((v) => `'${String(v.Name)}'`)
        .join(", ")} through the project's variable set (/variables/${String(project.VariableSetId)}).`,
    );
  saveBranch(ctx, project, { Variables: variables, VariablesVersion: version + 1 });
}
