import { attr, type BodyItem, type Expr, object, str, tuple } from "../hcl/model.js";
import { type Converter, type Doc, docOf, hasSecret, optString } from "./converter.js";

/** Custom step templates (octopusdeploy_step_template). */
export const actionTemplates: Converter = {
  types: ["ActionTemplates"],
  file: "step_templates.tf",
  primary: () => "octopusdeploy_step_template",
  emit(node, ctx) {
    const d = docOf(node);
    if (d.CommunityActionTemplateId) {
      ctx.warn("is installed from the community library; it is exported as a custom step template");
    }
    const what = `step template "${node.name}"`;
    const parameters = (Array.isArray(d.Parameters) ? d.Parameters : []) as Doc[];
    const packages = (Array.isArray(d.Packages) ? d.Packages : []) as Doc[];
    const props = (d.Properties ?? {}) as Record<string, unknown>;
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
            const props = (p.Properties ?? {}) as Record<string, unknown>;
            const entries: Array<[string, Expr]> = [
              ["name", str(String(p.Name ?? ""))],
              ["package_id", str(String(p.PackageId ?? ""))],
              ["feed_id", ctx.field(p, "FeedId", `${what} package feed`) ?? str("")],
              ["acquisition_location", str(String(p.AcquisitionLocation ?? "Server"))],
              [
                "properties",
                object(
                  [
                    ["extract", props.Extract],
                    ["package_parameter_name", props.PackageParameterName],
                    ["purpose", props.Purpose],
                    ["selection_mode", props.SelectionMode ?? "immediate"],
                  ]
                    .filter(([, v]) => typeof v === "string")
                    .map(([k, v]) => [k as string, str(v as string)]),
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
            const settings = Object.entries((p.DisplaySettings ?? {}) as Record<string, unknown>)
              .filter(([, v]) => typeof v === "string")
              .sort(([a], [b]) => (a < b ? -1 : 1));
            entries.push(["display_settings", object(settings.map(([k, v]) => [k, str(v as string)]))]);
            return object(entries);
          }),
        ),
      ),
    ];
    const gitDependencies = (Array.isArray(d.GitDependencies) ? d.GitDependencies : []) as Doc[];
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
              return object([
                ["name", str(name)],
                ["repository_uri", str(String(g.RepositoryUri ?? ""))],
                ["default_branch", str(String(g.DefaultBranch ?? ""))],
                ["git_credential_type", str(String(g.GitCredentialType ?? "Anonymous"))],
                ...(credential ? [["git_credential_id", credential] as [string, Expr]] : []),
                ...(filters.length ? [["file_path_filters", tuple(filters.map(str))] as [string, Expr]] : []),
              ]);
            }),
          ),
        ),
      );
    }
    ctx.resource(this.file, "octopusdeploy_step_template", node.name, body);
  },
};
