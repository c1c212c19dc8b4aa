import type { Sandbox } from "../../src/sandbox/server.js";
import { type Doc, type RestSpace, serverCall } from "./rest.js";

/**
 * Test-only: a space's governance documents, partly server-wide (deployment freezes, user roles,
 * users), with names for IDs, so two servers' can be compared.
 */

/** The space's freezes, with every ID replaced by the name of what it names. */
export async function freezesByName(sandbox: Sandbox, space: RestSpace): Promise<unknown[]> {
  const names = new Map<string, string>();
  for (const collection of ["projects", "environments", "tenants"])
    for (const d of await space.list(collection)) names.set(d.Id, String(d.Name));
  const name = (id: unknown) => names.get(String(id)) ?? `(not in the space: ${String(id)})`;
  const list = (await serverCall(sandbox, "GET", "deploymentfreezes?take=1000")).DeploymentFreezes as Doc[];
  return list
    .filter((f) => {
      const ids = [
        f.OwnerId,
        ...Object.keys(f.ProjectEnvironmentScope as object),
        ...(f.TenantProjectEnvironmentScope as Doc[]).map((s) => s.TenantId),
      ];
      return ids.some((id) => names.has(String(id)));
    })
    .map((f) => ({
      Name: f.Name,
      Start: f.Start,
      End: f.End,
      Owner: f.OwnerId ? name(f.OwnerId) : null,
      Projects: Object.fromEntries(
        Object.entries(f.ProjectEnvironmentScope as Record<string, string[]>)
          .map(([p, envs]) => [name(p), envs.map(name).sort()])
          .sort(),
      ),
      Tenants: (f.TenantProjectEnvironmentScope as Doc[])
        .map((s) => `${name(s.TenantId)}/${name(s.ProjectId)}/${name(s.EnvironmentId)}`)
        .sort(),
      RecurringSchedule: f.RecurringSchedule,
    }))
    .sort((a, b) => (String(a.Name) < String(b.Name) ? -1 : 1));
}

/** The space's default retention policies, by kind. */
export async function retention(space: RestSpace): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const p of await space.list("retentionpolicies"))
    out[String(p.RetentionType)] = { Strategy: p.Strategy, QuantityToKeep: p.QuantityToKeep, Unit: p.Unit };
  return out;
}

/** Names of documents of a space and of the server's users, teams and roles, by ID. */
async function namer(sandbox: Sandbox, space: RestSpace): Promise<(id: unknown) => string> {
  const names = new Map<string, string>();
  for (const collection of ["projects", "environments", "projectgroups", "tenants"])
    for (const d of await space.list(collection)) names.set(d.Id, String(d.Name));
  const teams = await serverCall(sandbox, "GET", `${space.spaceId}/teams?includeSystem=true&take=1000`);
  for (const d of teams.Items as Doc[]) names.set(d.Id, String(d.Name));
  for (const d of ((await serverCall(sandbox, "GET", "userroles?take=1000")).Items as Doc[]) ?? [])
    names.set(d.Id, String(d.Name));
  for (const d of ((await serverCall(sandbox, "GET", "users?take=1000")).Items as Doc[]) ?? [])
    names.set(d.Id, String(d.Username));
  return (id) => names.get(String(id)) ?? `(unknown: ${String(id)})`;
}

/** The space's teams, scoped roles and subscriptions, and the custom roles, with names for IDs. */
export async function governanceByName(sandbox: Sandbox, space: RestSpace): Promise<Record<string, unknown>> {
  const name = await namer(sandbox, space);
  const names = (ids: unknown) => (Array.isArray(ids) ? ids.map(name).sort() : []);
  const roles = ((await serverCall(sandbox, "GET", "userroles?take=1000")).Items as Doc[])
    .filter((r) => r.CanBeDeleted !== false)
    .map((r) => ({
      Name: r.Name,
      Description: r.Description,
      Space: [...(r.GrantedSpacePermissions as string[])].sort(),
      System: r.GrantedSystemPermissions,
    }));
  const teams = (await space.list("teams"))
    .filter((t) => t.CanBeDeleted !== false)
    .map((t) => ({ Name: t.Name, Description: t.Description, Members: names(t.MemberUserIds) }));
  const scoped = (await space.list("scopeduserroles"))
    .map((s) =>
      [
        name(s.TeamId),
        name(s.UserRoleId),
        names(s.EnvironmentIds).join("+"),
        names(s.ProjectIds).join("+"),
        names(s.ProjectGroupIds).join("+"),
        names(s.TenantIds).join("+"),
      ].join(" / "),
    )
    .sort();
  const subscriptions = (await space.list("subscriptions")).map((s) => {
    const n = s.EventNotificationSubscription as Doc;
    const f = n.Filter as Doc;
    return {
      Name: s.Name,
      IsDisabled: s.IsDisabled,
      EmailTeams: names(n.EmailTeams),
      EmailPriority: n.EmailPriority,
      EmailFrequencyPeriod: n.EmailFrequencyPeriod,
      WebhookURI: n.WebhookURI,
      WebhookHeaderKey: n.WebhookHeaderKey,
      WebhookTimeout: n.WebhookTimeout,
      Filter: {
        EventCategories: f.EventCategories,
        Environments: names(f.Environments),
        Projects: names(f.Projects),
      },
    };
  });
  return { roles, teams, scoped, subscriptions };
}
