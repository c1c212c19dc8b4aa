import type { ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import type { Route } from "../routes.js";
import { isObject, requireRef } from "./common.js";
import { TENANT_FIELDS } from "./fields.js";
import { requireTags } from "./library.js";
import { tenantVariableRoutes, tenantVariablesId, tenantVariablesView } from "./tenant-variables.js";
import { forgetScopeValue } from "./variables.js";

export { tenantVariables } from "./tenant-variables.js";

export const tenants: ResourceDef = {
  type: "Tenants",
  fields: TENANT_FIELDS,
  collection: "tenants",
  idPrefix: "Tenants",
  scope: "space",
  link: "Tenants",
  required: ["Name"],
  slug: true,
  defaults: () => ({
    Description: "",
    TenantTags: [],
    ProjectEnvironments: {},
    IsDisabled: false,
    ClonedFromTenantId: null,
  }),
  normalise: (doc, ctx) => {
    requireTags(ctx, doc.TenantTags, `Tenant '${String(doc.Name)}'`);
    const pe = isObject(doc.ProjectEnvironments) ? doc.ProjectEnvironments : {};
    for (const [projectId, envs] of Object.entries(pe)) {
      requireRef(ctx, "Projects", projectId, `Tenant '${String(doc.Name)}' project`);
      if (!Array.isArray(envs))
        throw badRequest(`Tenant '${String(doc.Name)}' environments of ${projectId} must be a list.`);
      for (const env of envs)
        requireRef(ctx, "Environments", env, `Tenant '${String(doc.Name)}' environment`);
    }
    doc.ProjectEnvironments = pe;
  },
  beforeDelete: (doc, ctx) => {
    ctx.store.delete("TenantVariables", tenantVariablesId(String(doc.Id)));
    forgetScopeValue(ctx, String(doc.Id));
  },
  filters: {
    projectId: (d, v) => isObject(d.ProjectEnvironments) && v in d.ProjectEnvironments,
    tags: (d, v) => v.split(",").every((t) => Array.isArray(d.TenantTags) && d.TenantTags.includes(t)),
    isDisabled: (d, v) => String(d.IsDisabled === true) === v.toLowerCase(),
  },
  links: (doc, self) => ({
    Variables: `${self}/variables`,
    Logo: `${self}/logo`,
    Web: `/app#/${String(doc.SpaceId)}/tenants/${String(doc.Id)}`,
  }),
};

export const tenantRoutes: Route[] = [
  ...tenantVariableRoutes,
  {
    method: "GET",
    path: "/tenantvariables/all",
    scope: "space",
    handler: ({ ctx, engine, query }) => {
      const projectId = query.get("projectId");
      const list = engine.docs(
        "Tenants",
        ctx.spaceId,
        (t) => !projectId || (isObject(t.ProjectEnvironments) && projectId in t.ProjectEnvironments),
      );
      return { body: list.map((t) => tenantVariablesView(ctx, t)) };
    },
  },
];
