import type { EngineContext } from "../engine.js";
import { ApiError, badRequest, notFound } from "../errors.js";
import type { Route } from "../routes.js";
import type { JsonObject } from "../secrets.js";

/**
 * The sandbox's stand-in for the Community Library. A server fills
 * /api/communityactiontemplates by downloading library.octopus.com (a
 * SyncCommunityActionTemplates task); the sandbox has no network, so it starts with a small
 * built-in catalogue instead: two of the library's templates (their library IDs, names,
 * versions and parameters, from OctopusDeploy/Library step-templates/*.json), with short
 * scripts of our own in place of the library's. Each is served as a server serves a community
 * template: ID CommunityActionTemplates-n, the library ID as ExternalId, and its library page as
 * Website, which is what the provider's octopusdeploy_community_step_template data source
 * matches on (datasource_community_step_template.go).
 */
const CATALOGUE: readonly JsonObject[] = [
  {
    ExternalId: "04a74a00-967d-496a-a966-1acd17fededf",
    Name: "File System - Restore Directory",
    Description: "Restores a folder and its contents (files and sub-folders).",
    Category: "filesystem",
    Version: 2,
    File: "file-system-restore-directory.json",
    Parameters: [
      ["Source", "Source", "SingleLineText"],
      ["Destination", "Destination folder", "SingleLineText"],
    ],
    Script: [
      "# Sandbox stand-in for the Community Library template of this name.",
      'Copy-Item -Path $OctopusParameters["Source"] -Destination $OctopusParameters["Destination"] -Recurse -Force',
    ],
  },
  {
    ExternalId: "6042d737-5902-0729-ae57-8b6650a299da",
    Name: "Amazon Chime - Post Message",
    Description: "Posts a message to an Amazon Chime chat room through its webhook.",
    Category: "amazon-chime",
    Version: 14,
    File: "amazon-chime-post-message.json",
    Parameters: [
      ["acpm_WebHookURL", "Web Hook URL", "SingleLineText"],
      ["acpm_ContentPayload", "Message", "MultiLineText"],
      ["acpm_WarningOnFailure", "Generate Warning on Failure?", "Checkbox"],
    ],
    Script: [
      "# Sandbox stand-in for the Community Library template of this name.",
      '$body = @{ Content = $OctopusParameters["acpm_ContentPayload"] } | ConvertTo-Json',
      'Invoke-RestMethod -Method Post -Uri $OctopusParameters["acpm_WebHookURL"] -Body $body -ContentType "application/json"',
    ],
  },
];

/** A catalogue entry as the server serves a community step template. */
function communityTemplate(entry: JsonObject, n: number): JsonObject {
  const externalId = String(entry.ExternalId);
  const params = entry.Parameters as string[][];
  return {
    Id: `CommunityActionTemplates-${n}`,
    Name: entry.Name!,
    Description: entry.Description!,
    Author: "",
    Category: entry.Category!,
    Type: "Octopus.Script",
    ActionType: "Octopus.Script",
    ExternalId: externalId,
    Version: entry.Version!,
    Website: `https://library.octopus.com/step-templates/${externalId}`,
    HistoryUrl: `https://github.com/OctopusDeploy/Library/commits/master/step-templates/${String(entry.File)}`,
    Packages: [],
    // Parameter IDs are fixed per template and position, so every install gets the same ones.
    Parameters: params.map(([name, label, control], i) => ({
      Id: `${externalId.slice(0, 24)}${String(i + 1).padStart(12, "0")}`,
      Name: name!,
      Label: label!,
      HelpText: "",
      DefaultValue: "",
      DisplaySettings: { "Octopus.ControlType": control! },
    })),
    Properties: {
      "Octopus.Action.Script.ScriptSource": "Inline",
      "Octopus.Action.Script.Syntax": "PowerShell",
      "Octopus.Action.Script.ScriptBody": (entry.Script as string[]).join("\n"),
    },
  };
}

/** Puts the catalogue in the store when the server starts (the communityActionTemplates row's init). */
export function loadCommunityCatalogue(ctx: EngineContext): void {
  CATALOGUE.forEach((entry, i) => {
    const doc = communityTemplate(entry, i + 1);
    ctx.store.noteId("CommunityActionTemplates", String(doc.Id));
    ctx.store.put("CommunityActionTemplates", doc);
  });
}

/** The step template an install makes in a space from a community template. */
function installed(template: JsonObject): JsonObject {
  return {
    Name: template.Name!,
    Description: template.Description!,
    ActionType: template.ActionType!,
    CommunityActionTemplateId: template.Id!,
    Packages: template.Packages!,
    Parameters: structuredClone(template.Parameters!),
    Properties: structuredClone(template.Properties!),
  };
}

/**
 * POST /api/communityactiontemplates/{id}/installation/{spaceId} installs a community
 * template into a space as a step template whose CommunityActionTemplateId names it, and
 * answers with that step template (the provider reads the answer's Id as the step template's:
 * resource_community_step_template.go, go-octopusdeploy pkg/actions/
 * community_action_template_service.go InstallToSpace). A template is installed once per
 * space. PUT on the same path brings the installed step template up to the community
 * template's version. Without {spaceId}, the default space.
 */
function installRoute(method: "POST" | "PUT", withSpace: boolean): Route {
  return {
    method,
    path: `/communityactiontemplates/:id/installation${withSpace ? "/:spaceId" : ""}`,
    scope: "system",
    handler: ({ engine, params, render }) => {
      const template = engine.get("CommunityActionTemplates", undefined, params.id!);
      const spaces = engine.docs("Spaces", undefined);
      const space = withSpace
        ? spaces.find((s) => String(s.Id).toLowerCase() === params.spaceId!.toLowerCase())
        : (spaces.find((s) => s.IsDefault === true) ?? spaces[0]);
      if (!space) throw notFound(params.spaceId ?? "default space");
      const spaceId = String(space.Id);
      const existing = engine
        .docs("ActionTemplates", spaceId)
        .find((t) => t.CommunityActionTemplateId === template.Id);
      if (method === "POST") {
        if (existing)
          throw new ApiError(400, "There was a problem with your request.", [
            `The community step template '${String(template.Name)}' is already installed in this space.`,
          ]);
        const made = engine.create("ActionTemplates", spaceId, installed(template));
        return { status: 201, body: render("ActionTemplates", made) };
      }
      if (!existing) throw notFound(`installation of ${String(template.Id)} in ${spaceId}`);
      const updated = engine.update("ActionTemplates", spaceId, String(existing.Id), {
        ...existing,
        ...installed(template),
      });
      return { body: render("ActionTemplates", updated) };
    },
  };
}

/**
 * POST /api/tasks with Name SyncCommunityActionTemplates asks a server to download the library
 * again; the provider's TestAccOctopusCommunityStepTemplate starts one and polls
 * /api/tasks/{id}/details until it is done (forceCommunityStepTemplateRefresh; go-octopusdeploy
 * pkg/tasks/task_service.go GetDetails). The sandbox's catalogue is built in, so the task is
 * done at once. It is the only task a client can start here.
 */
const syncTaskRoutes: Route[] = [
  {
    method: "POST",
    path: "/tasks",
    scope: "system",
    handler: ({ ctx, body }) => {
      const name = typeof body?.Name === "string" ? body.Name : "";
      if (name !== "SyncCommunityActionTemplates")
        throw badRequest(
          `The sandbox cannot run a task named '${name}'; it runs SyncCommunityActionTemplates only.`,
        );
      const now = new Date().toISOString();
      const id = ctx.store.nextId("ServerTasks");
      const task = {
        Id: id,
        Name: name,
        Description:
          typeof body?.Description === "string" ? body.Description : "Synchronize Community Step Templates",
        SpaceId: null,
        State: "Success",
        QueueTime: now,
        StartTime: now,
        CompletedTime: now,
        IsCompleted: true,
        FinishedSuccessfully: true,
        HasWarningsOrErrors: false,
        ErrorMessage: "",
        Duration: "0 seconds",
      };
      ctx.store.put("Tasks", task);
      return {
        status: 201,
        body: { ...task, Links: { Self: `/api/tasks/${id}`, Details: `/api/tasks/${id}/details` } },
      };
    },
  },
  {
    method: "GET",
    path: "/tasks/:id/details",
    scope: "system",
    handler: ({ engine, params }) => {
      const task = engine.get("Tasks", undefined, params.id!);
      return {
        body: {
          Task: { ...task, Links: { Self: `/api/tasks/${String(task.Id)}` } },
          ActivityLogs: [],
          PhysicalLogSize: 0,
          Progress: { ProgressPercentage: task.IsCompleted === true ? 100 : 0, EstimatedTimeRemaining: "" },
          Links: { Self: `/api/tasks/${String(task.Id)}/details` },
        },
      };
    },
  },
];

export const communityTemplateRoutes: Route[] = [
  ...syncTaskRoutes,
  installRoute("POST", true),
  installRoute("POST", false),
  installRoute("PUT", true),
  installRoute("PUT", false),
];
