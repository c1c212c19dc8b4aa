// Server behaviour the provider's own acceptance tests rely on (docs/acceptance.md): each case
// names the provider or go-octopusdeploy code, or the Octopus docs, where it shows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await new Sandbox({
    apiKey: "API-SERVERDEFAULTS0000001",
    seed: { spaces: [{ Name: "Default", IsDefault: true }] },
  }).start();
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
