import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/sandbox/engine.js";
import { RESOURCE_DEFS } from "../../src/sandbox/resources/index.js";
import { dumpState, loadSeed, SeedError, validateSeed } from "../../src/sandbox/seed.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { Store } from "../../src/sandbox/store.js";
import { exampleSpace } from "../helpers/examples.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await new Sandbox({ seed: exampleSpace(), apiKey: "API-SANDBOXTEST00000000001" }).start();
});
afterAll(() => sandbox.close());

async function api(method: string, path: string, body?: unknown, key = sandbox.apiKey) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { "X-Octopus-ApiKey": key, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe("the API surface", () => {
  it("requires the key on every route", async () => {
    for (const path of ["/api", "/api/spaces", "/api/Spaces-1/environments"]) {
      const r = await api("GET", path, undefined, "API-NOPE");
      expect(r.status, path).toBe(401);
      expect(r.json.ErrorMessage).toMatch(/valid API key/);
    }
  });

  it("serves /api and /api/{spaceId} with Links the Go client resolves", async () => {
    const root = await api("GET", "/api/");
    expect(root.json.Version).toMatch(/^\d{4}\.\d+\.\d+$/);
    expect(root.json.InstallationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(root.json.Links.Spaces).toBe("/api/spaces{/id}{?skip,take,ids,partialName,name}");
    const space = await api("GET", "/api/Spaces-1");
    expect(space.json.Links.Projects).toMatch(/^\/api\/Spaces-1\/projects\{\/id\}\{\?/);
    expect(space.json.Links.LibraryVariables).toMatch(/contentType/);
  });

  it("pages with skip/take, 30 by default, and Page.Next only when there is more", async () => {
    for (let i = 0; i < 40; i++) await api("POST", "/api/Spaces-1/environments", { Name: `Paging ${i}` });
    const first = await api("GET", "/api/Spaces-1/environments?partialName=Paging");
    expect(first.json.Items).toHaveLength(30);
    expect(first.json.TotalResults).toBe(40);
    expect(first.json.Links["Page.Next"]).toBe(
      "/api/Spaces-1/environments?partialName=Paging&skip=30&take=30",
    );
    const last = await api("GET", first.json.Links["Page.Next"]);
    expect(last.json.Items).toHaveLength(10);
    expect(last.json.Links["Page.Next"]).toBeUndefined();
    const all = await api("GET", "/api/Spaces-1/environments/all");
    expect(all.json).toHaveLength(44);
  });

  it("filters by ids (comma list), name and partialName, and per type; finds projects by slug", async () => {
    const byIds = await api("GET", "/api/Spaces-1/environments?ids=Environments-1%2CEnvironments-4");
    expect(byIds.json.Items.map((e: { Name: string }) => e.Name)).toEqual(["Development", "Production"]);
    const byName = await api("GET", "/api/Spaces-1/projects?name=storefront");
    expect(byName.json.Items.map((p: { Id: string }) => p.Id)).toEqual(["Projects-2"]);
    const bySlug = await api("GET", "/api/Spaces-1/projects/storefront");
    expect(bySlug.json.Id).toBe("Projects-2");
    expect((await api("GET", "/api/Spaces-1/environments/development")).status).toBe(404);
    const builtIn = await api("GET", "/api/Spaces-1/feeds?feedType=BuiltIn");
    expect(builtIn.json.Items.map((f: { Id: string }) => f.Id)).toEqual(["feeds-builtin"]);
    const modules = await api("GET", "/api/Spaces-1/libraryvariablesets?contentType=ScriptModule");
    expect(modules.json.Items.map((f: { Name: string }) => f.Name)).toEqual(["Deploy helpers"]);
  });

  it("accepts the paths the Go client builds: trailing slash, double slash, default space", async () => {
    expect((await api("GET", "/api/Spaces-1/projecttriggers/")).status).toBe(200);
    expect((await api("GET", "/api//environments/Environments-1")).json.Name).toBe("Development");
    expect((await api("GET", "/api/environments/Environments-1")).json.Name).toBe("Development");
    expect((await api("GET", "/api/spaces/Spaces-1/environments/Environments-1")).json.Name).toBe(
      "Development",
    );
  });

  it("answers errors as Octopus does: 404 without Errors, 400 with them", async () => {
    const missing = await api("GET", "/api/Spaces-1/environments/Environments-999");
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ ErrorMessage: "The resource 'Environments-999' was not found." });
    const dup = await api("POST", "/api/Spaces-1/environments", { Name: "production" });
    expect(dup.status).toBe(400);
    expect(dup.json.Errors[0]).toMatch(/name 'production' is already in use/);
    const noName = await api("POST", "/api/Spaces-1/environments", {});
    expect(noName.json.Errors).toEqual(["The Name field is required."]);
    const badRef = await api("POST", "/api/Spaces-1/projects", {
      Name: "X",
      LifecycleId: "Lifecycles-99",
      ProjectGroupId: "ProjectGroups-1",
    });
    expect(badRef.status).toBe(400);
    expect(badRef.json.Errors[0]).toMatch(/Lifecycles-99/);
  });
});

describe("write-only sensitive values", () => {
  it("stores a secret, returns only HasValue, keeps it on an unchanged write, clears it on HasValue false", async () => {
    const created = await api("POST", "/api/Spaces-1/accounts", {
      Name: "Secret holder",
      AccountType: "Token",
      Token: { HasValue: true, NewValue: "tok-1" },
    });
    expect(created.json.Token).toEqual({ HasValue: true, NewValue: null });
    const id = created.json.Id;
    expect(JSON.stringify(await api("GET", `/api/Spaces-1/accounts/${id}`))).not.toContain("tok-1");
    expect((sandbox.reveal("Accounts", id) as { Token: unknown }).Token).toEqual({
      HasValue: true,
      NewValue: "tok-1",
    });

    await api("PUT", `/api/Spaces-1/accounts/${id}`, { ...created.json, Description: "changed" });
    expect((sandbox.reveal("Accounts", id) as { Token: unknown }).Token).toEqual({
      HasValue: true,
      NewValue: "tok-1",
    });

    await api("PUT", `/api/Spaces-1/accounts/${id}`, {
      ...created.json,
      Token: { HasValue: false, NewValue: null },
    });
    expect((await api("GET", `/api/Spaces-1/accounts/${id}`)).json.Token).toEqual({
      HasValue: false,
      NewValue: null,
    });
  });

  it("hides sensitive variable values and keeps them across variable set writes", async () => {
    const set = (await api("GET", "/api/Spaces-1/variables/variableset-Projects-3")).json;
    const secret = set.Variables.find((v: { Name: string }) => v.Name === "Payments.WebhookSecret");
    expect(secret.Value).toBeNull();
    expect(secret.IsSensitive).toBe(true);
    set.Variables.push({ Name: "Payments.Region", Value: "eu" });
    const saved = (await api("PUT", "/api/Spaces-1/variables/variableset-Projects-3", set)).json;
    expect(saved.Version).toBe(set.Version + 1);
    expect(saved.Variables.find((v: { Name: string }) => v.Name === "Payments.Region").Id).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    const revealed = sandbox.reveal("VariableSets", "variableset-Projects-3") as {
      Variables: Array<{ Name: string; Value: string }>;
    };
    expect(revealed.Variables.find((v) => v.Name === "Payments.WebhookSecret")?.Value).toBe("whsec_example");
  });

  it("refuses a stale variable set version", async () => {
    const set = (await api("GET", "/api/Spaces-1/variables/variableset-Projects-2")).json;
    await api("PUT", "/api/Spaces-1/variables/variableset-Projects-2", set);
    const stale = await api("PUT", "/api/Spaces-1/variables/variableset-Projects-2", set);
    expect(stale.status).toBe(409);
  });
});

describe("server-side behaviour", () => {
  it("a new space gets its default lifecycle, policy, pool, feeds and project group", async () => {
    const space = (await api("POST", "/api/spaces", { Name: "Fresh" })).json;
    const names = async (collection: string) =>
      (await api("GET", `/api/${space.Id}/${collection}`)).json.Items.map((d: { Name: string }) => d.Name);
    expect(await names("lifecycles")).toEqual(["Default Lifecycle"]);
    expect(await names("machinepolicies")).toEqual(["Default Machine Policy"]);
    expect(await names("workerpools")).toEqual(["Default Worker Pool"]);
    expect(await names("projectgroups")).toEqual(["Default Project Group"]);
    expect((await names("feeds")).sort()).toEqual([
      "Octopus Server (built-in)",
      "Octopus Server Releases (built-in)",
    ]);
    expect((await api("DELETE", `/api/spaces/${space.Id}`)).status).toBe(200);
    expect((await api("GET", `/api/${space.Id}`)).status).toBe(404);
  });

  it("a new project gets its variable set, process and Default channel; deleting it removes them", async () => {
    const project = (
      await api("POST", "/api/Spaces-1/projects", {
        Name: "Temp",
        LifecycleId: "Lifecycles-1",
        ProjectGroupId: "ProjectGroups-1",
      })
    ).json;
    expect(project.VariableSetId).toBe(`variableset-${project.Id}`);
    expect(project.DeploymentProcessId).toBe(`deploymentprocess-${project.Id}`);
    expect(project.Links.DeploymentSettings).toBe(`/api/Spaces-1/projects/${project.Id}/deploymentsettings`);
    const channels = (await api("GET", `/api/Spaces-1/projects/${project.Id}/channels`)).json.Items;
    expect(channels.map((c: { Name: string; IsDefault: boolean }) => [c.Name, c.IsDefault])).toEqual([
      ["Default", true],
    ]);
    const process = (await api("GET", `/api/Spaces-1/deploymentprocesses/${project.DeploymentProcessId}`))
      .json;
    // Also served by project, as Octopus does (Octoterra reads variables so); case does not matter.
    expect((await api("GET", `/api/Spaces-1/Projects/${project.Id}/Variables`)).json.Id).toBe(
      project.VariableSetId,
    );
    expect((await api("GET", `/api/Spaces-1/projects/${project.Slug}/deploymentprocesses`)).json.Id).toBe(
      project.DeploymentProcessId,
    );
    expect(
      (await api("GET", `/api/Spaces-1/projects/${project.Id}/refs%2Fheads%2Fmain/variables`)).status,
    ).toBe(404);
    process.Steps = [
      { Name: "Hello", Actions: [{ Name: "Hello", ActionType: "Octopus.Script", Properties: {} }] },
    ];
    const saved = (await api("PUT", process.Links.Self, process)).json;
    expect(saved.Steps[0].Id).toMatch(/^[0-9a-f-]{36}$/);
    expect(saved.Steps[0].Actions[0].Slug).toBe("hello");
    // Renamed and written back without its slug (as the Go client does): the step keeps it.
    const { Slug: _slug, ...step } = saved.Steps[0];
    const renamed = (await api("PUT", process.Links.Self, { ...saved, Steps: [{ ...step, Name: "Hi" }] }))
      .json;
    expect(renamed.Steps[0].Slug).toBe("hello");
    await api("DELETE", `/api/Spaces-1/projects/${project.Id}`);
    expect((await api("GET", `/api/Spaces-1/variables/${project.VariableSetId}`)).status).toBe(404);
    expect((await api("GET", `/api/Spaces-1/channels/${channels[0].Id}`)).status).toBe(404);
  });

  it("deleting a channel or environment takes it out of variable scopes, as Octopus does", async () => {
    const own = await new Sandbox({ seed: exampleSpace() }).start();
    try {
      const call = async (method: string, path: string) =>
        fetch(`${own.url}${path}`, { method, headers: { "X-Octopus-ApiKey": own.apiKey } });
      expect((await call("DELETE", "/api/Spaces-1/channels/Channels-2")).status).toBe(200);
      expect((await call("DELETE", "/api/Spaces-1/environments/Environments-2")).status).toBe(200);
      const set = own.reveal("VariableSets", "variableset-Projects-1") as {
        Variables: Array<{ Name: string; Value: string; Scope: Record<string, string[]> }>;
      };
      const scoped = (name: string) =>
        set.Variables.filter((v) => v.Name === name).map((v) => [v.Scope.Environment ?? [], v.Value]);
      // Scoped only to the deleted channel: gone (unscoped, it would apply everywhere).
      expect(scoped("Orders.HotfixBanner")).toEqual([]);
      // Test leaves the scopes it was in; the rest stays, sensitive values included.
      expect(scoped("Orders.ReplicaCount").map(([env]) => env)).toEqual([
        ["Environments-1"],
        ["Environments-3", "Environments-4"],
      ]);
      expect(scoped("Orders.PaymentsKey")).toEqual([
        [["Environments-1", "Environments-3"], "pay-key-nonprod"],
        [["Environments-4"], "pay-key-prod"],
      ]);
    } finally {
      await own.close();
    }
  });

  it("automatic release creation needs a package step, and the server fills the step's ID from the action's name", async () => {
    const project = (
      await api("POST", "/api/Spaces-1/projects", {
        Name: "Releases itself",
        LifecycleId: "Lifecycles-1",
        ProjectGroupId: "ProjectGroups-1",
      })
    ).json;
    const process = (await api("GET", `/api/Spaces-1/deploymentprocesses/${project.DeploymentProcessId}`))
      .json;
    process.Steps = [
      {
        Name: "Deploy",
        Actions: [{ Name: "Deploy", ActionType: "Octopus.TentaclePackage", Properties: {}, Packages: [] }],
      },
    ];
    const steps = (await api("PUT", process.Links.Self, process)).json.Steps;
    const self = `/api/Spaces-1/projects/${project.Id}`;
    const refused = await api("PUT", self, {
      ...project,
      AutoCreateRelease: true,
      ReleaseCreationStrategy: {},
    });
    expect(refused.status).toBe(400);
    expect(refused.json.Errors.join()).toMatch(/automatic release creation needs a package step/);
    const saved = await api("PUT", self, {
      ...project,
      AutoCreateRelease: true,
      ReleaseCreationStrategy: {
        ReleaseCreationPackage: { DeploymentAction: "Deploy", PackageReference: "" },
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.json.ReleaseCreationStrategy.ReleaseCreationPackageStepId).toBe(steps[0].Id);
    const channel = await api("PUT", self, {
      ...saved.json,
      ReleaseCreationStrategy: { ...saved.json.ReleaseCreationStrategy, ChannelId: "Channels-999" },
    });
    expect(channel.status).toBe(400);
    await api("DELETE", self);
  });

  it("a git trigger creates releases in a channel, from sources that name steps; its path lists come back as lists", async () => {
    const base = {
      Name: "On commit",
      ProjectId: "Projects-1",
      Action: { ActionType: "CreateRelease", ChannelId: "Channels-2" },
    };
    const post = (filter: unknown, action: unknown = base.Action) =>
      api("POST", "/api/Spaces-1/projecttriggers", { ...base, Action: action, Filter: filter });
    expect((await post({ FilterType: "GitFilter", Sources: [] })).status).toBe(400);
    expect((await post({ FilterType: "GitFilter", Sources: [{ GitDependencyName: "" }] })).status).toBe(400);
    const source = { DeploymentActionSlug: "deploy" };
    expect(
      (await post({ FilterType: "GitFilter", Sources: [source] }, { ActionType: "AutoDeploy" })).status,
    ).toBe(400);
    expect(
      (
        await post(
          { FilterType: "GitFilter", Sources: [source] },
          { ActionType: "CreateRelease", ChannelId: "Channels-999" },
        )
      ).status,
    ).toBe(400);
    const made = await post({ FilterType: "GitFilter", Sources: [source] });
    expect(made.status).toBe(201);
    expect(made.json.Filter.Sources).toEqual([
      { DeploymentActionSlug: "deploy", GitDependencyName: "", IncludeFilePaths: [], ExcludeFilePaths: [] },
    ]);
    await api("DELETE", `/api/Spaces-1/projecttriggers/${made.json.Id}`);
  });

  it("serves V1 tenant variables computed from connected projects and library sets", async () => {
    const vars = (await api("GET", "/api/Spaces-1/tenants/Tenants-1/variables")).json;
    expect(Object.keys(vars.ProjectVariables).sort()).toEqual(["Projects-1", "Projects-2"]);
    expect(vars.ProjectVariables["Projects-1"].Variables["Environments-4"]).toEqual({
      "c1000000-0000-4000-8000-000000000001": "eu",
    });
    expect(vars.ProjectVariables["Projects-2"].Variables).toEqual({
      "Environments-3": {},
      "Environments-4": {},
    });
    const lib = vars.LibraryVariables["LibraryVariableSets-1"].Variables;
    expect(lib["f3a2d9e0-0000-4000-8000-000000000002"]).toEqual({ HasValue: true, NewValue: null });
  });
});

describe("faults", () => {
  it("throttles with 429 and Retry-After", async () => {
    const s = await new Sandbox({ seed: exampleSpace(), throttle: 2 }).start();
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 4; i++) {
        const r = await fetch(`${s.url}/api`, { headers: { "X-Octopus-ApiKey": s.apiKey } });
        statuses.push(r.status);
        if (r.status === 429) retryAfter = r.headers.get("retry-after");
      }
      expect(statuses.slice(0, 2)).toEqual([200, 200]);
      expect(statuses.slice(2)).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await s.close();
    }
  });

  it("checks the key before any fault, and answers a malformed percent-escape with 400", async () => {
    const s = await new Sandbox({ seed: exampleSpace(), errorRate: 1 }).start();
    try {
      const wrong = await fetch(`${s.url}/api`, {
        headers: { "X-Octopus-ApiKey": "API-WRONG0000000000000" },
      });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${s.url}/api`, { headers: { "X-Octopus-ApiKey": s.apiKey } });
      expect(right.status).toBeGreaterThanOrEqual(500);
    } finally {
      await s.close();
    }
    const bad = await fetch(`${sandbox.url}/api/Spaces-1/projects/%zz`, {
      headers: { "X-Octopus-ApiKey": sandbox.apiKey },
    });
    expect(bad.status).toBe(400);
  });

  it("gives each fault its share: 5xx, resets and 429s, from one seed", async () => {
    const s = await new Sandbox({
      seed: exampleSpace(),
      errorRate: 0.2,
      resetRate: 0.1,
      throttleRate: 0.2,
      faultSeed: 3,
    }).start();
    const counts = { ok: 0, error: 0, reset: 0, throttled: 0 };
    try {
      for (let i = 0; i < 300; i++) {
        try {
          const r = await fetch(`${s.url}/api`, { headers: { "X-Octopus-ApiKey": s.apiKey } });
          await r.text();
          if (r.status === 429) {
            counts.throttled++;
            expect(r.headers.get("retry-after")).toBe("1");
          } else if (r.status >= 500) counts.error++;
          else counts.ok++;
        } catch {
          counts.reset++;
        }
      }
    } finally {
      await s.close();
    }
    // Within a wide margin of the shares asked for (300 draws).
    expect(counts.error).toBeGreaterThan(30);
    expect(counts.error).toBeLessThan(90);
    expect(counts.reset).toBeGreaterThan(10);
    expect(counts.reset).toBeLessThan(50);
    expect(counts.throttled).toBeGreaterThan(30);
    expect(counts.throttled).toBeLessThan(90);
  });

  it("fails the same requests for the same fault seed", async () => {
    const outcomes = async () => {
      const s = await new Sandbox({ seed: exampleSpace(), failRate: 0.5, faultSeed: 42 }).start();
      const out: string[] = [];
      try {
        for (let i = 0; i < 12; i++) {
          try {
            out.push(
              String((await fetch(`${s.url}/api`, { headers: { "X-Octopus-ApiKey": s.apiKey } })).status),
            );
          } catch {
            out.push("reset");
          }
        }
      } finally {
        await s.close();
      }
      return out;
    };
    const a = await outcomes();
    expect(a).toEqual(await outcomes());
    expect(a.some((x) => x !== "200")).toBe(true);
    expect(a).toContain("200");
  });
});

describe("seed files", () => {
  it("the example space validates and loads", () => {
    expect(() => validateSeed(exampleSpace())).not.toThrow();
  });

  it.each([
    [{}, /is invalid at spaces: /],
    [{ spaces: [] }, /at least one space/],
    [
      { spaces: [{ Name: "X", Documents: { Environments: [{ Id: 5 }] } }] },
      /spaces\[0\]\.Documents\.Environments\[0\]\.Id/,
    ],
    [{ format: "other/v9", spaces: [{ Name: "X" }] }, /at format/],
  ])("rejects %j with a one-line reason", (seed, message) => {
    expect(() => validateSeed(seed, "bad.json")).toThrow(message);
  });

  it.each([
    [{ Widgets: [{ Id: "Widgets-1" }] }, /unknown document type "Widgets"/],
    [
      {
        Environments: [
          { Id: "Environments-1", Name: "A" },
          { Id: "Environments-2", Name: "a" },
        ],
      },
      /Environments\/Environments-2: The name 'a' is already in use/,
    ],
    [
      {
        Projects: [
          { Id: "Projects-1", Name: "P", LifecycleId: "Lifecycles-7", ProjectGroupId: "ProjectGroups-1" },
        ],
      },
      /Projects\/Projects-1: .*Lifecycles-7/,
    ],
  ])("refuses documents that do not load: %j", (documents, message) => {
    const engine = new Engine(new Store(), RESOURCE_DEFS);
    expect(() =>
      loadSeed(engine, { spaces: [{ Name: "X", Documents: documents as never }] }, "bad.json"),
    ).toThrow(SeedError);
    expect(() =>
      loadSeed(
        new Engine(new Store(), RESOURCE_DEFS),
        { spaces: [{ Name: "X", Documents: documents as never }] },
        "bad.json",
      ),
    ).toThrow(message);
  });

  it("a dump with secrets loads back into the same documents, secrets included", () => {
    const first = new Engine(new Store(), RESOURCE_DEFS);
    loadSeed(first, exampleSpace());
    const dump = dumpState(first, { secrets: true });
    expect(JSON.stringify(dump)).toContain("prod-db-secret");
    const second = new Engine(new Store(), RESOURCE_DEFS);
    loadSeed(second, JSON.parse(JSON.stringify(dump)));
    expect(dumpState(second, { secrets: true })).toEqual(dump);
  });

  it("a dump without secrets never contains them", () => {
    const engine = new Engine(new Store(), RESOURCE_DEFS);
    loadSeed(engine, exampleSpace());
    const text = JSON.stringify(dumpState(engine));
    for (const secret of ["prod-db-secret", "dckr_pat_example", "acme-smtp-secret", "whsec_example"]) {
      expect(text).not.toContain(secret);
    }
  });
});
