// Parent environments (go-octopusdeploy pkg/environments/v2/parentenvironments) and the
// /environments/v2 list of every kind, which the provider's octopusdeploy_parent_environments
// data source reads with type=Parent (TestAccDataSourceParentEnvironments).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { request } from "../helpers/http.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await new Sandbox({
    apiKey: "API-ENVIRONMENTSV2000001",
    seed: { spaces: [{ Name: "Default", IsDefault: true }] },
  }).start();
});
afterAll(() => sandbox.close());

const api = (method: string, path: string, body?: unknown) => request(sandbox, method, path, body);

describe("parent environments", () => {
  it("are created, read, updated and deleted at /api/spaces/{id}/parentEnvironments", async () => {
    const made = await api("POST", "/api/spaces/Spaces-1/parentEnvironments", {
      Name: "Previews",
      SpaceId: "Spaces-1",
      UseGuidedFailure: false,
      SortOrder: 0,
      AutomaticDeprovisioningRule: { ExpiryDays: 7 },
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({
      Name: "Previews",
      Slug: "previews",
      Description: "",
      AutomaticDeprovisioningRule: { ExpiryDays: 7, ExpiryHours: 0 },
    });
    // Their IDs come from the environments' sequence.
    const env = await api("POST", "/api/Spaces-1/environments", { Name: "Production" });
    expect(made.json.Id).toMatch(/^Environments-\d+$/);
    expect(env.json.Id).not.toBe(made.json.Id);
    const read = await api("GET", `/api/spaces/Spaces-1/parentEnvironments/${made.json.Id}`);
    expect(read.json.Name).toBe("Previews");
    const changed = await api("PUT", `/api/spaces/Spaces-1/parentEnvironments/${made.json.Id}`, {
      ...read.json,
      Description: "pull request previews",
      AutomaticDeprovisioningRule: null,
    });
    expect(changed.json).toMatchObject({
      Description: "pull request previews",
      AutomaticDeprovisioningRule: null,
    });
    const bad = await api("POST", "/api/spaces/Spaces-1/parentEnvironments", {
      Name: "Bad",
      AutomaticDeprovisioningRule: { ExpiryDays: -1 },
    });
    expect(bad.status).toBe(400);
    // The classic collection lists static environments only.
    const classic = await api("GET", "/api/Spaces-1/environments");
    expect(classic.json.Items.map((e: { Name: string }) => e.Name)).toEqual(["Production"]);
    expect((await api("DELETE", `/api/spaces/Spaces-1/parentEnvironments/${made.json.Id}`)).status).toBe(200);
    expect((await api("GET", `/api/spaces/Spaces-1/parentEnvironments/${made.json.Id}`)).status).toBe(404);
    await api("DELETE", `/api/Spaces-1/environments/${env.json.Id}`);
  });

  it("/environments/v2 lists every kind with its Type, filtered by type, partialName and ids, paged", async () => {
    await api("POST", "/api/Spaces-1/environments", { Name: "Staging" });
    for (const name of ["Feature A", "Feature B", "Feature C"])
      await api("POST", "/api/spaces/Spaces-1/parentEnvironments", { Name: name });
    const all = await api("GET", "/api/Spaces-1/environments/v2?skip=0&take=0");
    expect(all.json.Items.map((e: { Name: string; Type: string }) => [e.Name, e.Type]).sort()).toEqual([
      ["Feature A", "Parent"],
      ["Feature B", "Parent"],
      ["Feature C", "Parent"],
      ["Staging", "Static"],
    ]);
    const parents = await api("GET", "/api/Spaces-1/environments/v2?skip=0&take=2&type=Parent");
    expect(parents.json.TotalResults).toBe(3);
    expect(parents.json.Items).toHaveLength(2);
    expect(parents.json.Links["Page.Next"]).toBeDefined();
    const named = await api("GET", "/api/Spaces-1/environments/v2?partialName=feature%20b&type=Parent");
    expect(named.json.Items.map((e: { Name: string }) => e.Name)).toEqual(["Feature B"]);
    const id = named.json.Items[0].Id;
    const byId = await api("GET", `/api/Spaces-1/environments/v2?ids=${id}`);
    expect(byId.json.Items).toHaveLength(1);
    const statics = await api("GET", "/api/Spaces-1/environments/v2?type=Static");
    expect(statics.json.Items.map((e: { Name: string }) => e.Name)).toEqual(["Staging"]);
  });
});
