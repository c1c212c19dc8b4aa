import { badRequest, notFound } from "../errors.js";
import type { Route } from "../routes.js";
import type { JsonObject } from "../secrets.js";
import { isObject, requireRef } from "./common.js";

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
 * commit branch (used when the default branch is protected) are not kept, and the project's
 * process, settings and variables go on being served from the one branch the sandbox keeps.
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
      engine.update("Projects", ctx.spaceId, String(project.Id), {
        ...project,
        PersistenceSettings: persistence,
      });
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
