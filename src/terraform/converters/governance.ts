import { type DeploymentFreeze, type RecurringSchedule, typedDoc } from "../../graph/documents.js";
import type { GraphNode } from "../../graph/graph.js";
import { RETENTION_RESOURCES } from "../../registry/governance.js";
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
  type Lazy,
  num,
  object,
  ref,
  str,
  tuple,
} from "../hcl/model.js";
import {
  byName,
  type Converter,
  type Doc,
  docOf,
  optBool,
  optList,
  optString,
  optStrings,
} from "./converter.js";

/**
 * Deployment freezes. A server-level freeze is written with its scopes into the module
 * `deployment-freezes/` (applied after the projects its scopes name): the freeze
 * (`octopusdeploy_deployment_freeze`), one `octopusdeploy_deployment_freeze_project` per
 * project it freezes and one `octopusdeploy_deployment_freeze_tenant` per tenant, project and
 * environment. A project's own freeze (`OwnerId`) is an `octopusdeploy_project_deployment_freeze`
 * in its project's module.
 */

const FILE = "deployment_freezes.tf";

/** The recurrence as the provider writes it, or nothing. */
function schedule(value: RecurringSchedule | null | undefined, withOffset: boolean): BodyItem[] {
  if (!value || typeof value !== "object") return [];
  const s = value;
  const entries: Array<[string, Expr]> = [
    ["type", str(String(s.Type))],
    ["unit", num(Number(s.Unit ?? 1))],
    ["end_type", str(String(s.EndType))],
  ];
  const text = (key: string, field: unknown) => {
    if (typeof field === "string" && field) entries.push([key, str(field)]);
  };
  if (Array.isArray(s.DaysOfWeek) && s.DaysOfWeek.length)
    entries.push(["days_of_week", tuple(s.DaysOfWeek.map((d) => str(String(d))))]);
  text("monthly_schedule_type", s.MonthlyScheduleType);
  text("date_of_month", s.DateOfMonth);
  text("day_number_of_month", s.DayNumberOfMonth);
  text("day_of_week", s.DayOfWeek);
  text("end_on_date", s.EndOnDate);
  if (typeof s.EndAfterOccurrences === "number")
    entries.push(["end_after_occurrences", num(s.EndAfterOccurrences)]);
  if (withOffset) entries.push(["utc_offset_in_minutes", num(Number(s.UserUtcOffsetInMinutes ?? 0))]);
  return [attr("recurring_schedule", object(entries))];
}

/** The scopes of a freeze over this space's projects, by project, sorted by name. */
function projectScopes(d: DeploymentFreeze): Array<[string, string[]]> {
  const scope: Record<string, unknown> = d.ProjectEnvironmentScope ?? {};
  return Object.entries(scope).map(([p, envs]) => [p, Array.isArray(envs) ? envs.map(String) : []]);
}

export const deploymentFreezes: Converter = {
  types: ["DeploymentFreezes"],
  file: FILE,
  primary: (node) =>
    node.klass === "project" ? "octopusdeploy_project_deployment_freeze" : "octopusdeploy_deployment_freeze",
  emit(node, ctx) {
    if (node.klass === "project") emitProjectFreeze(node, ctx);
    else emitServerFreeze(node, ctx);
  },
};

function emitProjectFreeze(node: GraphNode, ctx: EmitContext): void {
  const d = typedDoc(node, "DeploymentFreezes");
  const what = `deployment freeze "${node.name}"`;
  const owner = ctx.ref(node.projectId, `${what} project`);
  if (!owner) return;
  const envs = projectScopes(d).find(([p]) => p === node.projectId)?.[1] ?? [];
  if (Array.isArray(d.TenantProjectEnvironmentScope) && d.TenantProjectEnvironmentScope.length)
    ctx.warn(
      `${what}: its tenant scopes are not carried (the provider's project freeze has none); add them on the destination by hand`,
    );
  ctx.resource(FILE, "octopusdeploy_project_deployment_freeze", node.name, [
    attr("owner_id", owner),
    attr("name", str(node.name)),
    attr("start", str(String(d.Start))),
    attr("end", str(String(d.End))),
    ...optList("environment_ids", ctx.refs(byName(ctx, envs), `${what} environments`)),
    ...schedule(d.RecurringSchedule, true),
  ]);
}

function emitServerFreeze(node: GraphNode, ctx: EmitContext): void {
  const d = typedDoc(node, "DeploymentFreezes");
  const what = `deployment freeze "${node.name}"`;
  const body: BodyItem[] = [
    attr("name", str(node.name)),
    attr("start", str(String(d.Start))),
    attr("end", str(String(d.End))),
  ];
  if (d.RecurringSchedule && typeof d.RecurringSchedule === "object") {
    // Provider v1.17.0 cannot plan recurring_schedule on this resource: its validator reads
    // utc_offset_in_minutes, which this resource's schema lacks (docs/sandbox-governance.md).
    ctx.warn(
      `${what} repeats on a schedule, which provider v1.17.0 cannot write on a server-level freeze; its first window is written and the schedule left alone: set it on the destination by hand`,
    );
    body.push(block("lifecycle", [], [attr("ignore_changes", tuple([ref("recurring_schedule")]))]));
  }
  const freeze = ctx.resource(FILE, "octopusdeploy_deployment_freeze", node.name, body);
  const freezeId = ref("octopusdeploy_deployment_freeze", freeze, "id");

  // The scope resources each replace the whole freeze (read, change, PUT): one at a time.
  let previous: Expr | undefined;
  const after = (extra: Expr[] = []): BodyItem[] => {
    const deps = [...(previous ? [previous] : []), ...extra];
    return deps.length ? [attr("depends_on", tuple(deps))] : [];
  };
  const scopes = new Map(projectScopes(d));
  for (const projectId of byName(ctx, [...scopes.keys()])) {
    const envs = scopes.get(projectId)!;
    const project = ctx.ref(projectId, `${what} project scope`, { optional: true });
    if (!project) continue;
    const projectName = ctx.graph.get(projectId)?.name ?? projectId;
    const label = ctx.resource(
      FILE,
      "octopusdeploy_deployment_freeze_project",
      `${node.name} ${projectName}`,
      [
        attr("deploymentfreeze_id", freezeId),
        attr("project_id", project),
        ...optList("environment_ids", ctx.refs(byName(ctx, envs), `${what} environments of ${projectName}`)),
        ...after(),
      ],
      { part: `ProjectEnvironmentScope{${projectId}}` },
    );
    previous = ref("octopusdeploy_deployment_freeze_project", label);
  }

  const tenantScopes = (Array.isArray(d.TenantProjectEnvironmentScope) ? d.TenantProjectEnvironmentScope : [])
    .filter((s) => !!s && typeof s === "object" && !!ctx.graph.get(String(s.TenantId)))
    .map((s) => {
      const name = (id: unknown) => ctx.graph.get(String(id))?.name ?? String(id);
      return { s, key: `${name(s.TenantId)} ${name(s.ProjectId)} ${name(s.EnvironmentId)}` };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { s, key } of tenantScopes) {
    const scopeWhat = `${what} tenant scope ${key}`;
    const tenant = ctx.ref(String(s.TenantId), scopeWhat, { optional: true });
    const project = ctx.ref(String(s.ProjectId), scopeWhat, { optional: true });
    const environment = ctx.ref(String(s.EnvironmentId), scopeWhat, { optional: true });
    if (!tenant || !project || !environment) continue;
    // In one module with the tenant's link to the project (the single layout), after it.
    const link = ctx.afterTenantLink(String(s.TenantId), String(s.ProjectId));
    const label = ctx.resource(
      FILE,
      "octopusdeploy_deployment_freeze_tenant",
      `${node.name} ${key}`,
      [
        attr("deploymentfreeze_id", freezeId),
        attr("tenant_id", tenant),
        attr("project_id", project),
        attr("environment_id", environment),
        ...after(link ? [link] : []),
      ],
      { part: `TenantProjectEnvironmentScope[${s.TenantId}/${s.ProjectId}/${s.EnvironmentId}]` },
    );
    previous = ref("octopusdeploy_deployment_freeze_tenant", label);
  }
}

/**
 * A space's default retention policies, each a setting of the space: applying it replaces the
 * destination's policy of the same kind.
 */
export const retentionPolicies: Converter = {
  types: ["RetentionPolicies"],
  file: "retention_policies.tf",
  emit(node, ctx) {
    const d = docOf(node);
    const type = RETENTION_RESOURCES[String(d.RetentionType)];
    if (!type) {
      ctx.warn(`is of a kind octoport does not know (${String(d.RetentionType)}); not carried`);
      return;
    }
    const count = d.Strategy === "Count";
    const kind = String(d.RetentionType).replace(/([a-z])([A-Z])/g, "$1 $2");
    ctx.resource(this.file, type, kind, [
      attr("space_id", ctx.spaceId),
      attr("strategy", str(count ? "Count" : "Forever")),
      ...(count
        ? [
            attr("quantity_to_keep", num(Number(d.QuantityToKeep ?? 0))),
            attr("unit", str(String(d.Unit ?? "Days"))),
          ]
        : []),
    ]);
  },
};

/**
 * Custom user roles, in the space module (server-wide, but the space's teams need them). The
 * built-in roles (CanBeDeleted false) are looked up by name, never written.
 */
export const userRoles: Converter = {
  types: ["UserRoles"],
  file: "user_roles.tf",
  primary: () => "octopusdeploy_user_role",
  emit(node, ctx) {
    const d = docOf(node);
    ctx.resource(this.file, "octopusdeploy_user_role", node.name, [
      attr("name", str(node.name)),
      ...optString("description", d.Description),
      ...optStrings("granted_space_permissions", d.GrantedSpacePermissions),
      // A list in the provider's schema: kept in the server's order.
      ...optStrings("granted_system_permissions", d.GrantedSystemPermissions, { sort: false }),
      ...optStrings("supported_restrictions", d.SupportedRestrictions, { sort: false }),
    ]);
  },
};

/** The data source that finds each team member by username, one per user and module. */
const memberLookups = new WeakMap<object, Map<string, Lazy>>();

/** The IDs (a list, empty when the user is missing) of the destination's user named `username`. */
function memberIds(ctx: EmitContext, username: string): Expr {
  let known = memberLookups.get(ctx.module);
  if (!known) {
    known = new Map();
    memberLookups.set(ctx.module, known);
  }
  let label = known.get(username);
  if (!label) {
    label = ctx.module.name("data", "octopusdeploy_users", username);
    known.set(username, label);
    ctx.module.add(
      "lookups.tf",
      block(
        "data",
        ["octopusdeploy_users", label],
        [
          attr("space_id", ctx.spaceId),
          attr("filter", str(username)),
          attr("skip", num(0)),
          attr("take", num(1000)),
        ],
      ),
    );
  }
  const users = ref("data", "octopusdeploy_users", label, "users");
  return forList(
    "u",
    users,
    ref("u", "id"),
    eq(call("lower", ref("u", "username")), str(username.toLowerCase())),
  );
}

/**
 * A space's teams (with --include-teams), in the module `teams/`. Built-in teams (Everyone,
 * Space Managers) and the server's teams are looked up, never written. Members are users of
 * the server, never created: each is looked up by username, and a `check` block warns at plan
 * and apply when one is missing on the destination (the team is made without them).
 */
export const teams: Converter = {
  types: ["Teams"],
  file: "teams.tf",
  primary: () => "octopusdeploy_team",
  emit(node, ctx) {
    const d = docOf(node);
    const what = `team "${node.name}"`;
    const members: Array<{ username: string; ids: Expr }> = [];
    for (const id of Array.isArray(d.MemberUserIds) ? d.MemberUserIds.map(String) : []) {
      const user = ctx.graph.get(id);
      if (!user) {
        ctx.warn(`member ${id} was not read (a user of the server); left out`);
        continue;
      }
      members.push({ username: user.name, ids: memberIds(ctx, user.name) });
    }
    const low = (m: { username: string }) => m.username.toLowerCase();
    members.sort((a, b) => (low(a) < low(b) ? -1 : low(a) > low(b) ? 1 : 0));
    const groups = (Array.isArray(d.ExternalSecurityGroups) ? d.ExternalSecurityGroups : []).filter(
      (g): g is Doc => !!g && typeof g === "object",
    );
    ctx.resource(this.file, "octopusdeploy_team", node.name, [
      attr("name", str(node.name)),
      ...optString("description", d.Description),
      attr("space_id", ctx.spaceId),
      ...(members.length
        ? [attr("users", call("toset", call("flatten", tuple(members.map((m) => m.ids)))))]
        : []),
      ...groups.map((g) =>
        block(
          "external_security_group",
          [],
          [
            ...optString("id", g.Id),
            ...optString("display_name", g.DisplayName),
            ...optBool("display_id_and_name", g.DisplayIdAndName),
          ],
        ),
      ),
      ...ownRoles(node, ctx),
    ]);
    if (!members.length) return;
    // A check only warns: the team is made (or kept) with the members the destination has.
    ctx.module.add(
      this.file,
      block(
        "check",
        [ctx.module.name("resource", "check", `${node.name} members`)],
        members.map((m) =>
          block(
            "assert",
            [],
            [
              attr("condition", eq(call("length", m.ids), num(1))),
              attr(
                "error_message",
                str(
                  `User "${m.username}", a member of ${what} on the source, is not a user of the destination server, so ${what} was made without them: create the user, then apply again.`,
                ),
              ),
            ],
          ),
        ),
      ),
    );
  },
};

/**
 * The roles of a team this export writes, as the team's own `user_role` blocks. Provider
 * v1.17.0 reads a team's roles back into those blocks, and an update of a team (a new member, a
 * new description) deletes every role the blocks do not list (resource_team.go): roles kept
 * in octopusdeploy_scoped_user_role resources beside it would be deleted by the next change of
 * their team (the conformance suite saw it). A looked-up team's roles are resources of their own.
 */
function ownRoles(node: GraphNode, ctx: EmitContext): BodyItem[] {
  const roles = ctx.graph
    .ofType("ScopedUserRoles")
    .filter(
      (r) => docOf(r).TeamId === node.id && !ctx.plan.excluded.has(r.id) && !ctx.plan.defaults.has(r.id),
    )
    .map((r) => ({ r, key: roleKey(ctx, r) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return roles.flatMap(({ r }) => {
    const body = roleBody(ctx, r);
    return body ? [block("user_role", [], body)] : [];
  });
}

/** What sorts a team's roles: the role's name, then its scopes. */
function roleKey(ctx: EmitContext, r: GraphNode): string {
  const d = docOf(r);
  const scopes = ["EnvironmentIds", "ProjectIds", "ProjectGroupIds", "TenantIds"].map((f) =>
    byName(ctx, d[f])
      .map((id) => nameOf(ctx, id))
      .join(","),
  );
  return [nameOf(ctx, d.UserRoleId), ...scopes].join(" / ");
}

/** A scoped role's role and scopes (and space), as references. */
function roleBody(ctx: EmitContext, r: GraphNode): BodyItem[] | undefined {
  const d = docOf(r);
  const what = `role "${nameOf(ctx, d.UserRoleId)}" of team "${nameOf(ctx, d.TeamId)}"`;
  const role = ctx.ref(String(d.UserRoleId ?? ""), `${what}: its role`);
  if (!role) return undefined;
  return [
    attr("space_id", ctx.spaceId),
    attr("user_role_id", role),
    ...optList("environment_ids", ctx.refs(byName(ctx, d.EnvironmentIds), `${what}: environments`)),
    ...optList("project_group_ids", ctx.refs(byName(ctx, d.ProjectGroupIds), `${what}: project groups`)),
    ...optList("project_ids", ctx.refs(byName(ctx, d.ProjectIds), `${what}: projects`)),
    ...optList("tenant_ids", ctx.refs(byName(ctx, d.TenantIds), `${what}: tenants`)),
  ];
}

/** The name of a document the graph has, or its ID. */
const nameOf = (ctx: EmitContext, id: unknown): string => ctx.graph.get(String(id))?.name ?? String(id);

/**
 * A looked-up team's role in the space (with --include-teams: Everyone, Space Managers or a
 * system team given a role here), in `teams/`: the team, the role and every scope are
 * references (or lookups by name), never IDs. The roles of a team the export writes are the
 * team's own `user_role` blocks (ownRoles).
 */
export const scopedUserRoles: Converter = {
  types: ["ScopedUserRoles"],
  file: "teams.tf",
  emit(node, ctx) {
    const d = docOf(node);
    const team = nameOf(ctx, d.TeamId);
    const role = nameOf(ctx, d.UserRoleId);
    const what = `role "${role}" of team "${team}"`;
    // A role of a team this export writes is one of the team's own user_role blocks (ownRoles).
    if (ctx.plan.home.has(String(d.TeamId))) return;
    const teamRef = ctx.ref(String(d.TeamId ?? ""), `${what}: its team`);
    const body = roleBody(ctx, node);
    if (!teamRef || !body) return;
    // A team may hold one role several times, with other scopes: numbered in ID order.
    const same = ctx.graph
      .ofType("ScopedUserRoles")
      .filter((n) => {
        const o = docOf(n);
        return o.TeamId === d.TeamId && o.UserRoleId === d.UserRoleId;
      })
      .map((n) => n.id)
      .sort();
    const n = same.indexOf(node.id);
    const key = n > 0 ? `${team} ${role} ${n + 1}` : `${team} ${role}`;
    ctx.resource(this.file, "octopusdeploy_scoped_user_role", key, [attr("team_id", teamRef), ...body]);
  },
};

/**
 * Event subscriptions, in the module `subscriptions/` (applied after the projects, tenants and
 * teams their filters and notifications name). The webhook's header value is write-only on
 * the server: it is an input.
 */
export const subscriptions: Converter = {
  types: ["Subscriptions"],
  file: "subscriptions.tf",
  primary: () => "octopusdeploy_subscription",
  emit(node, ctx) {
    const d = typedDoc(node, "Subscriptions");
    const n = d.EventNotificationSubscription ?? {};
    const f = n.Filter ?? {};
    const what = `subscription "${node.name}"`;
    const entry = (key: string, value: Expr): Array<[string, Expr]> => [[key, value]];
    const text = (key: string, value: unknown): Array<[string, Expr]> =>
      typeof value === "string" && value !== "" ? [[key, str(value)]] : [];
    const names = (key: string, value: unknown): Array<[string, Expr]> =>
      Array.isArray(value) && value.length ? [[key, tuple(value.map((v) => str(String(v))))]] : [];
    const refs = (key: string, value: unknown, label: string): Array<[string, Expr]> => {
      const items = ctx.refs(byName(ctx, value), `${what}: ${label}`);
      return items.length ? [[key, tuple(items)]] : [];
    };
    // Teams are written only with --include-teams; without it they are looked up by name.
    const teams = (key: string, value: unknown, label: string): Array<[string, Expr]> => {
      const items = byName(ctx, value).flatMap((id) => ctx.ref(id, `${what}: ${label}`) ?? []);
      return items.length ? [[key, tuple(items)]] : [];
    };
    if (Array.isArray(f.Users) && f.Users.length)
      ctx.warn(
        `its filter names users (${f.Users.length}), which are not carried (users are looked up only as team members); add them on the destination by hand`,
      );
    const tags = ctx.tags(f.Tags, `${what}: filter tags`);
    const filter: Array<[string, Expr]> = [
      ...names("document_types", f.DocumentTypes),
      ...refs("environments", f.Environments, "filter environments"),
      ...names("event_agents", f.EventAgents),
      ...names("event_categories", f.EventCategories),
      ...names("event_groups", f.EventGroups),
      ...refs("project_groups", f.ProjectGroups, "filter project groups"),
      ...refs("projects", f.Projects, "filter projects"),
      ...(tags.length ? entry("tags", tuple(tags)) : []),
      ...refs("tenants", f.Tenants, "filter tenants"),
    ];
    const headerKey = typeof n.WebhookHeaderKey === "string" ? n.WebhookHeaderKey : "";
    const notification: Array<[string, Expr]> = [
      ...text("email_frequency_period", n.EmailFrequencyPeriod),
      ...text("email_priority", n.EmailPriority),
      ...text("email_show_dates_in_timezone_id", n.EmailShowDatesInTimeZoneId),
      ...teams("email_teams", n.EmailTeams, "email teams"),
      ...(filter.length ? entry("filter", object(filter)) : []),
      ...text("webhook_header_key", headerKey),
      ...(headerKey
        ? entry(
            "webhook_header_value",
            ctx.secret("webhook_header_value", "text", `Value of the webhook header of ${what}`, {
              path: "EventNotificationSubscription.WebhookHeaderValue",
            }),
          )
        : []),
      ...teams("webhook_teams", n.WebhookTeams, "webhook teams"),
      ...text("webhook_timeout", n.WebhookTimeout),
      ...text("webhook_uri", n.WebhookURI),
    ];
    ctx.resource(this.file, "octopusdeploy_subscription", node.name, [
      attr("space_id", ctx.spaceId),
      attr("name", str(node.name)),
      ...(d.IsDisabled === true ? [attr("is_disabled", bool(true))] : []),
      attr("event_notification_subscription", object(notification)),
    ]);
  },
};
