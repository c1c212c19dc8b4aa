// The sandbox's built-in stand-in for the Community Library (src/sandbox/resources/
// community-templates.ts): listed at /api/communityactiontemplates as a server lists the
// library it downloaded, and installed into a space as a step template
// (go-octopusdeploy pkg/actions/community_action_template_service.go InstallToSpace;
// the provider's TestAccOctopusCommunityStepTemplate).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { request } from "../helpers/http.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await new Sandbox({
    apiKey: "API-COMMUNITYTEMPLATES01",
    seed: { spaces: [{ Name: "Default", IsDefault: true }, { Name: "Other" }] },
  }).start();
});
afterAll(() => sandbox.close());

const api = (method: string, path: string, body?: unknown) => request(sandbox, method, path, body);

const RESTORE = "https://library.octopus.com/step-templates/04a74a00-967d-496a-a966-1acd17fededf";

describe("community step templates", () => {
  it("are listed from the root document's link, each with its library page as Website", async () => {
    const root = await api("GET", "/api");
    expect(root.json.Links.CommunityActionTemplates).toMatch(/^\/api\/communityactiontemplates\{\/id\}/);
    const list = await api("GET", "/api/communityactiontemplates");
    expect(list.json.TotalResults).toBeGreaterThanOrEqual(2);
    const restore = list.json.Items.find((t: { Website: string }) => t.Website === RESTORE);
    expect(restore).toMatchObject({
      Id: expect.stringMatching(/^CommunityActionTemplates-\d+$/),
      Name: "File System - Restore Directory",
      ActionType: "Octopus.Script",
      ExternalId: "04a74a00-967d-496a-a966-1acd17fededf",
    });
    const byIds = await api("GET", `/api/communityactiontemplates?ids=${restore.Id}`);
    expect(byIds.json.Items.map((t: { Id: string }) => t.Id)).toEqual([restore.Id]);
    expect((await api("POST", "/api/communityactiontemplates", { Name: "mine" })).status).toBe(405);
  });

  it("installs into a space as a step template naming it, once per space, and updates it in place", async () => {
    const list = await api("GET", "/api/communityactiontemplates");
    const restore = list.json.Items.find((t: { Website: string }) => t.Website === RESTORE);
    const placeholder = { Id: restore.Id, Name: "placeholder", ActionType: "placeholder" };
    const installed = await api(
      "POST",
      `/api/communityactiontemplates/${restore.Id}/installation/Spaces-2`,
      placeholder,
    );
    expect(installed.status).toBe(201);
    expect(installed.json).toMatchObject({
      Id: expect.stringMatching(/^ActionTemplates-\d+$/),
      SpaceId: "Spaces-2",
      Name: "File System - Restore Directory",
      CommunityActionTemplateId: restore.Id,
      ActionType: "Octopus.Script",
    });
    expect(installed.json.Parameters.map((p: { Name: string }) => p.Name)).toEqual(["Source", "Destination"]);
    const read = await api("GET", `/api/Spaces-2/actiontemplates/${installed.json.Id}`);
    expect(read.json.Properties["Octopus.Action.Script.Syntax"]).toBe("PowerShell");
    const again = await api(
      "POST",
      `/api/communityactiontemplates/${restore.Id}/installation/Spaces-2`,
      placeholder,
    );
    expect(again.status).toBe(400);
    const updated = await api(
      "PUT",
      `/api/communityactiontemplates/${restore.Id}/installation/Spaces-2`,
      placeholder,
    );
    expect(updated.json.Id).toBe(installed.json.Id);
    expect(updated.json.Version).toBe(1);
    // Without a space: the default one.
    const inDefault = await api(
      "POST",
      `/api/communityactiontemplates/${restore.Id}/installation`,
      placeholder,
    );
    expect(inDefault.json.SpaceId).toBe("Spaces-1");
    expect((await api("DELETE", `/api/Spaces-2/actiontemplates/${installed.json.Id}`)).status).toBe(200);
    const missing = await api(
      "POST",
      "/api/communityactiontemplates/CommunityActionTemplates-999/installation/Spaces-1",
      placeholder,
    );
    expect(missing.status).toBe(404);
  });

  it("a SyncCommunityActionTemplates task is done at once; no other task can be started", async () => {
    const task = await api("POST", "/api/tasks", {
      Name: "SyncCommunityActionTemplates",
      Description: "sync",
    });
    expect(task.status).toBe(201);
    expect(task.json).toMatchObject({
      Name: "SyncCommunityActionTemplates",
      State: "Success",
      IsCompleted: true,
    });
    const details = await api("GET", `/api/tasks/${task.json.Id}/details`);
    expect(details.json.Task).toMatchObject({ Id: task.json.Id, State: "Success" });
    expect((await api("POST", "/api/tasks", { Name: "Backup" })).status).toBe(400);
  });
});
