import { type Action, typedDoc } from "../../graph/documents.js";
import type { GraphNode } from "../../graph/graph.js";
import type { EmitContext } from "../emit.js";
import {
  attr,
  type BodyItem,
  block,
  call,
  type Expr,
  eq,
  num,
  object,
  ref,
  str,
  tuple,
} from "../hcl/model.js";
import { type Converter, docOf, hasSecret, optString } from "./converter.js";

/** Custom step templates (octopusdeploy_step_template). */
export const actionTemplates: Converter = {
  types: ["ActionTemplates"],
  file: "step_templates.tf",
  primary: (node) =>
    docOf(node).CommunityActionTemplateId
      ? "octopusdeploy_community_step_template"
      : "octopusdeploy_step_template",
  emit(node, ctx) {
    const d = typedDoc(node, "ActionTemplates");
    if (d.CommunityActionTemplateId) {
      communityTemplate(node.name, ctx, this.file);
      return;
    }
    const what = `step template "${node.name}"`;
    const parameters = Array.isArray(d.Parameters) ? d.Parameters : [];
    const packages = Array.isArray(d.Packages) ? d.Packages : [];
    const props: Record<string, unknown> = d.Properties ?? {};
    const properties = Object.keys(props)
      .sort()
      .flatMap((k): Array<[string, Expr]> => {
        const value = ctx.field(props, k, `${what} property ${k}`);
        return value ? [[k, value]] : [];
      });
    const body: BodyItem[] = [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...optString("description", d.Description),
      attr("action_type", str(String(d.ActionType ?? ""))),
      attr("step_package_id", str(String(d.StepPackageId ?? "Octopus.Script"))),
      attr("properties", object(properties)),
      attr(
        "packages",
        tuple(
          packages.map((p) => {
            const props: Record<string, unknown> = p.Properties ?? {};
            const entries: Array<[string, Expr]> = [
              ["name", str(String(p.Name ?? ""))],
              ["package_id", str(String(p.PackageId ?? ""))],
              ["feed_id", ctx.field(p, "FeedId", `${what} package feed`) ?? str("")],
              ["acquisition_location", str(String(p.AcquisitionLocation ?? "Server"))],
              [
                "properties",
                object(
                  (
                    [
                      ["extract", props.Extract],
                      ["package_parameter_name", props.PackageParameterName],
                      ["purpose", props.Purpose],
                      ["selection_mode", props.SelectionMode ?? "immediate"],
                    ] satisfies Array<[string, unknown]>
                  ).flatMap(([k, v]): Array<[string, Expr]> => (typeof v === "string" ? [[k, str(v)]] : [])),
                ),
              ],
            ];
            return object(entries);
          }),
        ),
      ),
      attr(
        "parameters",
        tuple(
          parameters.map((p) => {
            const entries: Array<[string, Expr]> = [
              ["id", str(String(p.Id ?? ""))],
              ["name", str(String(p.Name ?? ""))],
            ];
            if (typeof p.Label === "string" && p.Label) entries.push(["label", str(p.Label)]);
            if (typeof p.HelpText === "string" && p.HelpText) entries.push(["help_text", str(p.HelpText)]);
            const defaultValue =
              p.DefaultValue !== "" && ctx.field(p, "DefaultValue", `${what} parameter ${String(p.Name)}`);
            if (defaultValue) entries.push(["default_value", defaultValue]);
            if (hasSecret(p.DefaultValue)) {
              entries.push([
                "default_sensitive_value",
                ctx.secret(
                  `parameter ${String(p.Name)}`,
                  "password",
                  `Sensitive default of parameter ${String(p.Name)} of ${what}`,
                  {
                    path: `Parameters[Id=${String(p.Id)}].DefaultValue`,
                  },
                ),
              ]);
            }
            const settings = Object.entries(p.DisplaySettings ?? {})
              .flatMap(([k, v]): Array<[string, string]> => (typeof v === "string" ? [[k, v]] : []))
              .sort(([a], [b]) => (a < b ? -1 : 1));
            entries.push(["display_settings", object(settings.map(([k, v]) => [k, str(v)]))]);
            return object(entries);
          }),
        ),
      ),
    ];
    const gitDependencies = Array.isArray(d.GitDependencies) ? d.GitDependencies : [];
    if (gitDependencies.length) {
      body.push(
        attr(
          "git_dependencies",
          tuple(
            gitDependencies.map((g) => {
              const name = String(g.Name ?? "");
              if (g.GitHubConnectionId)
                ctx.warn(
                  `Git dependency "${name}" uses a GitHub App connection, which the provider cannot set on a step template: set it on the destination by hand`,
                );
              const credential = ctx.field(
                g,
                "GitCredentialId",
                `${what} Git dependency "${name}" credential`,
              );
              const filters = (Array.isArray(g.FilePathFilters) ? g.FilePathFilters : []).filter(
                (f): f is string => typeof f === "string",
              );
              const entries: Array<[string, Expr]> = [
                ["name", str(name)],
                ["repository_uri", str(String(g.RepositoryUri ?? ""))],
                ["default_branch", str(String(g.DefaultBranch ?? ""))],
                ["git_credential_type", str(String(g.GitCredentialType ?? "Anonymous"))],
              ];
              if (credential) entries.push(["git_credential_id", credential]);
              if (filters.length) entries.push(["file_path_filters", tuple(filters.map(str))]);
              return object(entries);
            }),
          ),
        ),
      );
    }
    ctx.resource(this.file, "octopusdeploy_step_template", node.name, body);
  },
};

/**
 * A step template installed from the community library: installed again on the destination
 * from the destination's own copy of the library, found by name with the provider's
 * octopusdeploy_community_step_template data source (a server's library IDs are its own:
 * CommunityActionTemplates-n). An installed template's name is the library template's.
 */
function communityTemplate(name: string, ctx: EmitContext, file: string): void {
  const data = "octopusdeploy_community_step_template";
  const label = ctx.module.name("data", data, name);
  ctx.module.add(
    file,
    block(
      "data",
      [data, label],
      [
        attr("name", str(name)),
        block(
          "lifecycle",
          [],
          [
            block(
              "postcondition",
              [],
              [
                attr("condition", eq(call("length", ref("self", "steps")), num(1))),
                attr(
                  "error_message",
                  str(
                    `The community step template "${name}" is not in the destination's community library (sync the library first).`,
                  ),
                ),
              ],
            ),
          ],
        ),
      ],
    ),
  );
  ctx.resource(file, "octopusdeploy_community_step_template", name, [
    attr("space_id", ctx.spaceId),
    attr("community_action_template_id", ref("data", data, label, "steps", 0, "id")),
  ]);
}

// Steps that use a step template (in deployment and runbook processes): whether a step is
// written as a templated step, its template's attributes, the properties it takes from the
// template, and --detach-step-templates, which makes such a step one of its own.

/** What these read of a process action: its properties. */
type StepAction = Pick<Action, "Properties">;

/** Whether an action uses a step template (and is written as a templated step). */
export function isTemplated(ctx: EmitContext, action: StepAction): boolean {
  if (ctx.plan.detachStepTemplates) return false;
  const id = action.Properties?.["Octopus.Action.Template.Id"];
  return typeof id === "string" && ctx.graph.get(id)?.type === "ActionTemplates";
}

/**
 * An action's properties as written. With --detach-step-templates, a step that uses a template
 * loses its link (Octopus.Action.Template.Id and .Version) and keeps the template's properties
 * it already carries, with parameters it leaves unset filled from the template's defaults.
 */
export function actionProperties(
  ctx: EmitContext,
  action: StepAction,
  what: string,
): Record<string, unknown> {
  const props: Record<string, unknown> = action.Properties ?? {};
  const templateId = props["Octopus.Action.Template.Id"];
  if (!ctx.plan.detachStepTemplates || typeof templateId !== "string") return props;
  const template = ctx.graph.get(templateId);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (k !== "Octopus.Action.Template.Id" && k !== "Octopus.Action.Template.Version") out[k] = v;
  }
  for (const p of templateOf(template)?.Parameters ?? []) {
    if (p.Name && !(p.Name in out) && typeof p.DefaultValue === "string") out[p.Name] = p.DefaultValue;
  }
  ctx.warn(
    `${what} uses step template "${template?.name ?? templateId}"; it is detached (--detach-step-templates) and becomes a step of its own`,
  );
  return out;
}

/** template_id, template_version and parameters of a templated step. */
export function templateAttributes(ctx: EmitContext, action: StepAction, what: string): BodyItem[] {
  const props: Record<string, unknown> = action.Properties ?? {};
  const templateId = String(props["Octopus.Action.Template.Id"]);
  const template = ctx.graph.get(templateId);
  const params = (templateOf(template)?.Parameters ?? []).map((p) => String(p.Name));
  const values: Array<[string, Expr]> = [];
  for (const name of [...params].sort()) {
    const v = props[name];
    if (typeof v === "string") values.push([name, str(v)]);
  }
  const out: BodyItem[] = [];
  const id = ctx.ref(templateId, `${what} step template`);
  if (id) out.push(attr("template_id", id));
  // The destination has the template's current version only (numbered from 0 again).
  const version = ctx.ref(templateId, `${what} step template`, { attribute: "version" });
  if (version) out.push(attr("template_version", version));
  const used = Number(props["Octopus.Action.Template.Version"] ?? 0);
  const current = Number(templateOf(template)?.Version ?? 0);
  if (used !== current) {
    ctx.warn(
      `${what} uses version ${used} of step template "${template?.name}", not its latest (${current}); it gets the latest`,
    );
  }
  if (values.length) out.push(attr("parameters", { kind: "object", entries: values }));
  return out;
}

/** Property keys a templated step gets from its template (and so are not repeated). */
export function keysFromTemplate(ctx: EmitContext, action: StepAction): Set<string> {
  const props: Record<string, unknown> = action.Properties ?? {};
  const template = templateOf(ctx.graph.get(String(props["Octopus.Action.Template.Id"])));
  const keys = new Set(["Octopus.Action.Template.Id", "Octopus.Action.Template.Version"]);
  for (const k of Object.keys(template?.Properties ?? {})) keys.add(k);
  for (const p of template?.Parameters ?? []) if (p.Name) keys.add(p.Name);
  return keys;
}

/** A step template's document, typed; undefined when there is none. */
function templateOf(node: GraphNode | undefined) {
  return node ? typedDoc(node, "ActionTemplates") : undefined;
}
