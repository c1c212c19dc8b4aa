import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SpaceGraph } from "../../src/graph/graph.js";
import { readSpace } from "../../src/graph/reader.js";
import { OctopusClient } from "../../src/octopus/client.js";
import { idFields, secretFields } from "../../src/registry/fields.js";
import { docType, REGISTRY } from "../../src/registry/index.js";
import { matches, parsePattern } from "../../src/registry/patterns.js";
import { NOT_YET, OUT_OF_SCOPE, WRITTEN_BY_EXPORT } from "../../src/registry/provider.js";
import { generateSpace, SIZES } from "../../src/sandbox/generate.js";
import type { SeedFile } from "../../src/sandbox/seed.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { sensitiveShapes } from "../../src/snapshot/paths.js";
import { CONVERTERS } from "../../src/terraform/converters/index.js";
import { exampleSpace, ROOT } from "../helpers/examples.js";
import { exportSeed } from "../helpers/export.js";

/**
 * The registry is the one description of each document type: these tests hold it together
 * with the provider's schema, the converters, and what real documents hold.
 */

const schema = JSON.parse(readFileSync(join(ROOT, "test/fixtures/provider-schema.json"), "utf8"));
const provider = Object.values(
  schema.provider_schemas as Record<
    string,
    {
      resource_schemas: Record<string, unknown>;
      data_source_schemas: Record<string, { block: { attributes?: Record<string, unknown> } }>;
    }
  >,
)[0]!;

describe("the registry", () => {
  it("lists each type once, and every type has what its class needs", () => {
    const names = REGISTRY.map((t) => t.type);
    expect(new Set(names).size).toBe(names.length);
    const problems: string[] = [];
    const families = new Set<string>();
    const referredTo = new Set(
      REGISTRY.flatMap((t) =>
        (t.ids ?? []).flatMap((f) =>
          typeof f.to === "function" ? [] : typeof f.to === "string" ? [f.to] : f.to,
        ),
      ),
    );
    for (const t of REGISTRY) {
      if (t.family) {
        if (families.has(t.family.name)) problems.push(`${t.type}: family ${t.family.name} taken twice`);
        families.add(t.family.name);
      }
      if (!t.snapshotOnly && t.family && !t.resources)
        problems.push(`${t.type}: can be filtered but has no resources`);
      // A project module finds what the space module made, and other documents refer to, by name.
      if (!t.snapshotOnly && t.klass === "space" && t.family && !t.lookup && referredTo.has(t.type))
        problems.push(`${t.type}: a space-level type others refer to, with no lookup`);
      const r = t.read;
      const from =
        r.kind === "by-reference" ? r.from.map((f) => f.type) : r.kind === "per-document" ? [r.of] : [];
      for (const type of from) if (!docType(type)) problems.push(`${t.type}: read from unknown type ${type}`);
      for (const f of t.ids ?? []) {
        parsePattern(f.path);
        const to = typeof f.to === "function" ? [] : typeof f.to === "string" ? [f.to] : f.to;
        for (const type of to) if (!docType(type)) problems.push(`${t.type} ${f.path}: unknown type ${type}`);
      }
      for (const f of t.secrets ?? []) parsePattern(f.path);
      if (t.lookup) {
        const data = provider.data_source_schemas[t.lookup.data];
        if (!data) problems.push(`${t.type}: no data source ${t.lookup.data}`);
        else if (!data.block.attributes?.[t.lookup.collection])
          problems.push(`${t.type}: ${t.lookup.data} has no attribute ${t.lookup.collection}`);
        // Every lookup is written with the space's ID (or, `spaces`, a list of it).
        else if (!data.block.attributes?.[t.lookup.spaces ? "spaces" : "space_id"])
          problems.push(`${t.type}: ${t.lookup.data} takes no ${t.lookup.spaces ? "spaces" : "space_id"}`);
      }
      for (const resource of Object.keys(t.resources ?? {}))
        if (!provider.resource_schemas[resource]) problems.push(`${t.type}: no resource ${resource}`);
    }
    expect(problems).toEqual([]);
  });

  it("accounts for every resource type of the pinned provider: written, or listed with a reason", () => {
    const written = new Set(REGISTRY.flatMap((t) => Object.keys(t.resources ?? {})));
    const listed = [WRITTEN_BY_EXPORT, OUT_OF_SCOPE, NOT_YET];
    const problems: string[] = [];
    for (const type of Object.keys(provider.resource_schemas).sort()) {
      const places = [written.has(type), ...listed.map((l) => Object.hasOwn(l, type))].filter(Boolean);
      if (places.length === 0) problems.push(`${type}: neither written nor listed in registry/provider.ts`);
      if (places.length > 1) problems.push(`${type}: written and listed, or listed twice`);
    }
    for (const l of listed)
      for (const [type, reason] of Object.entries(l)) {
        if (!provider.resource_schemas[type])
          problems.push(`${type}: listed, but the provider has no such type`);
        if (reason.trim().length < 10) problems.push(`${type}: no reason given`);
      }
    expect(problems).toEqual([]);
  });

  it("gives every exported type exactly one converter, and converters only registered types", () => {
    const owners = new Map<string, number>();
    for (const c of CONVERTERS) for (const t of c.types) owners.set(t, (owners.get(t) ?? 0) + 1);
    for (const t of REGISTRY) {
      if (t.snapshotOnly || !t.resources) continue;
      expect(owners.get(t.type), `converters of ${t.type}`).toBe(1);
    }
    for (const type of owners.keys()) expect(docType(type), type).toBeDefined();
  });
});

describe("converters", () => {
  it("write only the resources their types' descriptors list", async () => {
    const problems: string[] = [];
    for (const seed of [exampleSpace("acme"), exampleSpace("edge-cases"), generateSpace(SIZES.XS!, 5)]) {
      const { manifest } = await exportSeed(seed);
      for (const r of manifest.resources)
        if (!docType(r.sourceType)?.resources?.[r.type])
          problems.push(`${r.sourceType} wrote ${r.type}, which its descriptor does not list`);
    }
    expect([...new Set(problems)]).toEqual([]);
  });
});

describe("field patterns", () => {
  const doc = {
    Steps: [
      {
        Id: "s1",
        Actions: [
          {
            Name: "a",
            ActionType: "Octopus.Script",
            Properties: { "Octopus.Action.Package.FeedId": "Feeds-1" },
          },
          { Name: "b", ActionType: "Octopus.DeployRelease", Packages: [{ PackageId: "Projects-2" }] },
        ],
      },
    ],
    ProjectEnvironments: { "Projects-1": ["Environments-1", "Environments-2"] },
  };

  it("finds properties whose names have dots, filtered items, object keys and values", () => {
    const at = (pattern: string) => [...matches(doc, pattern)].map((m) => [m.path, m.at, m.value]);
    expect(at("Steps[].Actions[].Properties['Octopus.Action.Package.FeedId']")).toEqual([
      [
        "Steps[Id=s1].Actions[Name=a].Properties.Octopus.Action.Package.FeedId",
        "Steps[0].Actions[0].Properties.Octopus.Action.Package.FeedId",
        "Feeds-1",
      ],
    ]);
    expect(at("Steps[].Actions[ActionType=Octopus.DeployRelease].Packages[].PackageId")).toEqual([
      [
        "Steps[Id=s1].Actions[Name=b].Packages[0].PackageId",
        "Steps[0].Actions[1].Packages[0].PackageId",
        "Projects-2",
      ],
    ]);
    expect(at("ProjectEnvironments{}")).toEqual([
      ["ProjectEnvironments{Projects-1}", "ProjectEnvironments.Projects-1{key}", "Projects-1"],
    ]);
    expect(at("ProjectEnvironments.*[]").map((m) => m[2])).toEqual(["Environments-1", "Environments-2"]);
    expect(at("Steps[].Missing")).toEqual([]);
  });

  it("refuses a pattern it cannot read", () => {
    expect(() => parsePattern("Steps[.Id")).toThrow(/bad field pattern/);
    expect(() => parsePattern("")).toThrow(/bad field pattern/);
  });
});

/**
 * Spaces whose documents hold every kind of reference and secret our seeds have: the example
 * spaces and generated ones. The registry's tables must find every one of them.
 */
describe("the registry's field tables against real documents", () => {
  const graphs: Array<{ name: string; graph: SpaceGraph }> = [];
  const sandboxes: Sandbox[] = [];

  beforeAll(async () => {
    const seeds: Array<[string, SeedFile]> = [
      ["acme", exampleSpace("acme")],
      ["edge-cases", exampleSpace("edge-cases")],
      ["generated S", generateSpace(SIZES.S!, 3)],
      ["generated XS", generateSpace(SIZES.XS!, 5)],
    ];
    for (const [name, seed] of seeds) {
      const sandbox = await new Sandbox({ seed }).start();
      sandboxes.push(sandbox);
      const client = new OctopusClient({ server: sandbox.url, apiKey: sandbox.apiKey });
      for (const space of (await client.list("/api/spaces")) as Array<{ Id: string; Name: string }>) {
        const graph = await readSpace(client, await client.resolveSpace(space.Id), { snapshot: true });
        graphs.push({ name: `${name} ${space.Name}`, graph });
      }
    }
  }, 120_000);
  afterAll(async () => {
    for (const s of sandboxes) await s.close();
  });

  it("names every reference between documents as an ID field of the right type", () => {
    const missed: string[] = [];
    for (const { name, graph } of graphs) {
      const find = (id: string) => graph.get(id)?.doc as Record<string, unknown> | undefined;
      for (const node of graph.nodes.values()) {
        const found = new Map<string, readonly string[]>();
        for (const m of idFields(node.type, node.doc, find))
          for (const id of m.ids) found.set(`${m.at} ${id}`, m.types);
        for (const ref of graph.referencesFrom(node.id)) {
          const types = found.get(`${ref.path} ${ref.to}`);
          const target = graph.get(ref.to)!;
          if (!types) missed.push(`${name}: ${node.type} ${ref.path} holds ${target.type} ${ref.to}`);
          else if (!types.includes(target.type))
            missed.push(`${name}: ${node.type} ${ref.path} says ${types.join("|")}, holds ${target.type}`);
        }
      }
    }
    expect([...new Set(missed)]).toEqual([]);
  });

  it("names every sensitive value as a secret field", () => {
    const missed: string[] = [];
    for (const { name, graph } of graphs) {
      for (const node of graph.nodes.values()) {
        const table = new Set([...secretFields(node.type, node.doc)].map((m) => m.path));
        for (const spot of sensitiveShapes(node.doc as never))
          if (!table.has(spot.path)) missed.push(`${name}: ${node.type} ${spot.path}`);
      }
    }
    expect([...new Set(missed)]).toEqual([]);
  });
});
