// Server behaviour the provider's own acceptance tests rely on (docs/acceptance.md): each case
// names the provider or go-octopusdeploy code, or the Octopus docs, where it shows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { request } from "../helpers/http.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await new Sandbox({
    apiKey: "API-SERVERDEFAULTS0000001",
    seed: { spaces: [{ Name: "Default", IsDefault: true }] },
  }).start();
});
afterAll(() => sandbox.close());

const api = (method: string, path: string, body?: unknown) => request(sandbox, method, path, body);

describe("accounts", () => {
  it("an Azure OIDC account sent without an audience gets api://AzureADTokenExchange; one sent keeps it", async () => {
    const base = {
      AccountType: "AzureOidc",
      SubscriptionNumber: "00000000-0000-0000-0000-000000000001",
      TenantId: "00000000-0000-0000-0000-000000000002",
      ClientId: "00000000-0000-0000-0000-000000000003",
    };
    const plain = await api("POST", "/api/Spaces-1/accounts", { ...base, Name: "oidc plain" });
    expect(plain.status).toBe(201);
    expect(plain.json.Audience).toBe("api://AzureADTokenExchange");
    const own = await api("POST", "/api/Spaces-1/accounts", { ...base, Name: "oidc own", Audience: "mine" });
    expect(own.json.Audience).toBe("mine");
    const token = await api("POST", "/api/Spaces-1/accounts", {
      AccountType: "Token",
      Name: "a token",
      Token: { HasValue: true, NewValue: "t" },
    });
    expect(token.json.Audience).toBeUndefined();
  });
});

describe("service account OIDC identities", () => {
  it("creates, lists with the account's external ID, reads, updates and deletes, only for service accounts", async () => {
    const user = await api("POST", "/api/users", { Username: "ci-robot", IsService: true });
    const person = await api("POST", "/api/users", { Username: "a-person", IsService: false });
    const base = `/api/serviceaccounts/${user.json.Id}/oidcidentities`;
    const identity = {
      ServiceAccountId: user.json.Id,
      Name: "GitHub",
      Issuer: "https://token.actions.githubusercontent.com",
      Subject: "repo:acme/app:environment:prod",
      Audience: "octopus",
    };
    const created = await api("POST", `${base}/create/v1`, identity);
    expect(created.status).toBe(200);
    expect(created.json.Id).toBeTruthy();
    const list = await api("GET", `${base}/v1?skip=0&take=0`);
    expect(list.json.ExternalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(list.json.Count).toBe(1);
    expect(list.json.OidcIdentities[0].Subject).toBe(identity.Subject);
    const again = await api("GET", `${base}/v1`);
    expect(again.json.ExternalId).toBe(list.json.ExternalId);
    const one = `${base}/${created.json.Id}/v1`;
    expect((await api("PUT", one, { ...identity, Name: "GitHub renamed" })).status).toBe(200);
    expect((await api("GET", one)).json.Name).toBe("GitHub renamed");
    expect((await api("DELETE", one)).status).toBe(200);
    expect((await api("GET", one)).status).toBe(404);
    const refused = await api(
      "POST",
      `/api/serviceaccounts/${person.json.Id}/oidcidentities/create/v1`,
      identity,
    );
    expect(refused.status).toBe(400);
    const http = await api("POST", `${base}/create/v1`, { ...identity, Issuer: "http://insecure" });
    expect(http.status).toBe(400);
  });
});

describe("community step templates", () => {
  it("the root document links CommunityActionTemplates, the built-in catalogue, read-only", async () => {
    const root = await api("GET", "/api");
    expect(root.json.Links.CommunityActionTemplates).toMatch(/^\/api\/communityactiontemplates\{\/id\}/);
    const all = await api("GET", "/api/communityactiontemplates/all");
    // The sandbox's own catalogue (test/sandbox/community-templates.test.ts covers it).
    expect(all.json.length).toBeGreaterThan(0);
    for (const t of all.json) expect(t.Id).toMatch(/^CommunityActionTemplates-/);
    expect((await api("POST", "/api/communityactiontemplates", { Name: "x" })).status).toBe(405);
  });
});
