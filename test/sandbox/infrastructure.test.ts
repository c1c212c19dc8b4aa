import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { request } from "../helpers/http.js";

/** Kubernetes agents and Azure targets, as the server serves them (src/sandbox/resources/machines.ts). */

let sandbox: Sandbox;
let env: string;
let pool: string;
beforeAll(async () => {
  sandbox = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
  env = (await api("POST", "/api/Spaces-1/environments", { Name: "Production" })).json.Id;
  pool = (await api("POST", "/api/Spaces-1/workerpools", { Name: "Cluster" })).json.Id;
});
afterAll(() => sandbox.close());

const api = (method: string, path: string, body?: unknown) => request(sandbox, method, path, body);

const target = (name: string, endpoint: Record<string, unknown>) => ({
  Name: name,
  EnvironmentIds: [env],
  Roles: ["r"],
  Endpoint: endpoint,
});

const AGENT = {
  CommunicationStyle: "KubernetesTentacle",
  TentacleEndpointConfiguration: {
    Thumbprint: "96203ED84246201C26A2F4360D7CBC36AC1D232D",
    Uri: "poll://kcxzcv2fpsxkn6tk9u6d/",
    CommunicationMode: "Polling",
  },
};

describe("Kubernetes agents", () => {
  it("registers an agent: its connection echoed on the machine, its details the server's", async () => {
    const made = await api(
      "POST",
      "/api/Spaces-1/machines",
      target("agent", { ...AGENT, KubernetesAgentDetails: { AgentVersion: "9.9.9" } }),
    );
    expect(made.status).toBe(201);
    expect(made.json.Thumbprint).toBe("96203ED84246201C26A2F4360D7CBC36AC1D232D");
    expect(made.json.Uri).toBe("poll://kcxzcv2fpsxkn6tk9u6d/");
    expect(made.json.Endpoint).toMatchObject({
      UpgradeLocked: false,
      DefaultNamespace: null,
      // No agent has reported in.
      KubernetesAgentDetails: null,
    });
    const worker = await api("POST", "/api/Spaces-1/workers", {
      Name: "agent-worker",
      WorkerPoolIds: [pool],
      Endpoint: { ...AGENT, UpgradeLocked: true },
    });
    expect(worker.status).toBe(201);
    expect(worker.json.Endpoint.UpgradeLocked).toBe(true);
  });

  it("refuses an agent without its thumbprint, subscription or a known mode", async () => {
    const config = AGENT.TentacleEndpointConfiguration;
    for (const bad of [
      { ...config, Thumbprint: "" },
      { ...config, Uri: "https://agent:10933/" },
      { ...config, CommunicationMode: "Carrier pigeon" },
    ]) {
      const refused = await api(
        "POST",
        "/api/Spaces-1/machines",
        target("bad-agent", { ...AGENT, TentacleEndpointConfiguration: bad }),
      );
      expect(refused.status, JSON.stringify(bad)).toBe(400);
    }
    const none = await api(
      "POST",
      "/api/Spaces-1/machines",
      target("bad-agent", { CommunicationStyle: "KubernetesTentacle" }),
    );
    expect(none.status).toBe(400);
  });
});

describe("Azure targets", () => {
  let principal: string;
  let certificate: string;
  beforeAll(async () => {
    principal = (
      await api("POST", "/api/Spaces-1/accounts", {
        Name: "SP",
        AccountType: "AzureServicePrincipal",
        SubscriptionNumber: "s",
        ClientId: "c",
        TenantId: "t",
        Password: { HasValue: true, NewValue: "p" },
      })
    ).json.Id;
    certificate = (
      await api("POST", "/api/Spaces-1/accounts", {
        Name: "Management",
        AccountType: "AzureSubscription",
        SubscriptionNumber: "s",
      })
    ).json.Id;
  });

  it("a web app needs an Azure service principal or OIDC account, its app and resource group", async () => {
    const web = { CommunicationStyle: "AzureWebApp", WebAppName: "shop", ResourceGroupName: "rg" };
    expect(
      (await api("POST", "/api/Spaces-1/machines", target("web", { ...web, AccountId: principal }))).json
        .Endpoint.WebAppSlotName,
    ).toBe("");
    expect(
      (await api("POST", "/api/Spaces-1/machines", target("web2", { ...web, AccountId: certificate })))
        .status,
    ).toBe(400);
    expect(
      (
        await api(
          "POST",
          "/api/Spaces-1/machines",
          target("web3", { ...web, AccountId: principal, WebAppName: "" }),
        )
      ).status,
    ).toBe(400);
  });

  it("a cloud service needs a management certificate account; its slot, swap and instance count have defaults", async () => {
    const cloud = {
      CommunicationStyle: "AzureCloudService",
      CloudServiceName: "legacy",
      StorageAccountName: "store",
    };
    const made = await api(
      "POST",
      "/api/Spaces-1/machines",
      target("cloud", { ...cloud, AccountId: certificate }),
    );
    expect(made.json.Endpoint).toMatchObject({
      Slot: "Staging",
      SwapIfPossible: true,
      UseCurrentInstanceCount: true,
    });
    expect(
      (await api("POST", "/api/Spaces-1/machines", target("cloud2", { ...cloud, AccountId: principal })))
        .status,
    ).toBe(400);
  });

  it("a Service Fabric cluster keeps its Azure AD password write-only and checks its modes", async () => {
    const fabric = {
      CommunicationStyle: "AzureServiceFabricCluster",
      ConnectionEndpoint: "sf:19000",
      SecurityMode: "SecureAzureAD",
      AadCredentialType: "UserCredential",
      AadUserCredentialUsername: "u",
      AadUserCredentialPassword: { HasValue: true, NewValue: "fabric-secret" },
    };
    const made = await api("POST", "/api/Spaces-1/machines", target("fabric", fabric));
    expect(made.json.Endpoint.AadUserCredentialPassword).toEqual({ HasValue: true, NewValue: null });
    expect(JSON.stringify(made.json)).not.toContain("fabric-secret");
    const open = await api(
      "POST",
      "/api/Spaces-1/machines",
      target("open", { CommunicationStyle: "AzureServiceFabricCluster", ConnectionEndpoint: "sf:19000" }),
    );
    expect(open.json.Endpoint.SecurityMode).toBe("Unsecure");
    expect(
      (await api("POST", "/api/Spaces-1/machines", target("bad", { ...fabric, SecurityMode: "Vibes" })))
        .status,
    ).toBe(400);
    expect(
      (await api("POST", "/api/Spaces-1/machines", target("bad", { ...fabric, AadCredentialType: "Vibes" })))
        .status,
    ).toBe(400);
  });
});

describe("Octopus Cloud's hosted worker pools", () => {
  it("every space of a cloud sandbox has them, and another by their name is refused", async () => {
    const cloud = await new Sandbox({
      cloud: true,
      seed: { spaces: [{ Name: "Default", IsDefault: true }] },
    }).start();
    try {
      const call = (method: string, path: string, body?: unknown) =>
        fetch(`${cloud.url}${path}`, {
          method,
          headers: { "X-Octopus-ApiKey": cloud.apiKey, "Content-Type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const space = (await (await call("POST", "/api/spaces", { Name: "Second" })).json()) as { Id: string };
      for (const id of ["Spaces-1", space.Id]) {
        const pools = (await (await call("GET", `/api/${id}/workerpools/all`)).json()) as Array<
          Record<string, unknown>
        >;
        expect(pools.map((p) => [p.Name, p.WorkerPoolType, p.WorkerType ?? null, p.IsDefault])).toEqual([
          ["Default Worker Pool", "StaticWorkerPool", null, true],
          ["Hosted Windows", "DynamicWorkerPool", "WindowsDefault", false],
          ["Hosted Ubuntu", "DynamicWorkerPool", "UbuntuDefault", false],
        ]);
      }
      const again = await call("POST", "/api/Spaces-1/workerpools", {
        Name: "Hosted Ubuntu",
        WorkerPoolType: "DynamicWorkerPool",
        WorkerType: "UbuntuDefault",
      });
      expect(again.status).toBe(400);
    } finally {
      await cloud.close();
    }
    // A self-hosted server's spaces have none.
    const pools = (await api("GET", "/api/Spaces-1/workerpools/all")).json as Array<{ Name: string }>;
    expect(pools.map((p) => p.Name)).not.toContain("Hosted Ubuntu");
  });
});
