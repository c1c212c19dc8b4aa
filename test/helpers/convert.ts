import { it } from "vitest";
import { SpaceGraph } from "../../src/graph/graph.js";
import type { OctopusDocument } from "../../src/octopus/schemas.js";
import { docType } from "../../src/registry/index.js";
import type { Converter } from "../../src/terraform/converters/converter.js";
import { CONVERTERS } from "../../src/terraform/converters/index.js";
import { buildExport, DEFAULT_PROVIDER_VERSION, type ExportOptions } from "../../src/terraform/export.js";
import { parseHcl } from "../../src/terraform/hcl/parse.js";
import type { Manifest } from "../../src/terraform/manifest.js";
import { schemaProblems } from "./schema.js";

/**
 * Test-only: converter tests. A tiny space written in the test (documents in API shape, by
 * type, as the reader adds them), exported in memory through the real exporter (planExport,
 * the converters, the printer), and what a test checks: files, parsed resource blocks,
 * warnings, secrets, the schema check. No sandbox, no network.
 */

export type Documents = Record<string, Array<Record<string, unknown>>>;

/** A parsed block body: attributes as values (references as "${...}"), nested blocks as lists. */
export type Body = Record<string, unknown>;

/** A space in memory, linked as the reader links what it reads. */
export function tinySpace(documents: Documents): SpaceGraph {
  const graph = new SpaceGraph({ Id: "Spaces-1", Name: "Tiny" }, "2025.2.0");
  for (const [type, docs] of Object.entries(documents)) {
    if (!docType(type)) throw new Error(`tinySpace: unknown document type ${type}`);
    for (const doc of docs) graph.add(type, doc as OctopusDocument);
  }
  graph.link();
  return graph;
}

export interface Converted {
  /** Every file of the export by path, as buildExport gives them. */
  files: ReadonlyMap<string, string>;
  manifest: Manifest;
  /** Warnings as the CLI prints them: `subject message`. */
  warnings: string[];
  secrets: Manifest["secrets"];
  /** Resource types written, sorted. */
  types: string[];
  /**
   * A module file's text: `path` exactly, or the only module's file of that name
   * (`feeds.tf` is `space/module/feeds.tf` in the modules layout).
   */
  text(path: string): string;
  /** The resources of one type, by label, parsed by the real HCL parser. */
  resources(type: string): Promise<Record<string, Body>>;
  /** The one resource of a type (or the one with this label). */
  resource(type: string, label?: string): Promise<Body>;
  /** The data sources of one type, by label. */
  data(type: string): Promise<Record<string, Body>>;
  /** Problems with the export's blocks against the pinned provider's schema. */
  schemaProblems(): Promise<string[]>;
}

/** Per test file (vitest isolates files): which resource types each document type was written as. */
const written = new Map<string, Set<string>>();

/** Exports a tiny space, by default in the single layout (one module, direct references). */
export function convert(space: Documents | SpaceGraph, options: Partial<ExportOptions> = {}): Converted {
  const graph = space instanceof SpaceGraph ? space : tinySpace(space);
  const { files, manifest } = buildExport(graph, {
    layout: "single",
    secretDefaults: "none",
    providerVersion: DEFAULT_PROVIDER_VERSION,
    source: { server: "https://octopus.example.com" },
    ...options,
  });
  for (const r of manifest.resources) {
    const set = written.get(r.sourceType) ?? new Set<string>();
    set.add(r.type);
    written.set(r.sourceType, set);
  }
  let parsed: Promise<Array<Record<string, Record<string, Record<string, Body[]>>>>> | undefined;
  const parseAll = () => {
    parsed ??= Promise.all(
      [...files]
        .filter(([path]) => path.endsWith(".tf"))
        .map(([path, text]) => parseHcl(path, text) as Promise<never>),
    );
    return parsed;
  };
  const collect = async (kind: "resource" | "data", type: string) => {
    const out: Record<string, Body> = {};
    for (const json of await parseAll()) {
      for (const [label, bodies] of Object.entries(json[kind]?.[type] ?? {})) {
        if (label in out || bodies.length !== 1) throw new Error(`${kind} ${type}.${label} is written twice`);
        out[label] = bodies[0]!;
      }
    }
    return out;
  };
  const result: Converted = {
    files,
    manifest,
    warnings: manifest.warnings.map((w) => `${w.subject} ${w.message}`),
    secrets: manifest.secrets,
    types: [...new Set(manifest.resources.map((r) => r.type))].sort(),
    text(path) {
      const exact = files.get(path);
      if (exact !== undefined) return exact;
      const found = [...files.keys()].filter((p) => p.endsWith(`/module/${path}`));
      if (found.length !== 1)
        throw new Error(
          `${found.length} files named ${path}; the export has ${[...files.keys()].join(", ")}`,
        );
      return files.get(found[0]!)!;
    },
    resources: (type) => collect("resource", type),
    async resource(type, label) {
      const all = await collect("resource", type);
      if (label !== undefined) {
        if (!(label in all)) throw new Error(`no ${type}.${label}; there are ${Object.keys(all).join(", ")}`);
        return all[label]!;
      }
      const labels = Object.keys(all);
      if (labels.length !== 1) throw new Error(`${labels.length} ${type} resources: ${labels.join(", ")}`);
      return all[labels[0]!]!;
    },
    data: (type) => collect("data", type),
    schemaProblems: () => schemaProblems(files),
  };
  return result;
}

/**
 * The test a converter test file ends with: every resource type the descriptors of its
 * converters' document types list was written by one of the file's exports (and nothing
 * else: what a type writes is in its descriptor). Tests of a file
 * run in order, so it sees what the tests above it wrote (run with -t, it sees only those).
 */
export function itWritesEveryResourceType(converters: Record<string, unknown>): void {
  const mine = CONVERTERS.filter((c) => Object.values(converters).includes(c));
  it(`has a test writing each resource type of ${mine.flatMap((c) => c.types).join(", ")}`, () => {
    if (mine.length === 0) throw new Error("no converter of CONVERTERS in this module");
    const missing = unwritten(mine);
    if (missing.length) throw new Error(`no test writes: ${missing.join(", ")}`);
    const unlisted = [...written].flatMap(([type, resources]) =>
      [...resources].filter((r) => !docType(type)?.resources?.[r]).map((r) => `${type} ${r}`),
    );
    if (unlisted.length) throw new Error(`written, but not in the type's descriptor: ${unlisted.join(", ")}`);
  });
}

/** `DocType resource` pairs the converters' descriptors list that no export here wrote. */
function unwritten(converters: readonly Converter[]): string[] {
  const out: string[] = [];
  for (const c of converters)
    for (const type of c.types)
      for (const resource of Object.keys(docType(type)?.resources ?? {}))
        if (!written.get(type)?.has(resource)) out.push(`${type} ${resource}`);
  return out;
}
