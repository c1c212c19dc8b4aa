import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { request } from "../helpers/http.js";

/**
 * What the server keeps of what a client writes, for deployment targets and workers
 * (src/sandbox/resources/machines.ts): the fields a health check fills are the server's, and
 * fields the server's resource does not have are dropped, as its model binding drops them.
 */

let sandbox: Sandbox;
let env: string;
let pool: string;
beforeAll(async () => {
  sandbox = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
  env = (await api("POST", "/api/Spaces-1/environments", { Name: "Production" })).json.Id;
  pool = (await api("POST", "/api/Spaces-1/workerpools", { Name: "Builders" })).json.Id;
});
afterAll(() => sandbox.close());

const api = (method: string, path: string, body?: unknown) => request(sandbox, method, path, body);

/** What a client may claim that only a health check can know. */
const CLAIMS = {
  HealthStatus: "Healthy",
  HasLatestCalamari: false,
  IsInProcess: true,
  StatusSummary: "All good",
  ShellName: "PowerShell",
  ShellVersion: "7.4.1",
  OperatingSystem: "Microsoft Windows Server 2022",
  OperatingSystemVersion: "10.0.20348",
  Architecture: "x64",
};

const listening = (more: Record<string, unknown> = {}) => ({
  CommunicationStyle: "TentaclePassive",
  Uri: "https://web-1.example.com:10933/",
  Thumbprint: "1234567890ABCDEF1234567890ABCDEF12345678",
  TentacleVersionDetails: {
    UpgradeLocked: true,
    Version: "8.1.0",
    UpgradeSuggested: true,
    UpgradeRequired: true,
  },
  ...more,
});

function expectServerOwned(doc: Record<string, unknown>) {
  expect(doc).toMatchObject({
    HealthStatus: "Unknown",
    HasLatestCalamari: true,
    IsInProcess: false,
    StatusSummary: "",
    ShellName: "Unknown",
    ShellVersion: "Unknown",
    OperatingSystem: "Unknown",
    Architecture: "Unknown",
  });
  expect(doc).not.toHaveProperty("OperatingSystemVersion");
}

describe("what the server computes, for targets and workers", () => {
  it("ignores a client's health, shell, OS and Tentacle version on create and on update", async () => {
    const made = await api("POST", "/api/Spaces-1/machines", {
      Name: "web-1",
      EnvironmentIds: [env],
      Roles: ["web"],
      Endpoint: listening(),
      ...CLAIMS,
    });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    expectServerOwned(made.json);
    expect(made.json.Endpoint.TentacleVersionDetails).toEqual({
      UpgradeLocked: true,
      Version: null,
      UpgradeSuggested: false,
      UpgradeRequired: false,
    });
    const updated = await api("PUT", `/api/Spaces-1/machines/${made.json.Id}`, {
      ...made.json,
      ...CLAIMS,
      Endpoint: { ...made.json.Endpoint, TentacleVersionDetails: { UpgradeLocked: false, Version: "9.0.0" } },
    });
    expect(updated.status).toBe(200);
    expectServerOwned(updated.json);
    expect(updated.json.Endpoint.TentacleVersionDetails).toEqual({
      UpgradeLocked: false,
      Version: null,
      UpgradeSuggested: false,
      UpgradeRequired: false,
    });
    expectServerOwned((await api("GET", `/api/Spaces-1/machines/${made.json.Id}`)).json);
  });

  it("does the same for a worker", async () => {
    const made = await api("POST", "/api/Spaces-1/workers", {
      Name: "builder-1",
      WorkerPoolIds: [pool],
      Endpoint: listening({ Uri: "https://builder-1.example.com:10933/" }),
      ...CLAIMS,
    });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    expectServerOwned(made.json);
    expect(made.json.Endpoint.TentacleVersionDetails.Version).toBeNull();
  });
});

describe("fields the server does not know", () => {
  it("are dropped from a target, on create and on update; known ones stay", async () => {
    const made = await api("POST", "/api/Spaces-1/machines", {
      Name: "web-2",
      EnvironmentIds: [env],
      Roles: ["web"],
      Endpoint: listening({ Uri: "https://web-2.example.com:10933/" }),
      Status: "Online",
      Colour: "blue",
      WorkerPoolIds: [pool],
      LastModifiedBy: "someone",
    });
    expect(made.status).toBe(201);
    for (const gone of ["Status", "Colour", "WorkerPoolIds", "LastModifiedBy"])
      expect(made.json).not.toHaveProperty(gone);
    expect(made.json).toMatchObject({
      Name: "web-2",
      Roles: ["web"],
      EnvironmentIds: [env],
      TenantedDeploymentParticipation: "Untenanted",
      SkipInitialHealthCheck: false,
    });
    const updated = await api("PUT", `/api/Spaces-1/machines/${made.json.Id}`, {
      ...made.json,
      Colour: "green",
      SkipInitialHealthCheck: true,
    });
    expect(updated.json).not.toHaveProperty("Colour");
    expect(updated.json.SkipInitialHealthCheck).toBe(true);
    expect(sandbox.reveal("Machines", made.json.Id)).not.toHaveProperty("Colour");
  });

  it("are dropped from a worker, which has pools and no environments", async () => {
    const made = await api("POST", "/api/Spaces-1/workers", {
      Name: "builder-2",
      WorkerPoolIds: [pool],
      EnvironmentIds: [env],
      Roles: ["web"],
      TenantedDeploymentParticipation: "Tenanted",
      Endpoint: listening({ Uri: "https://builder-2.example.com:10933/" }),
      Colour: "blue",
    });
    expect(made.status).toBe(201);
    for (const gone of ["EnvironmentIds", "Roles", "TenantedDeploymentParticipation", "Colour"])
      expect(made.json).not.toHaveProperty(gone);
    expect(made.json.WorkerPoolIds).toEqual([pool]);
  });

  it("serve a target and a worker with no field outside the server's resource", async () => {
    const target = new Set([
      "Id",
      "SpaceId",
      "Links",
      "Architecture",
      "Endpoint",
      "EnvironmentIds",
      "HasLatestCalamari",
      "HealthStatus",
      "IsDisabled",
      "IsInProcess",
      "MachinePolicyId",
      "Name",
      "OperatingSystem",
      "OperatingSystemVersion",
      "Roles",
      "ShellName",
      "ShellVersion",
      "SkipInitialHealthCheck",
      "Slug",
      "StatusSummary",
      "TenantIds",
      "TenantTags",
      "TenantedDeploymentParticipation",
      "Thumbprint",
      "Uri",
    ]);
    for (const m of (await api("GET", "/api/Spaces-1/machines/all")).json)
      for (const key of Object.keys(m)) expect(target.has(key), `machine field ${key}`).toBe(true);
    const worker = new Set(
      [...target, "WorkerPoolIds"].filter(
        (k) =>
          !["EnvironmentIds", "Roles", "TenantIds", "TenantTags", "TenantedDeploymentParticipation"].includes(
            k,
          ),
      ),
    );
    for (const w of (await api("GET", "/api/Spaces-1/workers/all")).json)
      for (const key of Object.keys(w)) expect(worker.has(key), `worker field ${key}`).toBe(true);
  });
});
