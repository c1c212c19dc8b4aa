import { type Template, typedDoc, type Variable, type VariableScope } from "../../graph/documents.js";
import type { GraphNode } from "../../graph/graph.js";
import { lookupOf } from "../../registry/index.js";
import type { EmitContext } from "../emit.js";
import {
  attr,
  type BodyItem,
  block,
  bool,
  call,
  type Expr,
  eq,
  forList,
  index,
  object,
  ref,
  str,
  tuple,
} from "../hcl/model.js";
import { idKey } from "../lookups.js";
import { byName, type Converter, hasSecret, optBool, optList, optString } from "./converter.js";

/** Library variable sets, script modules, variables, tenants. */

export const libraryVariableSets: Converter = {
  types: ["LibraryVariableSets"],
  file: "library_variable_sets.tf",
  primary: () => "octopusdeploy_library_variable_set",
  emit(node, ctx) {
    const d = typedDoc(node, "LibraryVariableSets");
    ctx.resource(this.file, "octopusdeploy_library_variable_set", node.name, [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...optString("description", d.Description),
      ...templates(d.Templates, ctx, `library variable set "${node.name}"`),
    ]);
  },
};

/**
 * Parameter templates (of a library set or project): tenant variables' definitions. The
 * provider reads an unset display_settings back as {}, so it is always written.
 */
export function templates(value: unknown, ctx: EmitContext, owner: string): BodyItem[] {
  if (!Array.isArray(value)) return [];
  return value.map((t: Template) => {
    const defaultValue = t.DefaultValue;
    let dv: BodyItem[] = [];
    if (typeof defaultValue === "string" && defaultValue !== "") {
      const value = ctx.field(t, "DefaultValue", `${owner} template "${String(t.Name)}" default`);
      if (value) dv = [attr("default_value", value)];
    } else if (hasSecret(defaultValue)) {
      ctx.warn(
        `${owner} template "${String(t.Name)}" has a sensitive default value, which is not carried; set it by hand`,
      );
    }
    return block(
      "template",
      [],
      [
        attr("name", str(String(t.Name))),
        ...optString("label", t.Label),
        ...optString("help_text", t.HelpText),
        ...dv,
        attr("display_settings", displaySettings(t.DisplaySettings)),
      ],
    );
  });
}

function displaySettings(value: Template["DisplaySettings"]): Expr {
  const entries = Object.entries(value && typeof value === "object" ? value : {})
    .flatMap(([k, v]): Array<[string, string]> => (typeof v === "string" ? [[k, v]] : []))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return object(entries.map(([k, v]) => [k, str(v)]));
}

export const scriptModules: Converter = {
  types: ["ScriptModules"],
  file: "script_modules.tf",
  primary: () => "octopusdeploy_script_module",
  emit(node, ctx) {
    const d = typedDoc(node, "ScriptModules");
    const set = ctx.graph.get(String(d.VariableSetId ?? ""));
    const setVariables = set ? typedDoc(set, "VariableSets").Variables : undefined;
    const vars = Array.isArray(setVariables) ? setVariables : [];
    const body = vars.find((v) => String(v.Name).startsWith("Octopus.Script.Module["));
    const syntax = vars.find((v) => String(v.Name).startsWith("Octopus.Script.Module.Language["));
    ctx.resource(this.file, "octopusdeploy_script_module", node.name, [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...optString("description", d.Description),
      block(
        "script",
        [],
        [
          attr("body", str(String(body?.Value ?? ""))),
          attr("syntax", str(String(syntax?.Value ?? "PowerShell"))),
        ],
      ),
    ]);
  },
};

const SCOPES: Array<[string, string, "ref" | "tag" | "text" | "action"]> = [
  ["Environment", "environments", "ref"],
  ["Role", "roles", "text"],
  ["Machine", "machines", "ref"],
  ["Channel", "channels", "ref"],
  ["Action", "actions", "action"],
  ["ProcessOwner", "processes", "ref"],
  ["TenantTag", "tenant_tags", "tag"],
];

/** "[Production, Staging]"-style label of a variable's scope, by names, for resource names. */
export function scopeLabel(scope: VariableScope, ctx: EmitContext): string {
  const s: Record<string, unknown> = scope && typeof scope === "object" ? scope : {};
  const parts: string[] = [];
  for (const [key] of SCOPES) {
    const raw = s[key];
    const values = Array.isArray(raw) ? raw.map(String) : [];
    // Names only: a scope value that no longer exists (or is filtered out) is not part of it.
    parts.push(...values.flatMap((v) => ctx.graph.get(v)?.name ?? ctx.actionName(v) ?? []).sort());
  }
  return parts.join(" ");
}

/**
 * Variable sets: one octopusdeploy_variable per variable, owned by the project or the
 * library variable set. A script module's set is written by its module, not here.
 */
export const variableSets: Converter = {
  types: ["VariableSets"],
  file: "octopus_variables.tf",
  emit(node, ctx) {
    const d = typedDoc(node, "VariableSets");
    const owner = ctx.graph.get(String(d.OwnerId ?? ""));
    if (!owner || owner.type === "ScriptModules") return;
    const ownerRef = ctx.ref(owner.id, `variables of ${owner.name}`);
    if (!ownerRef) return;
    const variables = [...(Array.isArray(d.Variables) ? d.Variables : [])].sort(compareVariables(ctx));
    for (const v of variables) {
      if (ctx.excludedVariable(String(v.Name))) {
        ctx.warn(`variable "${String(v.Name)}" is left out by --exclude-variables`);
        continue;
      }
      emitVariable(v, owner, ownerRef, ctx, this.file);
    }
  },
};

function compareVariables(ctx: EmitContext) {
  const key = (v: Variable) =>
    `${String(v.Name)}\u0000${scopeLabel(v.Scope, ctx)}\u0000${String(v.Value ?? "")}`;
  return (a: Variable, b: Variable) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

function emitVariable(v: Variable, owner: GraphNode, ownerRef: Expr, ctx: EmitContext, file: string): void {
  const name = String(v.Name);
  const label = scopeLabel(v.Scope, ctx);
  const what = `variable "${name}" of ${owner.name}`;
  const scope = variableScope(v.Scope, ctx, what);
  if (scope === undefined) {
    ctx.warn(
      `${what} is scoped only to things that are not exported or no longer exist, so it is left out (unscoped, it would apply more widely)`,
    );
    return;
  }
  const sensitive = v.IsSensitive === true || v.Type === "Sensitive";
  const type = sensitive ? "Sensitive" : String(v.Type ?? "String");
  const body: BodyItem[] = [
    attr("space_id", ctx.spaceId),
    attr("owner_id", ownerRef),
    attr("name", str(name)),
    attr("type", str(type)),
  ];
  if (sensitive) {
    body.push(attr("is_sensitive", bool(true)));
    body.push(
      attr(
        "sensitive_value",
        ctx.secret(
          `${name}${label ? ` ${label}` : ""}`,
          "text",
          `Sensitive variable ${name}${label ? ` (${label})` : ""} of ${owner.name}`,
          {
            key: secretKey(v, owner, name, label, ctx),
            octostache: `#{${name}}`,
            path: `Variables[Id=${String(v.Id)}].Value`,
          },
        ),
      ),
    );
  } else if (typeof v.Value === "string") {
    // A typed variable (a certificate, an account, a worker pool) holds an ID: a reference.
    const value = v.Value === "" ? str("") : ctx.field(v, "Value", what);
    if (value) body.push(attr("value", value));
  }
  body.push(...optString("description", v.Description));
  if (scope.length) body.push(block("scope", [], scope));
  const prompt = v.Prompt;
  if (prompt && typeof prompt === "object") body.push(promptBlock(prompt));
  const key = `${name}${label ? ` ${label}` : ""}`;
  ctx.resource(
    file,
    "octopusdeploy_variable",
    ctx.plan.layout === "single" ? `${owner.name} ${key}` : key,
    body,
    { part: `Variables[Id=${String(v.Id)}]` },
  );
}

/**
 * What a sensitive variable's Terraform input is named from: its owner, name and scope; with
 * --spread-secrets its name alone, which after `octoport spread` is unique in the space and
 * unscoped, so a runbook in the source can pass `#{Name}` in.
 */
function secretKey(v: Variable, owner: GraphNode, name: string, label: string, ctx: EmitContext): string {
  const usual = `${owner.name} ${name}${label ? ` ${label}` : ""}`;
  if (!ctx.plan.spreadSecrets) return usual;
  const scoped = Object.values(v.Scope ?? {}).some((values) => Array.isArray(values) && values.length > 0);
  if (scoped || ctx.variableNameCount(name) > 1) {
    ctx.warn(
      `sensitive variable "${name}" of ${owner.name} is ${scoped ? "scoped" : "not the only one of its name"}, so it cannot be passed in by name; run octoport spread on the source first`,
    );
    return usual;
  }
  return name;
}

/**
 * The scope block's attributes. Undefined when a dimension of the scope loses every value
 * (dropped by a filter, or pointing at something deleted): the variable would then apply
 * more widely than in the source.
 */
function variableScope(scope: VariableScope, ctx: EmitContext, what: string): BodyItem[] | undefined {
  const s: Record<string, unknown> = scope && typeof scope === "object" ? scope : {};
  const out: BodyItem[] = [];
  for (const [key, attribute, kind] of SCOPES) {
    const raw = s[key];
    let values = Array.isArray(raw) ? raw.map(String) : [];
    if (!values.length) continue;
    if (key === "Environment")
      values = values.filter((id) => !ctx.plan.scopeExcludedEnvironment(ctx.graph.get(id)?.name ?? id));
    if (!values.length) return undefined;
    let items: Expr[];
    if (kind === "text") items = [...values].sort().map(str);
    else if (kind === "tag") items = ctx.tags(values, `${what} scope`);
    else if (kind === "action") items = values.flatMap((id) => ctx.actionRef(id, `${what} step scope`) ?? []);
    else {
      const sorted = [...values].sort((a, b) =>
        (ctx.graph.get(a)?.name ?? a).localeCompare(ctx.graph.get(b)?.name ?? b),
      );
      items = ctx.refs(sorted, `${what} scope`);
    }
    if (!items.length) return undefined;
    out.push(attr(attribute, tuple(items)));
  }
  return out;
}

function promptBlock(prompt: NonNullable<Variable["Prompt"]>): BodyItem {
  const settings = prompt.DisplaySettings ?? {};
  const control =
    typeof settings["Octopus.ControlType"] === "string" ? settings["Octopus.ControlType"] : undefined;
  const body: BodyItem[] = [
    attr("label", str(String(prompt.Label ?? ""))),
    attr("description", str(String(prompt.Description ?? ""))),
    attr("is_required", bool(prompt.Required === true)),
  ];
  if (control) {
    const options =
      typeof settings["Octopus.SelectOptions"] === "string" ? settings["Octopus.SelectOptions"] : "";
    body.push(
      block(
        "display_settings",
        [],
        [
          attr("control_type", str(control)),
          ...options
            .split("\n")
            .filter((line) => line !== "")
            .map((line) => {
              const bar = line.indexOf("|");
              const value = bar < 0 ? line : line.slice(0, bar);
              const display = bar < 0 ? line : line.slice(bar + 1);
              return block(
                "select_option",
                [],
                [attr("value", str(value)), attr("display_name", str(display))],
              );
            }),
        ],
      ),
    );
  }
  return block("prompt", [], body);
}

export const tenants: Converter = {
  types: ["Tenants"],
  file: "tenants.tf",
  primary: () => "octopusdeploy_tenant",
  emit(node, ctx) {
    const d = typedDoc(node, "Tenants");
    ctx.resource(this.file, "octopusdeploy_tenant", node.name, [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...optString("description", d.Description),
      ...optBool("is_disabled", d.IsDisabled),
      ...optList("tenant_tags", ctx.tags(d.TenantTags, `tenant "${node.name}" tags`)),
    ]);
  },
};

/** The project template's ID in the destination, by the template's name. */
export function projectTemplateId(
  _ctx: EmitContext,
  projectRef: Expr,
  project: GraphNode,
  templateId: string,
): Expr | undefined {
  const projectTemplates = typedDoc(project, "Projects").Templates;
  const list = Array.isArray(projectTemplates) ? projectTemplates : [];
  const index = list.findIndex((t) => t.Id === templateId);
  if (index < 0) return undefined;
  if (projectRef.kind === "ref") {
    const parts = projectRef.parts.slice(0, -1);
    return ref(...parts, "template", index, "id");
  }
  return undefined;
}

/**
 * A tenant's values of library variable set templates (common variables). They belong to the
 * tenant, a space-level document: in the modules layout they go to a module of their own that
 * applies after the projects, because the server takes a tenant's values of a set only once the
 * tenant is connected to a project that includes the set. Values of sets that no exported
 * project connects the tenant to are left to the export that has such a project.
 */
export const tenantVariables: Converter = {
  types: ["TenantVariables"],
  file: "tenant_common_variables.tf",
  emit(node, ctx) {
    const d = typedDoc(node, "TenantVariables");
    const tenant = ctx.graph.get(String(d.TenantId ?? ""));
    if (!tenant) return;
    const what = `tenant "${tenant.name}"`;
    const scopedOf = d.ScopedCommonVariables ?? {};
    const entries = Object.entries(d.LibraryVariables ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [lvsId, entry] of entries) {
      const carriers = commonVariableCarriers(ctx, tenant.id, lvsId);
      const lvs = ctx.graph.get(lvsId);
      if (!lvs || carriers.length === 0) continue;
      const tenantRef = ctx.ref(tenant.id, what, { optional: true });
      const lvsRef = ctx.ref(lvsId, `${what} library variable set`, { optional: true });
      if (!tenantRef || !lvsRef) continue;
      const after = carriers.flatMap((p) => ctx.afterTenantLink(tenant.id, p) ?? []);
      const lvsTemplates = typedDoc(lvs, "LibraryVariableSets").Templates ?? [];
      const holder: Record<string, unknown> = entry.Variables ?? {};
      const scoped = scopedOf[lvsId] ?? {};
      const templateIds = [...new Set([...Object.keys(holder), ...Object.keys(scoped)])].sort();
      for (const templateId of templateIds) {
        const template = lvsTemplates.find((t) => t.Id === templateId);
        if (!template) continue;
        const name = String(template.Name);
        if (ctx.plan.excludeTenantVariable(name)) {
          ctx.warn(
            `${what}: its values of template "${name}" of library variable set "${lvs.name}" are left out by --exclude-tenant-variables`,
          );
          continue;
        }
        const templateRef = libraryTemplateId(ctx, lvsId, name, `${what} library template`);
        if (!templateRef) continue;
        const common = (label: string, value: Expr, part: string, scope: BodyItem[]) =>
          ctx.resource(
            this.file,
            "octopusdeploy_tenant_common_variable",
            label,
            [
              attr("space_id", ctx.spaceId),
              attr("tenant_id", tenantRef),
              attr("library_variable_set_id", lvsRef),
              attr("template_id", templateRef),
              attr("value", value),
              ...scope,
              ...(after.length ? [attr("depends_on", tuple(after))] : []),
            ],
            { part },
          );
        const value = Object.hasOwn(holder, templateId)
          ? tenantValue(
              holder,
              templateId,
              node,
              ctx,
              `${tenant.name} ${lvs.name} ${name}`,
              `Tenant "${tenant.name}" value of ${name}`,
              `LibraryVariables.${lvsId}.Variables.${templateId}`,
            )
          : undefined;
        if (value)
          common(
            `${tenant.name} ${lvs.name} ${name}`,
            value,
            `Tenants[Id=${tenant.id}].LibraryVariables.${lvsId}.${templateId}`,
            [],
          );
        // Values scoped to environments: one resource each, with its scope.
        for (const variable of scoped[templateId] ?? []) {
          const envIds = byName(ctx, variable.EnvironmentIds);
          const envNames = envIds.map((id) => ctx.graph.get(id)?.name ?? id).join(" ");
          const envRefs = ctx.refs(envIds, `${what} value of ${name} scope`);
          if (!envRefs.length) continue;
          const at = `ScopedCommonVariables.${lvsId}.${templateId}[Id=${String(variable.Id)}]`;
          const scopedValue = tenantValue(
            variable,
            "Value",
            node,
            ctx,
            `${tenant.name} ${lvs.name} ${name} ${envNames}`,
            `Tenant "${tenant.name}" value of ${name} in ${envNames.replaceAll(" ", ", ")}`,
            `${at}.Value`,
          );
          if (!scopedValue) continue;
          common(
            `${tenant.name} ${lvs.name} ${name} ${envNames}`,
            scopedValue,
            `Tenants[Id=${tenant.id}].${at}`,
            [block("scope", [], [attr("environment_ids", tuple(envRefs))])],
          );
        }
      }
    }
  },
};

/** A tenant's value of a template: a secret, a reference (a certificate or account template), or text. */
export function tenantValue(
  holder: Record<string, unknown>,
  templateId: string,
  values: GraphNode,
  ctx: EmitContext,
  key: string,
  description: string,
  path: string,
): Expr | undefined {
  const value = holder[templateId];
  if (hasSecret(value))
    return ctx.secret(key, "text", description, { key: `tenant ${key}`, sourceId: values.id, path });
  return ctx.field(holder, templateId, description, { of: values }) ?? undefined;
}

/**
 * The exported projects, in apply order, that connect a tenant and include a library
 * variable set: the tenant's values of the set's templates can be set once one of those
 * connections exists on the destination.
 */
function commonVariableCarriers(ctx: EmitContext, tenantId: string, libraryVariableSetId: string): string[] {
  const tenant = ctx.graph.get(tenantId);
  const connected = (tenant ? typedDoc(tenant, "Tenants").ProjectEnvironments : undefined) ?? {};
  return ctx.plan.projectOrder.filter((projectId) => {
    if (!Object.hasOwn(connected, projectId) || ctx.plan.home.get(projectId) === undefined) return false;
    const project = ctx.graph.get(projectId);
    const sets = project ? typedDoc(project, "Projects").IncludedLibraryVariableSetIds : undefined;
    return Array.isArray(sets) && sets.includes(libraryVariableSetId);
  });
}

/** The destination ID of a library variable set's template, by the template's name. */
function libraryTemplateId(
  ctx: EmitContext,
  lvsId: string,
  templateName: string,
  what: string,
): Expr | undefined {
  const primary = ctx.localPrimary(lvsId);
  if (primary) return index(ref(primary.type, primary.label, "template_ids"), str(templateName));
  const lvs = ctx.graph.get(lvsId);
  if (!lvs) return undefined;
  const id = ctx.ref(lvsId, what);
  if (!id) return undefined;
  // Passed in by the root module, or picked out of the looked-up set's templates by name.
  const spec = lookupOf("LibraryVariableSets")!;
  const label = ctx.module.lookups.label(lvsId)!;
  const templateOf = (d: Expr): Expr => {
    const set = index(
      forList(
        "x",
        { kind: "getattr", target: d, name: spec.collection },
        ref("x"),
        eq(ref("x", "name"), str(lvs.name)),
      ),
      0,
    );
    return index(
      forList(
        "t",
        { kind: "getattr", target: set, name: "template" },
        ref("t", "id"),
        eq(ref("t", "name"), str(templateName)),
      ),
      0,
    );
  };
  if (ctx.module.lookups.isUncounted(lvsId)) return templateOf(ref("data", spec.data, label));
  return call(
    "try",
    index(ref("var", "octoport_ids"), str(`${idKey(lvs)}/template/${templateName}`)),
    call("one", forList("d", ref("data", spec.data, label), templateOf(ref("d")))),
  );
}
