import type { Doc, DocType, IdField, SecretField } from "./descriptor.js";
import { isSensitiveVariable, templateOf, templateValueType, variableValueType } from "./typed-values.js";

/** Library variable sets, script modules, variable sets, step templates, tenants and their values. */

/** A template's default value is an ID when its control type says so (a certificate, an account). */
export const TEMPLATE_DEFAULTS: IdField = {
  path: "Templates[].DefaultValue",
  to: (template) => templateValueType(template),
};

export const TEMPLATE_SECRETS: SecretField = { path: "Templates[].DefaultValue" };

const isScriptModule = (doc: Doc) => doc.ContentType === "ScriptModule";

export const libraryVariableSets: DocType = {
  type: "LibraryVariableSets",
  label: "library variable sets",
  singular: "library variable set",
  klass: "space",
  read: {
    kind: "subset",
    of: "libraryvariablesets",
    path: "libraryvariablesets",
    when: (d) => !isScriptModule(d),
  },
  identity: "name",
  family: { name: "library-variable-sets" },
  lookup: {
    data: "octopusdeploy_library_variable_sets",
    collection: "library_variable_sets",
    exactName: false,
  },
  resources: { octopusdeploy_library_variable_set: "document" },
  secrets: [TEMPLATE_SECRETS],
  ids: [{ path: "VariableSetId", to: "VariableSets" }, TEMPLATE_DEFAULTS],
};

export const scriptModules: DocType = {
  type: "ScriptModules",
  label: "script modules",
  singular: "script module",
  klass: "space",
  read: { kind: "subset", of: "libraryvariablesets", path: "libraryvariablesets", when: isScriptModule },
  identity: "name",
  family: { name: "script-modules" },
  lookup: { data: "octopusdeploy_script_modules", collection: "script_modules", exactName: false },
  resources: { octopusdeploy_script_module: "document" },
  ids: [{ path: "VariableSetId", to: "VariableSets" }],
};

export const actionTemplates: DocType = {
  type: "ActionTemplates",
  label: "step templates",
  singular: "step template",
  klass: "space",
  read: { kind: "collection", path: "actiontemplates", scope: "space" },
  identity: "name",
  family: { name: "step-templates" },
  lookup: {
    data: "octopusdeploy_step_template",
    collection: "step_template",
    exactName: true,
    single: true,
  },
  // Installed from the community library (CommunityActionTemplateId): installed again there.
  resources: { octopusdeploy_step_template: "document", octopusdeploy_community_step_template: "document" },
  secrets: [{ path: "Properties.*" }, { path: "Parameters[].DefaultValue" }],
  ids: [
    { path: "Properties['Octopus.Action.Package.FeedId']", to: "Feeds", expression: true },
    { path: "Packages[].FeedId", to: "Feeds", expression: true },
    { path: "GitDependencies[].GitCredentialId", to: "GitCredentials" },
    { path: "Parameters[].DefaultValue", to: (parameter) => templateValueType(parameter) },
  ],
};

/** Who owns a variable set: a project, a library set or a script module. */
const OWNERS = ["Projects", "LibraryVariableSets", "ScriptModules"] as const;

export const variableSets: DocType = {
  type: "VariableSets",
  label: "variable sets",
  singular: "variable set",
  klass: "project",
  read: {
    kind: "by-reference",
    from: OWNERS.map((type) => ({ type, field: "VariableSetId" })),
    path: "variables/{id}",
    scope: "space",
  },
  identity: "owner",
  resources: { octopusdeploy_variable: "variable" },
  secrets: [{ path: "Variables[].Value", when: isSensitiveVariable }],
  ids: [
    { path: "OwnerId", to: OWNERS },
    { path: "Variables[].Value", to: (variable) => variableValueType(variable) },
    { path: "Variables[].Scope.Environment[]", to: "Environments" },
    { path: "Variables[].Scope.Machine[]", to: "Machines" },
    { path: "Variables[].Scope.Channel[]", to: "Channels" },
    { path: "Variables[].Scope.ProcessOwner[]", to: ["Projects", "Runbooks"] },
  ],
};

export const tenants: DocType = {
  type: "Tenants",
  label: "tenants",
  singular: "tenant",
  klass: "space",
  read: { kind: "collection", path: "tenants", scope: "space" },
  identity: "name",
  family: { name: "tenants" },
  lookup: { data: "octopusdeploy_tenants", collection: "tenants", exactName: true },
  resources: { octopusdeploy_tenant: "document" },
  ignoredBy: "ignoreTenants",
  ids: [
    { path: "ProjectEnvironments{}", to: "Projects" },
    { path: "ProjectEnvironments.*[]", to: "Environments" },
  ],
};

/** A tenant's value of a library set's template is an ID when the template's control type says so. */
const libraryValueType = (_holder: Doc, keys: readonly string[], find: (id: string) => Doc | undefined) =>
  templateValueType(templateOf(find(keys[0] ?? ""), keys[1] ?? ""));

/** The same for a project template's value, per environment (keys: project, environment, template). */
const projectValueType = (_holder: Doc, keys: readonly string[], find: (id: string) => Doc | undefined) =>
  templateValueType(templateOf(find(keys[0] ?? ""), keys[2] ?? ""));

/**
 * A tenant's common variables scoped to environments, from `/tenants/{id}/commonvariables`
 * (`Variables`: each with its Id, LibraryVariableSetId, TemplateId, Value and
 * Scope.EnvironmentIds), kept as `ScopedCommonVariables`: by library set, then template, a list
 * of `{ Id, Value, EnvironmentIds }`. Unscoped values are the older document's already; a tenant
 * with no scoped value gets no field, so its document is what the older endpoint gives.
 */
export function mergeScopedCommonVariables(doc: Doc, json: unknown): void {
  const list = (json as { Variables?: unknown } | undefined)?.Variables;
  if (!Array.isArray(list)) return;
  const scoped: Record<string, Record<string, Doc[]>> = {};
  for (const v of list as Doc[]) {
    const envs = (v?.Scope as Doc | undefined)?.EnvironmentIds;
    if (!Array.isArray(envs) || envs.length === 0) continue;
    const lvs = String(v.LibraryVariableSetId ?? "");
    const template = String(v.TemplateId ?? "");
    if (!lvs || !template) continue;
    const byTemplate = scoped[lvs] ?? {};
    scoped[lvs] = byTemplate;
    const values = byTemplate[template] ?? [];
    byTemplate[template] = values;
    values.push({
      Id: v.Id ?? null,
      Value: v.Value ?? null,
      EnvironmentIds: envs.map(String).sort(),
    });
  }
  if (Object.keys(scoped).length) doc.ScopedCommonVariables = scoped;
}

export const tenantVariables: DocType = {
  type: "TenantVariables",
  label: "tenant variables",
  singular: "tenant variables",
  klass: "space",
  read: {
    kind: "per-document",
    of: "Tenants",
    path: "tenants/{id}/variables",
    idPrefix: "TenantVariables-",
    ownerField: "TenantId",
    // The older document holds a library template's unscoped value only; values scoped to
    // environments (Octopus 2025.2) are read from the newer endpoint the provider uses
    // (go-octopusdeploy pkg/tenants GetCommonVariables).
    merge: { path: "tenants/{id}/commonvariables", into: mergeScopedCommonVariables },
  },
  identity: "tenant",
  // The server takes the values only once the tenants are connected to projects.
  afterProjects: { path: "tenant-variables", title: "tenants' values of library variable sets" },
  // Its library set values; its project template values are written with each project.
  resources: { octopusdeploy_tenant_common_variable: "tenant-common-variable" },
  ignoredBy: "ignoreTenants",
  secrets: [
    { path: "LibraryVariables.*.Variables.*" },
    { path: "ProjectVariables.*.Variables.*.*" },
    { path: "ScopedCommonVariables.*.*[].Value" },
  ],
  ids: [
    { path: "TenantId", to: "Tenants" },
    { path: "ScopedCommonVariables{}", to: ["LibraryVariableSets", "ScriptModules"] },
    { path: "ScopedCommonVariables.*.*[].EnvironmentIds[]", to: "Environments" },
    { path: "ScopedCommonVariables.*.*[].Value", to: libraryValueType },
    { path: "LibraryVariables{}", to: ["LibraryVariableSets", "ScriptModules"] },
    { path: "LibraryVariables.*.LibraryVariableSetId", to: ["LibraryVariableSets", "ScriptModules"] },
    { path: "LibraryVariables.*.Variables.*", to: libraryValueType },
    { path: "ProjectVariables{}", to: "Projects" },
    { path: "ProjectVariables.*.ProjectId", to: "Projects" },
    { path: "ProjectVariables.*.Variables{}", to: "Environments" },
    { path: "ProjectVariables.*.Variables.*.*", to: projectValueType },
  ],
};
