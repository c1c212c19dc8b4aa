import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { request } from "../helpers/http.js";

/**
 * The built-in package and release feeds are `feeds-builtin` and `feeds-builtin-releases` in
 * every space, as on a real server (the provider defaults a package's feed_id to
 * "feeds-builtin" whatever the space): one document of each per space, found through the
 * space's own path.
 */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await new Sandbox({
    seed: { spaces: [{ Name: "Default", IsDefault: true }, { Name: "Second" }] },
  }).start();
});
afterAll(() => sandbox.close());

const api = (method: string, path: string, body?: unknown) => request(sandbox, method, path, body);

describe("built-in feed IDs", () => {
  it("are the same in every space, each space's own document", async () => {
    for (const space of ["Spaces-1", "Spaces-2"]) {
      const builtIn = await api("GET", `/api/${space}/feeds?feedType=BuiltIn`);
      expect(builtIn.json.Items.map((f: { Id: string }) => f.Id)).toEqual(["feeds-builtin"]);
      const releases = await api("GET", `/api/${space}/feeds?feedType=OctopusProject`);
      expect(releases.json.Items.map((f: { Id: string }) => f.Id)).toEqual(["feeds-builtin-releases"]);
      for (const id of ["feeds-builtin", "feeds-builtin-releases"]) {
        const one = await api("GET", `/api/${space}/feeds/${id}`);
        expect(one.status, `${space} ${id}`).toBe(200);
        expect(one.json.SpaceId).toBe(space);
        expect(one.json.Links.Self).toBe(`/api/${space}/feeds/${id}`);
      }
      const byIds = await api("GET", `/api/${space}/feeds?ids=feeds-builtin`);
      expect(byIds.json.Items.map((f: { SpaceId: string }) => f.SpaceId)).toEqual([space]);
    }
    // The default-space paths reach the default space's.
    expect((await api("GET", "/api/feeds/feeds-builtin")).json.SpaceId).toBe("Spaces-1");
    expect((await api("GET", "/api/spaces/Spaces-2/feeds/feeds-builtin")).json.SpaceId).toBe("Spaces-2");
  });

  it("keeps a change to one space's built-in feed in that space", async () => {
    const feed = (await api("GET", "/api/Spaces-2/feeds/feeds-builtin")).json;
    const put = await api("PUT", "/api/Spaces-2/feeds/feeds-builtin", {
      ...feed,
      DeleteUnreleasedPackagesAfterDays: 7,
    });
    expect(put.status).toBe(200);
    expect(put.json.SpaceId).toBe("Spaces-2");
    expect(
      (await api("GET", "/api/Spaces-2/feeds/feeds-builtin")).json.DeleteUnreleasedPackagesAfterDays,
    ).toBe(7);
    expect(
      (await api("GET", "/api/Spaces-1/feeds/feeds-builtin")).json.DeleteUnreleasedPackagesAfterDays,
    ).toBe(30);
  });

  it("lets a process in any space name feeds-builtin (the provider's default feed_id)", async () => {
    const group = (await api("GET", "/api/Spaces-2/projectgroups")).json.Items[0].Id;
    const lifecycle = (await api("GET", "/api/Spaces-2/lifecycles")).json.Items[0].Id;
    const project = await api("POST", "/api/Spaces-2/projects", {
      Name: "Web",
      ProjectGroupId: group,
      LifecycleId: lifecycle,
    });
    expect(project.status).toBe(201);
    const process = (await api("GET", `/api/Spaces-2/projects/${project.json.Id}/deploymentprocesses`)).json;
    const put = await api("PUT", `/api/Spaces-2/deploymentprocesses/${process.Id}`, {
      ...process,
      Steps: [
        {
          Name: "Deploy",
          Actions: [
            {
              Name: "Deploy",
              ActionType: "Octopus.TentaclePackage",
              Packages: [{ Name: "", PackageId: "Web", FeedId: "feeds-builtin" }],
            },
          ],
        },
      ],
    });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    expect(put.json.Steps[0].Actions[0].Packages[0].FeedId).toBe("feeds-builtin");
  });

  it("are still not created or deleted by a client, and go with their space", async () => {
    const again = await api("POST", "/api/Spaces-2/feeds", {
      Id: "feeds-builtin",
      Name: "Another built-in",
      FeedType: "BuiltIn",
    });
    expect(again.status).toBe(400);
    expect((await api("DELETE", "/api/Spaces-2/feeds/feeds-builtin")).status).toBe(400);
    const third = await api("POST", "/api/spaces", {
      Name: "Third",
      SpaceManagersTeams: ["teams-administrators"],
    });
    expect(third.status).toBe(201);
    const thirdId = third.json.Id;
    expect((await api("GET", `/api/${thirdId}/feeds/feeds-builtin`)).json.SpaceId).toBe(thirdId);
    const space = (await api("GET", `/api/spaces/${thirdId}`)).json;
    await api("PUT", `/api/spaces/${thirdId}`, { ...space, TaskQueueStopped: true });
    expect((await api("DELETE", `/api/spaces/${thirdId}`)).status).toBe(200);
    for (const space of ["Spaces-1", "Spaces-2"])
      expect((await api("GET", `/api/${space}/feeds/feeds-builtin`)).status).toBe(200);
    expect(sandbox.reveal("Feeds", "feeds-builtin", thirdId)).toBeUndefined();
  });

  it("survive a dump and reload with each space's own", async () => {
    const reloaded = new Sandbox({ seed: sandbox.dump({ secrets: true }) });
    for (const space of ["Spaces-1", "Spaces-2"]) {
      const feed = reloaded.engine.get("Feeds", space, "feeds-builtin");
      expect(feed.SpaceId).toBe(space);
    }
    expect(reloaded.engine.get("Feeds", "Spaces-2", "feeds-builtin").DeleteUnreleasedPackagesAfterDays).toBe(
      7,
    );
    expect(reloaded.engine.docs("Feeds", "Spaces-2").filter((f) => f.FeedType === "BuiltIn")).toHaveLength(1);
  });
});
