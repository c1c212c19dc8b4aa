import type { ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import { page } from "../render.js";
import type { Route } from "../routes.js";
import type { JsonObject } from "../secrets.js";
import { isObject } from "./common.js";
import { ENVIRONMENT_FIELDS } from "./fields.js";
import { forgetScopeValue } from "./variables.js";

export const environments: ResourceDef = {
  type: "Environments",
  fields: ENVIRONMENT_FIELDS,
  collection: "environments",
  idPrefix: "Environments",
  scope: "space",
  link: "Environments",
  required: ["Name"],
  slug: true,
  defaults: (_doc, ctx) => ({
    Description: "",
    SortOrder: ctx.engine.inSpace("Environments", ctx.spaceId).length,
    UseGuidedFailure: false,
    AllowDynamicInfrastructure: false,
    ExtensionSettings: [],
    EnvironmentTags: [],
  }),
  beforeDelete: (doc, ctx) => forgetScopeValue(ctx, String(doc.Id)),
  sort: (a, b) =>
    Number(a.SortOrder ?? 0) - Number(b.SortOrder ?? 0) || String(a.Name).localeCompare(String(b.Name)),
};

/**
 * Parent environments: the environments ephemeral environments are made under, served at
 * /api/spaces/{spaceId}/parentEnvironments{/id} (go-octopusdeploy pkg/environments/v2/
 * parentenvironments: Name, Description, Slug, UseGuidedFailure, SortOrder and an optional
 * AutomaticDeprovisioningRule of ExpiryDays and ExpiryHours). Their IDs come from the same
 * sequence as other environments'. The classic /environments collection does not list them;
 * /environments/v2 lists both kinds, each with its Type.
 */
export const parentEnvironments: ResourceDef = {
  type: "ParentEnvironments",
  collection: "parentEnvironments",
  idPrefix: "Environments",
  scope: "space",
  required: ["Name"],
  slug: true,
  defaults: () => ({
    Description: "",
    UseGuidedFailure: false,
    SortOrder: 0,
    AutomaticDeprovisioningRule: null,
  }),
  normalise: (doc) => {
    const rule = doc.AutomaticDeprovisioningRule;
    if (rule === undefined || rule === null) return;
    if (!isObject(rule)) throw badRequest("AutomaticDeprovisioningRule must be an object.");
    for (const key of ["ExpiryDays", "ExpiryHours"]) {
      const n = rule[key] ?? 0;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0)
        throw badRequest(`AutomaticDeprovisioningRule.${key} must be a whole number, 0 or more.`);
      rule[key] = n;
    }
  },
  sort: (a, b) =>
    Number(a.SortOrder ?? 0) - Number(b.SortOrder ?? 0) || String(a.Name).localeCompare(String(b.Name)),
};

/**
 * GET /api/{spaceId}/environments/v2{?name,skip,ids,take,partialName,type}: environments of
 * every kind in one list, each with its Type ("Static" for the classic ones, "Parent"), as the
 * provider's octopusdeploy_parent_environments data source reads them with type=Parent
 * (go-octopusdeploy pkg/environments/v2/route.go and environments/environment.go).
 */
export const environmentRoutes: Route[] = [
  {
    method: "GET",
    path: "/environments/v2",
    scope: "space",
    handler: ({ ctx, engine, query, base }) => {
      const types = query
        .getAll("type")
        .flatMap((t) => t.split(","))
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean);
      const kinds: Array<[string, string]> = [
        ["Environments", "Static"],
        ["ParentEnvironments", "Parent"],
      ];
      const docs: JsonObject[] = [];
      for (const [type, kind] of kinds) {
        if (types.length && !types.includes(kind.toLowerCase())) continue;
        for (const doc of engine.filter(engine.def(type), engine.docs(type, ctx.spaceId), query))
          docs.push({ ...doc, Type: kind });
      }
      docs.sort(
        (a, b) =>
          Number(a.SortOrder ?? 0) - Number(b.SortOrder ?? 0) || String(a.Name).localeCompare(String(b.Name)),
      );
      const path = `${base}/environments/v2`;
      const items = docs.map((d) => ({ ...d, Links: { Self: `${path}/${String(d.Id)}` } }));
      return {
        body: page(
          engine.def("Environments"),
          items,
          query,
          path,
          `${path}{?name,skip,ids,take,partialName,type}`,
        ),
      };
    },
  },
];
