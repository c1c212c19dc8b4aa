import {
  type Action,
  type ActionPackage,
  type ConnectivityPolicy,
  type DocumentOf,
  type Step,
  type TriggerAction,
  type TriggerFilter,
  typedDoc,
} from "../../graph/documents.js";
import type { GraphNode } from "../../graph/graph.js";
import { isBuiltIn } from "../../registry/index.js";
import type { EmitContext } from "../emit.js";
import { attr, type BodyItem, block, bool, type Expr, num, object, ref, str, tuple } from "../hcl/model.js";
import {
  actionFate,
  describeActionPackage,
  type ProcessAction,
  processActions,
  stepsNamedIn,
} from "../steps.js";
import {
  byName,
  type Converter,
  docOf,
  hasSecret,
  optBool,
  optExpr,
  optList,
  optString,
  optStrings,
} from "./converter.js";
import { projectTemplateId, templates, tenantValue } from "./library.js";
import { actionProperties, isTemplated, keysFromTemplate, templateAttributes } from "./templates.js";

/** Projects, their channels, runbooks and triggers, and their tenants' links and variables. */

export const projects: Converter = {
  types: ["Projects"],
  file: "project.tf",
  primary: () => "octopusdeploy_project",
  emit(node, ctx) {
    const d = typedDoc(node, "Projects");
    const what = `project "${node.name}"`;
    if (d.IsVersionControlled === true) {
      ctx.warn(
        "is a Config-as-Code project: it is exported as a database project with its default branch's process and variables",
      );
    }
    const lifecycle = ctx.ref(d.LifecycleId, `${what} lifecycle`);
    const group = ctx.ref(d.ProjectGroupId, `${what} project group`);
    const body: BodyItem[] = [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      // Kept, so a project recreated on the destination keeps its URLs.
      ...optString("slug", d.Slug),
      ...optString("description", d.Description),
      ...optExpr("lifecycle_id", lifecycle),
      ...optExpr("project_group_id", group),
      ...optString("default_guided_failure_mode", d.DefaultGuidedFailureMode),
      ...optBool("default_to_skip_if_already_installed", d.DefaultToSkipIfAlreadyInstalled),
      ...optBool("is_discrete_channel_release", d.DiscreteChannelRelease),
      ...optBool("is_disabled", d.IsDisabled),
      ...optString("tenanted_deployment_participation", d.TenantedDeploymentMode),
      ...optString("release_notes_template", d.ReleaseNotesTemplate),
      ...optString("deployment_changes_template", d.DeploymentChangesTemplate),
      ...optList(
        "included_library_variable_sets",
        ctx.refs(byName(ctx, d.IncludedLibraryVariableSetIds), `${what} library variable sets`),
      ),
      connectivityPolicy(d.ProjectConnectivityPolicy, false),
      ...templates(d.Templates, ctx, what),
      ...itsmSettings(d.ExtensionSettings, ctx),
    ];
    const project = ctx.resource(this.file, "octopusdeploy_project", node.name, body);
    const projectRef = ref("octopusdeploy_project", project, "id");

    const versioning = emitVersioningStrategy(node, projectRef, ctx);
    emitBuiltInTrigger(node, projectRef, versioning, ctx);

    emitTenantLinks(node, projectRef, ctx);
    emitDefaultChannelNote(node, ctx);
  },
};

/** A deployment action named in a project setting: {DeploymentAction, PackageReference}. */
function actionPackage(
  p: { DeploymentAction?: unknown; PackageReference?: unknown } | null | undefined,
): { action: string; reference: string } | undefined {
  if (!p || typeof p.DeploymentAction !== "string" || !p.DeploymentAction) return undefined;
  return {
    action: p.DeploymentAction,
    reference: typeof p.PackageReference === "string" ? p.PackageReference : "",
  };
}

/**
 * The step resource of the project's deployment process that holds the action named `name`,
 * for depends_on: a setting that names a step's package is saved after the step exists (the
 * server resolves the action when the project is saved).
 */
function stepResourceOf(project: GraphNode, name: string, ctx: EmitContext): Expr | undefined {
  const process = ctx.graph.get(String(typedDoc(project, "Projects").DeploymentProcessId ?? ""));
  if (!process) return undefined;
  for (const step of typedDoc(process, "DeploymentProcesses").Steps ?? []) {
    for (const action of step.Actions ?? []) {
      if (action.Name !== name) continue;
      const expr = ctx.module.actions.get(String(action.Id ?? ""))?.expr;
      if (expr?.kind === "ref") return ref(...expr.parts.slice(0, 2));
    }
  }
  return undefined;
}

/** Whether the action a project setting names (by name) belongs to a step --exclude-steps leaves out. */
function leftOutStep(project: GraphNode, action: string, ctx: EmitContext): boolean {
  const actions = processActions(ctx.graph, typedDoc(project, "Projects").DeploymentProcessId);
  return actionFate(actions, ctx.plan.excludeStep, action, "name").fate === "left-out";
}

/**
 * The project's release versioning: a template, or the version of a step's package (the
 * donor package, by action name and package reference; older servers name the action by ID
 * only, DonorPackageStepId). Returns the resource's label when one is written.
 */
function emitVersioningStrategy(project: GraphNode, projectRef: Expr, ctx: EmitContext): Expr | undefined {
  const strategy = typedDoc(project, "Projects").VersioningStrategy;
  if (!strategy) return undefined;
  const donor = actionPackage(strategy.DonorPackage);
  const head = [attr("space_id", ctx.spaceId), attr("project_id", projectRef)];
  let body: BodyItem[] | undefined;
  if (donor && leftOutStep(project, donor.action, ctx)) {
    ctx.warn(
      `versions its releases after ${describeActionPackage(donor.action, donor.reference)}, which --exclude-steps leaves out; the versioning strategy is not exported (the destination's default applies)`,
    );
    return undefined;
  }
  if (donor) {
    const step = stepResourceOf(project, donor.action, ctx);
    body = [
      ...head,
      attr("donor_package", {
        kind: "object",
        entries: [
          ["deployment_action", str(donor.action)],
          ["package_reference", str(donor.reference)],
        ],
      }),
      ...(step ? [attr("depends_on", tuple([step]))] : []),
    ];
  } else if (typeof strategy.DonorPackageStepId === "string" && strategy.DonorPackageStepId) {
    const action = ctx.actionRef(
      strategy.DonorPackageStepId,
      `project "${project.name}" versioning strategy`,
    );
    if (action) body = [...head, attr("donor_package_step_id", action)];
  } else if (typeof strategy.Template === "string" && strategy.Template) {
    body = [...head, attr("template", str(strategy.Template))];
  }
  if (!body) return undefined;
  const label = ctx.resource("project.tf", "octopusdeploy_project_versioning_strategy", project.name, body);
  return ref("octopusdeploy_project_versioning_strategy", label);
}

/**
 * Automatic release creation when a package is pushed to the built-in feed: the project's
 * AutoCreateRelease and ReleaseCreationStrategy, written as octopusdeploy_built_in_trigger.
 * Its step ID is left to the server, which fills it from the action's name.
 */
function emitBuiltInTrigger(
  project: GraphNode,
  projectRef: Expr,
  versioning: Expr | undefined,
  ctx: EmitContext,
): void {
  const d = typedDoc(project, "Projects");
  if (d.AutoCreateRelease !== true) return;
  const strategy = d.ReleaseCreationStrategy ?? {};
  const what = `project "${project.name}" automatic release creation`;
  const pkg = actionPackage(strategy.ReleaseCreationPackage);
  if (!pkg) {
    ctx.warn("creates releases automatically but names no package to watch; that setting is not exported");
    return;
  }
  if (leftOutStep(project, pkg.action, ctx)) {
    ctx.warn(
      `creates releases automatically when ${describeActionPackage(pkg.action, pkg.reference)} is pushed, which --exclude-steps leaves out; that setting is not exported`,
    );
    return;
  }
  // No channel: the server creates the releases in the project's Default channel.
  const channelId =
    (typeof strategy.ChannelId === "string" && strategy.ChannelId) ||
    ctx.graph
      .ofType("Channels")
      .find((c) => c.projectId === project.id && typedDoc(c, "Channels").IsDefault === true)?.id;
  const channel = ctx.ref(channelId, `${what} channel`);
  if (!channel) {
    ctx.warn("creates releases automatically, but its channel cannot be found; that setting is not exported");
    return;
  }
  const step = stepResourceOf(project, pkg.action, ctx);
  // The trigger and the versioning strategy each read the project and save it whole: one
  // after the other, so neither undoes the other.
  const after = [...(step ? [step] : []), ...(versioning ? [versioning] : [])];
  ctx.resource("project.tf", "octopusdeploy_built_in_trigger", project.name, [
    attr("space_id", ctx.spaceId),
    attr("project_id", projectRef),
    attr("channel_id", channel),
    attr("release_creation_package", {
      kind: "object",
      entries: [
        ["deployment_action", str(pkg.action)],
        ["package_reference", str(pkg.reference)],
      ],
    }),
    ...(after.length ? [attr("depends_on", tuple(after))] : []),
  ]);
}

/** The project's tenants: links (octopusdeploy_tenant_project) and their variable values. */
function emitTenantLinks(project: GraphNode, projectRef: Expr, ctx: EmitContext): void {
  const tenants = ctx.graph
    .ofType("Tenants")
    .filter((t) => Object.hasOwn(typedDoc(t, "Tenants").ProjectEnvironments ?? {}, project.id))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const tenant of tenants) {
    const what = `tenant "${tenant.name}" of project "${project.name}"`;
    const tenantRef = ctx.ref(tenant.id, what, { optional: true });
    if (!tenantRef) continue;
    const envs = typedDoc(tenant, "Tenants").ProjectEnvironments?.[project.id] ?? [];
    const link = ctx.resource(
      "tenants.tf",
      "octopusdeploy_tenant_project",
      ctx.projectKey(tenant.name),
      [
        attr("space_id", ctx.spaceId),
        attr("tenant_id", tenantRef),
        attr("project_id", projectRef),
        attr("environment_ids", tuple(ctx.refs(byName(ctx, envs), `${what} environments`))),
      ],
      { part: `Tenants[Id=${tenant.id}]` },
    );
    ctx.tenantLink(tenant.id, project.id, link);
    const after = [attr("depends_on", tuple([ref("octopusdeploy_tenant_project", link)]))];
    const values = ctx.graph.get(`TenantVariables-${tenant.id}`);
    if (!values) continue;
    const v = typedDoc(values, "TenantVariables");
    // Project template values, per environment.
    const pv = v.ProjectVariables?.[project.id];
    const perEnv = pv?.Variables ?? {};
    const leftOut = new Set<string>();
    for (const env of byName(ctx, Object.keys(perEnv))) {
      const envRef = ctx.ref(env, `${what} variables`, { optional: true });
      if (!envRef) continue;
      for (const [templateId] of Object.entries(perEnv[env] ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
        const template = (typedDoc(project, "Projects").Templates ?? []).find((t) => t.Id === templateId);
        const templateRef = projectTemplateId(ctx, projectRef, project, templateId);
        if (!template || !templateRef) continue;
        const name = String(template.Name);
        if (ctx.plan.excludeTenantVariable(name)) {
          leftOut.add(name);
          continue;
        }
        const envName = ctx.graph.get(env)?.name ?? env;
        const value = tenantValue(
          perEnv[env]!,
          templateId,
          values,
          ctx,
          `${tenant.name} ${project.name} ${name} ${envName}`,
          `Tenant "${tenant.name}" value of ${name} in ${envName}`,
          `ProjectVariables.${project.id}.Variables.${env}.${templateId}`,
        );
        if (!value) continue;
        ctx.resource(
          "tenants.tf",
          "octopusdeploy_tenant_project_variable",
          ctx.projectKey(`${tenant.name} ${name} ${envName}`),
          [
            attr("space_id", ctx.spaceId),
            attr("tenant_id", tenantRef),
            attr("project_id", projectRef),
            attr("environment_id", envRef),
            attr("template_id", templateRef),
            attr("value", value),
            ...after,
          ],
          { part: `Tenants[Id=${tenant.id}].ProjectVariables.${env}.${templateId}` },
        );
      }
    }
    for (const name of [...leftOut].sort())
      ctx.warn(`${what}: its values of template "${name}" are left out by --exclude-tenant-variables`);
  }
}

function emitDefaultChannelNote(project: GraphNode, ctx: EmitContext): void {
  const channel = ctx.graph
    .ofType("Channels")
    .find((c) => c.projectId === project.id && isBuiltIn(c.type, docOf(c), c.name));
  if (!channel) return;
  const d = typedDoc(channel, "Channels");
  if (
    d.LifecycleId ||
    (Array.isArray(d.Rules) && d.Rules.length) ||
    (Array.isArray(d.TenantTags) && d.TenantTags.length)
  ) {
    ctx.warn(
      "its Default channel has a lifecycle, version rules or tenant tags; the Default channel is looked up, not managed, so set those by hand",
    );
  }
}

/**
 * The connectivity_policy block of projects and runbooks; `allowByDefault` is what a policy
 * that does not say means (runbooks may run with no targets, deployments may not).
 */
function connectivityPolicy(value: ConnectivityPolicy, allowByDefault: boolean): BodyItem {
  const policy = value ?? {};
  const allow = allowByDefault
    ? policy.AllowDeploymentsToNoTargets !== false
    : policy.AllowDeploymentsToNoTargets === true;
  return block(
    "connectivity_policy",
    [],
    [
      attr("allow_deployments_to_no_targets", bool(allow)),
      attr("exclude_unhealthy_targets", bool(policy.ExcludeUnhealthyTargets === true)),
      attr("skip_machine_behavior", str(String(policy.SkipMachineBehavior ?? "None"))),
      ...optStrings("target_roles", policy.TargetRoles),
    ],
  );
}

/**
 * A project's change-control settings: ServiceNow and Jira Service Management (the keys of
 * go-octopusdeploy's pkg/projects servicenow_ and jira_service_management_extension_settings).
 * Each names a connection of the server's ITSM configuration by ID, which another server does
 * not share: the export writes the source's and says so.
 */
function itsmSettings(value: ProjectDoc["ExtensionSettings"], ctx: EmitContext): BodyItem[] {
  const out: BodyItem[] = [];
  for (const ext of Array.isArray(value) ? value : []) {
    const v = ext.Values ?? {};
    if (ext.ExtensionId === "servicenow-integration") {
      out.push(
        block(
          "servicenow_extension_settings",
          [],
          [
            attr("connection_id", str(String(v.ServiceNowConnectionId ?? ""))),
            attr("is_enabled", bool(v.ServiceNowChangeControlled === true)),
            attr("is_state_automatically_transitioned", bool(v.AutomaticStateTransition === true)),
            ...optString("standard_change_template_name", v.StandardChangeTemplateName),
          ],
        ),
      );
    } else if (ext.ExtensionId === "jiraservicemanagement-integration") {
      out.push(
        block(
          "jira_service_management_extension_settings",
          [],
          [
            attr("connection_id", str(String(v.JsmConnectionId ?? ""))),
            attr("is_enabled", bool(v.JsmChangeControlled === true)),
            attr("service_desk_project_name", str(String(v.ServiceDeskProjectName ?? ""))),
          ],
        ),
      );
    } else {
      ctx.warn(
        `extension settings ${String(ext.ExtensionId)} are not carried (the provider has no attribute for them)`,
      );
      continue;
    }
    ctx.warn(
      `${ext.ExtensionId === "servicenow-integration" ? "ServiceNow" : "Jira Service Management"} change control names the source server's connection ${String(v.ServiceNowConnectionId ?? v.JsmConnectionId ?? "")}: on another server, set the destination's connection ID in its connection_id`,
    );
  }
  return out;
}

export const channels: Converter = {
  types: ["Channels"],
  file: "channels.tf",
  primary: () => "octopusdeploy_channel",
  emit(node, ctx) {
    const d = typedDoc(node, "Channels");
    const what = `channel "${node.name}"`;
    const project = ctx.ref(node.projectId, `${what} project`);
    if (!project) return;
    const rules = channelRules(node, ctx);
    ctx.resource(this.file, "octopusdeploy_channel", node.name, [
      attr("space_id", ctx.spaceId),
      attr("project_id", project),
      attr("name", str(node.name)),
      ...optString("description", d.Description),
      ...optExpr("lifecycle_id", ctx.ref(d.LifecycleId, `${what} lifecycle`, { optional: true })),
      // The project's default channel when it is not the built-in one: creating it with
      // is_default makes the server clear the flag on the built-in channel.
      attr("is_default", bool(d.IsDefault === true)),
      ...optList("tenant_tags", ctx.tags(d.TenantTags, `${what} tenant tags`)),
      // Ephemeral environment channels (Octopus 2025.3): their type, parent environment and
      // the names of the environments they make; custom fields a release of the channel asks for.
      ...optString("type", d.Type),
      ...optExpr("parent_environment_id", ctx.field(d, "ParentEnvironmentId", `${what} parent environment`)),
      ...optString("ephemeral_environment_name_template", d.EphemeralEnvironmentNameTemplate),
      ...optList(
        "custom_field_definitions",
        (Array.isArray(d.CustomFieldDefinitions) ? d.CustomFieldDefinitions : []).map((f) =>
          object([
            ["field_name", str(String(f.FieldName ?? ""))],
            ["description", str(String(f.Description ?? ""))],
          ]),
        ),
      ),
      ...rules.map((r) =>
        block(
          "rule",
          [],
          [
            ...optString("version_range", r.VersionRange),
            ...optString("tag", r.Tag),
            ...r.packages.map((p) =>
              block(
                "action_package",
                [],
                [
                  ...optString("deployment_action", p.DeploymentAction),
                  ...optString("package_reference", p.PackageReference),
                ],
              ),
            ),
          ],
        ),
      ),
    ]);
  },
};

type ChannelRule = NonNullable<DocumentOf<"Channels">["Rules"]>[number];

/**
 * A channel's version rules, each with the packages it names that the exported deployment
 * process has. A rule naming a step the process does not have (renamed since) matches nothing
 * and a server may refuse it, so such a package is dropped with a warning
 * (--exclude-invalid-channels leaves the whole channel out instead), as is one whose step
 * --exclude-steps leaves out; a rule left naming no package is dropped.
 */
function channelRules(
  channel: GraphNode,
  ctx: EmitContext,
): Array<ChannelRule & { packages: NonNullable<ChannelRule["ActionPackages"]> }> {
  const d = typedDoc(channel, "Channels");
  const rules = Array.isArray(d.Rules) ? d.Rules : [];
  if (!rules.length) return [];
  const project = ctx.graph.get(channel.projectId ?? "");
  const processId = project ? typedDoc(project, "Projects").DeploymentProcessId : undefined;
  // Without the process (not read), the rules are written as they are.
  const actions: ProcessAction[] | undefined =
    typeof processId === "string" && ctx.graph.get(processId)
      ? processActions(ctx.graph, processId)
      : undefined;
  return rules.flatMap((r) => {
    const all = Array.isArray(r.ActionPackages) ? r.ActionPackages : [];
    if (!actions) return [{ ...r, packages: all }];
    const packages = all.filter((p) => {
      if (typeof p.DeploymentAction !== "string" || !p.DeploymentAction) return true;
      const reference = typeof p.PackageReference === "string" ? p.PackageReference : "";
      const named = describeActionPackage(p.DeploymentAction, reference);
      const fate = actionFate(actions, ctx.plan.excludeStep, p.DeploymentAction, "either").fate;
      if (fate === "kept") return true;
      if (fate === "left-out")
        ctx.warn(
          `has a version rule that names ${named}, which --exclude-steps leaves out; dropped from the rule`,
        );
      else
        ctx.warn(
          `has a version rule that names ${named}, which the deployment process does not have (the rule can match no package, and a server may refuse it); dropped from the rule, or leave the channel out with --exclude-invalid-channels`,
        );
      return false;
    });
    if (all.length && !packages.length) {
      ctx.warn("has a version rule that names no package that is exported, so the rule is dropped");
      return [];
    }
    return [{ ...r, packages }];
  });
}

export const runbooks: Converter = {
  types: ["Runbooks"],
  file: "runbooks.tf",
  primary: () => "octopusdeploy_runbook",
  emit(node, ctx) {
    const d = typedDoc(node, "Runbooks");
    const what = `runbook "${node.name}"`;
    const project = ctx.ref(node.projectId, `${what} project`);
    if (!project) return;
    const retention = d.RunRetentionPolicy ?? {};
    const strategy =
      typeof retention.Strategy === "string"
        ? retention.Strategy
        : retention.ShouldKeepForever
          ? "Forever"
          : Number(retention.QuantityToKeep ?? 100) === 100 && (retention.Unit ?? "Items") === "Items"
            ? "Default"
            : "Count";
    ctx.resource(this.file, "octopusdeploy_runbook", node.name, [
      attr("space_id", ctx.spaceId),
      attr("project_id", project),
      attr("name", str(node.name)),
      ...optString("description", d.Description),
      ...optString("environment_scope", d.EnvironmentScope),
      ...optList("environments", ctx.refs(byName(ctx, d.Environments), `${what} environments`)),
      ...optString("multi_tenancy_mode", d.MultiTenancyMode),
      ...optString("default_guided_failure_mode", d.DefaultGuidedFailureMode),
      ...optBool("force_package_download", d.ForcePackageDownload),
      connectivityPolicy(d.ConnectivityPolicy, true),
      ...(strategy === "Default"
        ? []
        : [
            block(
              "retention_policy_with_strategy",
              [],
              [
                attr("strategy", str(strategy)),
                ...(strategy === "Count"
                  ? [
                      attr("quantity_to_keep", num(Number(retention.QuantityToKeep ?? 100))),
                      attr("unit", str(String(retention.Unit ?? "Items"))),
                    ]
                  : []),
              ],
            ),
          ]),
    ]);
  },
};

type ProjectDoc = DocumentOf<"Projects">;

/** Keys the provider sets from primary_package; not repeated in execution_properties. */
const RESERVED = new Set([
  "Octopus.Action.Package.PackageId",
  "Octopus.Action.Package.FeedId",
  "Octopus.Action.Package.DownloadOnTentacle",
]);

interface StepPlan {
  step: Step;
  first: Action;
  type: string;
  key: string;
  children: Array<{ action: Action; type: string; key: string }>;
}

/** The process's owner label and the steps it writes, named the same way every time. */
function processPlan(
  node: GraphNode,
  ctx: EmitContext,
): { runbook?: GraphNode; key: string; owner: string; steps: StepPlan[] } {
  const d = typedDoc(node, "DeploymentProcesses");
  const runbook = node.type === "RunbookProcesses" ? ctx.graph.get(String(d.RunbookId ?? "")) : undefined;
  const owner = runbook ? `runbook "${runbook.name}"` : "deployment process";
  const key = runbook ? runbook.name : "deployment";
  const steps: StepPlan[] = [];
  for (const step of Array.isArray(d.Steps) ? d.Steps : []) {
    const actions = step.Actions ?? [];
    const first = actions[0];
    if (!first || first.StepPackageId || first.Inputs) continue;
    if (ctx.plan.excludeStep(String(step.Name ?? ""))) continue;
    const stepKey = `${key} ${step.Name}`;
    steps.push({
      step,
      first,
      type: isTemplated(ctx, first) ? "octopusdeploy_process_templated_step" : "octopusdeploy_process_step",
      key: stepKey,
      children: actions
        .slice(1)
        .filter((a) => !a.StepPackageId && !a.Inputs)
        .map((action) => ({
          action,
          type: isTemplated(ctx, action)
            ? "octopusdeploy_process_templated_child_step"
            : "octopusdeploy_process_child_step",
          key: `${stepKey} ${action.Name}`,
        })),
    });
  }
  return { runbook, key, owner, steps };
}

/**
 * A deployment or runbook process: octopusdeploy_process, a process step per step (its
 * first action), a child step per further action, and the order of both.
 */
export const processes: Converter = {
  types: ["DeploymentProcesses", "RunbookProcesses"],
  file: "process.tf",
  primary: () => "octopusdeploy_process",
  primaryKey: (node, plan) =>
    node.type === "RunbookProcesses"
      ? (plan.graph.get(String(typedDoc(node, "RunbookProcesses").RunbookId ?? ""))?.name ?? node.id)
      : "deployment",
  declare(node, ctx) {
    for (const s of processPlan(node, ctx).steps) {
      const stepLabel = ctx.module.name("resource", s.type, ctx.key(s.key));
      ctx.registerAction(String(s.first.Id ?? ""), s.first.Name ?? "", ref(s.type, stepLabel, "action_id"));
      for (const c of s.children) {
        ctx.registerAction(
          String(c.action.Id ?? ""),
          c.action.Name ?? "",
          ref(c.type, ctx.module.name("resource", c.type, ctx.key(c.key)), "id"),
        );
      }
    }
  },
  emit(node, ctx) {
    const d = typedDoc(node, "DeploymentProcesses");
    const { runbook, key, owner, steps } = processPlan(node, ctx);
    const project = ctx.ref(node.projectId, `${owner} project`);
    if (!project) return;
    const file = runbook ? "runbooks.tf" : this.file;
    for (const step of Array.isArray(d.Steps) ? d.Steps : []) {
      const skipped = (step.Actions ?? []).filter((a) => a.StepPackageId || a.Inputs);
      for (const a of skipped) {
        ctx.warn(
          `step "${a.Name}" of ${owner} uses the new step framework (${String(a.StepPackageId ?? a.ActionType)}), which the provider cannot express; it is skipped (the snapshot path carries it)`,
        );
      }
    }
    warnLeftOutSteps(d.Steps, steps, owner, ctx);
    const process = ctx.resource(file, "octopusdeploy_process", key, [
      attr("space_id", ctx.spaceId),
      attr("project_id", project),
      ...(runbook ? optExpr("runbook_id", ctx.ref(runbook.id, `${owner} runbook`)) : []),
    ]);
    const processRef = ref("octopusdeploy_process", process, "id");
    const stepRefs: Expr[] = [];
    for (const s of steps) {
      const where = `step "${s.step.Name}" of ${owner}`;
      if (s.first.IsDisabled === true) ctx.warn(`${where} is disabled; it is exported disabled`);
      const stepLabel = ctx.module.name("resource", s.type, ctx.key(s.key));
      ctx.resource(
        file,
        s.type,
        s.key,
        [
          attr("space_id", ctx.spaceId),
          attr("process_id", processRef),
          attr("name", str(s.step.Name ?? "")),
          ...stepAttributes(s.step),
          ...actionAttributes(s.first, ctx, where, true),
        ],
        { label: stepLabel, part: `Steps[Id=${String(s.step.Id ?? "")}]` },
      );
      stepRefs.push(ref(s.type, stepLabel, "id"));
      const children: Expr[] = [];
      for (const c of s.children) {
        const childWhere = `child step "${c.action.Name}" of ${where}`;
        const childLabel = ctx.module.name("resource", c.type, ctx.key(c.key));
        ctx.resource(
          file,
          c.type,
          c.key,
          [
            attr("space_id", ctx.spaceId),
            attr("process_id", processRef),
            attr("parent_id", ref(s.type, stepLabel, "id")),
            attr("name", str(c.action.Name ?? "")),
            ...optString("condition", c.action.Condition),
            ...actionAttributes(c.action, ctx, childWhere, false),
          ],
          { label: childLabel, part: `Actions[Id=${String(c.action.Id ?? "")}]` },
        );
        children.push(ref(c.type, childLabel, "id"));
      }
      if (children.length) {
        ctx.resource(
          file,
          "octopusdeploy_process_child_steps_order",
          s.key,
          [
            attr("space_id", ctx.spaceId),
            attr("process_id", processRef),
            attr("parent_id", ref(s.type, stepLabel, "id")),
            attr("children", tuple(children)),
          ],
          { part: `Steps[Id=${String(s.step.Id ?? "")}]` },
        );
      }
    }
    if (stepRefs.length) {
      ctx.resource(file, "octopusdeploy_process_steps_order", key, [
        attr("space_id", ctx.spaceId),
        attr("process_id", processRef),
        attr("steps", tuple(stepRefs)),
      ]);
    }
  },
};

/**
 * Warns of each step --exclude-steps leaves out (its child steps go with it), and of each kept
 * step whose properties read a left-out step's output variables (#{Octopus.Action[Name].Output...}):
 * those expressions are text, kept as they are, and find nothing on the destination.
 */
function warnLeftOutSteps(
  all: Step[] | null | undefined,
  kept: StepPlan[],
  owner: string,
  ctx: EmitContext,
): void {
  const names = new Set<string>();
  for (const step of Array.isArray(all) ? all : []) {
    if (!ctx.plan.excludeStep(String(step.Name ?? ""))) continue;
    ctx.warn(`step "${String(step.Name)}" of ${owner} is left out by --exclude-steps`);
    names.add(String(step.Name ?? ""));
    for (const a of step.Actions ?? []) names.add(String(a.Name ?? ""));
  }
  if (!names.size) return;
  for (const s of kept) {
    for (const action of [s.first, ...s.children.map((c) => c.action)]) {
      const named = new Set<string>();
      for (const v of Object.values(action.Properties ?? {}))
        if (typeof v === "string") for (const n of stepsNamedIn(v)) if (names.has(n)) named.add(n);
      for (const n of [...named].sort())
        ctx.warn(
          `step "${String(action.Name)}" of ${owner} refers to step "${n}" (Octopus.Action[${n}]), which --exclude-steps leaves out; the reference is kept as text`,
        );
    }
  }
}

function stepAttributes(step: Step): BodyItem[] {
  return [
    ...optString("condition", step.Condition),
    ...optString("start_trigger", step.StartTrigger),
    ...optString("package_requirement", step.PackageRequirement),
    ...stringMap("properties", step.Properties),
  ];
}

/** A map attribute of string values; non-strings are written as JSON text. Left out when empty. */
function stringMap(
  name: string,
  value: Record<string, unknown> | null | undefined,
  transform?: (key: string, value: unknown) => Expr | undefined,
): BodyItem[] {
  if (!value || typeof value !== "object") return [];
  const entries: Array<[string, Expr]> = [];
  for (const [k, v] of Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const expr = transform ? transform(k, v) : typeof v === "string" ? str(v) : undefined;
    if (expr) entries.push([k, expr]);
  }
  return entries.length ? [attr(name, { kind: "object", entries })] : [];
}

function actionAttributes(action: Action, ctx: EmitContext, where: string, _isStep: boolean): BodyItem[] {
  const packages = Array.isArray(action.Packages) ? action.Packages : [];
  const primary = packages.find((p) => !p.Name);
  const others = packages.filter((p) => p.Name).sort((a, b) => String(a.Name).localeCompare(String(b.Name)));
  const container = action.Container ?? null;
  const templated = isTemplated(ctx, action);
  const properties = actionProperties(ctx, action, where);
  const templateKeys = templated ? keysFromTemplate(ctx, action) : new Set<string>();
  const body: BodyItem[] = [
    ...(templated ? templateAttributes(ctx, action, where) : [attr("type", str(action.ActionType ?? ""))]),
    ...optString("slug", action.Slug),
    ...optBool("is_disabled", action.IsDisabled),
    ...optBool("is_required", action.IsRequired),
    ...optString("notes", action.Notes),
    ...optList("environments", ctx.refs(byName(ctx, action.Environments), `${where} environments`)),
    ...optList(
      "excluded_environments",
      ctx.refs(byName(ctx, action.ExcludedEnvironments), `${where} excluded environments`),
    ),
    ...optList("channels", ctx.refs(byName(ctx, action.Channels), `${where} channels`)),
    ...optList("tenant_tags", ctx.tags(action.TenantTags, `${where} tenant tags`)),
    ...optExpr("worker_pool_id", ctx.ref(action.WorkerPoolId, `${where} worker pool`, { optional: true })),
    ...optString("worker_pool_variable", action.WorkerPoolVariable),
  ];
  if (container && (container.Image || container.FeedId)) {
    const entries: Array<[string, Expr]> = [];
    if (container.FeedId)
      entries.push(["feed_id", ctx.field(container, "FeedId", `${where} container feed`) ?? str("")]);
    if (container.Image) entries.push(["image", str(String(container.Image))]);
    body.push(attr("container", { kind: "object", entries }));
  }
  if (!templated) {
    // A templated step's Git dependencies, like its packages, come from its template.
    body.push(...gitDependencies(action, ctx, where));
    if (primary) body.push(attr("primary_package", packageObject(primary, ctx, where)));
    if (others.length) {
      body.push(
        attr("packages", {
          kind: "object",
          entries: others.map((p) => [String(p.Name), packageObject(p, ctx, where)]),
        }),
      );
    }
  }
  body.push(
    ...stringMap("execution_properties", properties, (k, v) => {
      if (RESERVED.has(k) && primary) return undefined;
      if (templated && templateKeys.has(k)) return undefined;
      if (hasSecret(v)) {
        return ctx.secret(`${action.Name} ${k}`, "password", `Sensitive property ${k} of ${where}`, {
          key: `${where} ${k}`,
          path: `${actionPath(ctx, action)}.Properties.${k}`,
        });
      }
      return ctx.field(properties, k, `${where} property ${k}`);
    }),
  );
  return body;
}

/** Where an action sits in its process document, e.g. Steps[Id=...].Actions[Id=...]. */
function actionPath(ctx: EmitContext, action: Action): string {
  const steps = typedDoc(ctx.node, "DeploymentProcesses").Steps ?? [];
  const step = steps.find((s) => (s.Actions ?? []).includes(action));
  return `Steps[Id=${String(step?.Id ?? "")}].Actions[Id=${String(action.Id ?? "")}]`;
}

/**
 * A step's Git dependencies (the Git equivalent of packages), keyed by name as the provider's
 * git_dependencies map is ("" the primary one). github_connection_id is always written: the
 * provider reads it back as "" when there is none, and an optional attribute left out would
 * differ from that.
 */
function gitDependencies(action: Action, ctx: EmitContext, where: string): BodyItem[] {
  const deps = Array.isArray(action.GitDependencies) ? action.GitDependencies : [];
  if (!deps.length) return [];
  const entries = [...deps]
    .sort((a, b) => String(a.Name ?? "").localeCompare(String(b.Name ?? "")))
    .map((dep): [string, Expr] => {
      const name = String(dep.Name ?? "");
      const credential = ctx.field(dep, "GitCredentialId", `${where} Git dependency "${name}" credential`);
      if (dep.GitHubConnectionId)
        ctx.warn(
          `${where} Git dependency "${name}" uses a GitHub App connection, which the API cannot carry: connect it on the destination and set it by hand`,
        );
      const filters = (Array.isArray(dep.FilePathFilters) ? dep.FilePathFilters : []).filter(
        (f): f is string => typeof f === "string",
      );
      const fields: Array<[string, Expr]> = [
        ["repository_uri", str(String(dep.RepositoryUri ?? ""))],
        ["default_branch", str(String(dep.DefaultBranch ?? ""))],
        ["git_credential_type", str(String(dep.GitCredentialType ?? "Anonymous"))],
      ];
      if (credential) fields.push(["git_credential_id", credential]);
      fields.push(["github_connection_id", str("")]);
      if (filters.length) fields.push(["file_path_filters", tuple(filters.sort().map(str))]);
      return [name, { kind: "object", entries: fields }];
    });
  return [attr("git_dependencies", { kind: "object", entries })];
}

function packageObject(p: ActionPackage, ctx: EmitContext, where: string): Expr {
  const feed = ctx.field(p, "FeedId", `${where} package feed`);
  const entries: Array<[string, Expr]> = [
    ["package_id", ctx.field(p, "PackageId", `${where} package`) ?? str("")],
  ];
  if (feed) entries.push(["feed_id", feed]);
  if (typeof p.AcquisitionLocation === "string")
    entries.push(["acquisition_location", str(p.AcquisitionLocation)]);
  const props = Object.entries(p.Properties ?? {})
    .flatMap(([k, v]): Array<[string, string]> => (typeof v === "string" ? [[k, v]] : []))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (props.length)
    entries.push(["properties", { kind: "object", entries: props.map(([k, v]) => [k, str(v)]) }]);
  return { kind: "object", entries };
}

export const triggers: Converter = {
  types: ["ProjectTriggers"],
  file: "triggers.tf",
  primary: () => undefined,
  emit(node, ctx) {
    const d = typedDoc(node, "ProjectTriggers");
    const what = `trigger "${node.name}"`;
    const project = ctx.ref(node.projectId, `${what} project`);
    if (!project) return;
    const filter: TriggerFilter = d.Filter ?? {};
    const action: TriggerAction = d.Action ?? {};
    switch (filter.FilterType) {
      case "MachineFilter":
        ctx.resource(this.file, "octopusdeploy_project_deployment_target_trigger", node.name, [
          attr("project_id", project),
          attr("name", str(node.name)),
          attr("should_redeploy", bool(action.ShouldRedeployWhenMachineHasBeenDeployedTo === true)),
          // Optional lists the provider reads back as []: written even when empty.
          attr(
            "environment_ids",
            tuple(ctx.refs(byName(ctx, filter.EnvironmentIds), `${what} environments`)),
          ),
          attr("roles", strings(filter.Roles)),
          attr("event_groups", strings(filter.EventGroups)),
          attr("event_categories", strings(filter.EventCategories)),
        ]);
        if (d.IsDisabled === true)
          ctx.warn(
            "is disabled; the provider's deployment target trigger cannot be disabled, so it arrives enabled",
          );
        return;
      case "FeedFilter": {
        const packages = keptSlugs(node, filter.Packages, ctx);
        if (!packages) return;
        ctx.resource(this.file, "octopusdeploy_external_feed_create_release_trigger", node.name, [
          attr("space_id", ctx.spaceId),
          attr("project_id", project),
          attr("name", str(node.name)),
          ...optExpr("channel_id", ctx.ref(action.ChannelId, `${what} channel`)),
          ...optBool("is_disabled", d.IsDisabled),
          ...packages
            .filter((p) => p.PackageReference)
            .map((p) =>
              block(
                "package",
                [],
                [
                  attr("deployment_action_slug", str(String(p.DeploymentActionSlug ?? ""))),
                  attr("package_reference", str(String(p.PackageReference))),
                ],
              ),
            ),
          ...packages
            .filter((p) => !p.PackageReference)
            .map((p) =>
              block(
                "primary_package",
                [],
                [attr("deployment_action_slug", str(String(p.DeploymentActionSlug ?? "")))],
              ),
            ),
        ]);
        return;
      }
      case "GitFilter": {
        const channel = ctx.ref(action.ChannelId, `${what} channel`);
        if (!channel) {
          ctx.warn("names no channel to create releases in; create the trigger by hand");
          return;
        }
        const sources = keptSlugs(node, filter.Sources, ctx);
        if (!sources) return;
        const paths = (v: unknown): Expr => tuple((Array.isArray(v) ? v.map(String) : []).map(str));
        ctx.resource(this.file, "octopusdeploy_git_trigger", node.name, [
          attr("space_id", ctx.spaceId),
          attr("project_id", project),
          attr("name", str(node.name)),
          // Written even when empty: the provider leaves it unknown after create when not given.
          attr("description", str(typeof d.Description === "string" ? d.Description : "")),
          attr("is_disabled", bool(d.IsDisabled === true)),
          attr("channel_id", channel),
          attr(
            "sources",
            tuple(
              sources.map((src) => ({
                kind: "object",
                entries: [
                  ["deployment_action_slug", str(String(src.DeploymentActionSlug ?? ""))],
                  ["git_dependency_name", str(String(src.GitDependencyName ?? ""))],
                  // Path patterns are applied in order: kept as they are.
                  ["include_file_paths", paths(src.IncludeFilePaths)],
                  ["exclude_file_paths", paths(src.ExcludeFilePaths)],
                ],
              })),
            ),
          ),
        ]);
        return;
      }
      case "CronExpressionSchedule":
      case "OnceDailySchedule":
      case "ContinuousDailySchedule":
      case "DaysPerMonthSchedule": {
        const schedule = scheduleBlock(filter);
        const act = scheduledAction(action, ctx, what);
        if (!schedule || !act) {
          ctx.warn(`its action ${String(action.ActionType)} is not exported yet; create the trigger by hand`);
          return;
        }
        ctx.resource(this.file, "octopusdeploy_project_scheduled_trigger", node.name, [
          attr("space_id", ctx.spaceId),
          attr("project_id", project),
          attr("name", str(node.name)),
          ...optString("description", d.Description),
          ...optBool("is_disabled", d.IsDisabled),
          ...optString("timezone", filter.Timezone),
          ...optExpr("channel_id", ctx.ref(action.ChannelId, `${what} channel`, { optional: true })),
          attr("tenant_ids", tuple(ctx.refs(byName(ctx, action.TenantIds), `${what} tenants`))),
          schedule,
          act,
        ]);
        return;
      }
      default:
        ctx.warn(`triggers of type ${String(filter.FilterType)} are not exported yet; create it by hand`);
    }
  },
};

/**
 * A trigger's packages or Git sources (each naming a step by its action's slug), without those
 * of steps --exclude-steps leaves out (with a warning); undefined, and a warning, when that
 * leaves none: the trigger is not written.
 */
function keptSlugs<T extends { DeploymentActionSlug?: unknown }>(
  trigger: GraphNode,
  list: T[] | null | undefined,
  ctx: EmitContext,
): T[] | undefined {
  const all = Array.isArray(list) ? list : [];
  const project = ctx.graph.get(trigger.projectId ?? "");
  const actions = project ? processActions(ctx.graph, typedDoc(project, "Projects").DeploymentProcessId) : [];
  const dropped = new Set<string>();
  const kept = all.filter((p) => {
    const slug = typeof p.DeploymentActionSlug === "string" ? p.DeploymentActionSlug : "";
    const fate = slug ? actionFate(actions, ctx.plan.excludeStep, slug, "slug") : undefined;
    if (fate?.fate !== "left-out") return true;
    dropped.add(fate.action.step);
    return false;
  });
  if (all.length && !kept.length) {
    ctx.warn("watches only steps --exclude-steps leaves out, so the trigger is not exported");
    return undefined;
  }
  for (const name of [...dropped].sort())
    ctx.warn(`watches step "${name}", which --exclude-steps leaves out; dropped from the trigger`);
  return kept;
}

function strings(value: unknown): Expr {
  return tuple((Array.isArray(value) ? value.map(String) : []).sort().map(str));
}

function scheduleBlock(f: TriggerFilter): BodyItem | undefined {
  const days = () => optStrings("days_of_week", f.DaysOfWeek, { sort: false });
  const time = (v: unknown) => String(v ?? "").replace(/(Z|[+-]\d\d:\d\d)$/, "");
  switch (f.FilterType) {
    case "CronExpressionSchedule":
      return block(
        "cron_expression_schedule",
        [],
        [attr("cron_expression", str(String(f.CronExpression ?? "")))],
      );
    case "OnceDailySchedule":
      return block("once_daily_schedule", [], [attr("start_time", str(time(f.StartTime))), ...days()]);
    case "ContinuousDailySchedule":
      return block(
        "continuous_daily_schedule",
        [],
        [
          attr("interval", str(String(f.Interval ?? "OnceDaily"))),
          ...(typeof f.HourInterval === "number" ? [attr("hour_interval", num(f.HourInterval))] : []),
          ...(typeof f.MinuteInterval === "number" ? [attr("minute_interval", num(f.MinuteInterval))] : []),
          attr("run_after", str(time(f.RunAfter))),
          attr("run_until", str(time(f.RunUntil))),
          ...days(),
        ],
      );
    case "DaysPerMonthSchedule":
      return block(
        "days_per_month_schedule",
        [],
        [
          attr("monthly_schedule_type", str(String(f.MonthlyScheduleType ?? "DateOfMonth"))),
          attr("start_time", str(time(f.StartTime))),
          ...optString("date_of_month", f.DateOfMonth),
          ...optString("day_number_of_month", f.DayNumberOfMonth),
          ...optString("day_of_week", f.DayOfWeek),
        ],
      );
    default:
      return undefined;
  }
}

function scheduledAction(a: TriggerAction, ctx: EmitContext, what: string): BodyItem | undefined {
  switch (a.ActionType) {
    case "RunRunbook": {
      const runbook = ctx.ref(a.RunbookId, `${what} runbook`);
      if (!runbook) return undefined;
      return block(
        "run_runbook_action",
        [],
        [
          attr("runbook_id", runbook),
          attr(
            "target_environment_ids",
            tuple(ctx.refs(byName(ctx, a.EnvironmentIds), `${what} environments`)),
          ),
        ],
      );
    }
    case "DeployLatestRelease": {
      const source = Array.isArray(a.SourceEnvironmentIds) ? String(a.SourceEnvironmentIds[0] ?? "") : "";
      const src = ctx.ref(source, `${what} source environment`);
      const dst = ctx.ref(a.DestinationEnvironmentId, `${what} destination environment`);
      if (!src || !dst) return undefined;
      return block(
        "deploy_latest_release_action",
        [],
        [
          attr("source_environment_id", src),
          attr("destination_environment_id", dst),
          attr("should_redeploy", bool(a.ShouldRedeployWhenReleaseIsCurrent === true)),
        ],
      );
    }
    case "DeployNewRelease": {
      const dst = ctx.ref(a.EnvironmentId, `${what} environment`);
      if (!dst) return undefined;
      const vcs = a.VersionControlReference ?? {};
      return block(
        "deploy_new_release_action",
        [],
        [attr("destination_environment_id", dst), ...optString("git_reference", vcs.GitRef)],
      );
    }
    default:
      return undefined;
  }
}
