import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";

/**
 * Converting a project to version control through the link the project advertises
 * (Links.ConvertToVcs, POST /projects/{id}/git/convert), as go-octopusdeploy's ConvertToVCS
 * and the provider's octopusdeploy_project call it (src/sandbox/resources/version-control.ts).
 */

let sandbox: Sandbox;
let group: string;
let lifecycle: string;
let credential: string;
beforeAll(async () => {
  sandbox = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
  group = (await api("GET", "/api/Spaces-1/projectgroups")).json.Items[0].Id;
  lifecycle = (await api("GET", "/api/Spaces-1/lifecycles")).json.Items[0].Id;
  credential = (
    await api("POST", "/api/Spaces-1/git-credentials", {
      Name: "GitHub",
      Details: {
        Type: "UsernamePassword",
        Username: "octo",
        Password: { HasValue: true, NewValue: "pat-1" },
      },
    })
  ).json.Id;
});
afterAll(() => sandbox.close());

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { "X-Octopus-ApiKey": sandbox.apiKey, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function newProject(name: string) {
  const made = await api("POST", "/api/Spaces-1/projects", {
    Name: name,
    ProjectGroupId: group,
    LifecycleId: lifecycle,
  });
  expect(made.status).toBe(201);
  return made.json as { Id: string; Links: Record<string, string> };
}

const settings = (credentials: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
  CommitMessage: "Converting project to use VCS",
  VersionControlSettings: {
    Type: "VersionControlled",
    Url: "https://github.com/acme/web.git",
    BasePath: ".octopus/web",
    DefaultBranch: "main",
    ProtectedDefaultBranch: false,
    ProtectedBranchNamePatterns: [],
    Credentials: credentials,
    ...more,
  },
});

describe("converting a project to version control", () => {
  it("follows Links.ConvertToVcs: 200 with Messages, then the project is version controlled", async () => {
    const project = await newProject("Web");
    expect(project.Links.ConvertToVcs).toBe(`/api/Spaces-1/projects/${project.Id}/git/convert`);
    const converted = await api(
      "POST",
      project.Links.ConvertToVcs!,
      settings({ Type: "Reference", Id: credential }),
    );
    expect(converted.status, JSON.stringify(converted.json)).toBe(200);
    expect(converted.json).toEqual({ Messages: [] });
    const after = (await api("GET", `/api/Spaces-1/projects/${project.Id}`)).json;
    expect(after.IsVersionControlled).toBe(true);
    expect(after.PersistenceSettings).toEqual({
      Type: "VersionControlled",
      Url: "https://github.com/acme/web.git",
      BasePath: ".octopus/web",
      DefaultBranch: "main",
      ProtectedDefaultBranch: false,
      ProtectedBranchNamePatterns: [],
      Credentials: { Type: "Reference", Id: credential },
      ConversionState: { VariablesAreInGit: true, RunbooksAreInGit: false },
    });
    // A version-controlled project's process and settings are on a git ref.
    expect(after.Links.DeploymentSettings).toBe(
      `/api/Spaces-1/projects/${project.Id}/{gitRef}/deploymentsettings`,
    );
    expect(after.Links.DeploymentProcess).toBe(
      `/api/Spaces-1/projects/${project.Id}/{gitRef}/deploymentprocesses`,
    );
    expect(after.Links.Branches).toMatch(/\/git\/branches\{\/name\}/);
  });

  it("serves and saves deployment settings on the default branch, and refuses a ref of a database project", async () => {
    const project = await newProject("Settings");
    expect((await api("GET", `/api/Spaces-1/projects/${project.Id}/main/deploymentsettings`)).status).toBe(
      404,
    );
    await api("POST", project.Links.ConvertToVcs!, settings({ Type: "Anonymous" }));
    const read = await api("GET", `/api/Spaces-1/projects/${project.Id}/main/deploymentsettings`);
    expect(read.status).toBe(200);
    expect(read.json.Links.Self).toBe(`/api/Spaces-1/projects/${project.Id}/main/deploymentsettings`);
    const saved = await api("PUT", read.json.Links.Self, { ...read.json, DefaultGuidedFailureMode: "On" });
    expect(saved.status).toBe(200);
    expect(saved.json.DefaultGuidedFailureMode).toBe("On");
    const ref = encodeURIComponent("refs/heads/main");
    const byRef = await api("GET", `/api/Spaces-1/projects/${project.Id}/${ref}/deploymentsettings`);
    expect(byRef.json.DefaultGuidedFailureMode).toBe("On");
  });

  it("keeps a username/password credential's password write-only, and fills the base path and branch", async () => {
    const project = await newProject("Secret");
    const converted = await api(
      "POST",
      project.Links.ConvertToVcs!,
      settings(
        { Type: "UsernamePassword", Username: "octo", Password: { HasValue: true, NewValue: "pat-2" } },
        { BasePath: undefined, DefaultBranch: undefined },
      ),
    );
    expect(converted.status).toBe(200);
    const after = (await api("GET", `/api/Spaces-1/projects/${project.Id}`)).json;
    expect(after.PersistenceSettings.Credentials).toEqual({
      Type: "UsernamePassword",
      Username: "octo",
      Password: { HasValue: true, NewValue: null },
    });
    expect(after.PersistenceSettings.BasePath).toBe(".octopus");
    expect(after.PersistenceSettings.DefaultBranch).toBe("main");
    const revealed = sandbox.reveal("Projects", project.Id) as {
      PersistenceSettings: { Credentials: { Password: { NewValue: string } } };
    };
    expect(revealed.PersistenceSettings.Credentials.Password.NewValue).toBe("pat-2");
  });

  it("refuses what the server cannot convert, and leaves the project as it was", async () => {
    const project = await newProject("Refused");
    const path = project.Links.ConvertToVcs!;
    const cases: Array<[unknown, RegExp]> = [
      [{ CommitMessage: "x" }, /VersionControlSettings/],
      [settings({ Type: "Anonymous" }, { Url: "not a url" }), /Url/],
      [settings({ Type: "Reference", Id: "GitCredentials-999" }), /GitCredentials-999/],
      [settings({ Type: "Token" }), /credential type/],
      [settings({ Type: "UsernamePassword", Username: "octo" }), /Password/],
    ];
    for (const [body, message] of cases) {
      const refused = await api("POST", path, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.json.Errors.join(" ") || refused.json.ErrorMessage).toMatch(message);
    }
    expect((await api("GET", `/api/Spaces-1/projects/${project.Id}`)).json.IsVersionControlled).toBe(false);
    expect((await api("POST", path, settings({ Type: "Anonymous" }))).status).toBe(200);
    const again = await api("POST", path, settings({ Type: "Anonymous" }));
    expect(again.status).toBe(400);
    expect(again.json.Errors.join(" ")).toMatch(/already version controlled/);
    expect(
      (await api("POST", "/api/Spaces-1/projects/Projects-999/git/convert", settings({ Type: "Anonymous" })))
        .status,
    ).toBe(404);
  });
});

/**
 * Where a version-controlled project's variables and settings live (version-control.ts):
 * the non-sensitive variables and git-held settings on the branch, the sensitive variables in
 * the database set, as OctopusDeploy/docs config-as-code-reference.md says and Octopus's MCP
 * server reads them.
 */
describe("a version-controlled project's variables and settings", () => {
  const text = (name: string, value: string) => ({ Name: name, Value: value, Type: "String" });
  const secret = (name: string, value: string) => ({ Name: name, Value: value, Type: "Sensitive" });

  async function converted(name: string) {
    const project = await newProject(name);
    const set = (await api("GET", `/api/Spaces-1/variables/variableset-${project.Id}`)).json;
    const saved = await api("PUT", `/api/Spaces-1/variables/variableset-${project.Id}`, {
      ...set,
      Variables: [text("Plain", "one"), secret("Secret", "s3cret")],
    });
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    const settings = await api("GET", `/api/Spaces-1/projects/${project.Id}/deploymentsettings`);
    await api("PUT", `/api/Spaces-1/projects/${project.Id}/deploymentsettings`, {
      ...settings.json,
      ReleaseNotesTemplate: "before conversion",
    });
    expect((await api("POST", project.Links.ConvertToVcs!, settings0())).status).toBe(200);
    return project;
  }
  const settings0 = () => settings({ Type: "Anonymous" });

  it("conversion moves the non-sensitive variables to the branch; the database set keeps the sensitive ones", async () => {
    const project = await converted("Split");
    const db = (await api("GET", `/api/Spaces-1/variables/variableset-${project.Id}`)).json;
    expect(db.Variables.map((v: { Name: string }) => v.Name)).toEqual(["Secret"]);
    expect(db.Variables[0].Value).toBeNull();
    const byProject = (await api("GET", `/api/Spaces-1/projects/${project.Id}/variables`)).json;
    expect(byProject.Variables.map((v: { Name: string }) => v.Name)).toEqual(["Secret"]);
    for (const ref of ["main", encodeURIComponent("refs/heads/main")]) {
      const branch = await api("GET", `/api/Spaces-1/projects/${project.Id}/${ref}/variables`);
      expect(branch.status).toBe(200);
      expect(branch.json.Variables.map((v: { Name: string; Value: string }) => [v.Name, v.Value])).toEqual([
        ["Plain", "one"],
      ]);
      expect(branch.json.OwnerId).toBe(project.Id);
    }
    // The secret is still the database set's, unchanged.
    const revealed = sandbox.reveal("VariableSets", `variableset-${project.Id}`) as {
      Variables: Array<{ Value: string }>;
    };
    expect(revealed.Variables[0]!.Value).toBe("s3cret");
  });

  it("saves non-sensitive variables on the branch and refuses them in the database set, and the reverse", async () => {
    const project = await converted("Writes");
    const path = `/api/Spaces-1/projects/${project.Id}/main/variables`;
    const branch = (await api("GET", path)).json;
    const saved = await api("PUT", path, {
      ...branch,
      Variables: [...branch.Variables, text("Added", "two")],
    });
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    expect(saved.json.Variables.map((v: { Name: string }) => v.Name)).toEqual(["Plain", "Added"]);
    expect(saved.json.Version).toBe(branch.Version + 1);
    // A stale version is a conflict, as on the database set.
    expect((await api("PUT", path, branch)).status).toBe(409);
    const secretOnBranch = await api("PUT", path, { ...saved.json, Variables: [secret("Key", "k")] });
    expect(secretOnBranch.status).toBe(400);
    expect(secretOnBranch.json.Errors.join(" ")).toMatch(/Sensitive variables are kept in the database/);
    const dbPath = `/api/Spaces-1/variables/variableset-${project.Id}`;
    const db = (await api("GET", dbPath)).json;
    const plainInDb = await api("PUT", dbPath, { ...db, Variables: [...db.Variables, text("Stray", "x")] });
    expect(plainInDb.status).toBe(400);
    expect(plainInDb.json.Errors.join(" ")).toMatch(/keeps its non-sensitive variables in git.*'Stray'/);
    const secretInDb = await api("PUT", dbPath, {
      ...db,
      Variables: [...db.Variables, secret("Other", "o")],
    });
    expect(secretInDb.status).toBe(200);
    expect((await api("GET", path)).json.Variables.map((v: { Name: string }) => v.Name)).toEqual([
      "Plain",
      "Added",
    ]);
  });

  it("keeps the git-held deployment settings on the branch, apart from the project document", async () => {
    const project = await converted("Settings on git");
    const at = `/api/Spaces-1/projects/${project.Id}/main/deploymentsettings`;
    expect((await api("GET", at)).json.ReleaseNotesTemplate).toBe("before conversion");
    const read = (await api("GET", at)).json;
    const saved = await api("PUT", at, { ...read, ReleaseNotesTemplate: "on the branch" });
    expect(saved.status).toBe(200);
    expect((await api("GET", at)).json.ReleaseNotesTemplate).toBe("on the branch");
    // The project document keeps what the database had.
    expect((await api("GET", `/api/Spaces-1/projects/${project.Id}`)).json.ReleaseNotesTemplate).toBe(
      "before conversion",
    );
  });

  it("a project POSTed with git settings is created as a database project", async () => {
    const made = await api("POST", "/api/Spaces-1/projects", {
      Name: "Posted as git",
      ProjectGroupId: group,
      LifecycleId: lifecycle,
      IsVersionControlled: true,
      PersistenceSettings: settings0().VersionControlSettings,
    });
    expect(made.status).toBe(201);
    expect(made.json.IsVersionControlled).toBe(false);
    expect(made.json.PersistenceSettings).toEqual({ Type: "Database" });
    expect((await api("GET", `/api/Spaces-1/projects/${made.json.Id}/main/variables`)).status).toBe(404);
  });

  it("a project converted before variables could go to git keeps them in the database", async () => {
    const seeded = await new Sandbox({
      seed: {
        spaces: [
          {
            Name: "Default",
            IsDefault: true,
            Documents: {
              Projects: [
                {
                  Id: "Projects-1",
                  Name: "Legacy",
                  ProjectGroupId: "ProjectGroups-1",
                  LifecycleId: "Lifecycles-1",
                  PersistenceSettings: { Type: "VersionControlled", Url: "https://example.com/r.git" },
                },
              ],
              VariableSets: [
                { Id: "variableset-Projects-1", OwnerId: "Projects-1", Variables: [text("Db", "1")] },
              ],
            },
          },
        ],
      },
    }).start();
    try {
      const res = await fetch(`${seeded.url}/api/Spaces-1/projects/Projects-1/main/variables`, {
        headers: { "X-Octopus-ApiKey": seeded.apiKey },
      });
      const json = (await res.json()) as { Variables: Array<{ Name: string }> };
      expect(json.Variables.map((v) => v.Name)).toEqual(["Db"]);
    } finally {
      await seeded.close();
    }
  });
});
