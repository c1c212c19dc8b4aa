import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/sandbox/engine.js";
import { RESOURCE_DEFS } from "../../src/sandbox/resources/index.js";
import { dumpState, loadSeed } from "../../src/sandbox/seed.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { Store } from "../../src/sandbox/store.js";
import { exampleSpace } from "../helpers/examples.js";
import { request } from "../helpers/http.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await new Sandbox({ seed: exampleSpace(), apiKey: "API-SANDBOXGOVERNANCE0001" }).start();
});
afterAll(() => sandbox.close());

const api = (method: string, path: string, body?: unknown) => request(sandbox, method, path, body);

const ids = (items: Array<{ Id: string }>) => items.map((d) => d.Id);

async function newSpace(name: string): Promise<string> {
  const space = await api("POST", "/api/spaces", { Name: name });
  expect(space.status).toBe(201);
  return space.json.Id;
}

describe("user roles", () => {
  it("every server has the built-in roles, which cannot be deleted", async () => {
    const all = (await api("GET", "/api/userroles/all")).json as Array<Record<string, unknown>>;
    const byId = new Map(all.map((r) => [r.Id, r]));
    for (const id of [
      "userroles-systemadministrator",
      "userroles-systemmanager",
      "userroles-spacemanager",
      "userroles-projectdeployer",
      "userroles-projectviewer",
      "userroles-releasecreator",
    ])
      expect(byId.get(id)?.CanBeDeleted, id).toBe(false);
    const deployer = byId.get("userroles-projectdeployer")!;
    expect(deployer.Name).toBe("Project Deployer");
    expect(deployer.GrantedSpacePermissions).toContain("DeploymentCreate");
    expect(deployer.GrantedSystemPermissions).toEqual(["TeamView", "UserView", "UserRoleView"]);
    expect(byId.get("userroles-systemadministrator")?.GrantedSpacePermissions).toEqual([]);
    // The provider's data source filters by partial name; "admin" finds System Administrator.
    const found = (await api("GET", "/api/userroles?partialName=admin")).json.Items;
    expect(ids(found)).toEqual(["userroles-systemadministrator"]);
    const refused = await api("DELETE", "/api/userroles/userroles-projectviewer");
    expect(refused.status).toBe(400);
    expect((await api("GET", "/api/userroles/userroles-projectviewer")).status).toBe(200);
  });

  it("describes granted permissions as the server does and owns CanBeDeleted", async () => {
    const made = await api("POST", "/api/userroles", {
      Name: "Account keepers",
      GrantedSpacePermissions: ["AccountView", "AccountCreate", "TeamView"],
      GrantedSystemPermissions: ["SpaceView", "TeamView"],
      CanBeDeleted: false,
    });
    expect(made.status).toBe(201);
    expect(made.json.CanBeDeleted).toBe(true);
    expect(made.json.SupportedRestrictions).toEqual([]);
    expect(made.json.SpacePermissionDescriptions).toEqual([
      "Create accounts (restrictable to Environments, Tenants)",
      "View accounts (restrictable to Environments, Tenants)",
      "View teams (space)",
    ]);
    expect(made.json.SystemPermissionDescriptions).toEqual(["View spaces", "View teams (system)"]);
    expect(made.json.Links.Self).toBe(`/api/userroles/${made.json.Id}`);
    expect((await api("DELETE", `/api/userroles/${made.json.Id}`)).status).toBe(200);
    expect((await api("GET", `/api/userroles/${made.json.Id}`)).status).toBe(404);
  });

  it("refuses permissions it does not know, or at a level they do not apply at, and taken names", async () => {
    const unknown = await api("POST", "/api/userroles", { Name: "U", GrantedSpacePermissions: ["Fly"] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.Errors[0]).toMatch(/'Fly'/);
    const wrongLevel = await api("POST", "/api/userroles", {
      Name: "W",
      GrantedSystemPermissions: ["ProjectView"],
    });
    expect(wrongLevel.status).toBe(400);
    expect(wrongLevel.json.Errors[0]).toMatch(/'ProjectView' applies at the space level/);
    const taken = await api("POST", "/api/userroles", { Name: "project viewer" });
    expect(taken.status).toBe(400);
    expect(taken.json.Errors[0]).toMatch(/already in use/);
  });
});

describe("teams", () => {
  it("system teams are built in, listed with includeSystem, and cannot be deleted or renamed", async () => {
    const plain = ids((await api("GET", "/api/Spaces-1/teams")).json.Items);
    expect(plain).not.toContain("teams-everyone");
    expect(plain).toContain("teams-spacemanagers-Spaces-1");
    const withSystem = ids((await api("GET", "/api/Spaces-1/teams?includeSystem=true")).json.Items);
    expect(withSystem).toEqual(expect.arrayContaining(["teams-everyone", "teams-administrators"]));
    const admins = (await api("GET", "/api/teams/teams-administrators")).json;
    expect(admins.SpaceId).toBeNull();
    expect(admins.MemberUserIds).toEqual(["Users-1"]);
    expect((await api("DELETE", "/api/teams/teams-everyone")).status).toBe(400);
    const renamed = await api("PUT", "/api/teams/teams-everyone", { ...admins, Name: "All of us" });
    expect(renamed.status).toBe(400);
    const roles = (await api("GET", "/api/teams/teams-administrators/scopeduserroles")).json.Items;
    expect(roles.map((r: { UserRoleId: string; SpaceId: null }) => [r.UserRoleId, r.SpaceId])).toEqual([
      ["userroles-systemadministrator", null],
    ]);
  });

  it("a space team is found by ID without a space in the path, and only in its own space with one", async () => {
    const other = await newSpace("Team space");
    const made = await api("POST", `/api/${other}/teams`, {
      Name: "Deployers",
      MemberUserIds: ["Users-1"],
      CanBeDeleted: false,
      CanChangeRoles: false,
    });
    expect(made.status).toBe(201);
    // Go clients send false for flags they were not told; the server decides them.
    expect([made.json.CanBeDeleted, made.json.CanChangeRoles]).toEqual([true, true]);
    expect(made.json.SpaceId).toBe(other);
    expect(made.json.Links.ScopedUserRoles).toBe(
      `/api/${other}/teams/${made.json.Id}/scopeduserroles{?skip,take}`,
    );
    expect((await api("GET", `/api/teams/${made.json.Id}`)).json.Name).toBe("Deployers");
    expect((await api("GET", `/api/${other}/teams/${made.json.Id}`)).status).toBe(200);
    expect((await api("GET", `/api/Spaces-1/teams/${made.json.Id}`)).status).toBe(404);
    expect((await api("GET", `/api/${other}/teams/teams-everyone`)).status).toBe(200);
    const bad = await api("POST", `/api/${other}/teams`, { Name: "Ghosts", MemberUserIds: ["Users-999"] });
    expect(bad.status).toBe(400);
  });

  it("a team posted without a space is a system team", async () => {
    const made = await api("POST", "/api/teams", { Name: "Everywhere" });
    expect(made.json.SpaceId).toBeNull();
    expect(made.json.Links.Self).toBe(`/api/teams/${made.json.Id}`);
    expect((await api("DELETE", `/api/teams/${made.json.Id}`)).status).toBe(200);
  });
});

describe("scoped user roles", () => {
  it("gives a role to a team in a space, with scopes of that space, and lists it under the team", async () => {
    const env = (await api("POST", "/api/Spaces-1/environments", { Name: "Scoped env" })).json;
    const role = (
      await api("POST", "/api/userroles", {
        Name: "Env viewers",
        GrantedSpacePermissions: ["EnvironmentView"],
      })
    ).json;
    const made = await api("POST", "/api/Spaces-1/scopeduserroles", {
      TeamId: "teams-everyone",
      UserRoleId: role.Id,
      SpaceId: "Spaces-1",
      EnvironmentIds: [env.Id],
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({
      SpaceId: "Spaces-1",
      EnvironmentIds: [env.Id],
      ProjectIds: [],
      TenantIds: [],
    });
    const underTeam = ids(
      (await api("GET", "/api/Spaces-1/teams/teams-everyone/scopeduserroles")).json.Items,
    );
    expect(underTeam).toContain(made.json.Id);
    const badScope = await api("POST", "/api/Spaces-1/scopeduserroles", {
      TeamId: "teams-everyone",
      UserRoleId: role.Id,
      SpaceId: "Spaces-1",
      ProjectIds: ["Projects-999"],
    });
    expect(badScope.status).toBe(400);
    // Deleting the role takes its assignments with it.
    expect((await api("DELETE", `/api/userroles/${role.Id}`)).status).toBe(200);
    expect((await api("GET", `/api/scopeduserroles/${made.json.Id}`)).status).toBe(404);
  });

  it("refuses a role with space permissions at the system level, with the server's message", async () => {
    const role = (
      await api("POST", "/api/userroles", { Name: "Creators", GrantedSpacePermissions: ["AccountCreate"] })
    ).json;
    const refused = await api("POST", "/api/scopeduserroles", {
      TeamId: "teams-everyone",
      UserRoleId: role.Id,
    });
    expect(refused.status).toBe(400);
    expect(refused.json.Errors).toEqual([
      "You cannot use a role with Space level permissions at the System level. Space level permissions: AccountCreate",
    ]);
    const systemRole = (
      await api("POST", "/api/userroles", { Name: "Space lookers", GrantedSystemPermissions: ["SpaceView"] })
    ).json;
    const ok = await api("POST", "/api/scopeduserroles", {
      TeamId: "teams-everyone",
      UserRoleId: systemRole.Id,
    });
    expect(ok.status).toBe(201);
    expect(ok.json.SpaceId).toBeNull();
    const missing = await api("POST", "/api/scopeduserroles", { UserRoleId: systemRole.Id });
    expect(missing.json.Errors).toEqual(["The TeamId field is required."]);
  });

  it("keeps a space team's roles in its space, and removes them with the team", async () => {
    const other = await newSpace("Role space");
    const team = (await api("POST", `/api/${other}/teams`, { Name: "Locals" })).json;
    const role = (
      await api("POST", "/api/userroles", { Name: "Local viewers", GrantedSpacePermissions: ["ProjectView"] })
    ).json;
    const elsewhere = await api("POST", "/api/scopeduserroles", {
      TeamId: team.Id,
      UserRoleId: role.Id,
      SpaceId: "Spaces-1",
    });
    expect(elsewhere.status).toBe(400);
    const made = await api("POST", `/api/${other}/scopeduserroles`, { TeamId: team.Id, UserRoleId: role.Id });
    expect(made.json.SpaceId).toBe(other);
    expect((await api("DELETE", `/api/${other}/teams/${team.Id}`)).status).toBe(200);
    expect((await api("GET", `/api/scopeduserroles/${made.json.Id}`)).status).toBe(404);
  });
});

describe("space default retention policies", () => {
  it("a new space has one of each kind, read by kind and replaced, never created or deleted", async () => {
    const space = await newSpace("Retention space");
    const release = await api("GET", `/api/${space}/retentionpolicies?RetentionType=LifecycleRelease`);
    expect(release.json).toMatchObject({
      RetentionType: "LifecycleRelease",
      SpaceId: space,
      Strategy: "Count",
    });
    const runbook = (await api("GET", `/api/${space}/retentionpolicies?RetentionType=RunbookRetention`)).json;
    expect([runbook.QuantityToKeep, runbook.Unit]).toEqual([100, "Items"]);
    const forever = await api("PUT", `/api/${space}/retentionpolicies/${release.json.Id}`, {
      ...release.json,
      Strategy: "Forever",
      QuantityToKeep: 0,
      Unit: "Items",
    });
    expect(forever.json).toMatchObject({ Strategy: "Forever", QuantityToKeep: 0, Unit: null });
    const bad = await api("PUT", `/api/${space}/retentionpolicies/${release.json.Id}`, {
      ...release.json,
      Strategy: "Count",
      QuantityToKeep: 0,
    });
    expect(bad.status).toBe(400);
    expect(
      (await api("POST", `/api/${space}/retentionpolicies`, { RetentionType: "LifecycleRelease" })).status,
    ).toBe(405);
    expect((await api("DELETE", `/api/${space}/retentionpolicies/${release.json.Id}`)).status).toBe(405);
    await api("DELETE", `/api/spaces/${space}`);
    expect(sandbox.store.get("RetentionPolicies", release.json.Id)).toBeUndefined();
  });
});

describe("subscriptions", () => {
  it("fills what the provider leaves empty and never serves the webhook header value", async () => {
    const made = await api("POST", "/api/Spaces-1/subscriptions", {
      Name: "Deploy hooks",
      EventNotificationSubscription: {
        EmailFrequencyPeriod: "",
        EmailPriority: "",
        WebhookURI: "https://hooks.example.com/octopus",
        WebhookTimeout: "",
        WebhookHeaderKey: "X-Token",
        WebhookHeaderValue: "hook-secret",
        Filter: { EventCategories: ["Modified"] },
      },
    });
    expect(made.status).toBe(201);
    const n = made.json.EventNotificationSubscription;
    expect([n.EmailFrequencyPeriod, n.EmailPriority, n.EmailShowDatesInTimeZoneId, n.WebhookTimeout]).toEqual(
      ["01:00:00", "Normal", "UTC", "00:00:10"],
    );
    expect(n.Filter.EventCategories).toEqual(["Modified"]);
    expect(n.Filter.Projects).toEqual([]);
    expect(made.json.Type).toBe("Event");
    const read = await api("GET", `/api/Spaces-1/subscriptions/${made.json.Id}`);
    expect(JSON.stringify(read.json)).not.toContain("hook-secret");
    // Written back without the value (as read), the header keeps it.
    await api("PUT", `/api/Spaces-1/subscriptions/${made.json.Id}`, { ...read.json, IsDisabled: true });
    const revealed = sandbox.reveal("Subscriptions", made.json.Id) as {
      EventNotificationSubscription: { WebhookHeaderValue: string };
      IsDisabled: boolean;
    };
    expect(revealed.EventNotificationSubscription.WebhookHeaderValue).toBe("hook-secret");
    expect(revealed.IsDisabled).toBe(true);
  });

  it("refuses what the server would not take", async () => {
    const priority = await api("POST", "/api/Spaces-1/subscriptions", {
      Name: "Loud",
      EventNotificationSubscription: { EmailPriority: "Urgent" },
    });
    expect(priority.status).toBe(400);
    const project = await api("POST", "/api/Spaces-1/subscriptions", {
      Name: "Ghost project",
      EventNotificationSubscription: { Filter: { Projects: ["Projects-999"] } },
    });
    expect(project.status).toBe(400);
    const taken = await api("POST", "/api/Spaces-1/subscriptions", { Name: "deploy hooks" });
    expect(taken.status).toBe(400);
  });
});

describe("deployment freezes", () => {
  it("are server-level, listed as {DeploymentFreezes, Count}, with times in UTC", async () => {
    const made = await api("POST", "/api/deploymentfreezes", {
      Id: "<unknown>",
      Name: "Year end",
      Start: "2031-12-24T00:00:00+10:00",
      End: "2031-12-27T00:00:00+10:00",
      ProjectEnvironmentScope: { "Projects-1": ["Environments-4"] },
    });
    expect(made.status).toBe(201);
    expect(made.json.Id).toMatch(/^DeploymentFreezes-\d+$/);
    expect([made.json.Start, made.json.End]).toEqual([
      "2031-12-23T14:00:00.000+00:00",
      "2031-12-26T14:00:00.000+00:00",
    ]);
    expect(made.json.TenantProjectEnvironmentScope).toEqual([]);
    const listed = (await api("GET", "/api/deploymentfreezes?skip=0&take=2147483647&projectIds=Projects-1"))
      .json;
    expect(Object.keys(listed)).toEqual(["DeploymentFreezes", "Count"]);
    expect(listed.DeploymentFreezes.map((f: { Name: string }) => f.Name)).toContain("Year end");
    expect((await api("GET", "/api/deploymentfreezes?projectIds=Projects-2")).json.Count).toBe(0);
    // The provider adds project scopes by replacing the whole freeze.
    const scoped = await api("PUT", `/api/deploymentfreezes/${made.json.Id}`, {
      ...made.json,
      ProjectEnvironmentScope: { ...made.json.ProjectEnvironmentScope, "Projects-2": ["Environments-1"] },
    });
    expect(Object.keys(scoped.json.ProjectEnvironmentScope)).toEqual(["Projects-1", "Projects-2"]);
  });

  it("validates times, scopes and a project's own freeze", async () => {
    const backwards = await api("POST", "/api/deploymentfreezes", {
      Name: "Backwards",
      Start: "2031-01-02T00:00:00Z",
      End: "2031-01-01T00:00:00Z",
    });
    expect(backwards.status).toBe(400);
    const ghost = await api("POST", "/api/deploymentfreezes", {
      Name: "Ghost",
      Start: "2031-01-01T00:00:00Z",
      End: "2031-01-02T00:00:00Z",
      ProjectEnvironmentScope: { "Projects-999": [] },
    });
    expect(ghost.status).toBe(400);
    const other = await newSpace("Freeze space");
    const otherEnv = (await api("POST", `/api/${other}/environments`, { Name: "Elsewhere" })).json;
    const mixed = await api("POST", "/api/deploymentfreezes", {
      Name: "Mixed",
      Start: "2031-01-01T00:00:00Z",
      End: "2031-01-02T00:00:00Z",
      ProjectEnvironmentScope: { "Projects-1": [otherEnv.Id] },
    });
    expect(mixed.status).toBe(400);
    expect(mixed.json.Errors[0]).toMatch(/different spaces/);
    const owned = await api("POST", "/api/deploymentfreezes", {
      Name: "Own",
      OwnerId: "Projects-1",
      Start: "2031-01-01T00:00:00Z",
      End: "2031-01-02T00:00:00Z",
      ProjectEnvironmentScope: { "Projects-2": ["Environments-1"] },
    });
    expect(owned.status).toBe(400);
    const weekly = await api("POST", "/api/deploymentfreezes", {
      Name: "Weekly",
      Start: "2031-01-01T00:00:00Z",
      End: "2031-01-02T00:00:00Z",
      RecurringSchedule: { Type: "Weekly", Unit: 1, EndType: "Never" },
    });
    expect(weekly.status).toBe(400);
  });

  it("stops showing the scope of a project deleted since", async () => {
    const project = (
      await api("POST", "/api/Spaces-1/projects", {
        Name: "Short lived",
        LifecycleId: "Lifecycles-1",
        ProjectGroupId: "ProjectGroups-1",
      })
    ).json;
    const freeze = (
      await api("POST", "/api/deploymentfreezes", {
        Name: "Short freeze",
        Start: "2031-01-01T00:00:00Z",
        End: "2031-01-02T00:00:00Z",
        ProjectEnvironmentScope: { [project.Id]: ["Environments-1"], "Projects-1": ["Environments-1"] },
      })
    ).json;
    await api("DELETE", `/api/Spaces-1/projects/${project.Id}`);
    const read = (await api("GET", `/api/deploymentfreezes/${freeze.Id}`)).json;
    expect(Object.keys(read.ProjectEnvironmentScope)).toEqual(["Projects-1"]);
  });
});

describe("dump and reload", () => {
  it("the documents a space is made with load back in place, not twice", () => {
    const engine = new Engine(new Store(), RESOURCE_DEFS);
    loadSeed(engine, exampleSpace());
    const dumped = dumpState(engine, { secrets: true });
    const again = new Engine(new Store(), RESOURCE_DEFS);
    loadSeed(again, dumped);
    for (const type of ["Teams", "ScopedUserRoles", "RetentionPolicies"])
      expect(ids(again.docs(type, "Spaces-1") as Array<{ Id: string }>), type).toEqual(
        ids(engine.docs(type, "Spaces-1") as Array<{ Id: string }>),
      );
    expect(again.docs("RetentionPolicies", "Spaces-1")).toHaveLength(3);
  });
});
