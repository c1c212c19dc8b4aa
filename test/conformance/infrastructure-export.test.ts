import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { RestSpace } from "../helpers/rest.js";
import { decoys } from "../helpers/scenarios.js";
import { applyEveryModule, exportTo, pendingChanges, tfvars, unexplained } from "./flow.js";
import { locateTools, type Tools } from "./harness.js";

/**
 * Modern infrastructure (Kubernetes agent targets and workers; Azure web app, cloud service and
 * Service Fabric targets; parent environments) and Octopus Cloud's hosted worker pools, exported from a space built
 * through the REST API on a cloud sandbox and applied by the real provider into an empty space
 * of another, whose IDs decoys shifted: the destination equals the source by names (the hosted
 * pools found by name, not created), with the agents' warning given, and a second plan is empty.
 */
const tools = locateTools();
const SEED = { spaces: [{ Name: "Default", IsDefault: true }] };
const secret = (value: string) => ({ HasValue: true, NewValue: value });

describe.skipIf(typeof tools === "string")("infrastructure, with the real provider", () => {
  let source: Sandbox;
  let space: RestSpace;
  beforeAll(async () => {
    source = await new Sandbox({ cloud: true, seed: SEED }).start();
    space = await RestSpace.create(source, "Infrastructure");
    const production = await space.post("environments", { Name: "Production" });
    // Parent environments, one with an automatic deprovisioning rule (written at
    // parentEnvironments, listed through environments/v2).
    await space.post("parentEnvironments", {
      Name: "Previews",
      Description: "One per pull request",
      UseGuidedFailure: true,
      AutomaticDeprovisioningRule: { ExpiryDays: 3, ExpiryHours: 6 },
    });
    await space.post("parentEnvironments", { Name: "Features", SortOrder: 2 });
    const ubuntu = await space.named("workerpools", "Hosted Ubuntu");
    const windows = await space.named("workerpools", "Hosted Windows");
    const cluster = await space.post("workerpools", { Name: "Cluster", WorkerPoolType: "StaticWorkerPool" });
    const principal = await space.post("accounts", {
      Name: "Azure",
      AccountType: "AzureServicePrincipal",
      SubscriptionNumber: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
      ClientId: "11111111-2222-3333-4444-555555555555",
      TenantId: "66666666-7777-8888-9999-000000000000",
      Password: secret("azure-secret"),
    });
    const management = await space.post("accounts", {
      Name: "Management certificate",
      AccountType: "AzureSubscription",
      SubscriptionNumber: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    });
    const target = (name: string, endpoint: Record<string, unknown>, roles = ["web"]) =>
      space.post("machines", {
        Name: name,
        EnvironmentIds: [production.Id],
        Roles: roles,
        Endpoint: endpoint,
      });
    await target(
      "aks-agent",
      {
        CommunicationStyle: "KubernetesTentacle",
        TentacleEndpointConfiguration: {
          CommunicationMode: "Polling",
          Thumbprint: "96203ED84246201C26A2F4360D7CBC36AC1D232D",
          Uri: "poll://kcxzcv2fpsxkn6tk9u6d/",
        },
        UpgradeLocked: true,
        DefaultNamespace: "apps",
      },
      ["k8s"],
    );
    await space.post("workers", {
      Name: "aks-worker",
      WorkerPoolIds: [cluster.Id],
      Endpoint: {
        CommunicationStyle: "KubernetesTentacle",
        TentacleEndpointConfiguration: {
          CommunicationMode: "Polling",
          Thumbprint: "2CC1D3A4A7A9C3D5E6F7081929A3B4C5D6E7F809",
          Uri: "poll://zyxwvutsrqponmlkjihg/",
        },
        UpgradeLocked: false,
      },
    });
    await target("shop-web", {
      CommunicationStyle: "AzureWebApp",
      AccountId: principal.Id,
      ResourceGroupName: "shop-rg",
      WebAppName: "shop",
      WebAppSlotName: "staging",
    });
    await target("legacy", {
      CommunicationStyle: "AzureCloudService",
      AccountId: management.Id,
      CloudServiceName: "legacy",
      StorageAccountName: "legacystore",
      Slot: "Production",
      SwapIfPossible: false,
      UseCurrentInstanceCount: true,
      DefaultWorkerPoolId: windows.Id,
    });
    await target("fabric", {
      CommunicationStyle: "AzureServiceFabricCluster",
      ConnectionEndpoint: "fabric.example.com:19000",
      SecurityMode: "SecureAzureAD",
      ServerCertThumbprint: "96203ED84246201C26A2F4360D7CBC36AC1D232D",
      AadCredentialType: "UserCredential",
      AadUserCredentialUsername: "deployer",
      AadUserCredentialPassword: secret("fabric-secret"),
    });
    // Runs on a hosted pool: the reference must find the destination's own.
    await target("eu-west", { CommunicationStyle: "None", DefaultWorkerPoolId: ubuntu.Id }, ["cloud"]);
  });
  afterAll(() => source.close());

  it("arrives equal by names, hosted pools looked up, agents warned about, plan clean", async () => {
    const destination = await new Sandbox({ cloud: true, seed: SEED }).start();
    try {
      await decoys(destination);
      const into = await RestSpace.create(destination, "Infrastructure");
      const { dir, manifest } = await exportTo(source, "modules", {}, undefined, space.spaceId);
      // The hosted pools are every Cloud space's: never written.
      expect(manifest.resources.filter((r) => r.sourceType === "WorkerPools").map((r) => r.name)).toEqual([
        "Cluster",
      ]);
      expect(
        manifest.warnings.filter((w) => w.message.includes("still polls the source")).map((w) => w.subject),
      ).toEqual(['deployment target "aks-agent"', 'worker "aks-worker"']);
      const vars = join(dir, "terraform.tfvars");
      await writeFile(vars, tfvars(source, destination, manifest, into.spaceId), { mode: 0o600 });
      await applyEveryModule(tools as Tools, dir, manifest, vars);
      expect(await pendingChanges(tools as Tools, dir, manifest, vars)).toEqual({});
      const want = normaliseSpace(source, space.spaceId);
      const got = normaliseSpace(destination, into.spaceId);
      expect(unexplained(differences(want, got))).toEqual([]);
      expect(got.size).toBe(want.size);
    } finally {
      await destination.close();
    }
  });
});
