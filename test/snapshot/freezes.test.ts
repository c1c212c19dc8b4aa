import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { exampleSpace } from "../helpers/examples.js";
import { type Doc, RestSpace, serverCall } from "../helpers/rest.js";
import { decoys } from "../helpers/scenarios.js";
import { emptyDestination, importInto, snapshotTo } from "../helpers/snapshot-lib.js";

/**
 * Deployment freezes are server-wide documents: a snapshot carries those of its space (and no
 * other space's), and the import writes them outside the space with every ID in their scopes
 * (object keys included) turned into the destination's.
 */

/** The server's freezes, IDs replaced by names. */
async function freezes(sandbox: Sandbox): Promise<unknown[]> {
  const space = RestSpace.existing(sandbox, "Spaces-1");
  const names = new Map<string, string>();
  for (const c of ["projects", "environments", "tenants"])
    for (const d of await space.list(c)) names.set(d.Id, String(d.Name));
  const name = (id: unknown) => names.get(String(id)) ?? `(other: ${String(id)})`;
  const list = (await serverCall(sandbox, "GET", "deploymentfreezes")).DeploymentFreezes as Doc[];
  return list
    .map((f) => ({
      Name: f.Name,
      Owner: f.OwnerId ? name(f.OwnerId) : null,
      Projects: Object.entries(f.ProjectEnvironmentScope as Record<string, string[]>)
        .map(([p, envs]) => `${name(p)}: ${envs.map(name).sort().join(", ")}`)
        .sort(),
      Tenants: (f.TenantProjectEnvironmentScope as Doc[]).map(
        (s) => `${name(s.TenantId)}/${name(s.ProjectId)}/${name(s.EnvironmentId)}`,
      ),
      Start: f.Start,
      End: f.End,
    }))
    .sort((a, b) => (String(a.Name) < String(b.Name) ? -1 : 1));
}

describe("snapshots of deployment freezes", () => {
  it("carry the space's freezes and import them with the destination's IDs", async () => {
    const source = await new Sandbox({ seed: exampleSpace() }).start();
    const destination = await emptyDestination();
    try {
      const space = RestSpace.existing(source, "Spaces-1");
      const orders = await space.named("projects", "Orders API");
      const production = await space.named("environments", "Production");
      const staging = await space.named("environments", "Staging");
      await serverCall(source, "POST", "deploymentfreezes", {
        Name: "Year end",
        Start: "2031-12-24T00:00:00Z",
        End: "2031-12-27T00:00:00Z",
        ProjectEnvironmentScope: { [orders.Id]: [production.Id, staging.Id] },
      });
      await serverCall(source, "POST", "deploymentfreezes", {
        Name: "Orders quiet week",
        OwnerId: orders.Id,
        Start: "2031-06-01T00:00:00Z",
        End: "2031-06-08T00:00:00Z",
        ProjectEnvironmentScope: { [orders.Id]: [production.Id] },
      });
      // Another space's freeze stays out of this space's snapshot.
      const other = await RestSpace.create(source, "Other");
      const lifecycle = await other.named("lifecycles", "Default Lifecycle");
      const group = await other.named("projectgroups", "Default Project Group");
      const elsewhere = await other.post("projects", {
        Name: "Elsewhere",
        LifecycleId: lifecycle.Id,
        ProjectGroupId: group.Id,
      });
      await serverCall(source, "POST", "deploymentfreezes", {
        Name: "Not ours",
        Start: "2031-03-01T00:00:00Z",
        End: "2031-03-02T00:00:00Z",
        ProjectEnvironmentScope: { [elsewhere.Id]: [] },
      });

      const out = join(await mkdtemp(join(tmpdir(), "octoport-freezes-")), "snap");
      await snapshotTo(source, out, { secrets: false });
      await decoys(destination);
      const report = await importInto(destination, out);
      expect(report.warnings.filter((w) => /freeze/i.test(w))).toEqual([]);
      const want = (await freezes(source)).filter((f) => (f as { Name: string }).Name !== "Not ours");
      expect(want).toHaveLength(2);
      expect(await freezes(destination)).toEqual(want);
    } finally {
      await source.close();
      await destination.close();
    }
  });
});
