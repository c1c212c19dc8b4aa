import type { ResourceDef } from "../engine.js";
import { forgetScopeValue } from "./variables.js";

export const environments: ResourceDef = {
  type: "Environments",
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
