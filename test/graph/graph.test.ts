import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DependencyCycleError, projectOrder } from "../../src/graph/dependencies.js";
import type { SpaceGraph } from "../../src/graph/graph.js";
import { readSpace } from "../../src/graph/reader.js";
import { formatSummary, summarise } from "../../src/graph/summary.js";
import { mergeScopedCommonVariables } from "../../src/registry/library.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { exampleSpace } from "../helpers/examples.js";
import { clientFor } from "../helpers/sandbox.js";

describe("reading the example space", () => {
  let sandbox: Sandbox;
  let graph: SpaceGraph;
  beforeAll(async () => {
    sandbox = await new Sandbox({ seed: exampleSpace() }).start();
    const client = clientFor(sandbox);
    graph = await readSpace(client, await client.resolveSpace("Acme Retail"));
  });
  afterAll(() => sandbox.close());

  it("holds every document of the space by ID", () => {
    const seed = exampleSpace().spaces[0]!.Documents!;
    for (const type of [
      "Environments",
      "Accounts",
      "Certificates",
      "Tenants",
      "Machines",
      "Workers",
      "Projects",
      "Runbooks",
    ]) {
      expect(
        graph
          .ofType(type)
          .map((n) => n.id)
          .sort(),
        type,
      ).toEqual(seed[type]!.map((d) => String(d.Id)).sort());
    }
    expect(graph.ofType("ScriptModules").map((n) => n.name)).toEqual(["Deploy helpers"]);
    expect(graph.ofType("LibraryVariableSets").map((n) => n.name)).toEqual(["Shared settings"]);
    expect(graph.ofType("VariableSets")).toHaveLength(5);
    expect(graph.ofType("DeploymentProcesses")).toHaveLength(3);
    expect(graph.ofType("RunbookProcesses")).toHaveLength(1);
    expect(graph.ofType("TenantVariables")).toHaveLength(2);
  });

  it("fetches each document once: one request per collection, one per child document", () => {
    const counts = Object.fromEntries(sandbox.counters);
    // Child documents the API only serves one by one.
    expect(counts["GET /api/{id}/variables/{id}"]).toBe(5);
    expect(counts["GET /api/{id}/deploymentprocesses/{id}"]).toBe(3);
    expect(counts["GET /api/{id}/runbookProcesses/{id}"]).toBe(1);
    expect(counts["GET /api/{id}/tenants/{id}/variables"]).toBe(2);
    // And each tenant's common variables from the newer endpoint, for values scoped to environments.
    expect(counts["GET /api/{id}/tenants/{id}/commonvariables"]).toBe(2);
    // Every collection: a single page (the client asks for big pages).
    const lists = Object.entries(counts).filter(([route]) => /^GET \/api\/\{id\}\/[a-z-]+$/.test(route));
    expect(lists.length).toBeGreaterThanOrEqual(18);
    for (const [route, count] of lists) expect(count, route).toBe(1);
  });

  it("keeps no server bookkeeping: no Links, no ScopeValues (which would reference every target)", async () => {
    const set = graph.ofType("VariableSets")[0]!;
    const served = (await clientFor(sandbox).get(`/api/Spaces-1/variables/${set.id}`)) as object;
    expect(served).toHaveProperty("ScopeValues");
    expect(served).toHaveProperty("Links");
    for (const node of graph.nodes.values()) {
      expect(node.doc, node.id).not.toHaveProperty("Links");
      expect(node.doc, node.id).not.toHaveProperty("ScopeValues");
    }
  });

  it("classes documents: project-owned variable sets are project-level, library ones space-level", () => {
    expect(graph.get("variableset-Projects-1")?.klass).toBe("project");
    expect(graph.get("variableset-Projects-1")?.projectId).toBe("Projects-1");
    expect(graph.get("variableset-LibraryVariableSets-1")?.klass).toBe("space");
    expect(graph.get("Channels-2")?.projectId).toBe("Projects-1");
    expect(graph.get("RunbookProcess-Runbooks-1")?.projectId).toBe("Projects-1");
    expect(graph.get("Environments-1")?.klass).toBe("space");
  });

  it("finds references wherever an ID appears: fields, scopes, step properties, map keys", () => {
    const from = (id: string) => graph.referencesFrom(id).map((r) => `${r.to} ${r.path}`);
    expect(from("Projects-1")).toContain("Lifecycles-2 LifecycleId");
    expect(from("Projects-1")).toContain("LibraryVariableSets-2 IncludedLibraryVariableSetIds[1]");
    expect(from("deploymentprocess-Projects-2")).toContain(
      "Projects-1 Steps[0].Actions[0].Properties.Octopus.Action.DeployRelease.ProjectId",
    );
    expect(from("Tenants-1")).toContain("Projects-2 ProjectEnvironments.Projects-2{key}");
    expect(from("variableset-Projects-1")).toContain("Channels-2 Variables[4].Scope.Channel[0]");
    expect(graph.referencesTo("Accounts-5").map((r) => r.from)).toContain("Machines-3");
  });

  it("orders projects by their Deploy a release steps", () => {
    const order = projectOrder(graph);
    expect(order.dependencies).toEqual([
      { project: "Projects-2", dependsOn: "Projects-1", step: "Deploy the Orders API" },
    ]);
    expect(order.levels).toEqual([["Projects-1", "Projects-3"], ["Projects-2"]]);
  });

  it("summarises by name for inspect", () => {
    const summary = summarise(graph);
    expect(summary.applyOrder).toEqual([["Orders API", "Payments Service"], ["Storefront"]]);
    expect(summary.counts.find((c) => c.type === "VariableSets" && c.class === "space")?.count).toBe(2);
    expect(summary.counts.find((c) => c.type === "VariableSets" && c.class === "project")?.count).toBe(3);
    const text = formatSummary(summary);
    expect(text).toContain("level 1: Storefront");
    expect(text).toContain("Storefront -> Orders API");
  });
});

describe("releasing documents", () => {
  it("keeps a released document's node but throws when its body is read; dropping references empties them", async () => {
    const sandbox = await new Sandbox({ seed: exampleSpace() }).start();
    try {
      const client = clientFor(sandbox);
      const graph = await readSpace(client, await client.resolveSpace("Acme Retail"));
      const channel = graph.ofType("Channels").find((c) => c.name === "Hotfix")!;
      const project = channel.projectId!;
      expect(graph.referencesFrom(channel.id).length).toBeGreaterThan(0);
      graph.release([channel.id]);
      expect(graph.get(channel.id)).toMatchObject({ type: "Channels", name: "Hotfix", projectId: project });
      expect(channel.doc.Id).toBe(channel.id);
      expect(() => (channel.doc as { LifecycleId?: unknown }).LifecycleId).toThrow(
        `Channels ${channel.id} was read after it was released`,
      );
      expect(() => JSON.stringify(channel.doc)).toThrow(/was read after it was released/);
      expect(() => Object.keys(channel.doc)).toThrow(/was read after it was released/);
      expect(graph.get(project)!.doc.Name).toBeDefined();
      graph.dropReferences();
      expect(graph.references).toEqual([]);
      expect(graph.referencesFrom(project)).toEqual([]);
      expect(graph.referencesTo(project)).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});

describe("dependency cycles", () => {
  it("reports the projects on the cycle, in order", async () => {
    const deploy = (name: string, target: string) => ({
      Name: name,
      Actions: [
        {
          Name: name,
          ActionType: "Octopus.DeployRelease",
          Properties: { "Octopus.Action.DeployRelease.ProjectId": target },
        },
      ],
    });
    const sandbox = await new Sandbox({
      seed: {
        spaces: [
          {
            Name: "Loops",
            Documents: {
              Projects: ["A", "B", "C", "D"].map((n, i) => ({
                Id: `Projects-${i + 1}`,
                Name: `Project ${n}`,
                LifecycleId: "Lifecycles-1",
                ProjectGroupId: "ProjectGroups-1",
              })),
              Lifecycles: [{ Id: "Lifecycles-1", Name: "Default Lifecycle" }],
              ProjectGroups: [{ Id: "ProjectGroups-1", Name: "Default Project Group" }],
              DeploymentProcesses: [
                {
                  Id: "deploymentprocess-Projects-1",
                  ProjectId: "Projects-1",
                  Steps: [deploy("Ship B", "Projects-2")],
                },
                {
                  Id: "deploymentprocess-Projects-2",
                  ProjectId: "Projects-2",
                  Steps: [deploy("Ship C", "Projects-3")],
                },
                {
                  Id: "deploymentprocess-Projects-3",
                  ProjectId: "Projects-3",
                  Steps: [deploy("Ship A", "Projects-1")],
                },
                {
                  Id: "deploymentprocess-Projects-4",
                  ProjectId: "Projects-4",
                  Steps: [deploy("Ship A", "Projects-1")],
                },
              ],
            },
          },
        ],
      },
    }).start();
    try {
      const client = clientFor(sandbox);
      const graph = await readSpace(client, await client.resolveSpace("Loops"));
      let error: unknown;
      try {
        projectOrder(graph);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(DependencyCycleError);
      expect((error as Error).message).toBe(
        "projects deploy releases of each other in a cycle: Project A -> Project B -> Project C -> Project A; break the cycle in one of them",
      );
    } finally {
      await sandbox.close();
    }
  });
});

describe("a tenant's common variables scoped to environments", () => {
  it("are kept by library set and template, with their IDs and environments; unscoped ones are left out", () => {
    const doc: Record<string, unknown> = { LibraryVariables: {} };
    mergeScopedCommonVariables(doc, {
      Variables: [
        {
          Id: "TenantVariables-1",
          LibraryVariableSetId: "L-1",
          TemplateId: "t-1",
          Value: "all",
          Scope: { EnvironmentIds: [] },
        },
        {
          Id: "TenantVariables-2",
          LibraryVariableSetId: "L-1",
          TemplateId: "t-1",
          Value: "some",
          Scope: { EnvironmentIds: ["Environments-3", "Environments-2"] },
        },
        {
          Id: "TenantVariables-3",
          LibraryVariableSetId: "L-1",
          TemplateId: "t-2",
          Value: { HasValue: true, NewValue: null },
          Scope: { EnvironmentIds: ["Environments-1"] },
        },
      ],
    });
    expect(doc.ScopedCommonVariables).toEqual({
      "L-1": {
        "t-1": [
          { Id: "TenantVariables-2", Value: "some", EnvironmentIds: ["Environments-2", "Environments-3"] },
        ],
        "t-2": [
          {
            Id: "TenantVariables-3",
            Value: { HasValue: true, NewValue: null },
            EnvironmentIds: ["Environments-1"],
          },
        ],
      },
    });
  });

  it("add nothing when there are none, so the document is the older endpoint's", () => {
    const doc: Record<string, unknown> = { LibraryVariables: {} };
    mergeScopedCommonVariables(doc, {
      Variables: [{ LibraryVariableSetId: "L-1", TemplateId: "t-1", Value: "x", Scope: {} }],
    });
    mergeScopedCommonVariables(doc, { Message: "not a list" });
    expect(doc).toEqual({ LibraryVariables: {} });
  });
});
