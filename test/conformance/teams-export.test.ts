import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { governanceByName } from "../helpers/governance.js";
import { type Doc, RestSpace, serverCall } from "../helpers/rest.js";
import { decoys, teamsAndSubscriptions } from "../helpers/scenarios.js";
import { applyEveryModule, applyWithVars, exportTo, pendingChanges, tfvars } from "./flow.js";
import { locateTools, TofuDir, type Tools } from "./harness.js";

/**
 * Teams, user roles, scoped user roles and subscriptions, exported from a space built through
 * the REST API (a custom role, a team holding it scoped to an environment and a project, the
 * Everyone team given a built-in role in the space, a subscription that emails the team and
 * calls a webhook with a secret header) with --include-teams, and applied by the real provider
 * into a destination whose IDs decoys shifted, which has one of the team's two members: the
 * destination's governance documents equal the source's by names (the missing member aside),
 * and a second plan is empty. Without --include-teams no team or role is written.
 */
const tools = locateTools();

describe.skipIf(typeof tools === "string")(
  "teams, user roles and subscriptions, with the real provider",
  () => {
    let source: Sandbox;
    let space: RestSpace;
    beforeAll(async () => {
      source = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
      space = await RestSpace.create(source, "Governed");
      const lifecycle = await space.named("lifecycles", "Default Lifecycle");
      const group = await space.named("projectgroups", "Default Project Group");
      const production = await space.post("environments", { Name: "Production" });
      await space.post("environments", { Name: "Staging" });
      const shop = await space.post("projects", {
        Name: "Shop",
        LifecycleId: lifecycle.Id,
        ProjectGroupId: group.Id,
      });
      await teamsAndSubscriptions(source, space, { production, shop });
    });
    afterAll(() => source.close());

    it("writes subscriptions but no team or role without --include-teams", async () => {
      const { manifest } = await exportTo(source, "modules", {}, undefined, space.spaceId);
      const types = new Set(manifest.resources.map((r) => r.type));
      expect(types.has("octopusdeploy_subscription")).toBe(true);
      for (const t of ["octopusdeploy_team", "octopusdeploy_user_role", "octopusdeploy_scoped_user_role"])
        expect(types.has(t), t).toBe(false);
      expect(manifest.modules.map((m) => m.path)).toEqual(["space", "projects/shop", "subscriptions"]);
    });

    it("with --include-teams, the destination gets them by names, a missing member aside, and plans clean", async () => {
      const destination = await new Sandbox({
        seed: { spaces: [{ Name: "Default", IsDefault: true }] },
      }).start();
      try {
        await decoys(destination);
        // Only one of the team's members is a user of the destination server.
        await serverCall(destination, "POST", "users", { Username: "zed" });
        await serverCall(destination, "POST", "users", { Username: "ada", DisplayName: "Ada" });
        const target = await RestSpace.create(destination, "Governed");
        const { dir, manifest } = await exportTo(
          source,
          "modules",
          { includeTeams: true },
          undefined,
          space.spaceId,
        );
        expect(manifest.modules.map((m) => m.path)).toEqual([
          "space",
          "projects/shop",
          "teams",
          "subscriptions",
        ]);
        expect(manifest.secrets.map((s) => s.path)).toEqual([
          "EventNotificationSubscription.WebhookHeaderValue",
        ]);
        const vars = await applyWithVars(
          tools as Tools,
          dir,
          manifest,
          tfvars(source, destination, manifest, target.spaceId),
        );
        expect(await pendingChanges(tools as Tools, dir, manifest, vars)).toEqual({});
        // The member the destination lacks is named by the teams module's check, at every plan.
        const teamsPlan = await (await TofuDir.at(tools as Tools, join(dir, "teams"))).must([
          "plan",
          "-input=false",
          `-var-file=${vars}`,
        ]);
        const said = `${teamsPlan.stdout} ${teamsPlan.stderr}`.replace(/\s+/g, " ");
        expect(said).toContain('User "grace", a member of team "Approvers" on the source, is not a user');
        expect(said).not.toContain('User "ada"');

        const want = await governanceByName(source, space);
        const got = await governanceByName(destination, target);
        expect((want.teams as Array<{ Members: string[] }>)[0]?.Members).toEqual(["ada", "grace"]);
        const missingGrace = (want.teams as Array<Record<string, unknown>>).map((t) => ({
          ...t,
          Members: ["ada"],
        }));
        expect(got).toEqual({ ...want, teams: missingGrace });
        expect(want.scoped).toHaveLength(4);

        // Changed on the source, exported again into the same directory: updated in place.
        const approvers = await space.named("teams", "Approvers");
        await space.put(`teams/${approvers.Id}`, { ...approvers, Description: "Release approvers" });
        const viewer = (await space.list("scopeduserroles")).find(
          (r) => r.TeamId === approvers.Id && r.UserRoleId === "userroles-projectviewer",
        )!;
        const staging = await space.named("environments", "Staging");
        await space.put(`scopeduserroles/${viewer.Id}`, { ...viewer, EnvironmentIds: [staging.Id] });
        const sub = await space.named("subscriptions", "Production failures");
        await space.update(`subscriptions/${sub.Id}`, (d) => {
          (d.EventNotificationSubscription as Doc).EmailPriority = "Low";
        });
        const again = await exportTo(source, "modules", { includeTeams: true }, dir, space.spaceId);
        await applyEveryModule(tools as Tools, dir, again.manifest, vars);
        expect(await pendingChanges(tools as Tools, dir, again.manifest, vars)).toEqual({});
        const changed = await governanceByName(source, space);
        expect(changed.scoped).toContain("Approvers / Project Viewer / Staging /  /  / ");
        expect(await governanceByName(destination, target)).toEqual({
          ...changed,
          teams: (changed.teams as Array<Record<string, unknown>>).map((t) => ({ ...t, Members: ["ada"] })),
        });

        // Destroyed: the team, its roles and the subscription go; the space's own Space
        // Managers role stays.
        for (const module of ["subscriptions", "teams"]) {
          const tf = await TofuDir.at(tools as Tools, join(dir, module));
          await tf.must(["destroy", "-auto-approve", "-input=false", `-var-file=${vars}`]);
        }
        const left = await governanceByName(destination, target);
        expect(left.teams).toEqual([]);
        expect(left.subscriptions).toEqual([]);
        expect(left.scoped).toEqual(["Space Managers / Space Manager /  /  /  / "]);
      } finally {
        await destination.close();
      }
    });
  },
);
