import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { type Doc, RestSpace, serverCall } from "../helpers/rest.js";
import { decoys } from "../helpers/scenarios.js";
import { applyEveryModule, exportTo, pendingChanges, tfvars } from "./flow.js";
import { locateTools, type Tools } from "./harness.js";

/**
 * Governance documents (deployment freezes, the space's default retention policies), exported
 * from a space built through the REST API and applied by the real provider into a destination
 * whose IDs decoys shifted: the destination's freezes equal the source's by names (scopes,
 * windows, a project's recurrence), freezes of other spaces stay out, the retention policies
 * are the source's, and a second plan is empty.
 */
const tools = locateTools();

/** The space's freezes, with every ID replaced by the name of what it names. */
async function freezesByName(sandbox: Sandbox, space: RestSpace): Promise<unknown[]> {
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
async function retention(space: RestSpace): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const p of await space.list("retentionpolicies"))
    out[String(p.RetentionType)] = { Strategy: p.Strategy, QuantityToKeep: p.QuantityToKeep, Unit: p.Unit };
  return out;
}

describe.skipIf(typeof tools === "string")("governance documents, with the real provider", () => {
  let source: Sandbox;
  let space: RestSpace;
  beforeAll(async () => {
    source = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
    space = await RestSpace.create(source, "Freezes");
    const lifecycle = await space.named("lifecycles", "Default Lifecycle");
    const group = await space.named("projectgroups", "Default Project Group");
    const production = await space.post("environments", { Name: "Production" });
    const staging = await space.post("environments", { Name: "Staging" });
    const project = (name: string) =>
      space.post("projects", {
        Name: name,
        LifecycleId: lifecycle.Id,
        ProjectGroupId: group.Id,
        TenantedDeploymentMode: "TenantedOrUntenanted",
      });
    const shop = await project("Shop");
    const billing = await project("Billing");
    const acme = await space.post("tenants", {
      Name: "Acme",
      ProjectEnvironments: { [shop.Id]: [production.Id] },
    });
    await serverCall(source, "POST", "deploymentfreezes", {
      Name: "Year end",
      Start: "2031-12-24T00:00:00+10:00",
      End: "2031-12-27T00:00:00+10:00",
      ProjectEnvironmentScope: { [shop.Id]: [production.Id, staging.Id], [billing.Id]: [production.Id] },
      TenantProjectEnvironmentScope: [
        { TenantId: acme.Id, ProjectId: shop.Id, EnvironmentId: production.Id },
      ],
    });
    await serverCall(source, "POST", "deploymentfreezes", {
      Name: "Release train",
      OwnerId: shop.Id,
      Start: "2031-01-06T22:00:00Z",
      End: "2031-01-07T06:00:00Z",
      ProjectEnvironmentScope: { [shop.Id]: [production.Id] },
      RecurringSchedule: {
        Type: "Weekly",
        Unit: 1,
        DaysOfWeek: ["Thursday", "Monday"],
        EndType: "AfterOccurrences",
        EndAfterOccurrences: 10,
      },
    });
    // Retention policies other than a new space's.
    for (const policy of await space.list("retentionpolicies")) {
      if (policy.RetentionType === "LifecycleRelease")
        await space.put(`retentionpolicies/${policy.Id}`, {
          ...policy,
          Strategy: "Count",
          QuantityToKeep: 12,
          Unit: "Items",
        });
      if (policy.RetentionType === "RunbookRetention")
        await space.put(`retentionpolicies/${policy.Id}`, { ...policy, Strategy: "Forever" });
    }
    // A freeze of another space: not this space's to export.
    const other = await RestSpace.create(source, "Elsewhere");
    const otherLifecycle = await other.named("lifecycles", "Default Lifecycle");
    const otherGroup = await other.named("projectgroups", "Default Project Group");
    const elsewhere = await other.post("projects", {
      Name: "Elsewhere",
      LifecycleId: otherLifecycle.Id,
      ProjectGroupId: otherGroup.Id,
    });
    await serverCall(source, "POST", "deploymentfreezes", {
      Name: "Not ours",
      Start: "2031-03-01T00:00:00Z",
      End: "2031-03-02T00:00:00Z",
      ProjectEnvironmentScope: { [elsewhere.Id]: [] },
    });
  });
  afterAll(() => source.close());

  it("freezes arrive with their scopes and recurrence, in a module applied after the projects; retention policies as set", async () => {
    const destination = await new Sandbox({
      seed: { spaces: [{ Name: "Default", IsDefault: true }] },
    }).start();
    try {
      await decoys(destination);
      const target = await RestSpace.create(destination, "Freezes");
      const { dir, manifest } = await exportTo(source, "modules", {}, undefined, space.spaceId);
      expect(manifest.modules.map((m) => m.path)).toEqual([
        "space",
        "projects/billing",
        "projects/shop",
        "tenant-variables",
        "deployment-freezes",
      ]);
      expect(
        manifest.resources.filter((r) => r.sourceType === "DeploymentFreezes").map((r) => r.name),
      ).not.toContain("Not ours");
      const vars = join(dir, "terraform.tfvars");
      await writeFile(vars, tfvars(source, destination, manifest, target.spaceId), { mode: 0o600 });
      await applyEveryModule(tools as Tools, dir, manifest, vars);
      expect(await pendingChanges(tools as Tools, dir, manifest, vars)).toEqual({});
      const want = await freezesByName(source, space);
      expect(want).toHaveLength(2);
      expect(await freezesByName(destination, target)).toEqual(want);
      const policies = await retention(space);
      expect(policies.LifecycleRelease).toEqual({ Strategy: "Count", QuantityToKeep: 12, Unit: "Items" });
      expect(await retention(target)).toEqual(policies);
    } finally {
      await destination.close();
    }
  });
});
