import type { ResourceDef } from "../engine.js";
import { badRequest, notFound } from "../errors.js";
import type { Route } from "../routes.js";
import type { JsonObject } from "../secrets.js";
import { isObject } from "./common.js";
import { communityTemplateRoutes, loadCommunityCatalogue } from "./community-templates.js";
import { ACTION_TEMPLATE_FIELDS } from "./fields.js";
import { normaliseTemplates } from "./library.js";

/**
 * Step templates. Each save makes a new version; earlier versions stay readable at
 * /actiontemplates/{id}/versions/{n}, as processes using an older version read them.
 */
export const actionTemplates: ResourceDef = {
  type: "ActionTemplates",
  fields: ACTION_TEMPLATE_FIELDS,
  collection: "actiontemplates",
  idPrefix: "ActionTemplates",
  scope: "space",
  link: "ActionTemplates",
  required: ["Name", "ActionType"],
  defaults: () => ({
    Description: "",
    Version: 0,
    CommunityActionTemplateId: null,
    Packages: [],
    GitDependencies: [],
    Parameters: [],
    Properties: {},
    StepPackageId: null,
  }),
  normalise: (doc, ctx, existing) => {
    doc.Version = existing ? Number(existing.Version ?? 0) + 1 : 0;
    const params = { Templates: doc.Parameters } as JsonObject;
    normaliseTemplates(params, `Step template '${String(doc.Name)}'`);
    doc.Parameters = params.Templates!;
    if (existing) {
      const history = ctx.store.get("ActionTemplateVersions", String(doc.Id))?.Versions;
      const versions = isObject(history) ? { ...history } : {};
      versions[String(existing.Version)] = existing;
      ctx.store.put("ActionTemplateVersions", { Id: String(doc.Id), Versions: versions });
    }
  },
  beforeDelete: (doc, ctx) => {
    const uses = ["DeploymentProcesses", "RunbookProcesses"].some((type) =>
      ctx.engine
        .inSpace(type, ctx.spaceId)
        .some((p) => JSON.stringify(p.Steps ?? []).includes(`"${String(doc.Id)}"`)),
    );
    if (uses) throw badRequest(`The step template '${String(doc.Name)}' is used by a process.`);
    ctx.store.delete("ActionTemplateVersions", String(doc.Id));
  },
};

/**
 * Community step templates: the Community Library's templates, server-wide, at
 * /api/communityactiontemplates, linked from the root document as CommunityActionTemplates
 * (go-octopusdeploy reads that link: pkg/client/octopusdeploy.go, pkg/constants). A server
 * fills the collection by downloading the online library; the sandbox starts with a small
 * built-in catalogue instead (community-templates.ts), and installs them into spaces.
 */
export const communityActionTemplates: ResourceDef = {
  type: "CommunityActionTemplates",
  collection: "communityactiontemplates",
  idPrefix: "CommunityActionTemplates",
  scope: "system",
  link: "CommunityActionTemplates",
  creatable: false,
  deletable: false,
  init: loadCommunityCatalogue,
};

export const templateRoutes: Route[] = [
  ...communityTemplateRoutes,
  {
    method: "GET",
    path: "/actiontemplates/:id/versions/:version",
    scope: "space",
    handler: ({ ctx, engine, params, render }) => {
      const current = engine.get("ActionTemplates", ctx.spaceId, params.id!);
      if (String(current.Version) === params.version) return { body: render("ActionTemplates", current) };
      const old = (ctx.store.get("ActionTemplateVersions", params.id!)?.Versions as JsonObject | undefined)?.[
        params.version!
      ];
      if (!isObject(old)) throw notFound(`${params.id}/versions/${params.version}`);
      return { body: render("ActionTemplates", old) };
    },
  },
  {
    method: "GET",
    path: "/actiontemplates/categories",
    scope: "space",
    handler: () => ({ body: [] }),
  },
];
