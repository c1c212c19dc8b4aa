import type { z } from "zod";
import { OctopusApiError, type OctopusClient } from "../octopus/client.js";
import {
  COLLECTION_SCHEMAS,
  checked,
  documentSchema,
  type OctopusDocument,
  type Project,
  processSchema,
  projectSchema,
  type Space,
  variableSetSchema,
} from "../octopus/schemas.js";
import { type DocType, REGISTRY } from "../registry/index.js";
import { matches } from "../registry/patterns.js";
import { StringPool } from "../util/strings.js";
import { checkDocuments, DOCUMENT_SCHEMAS } from "./documents.js";
import { SpaceGraph } from "./graph.js";

export interface ReadProgress {
  /** Requests for documents finished so far and known so far. */
  done: number;
  total: number;
  phase: "collections" | "documents";
}

export interface ReadOptions {
  onProgress?: (p: ReadProgress) => void;
  /** Called for something the reader skipped, e.g. a collection an older server lacks. */
  onWarning?: (message: string) => void;
  /** Also read what only snapshots carry: releases and deployments. */
  snapshot?: boolean;
}

/**
 * Reads a whole space into a SpaceGraph: every page of every collection concurrently, then
 * the documents only reachable one by one (variable sets, processes, tenant variables).
 * Each document is fetched once.
 */
export async function readSpace(
  client: OctopusClient,
  space: Space,
  options: ReadOptions = {},
): Promise<SpaceGraph> {
  const root = await client.root();
  const graph = new SpaceGraph(space, root.Version);
  const pool = new StringPool();
  const lean = <T extends OctopusDocument>(doc: T): T => pool.share(serverOnlyRemoved(doc));
  const base = `/api/${encodeURIComponent(space.Id)}`;
  const progress = { done: 0, total: 0 };
  const report = (phase: ReadProgress["phase"]) => options.onProgress?.({ ...progress, phase });
  const track = async <T>(phase: ReadProgress["phase"], work: Promise<T>): Promise<T> => {
    progress.total++;
    try {
      return await work;
    } finally {
      progress.done++;
      report(phase);
    }
  };

  const wanted = REGISTRY.filter((t) => !t.snapshotOnly || options.snapshot);

  // Every collection is listed once; a document goes to the first type it is of (script
  // modules and library sets share one collection).
  const byPath = new Map<string, DocType[]>();
  for (const spec of wanted) {
    if (spec.read.kind !== "collection" && spec.read.kind !== "subset") continue;
    const path =
      spec.read.kind === "collection" && spec.read.scope === "server"
        ? `/api/${spec.read.path}`
        : `${base}/${spec.read.path}`;
    byPath.set(path, [...(byPath.get(path) ?? []), spec]);
  }
  const lists = await Promise.all(
    [...byPath].map(([path, specs]) => {
      const first = specs[0]!.read;
      const under = first.kind === "collection" ? first.list : undefined;
      return track(
        "collections",
        (under ? client.listUnder(path, under) : client.list(path)).catch((err: unknown) => {
          if (err instanceof OctopusApiError && err.status === 404) {
            options.onWarning?.(
              `the server has no ${specs.map((s) => s.label).join(" or ")} collection (${path}); none read`,
            );
            return [] as OctopusDocument[];
          }
          throw err;
        }),
      );
    }),
  );
  // Server-wide documents that belong to the space (by the IDs of its own) go in last.
  const later: Array<() => void> = [];
  [...byPath.values()].forEach((specs, i) => {
    for (const item of lists[i] ?? []) {
      const doc = lean(checked(documentSchema, item));
      const spec = specs.find((t) => t.read.kind !== "subset" || t.read.when(doc));
      if (!spec) continue;
      const schema = COLLECTION_SCHEMAS[spec.type];
      if (schema) checked(schema, doc);
      const belongs = spec.read.kind === "collection" ? spec.read.belongs : undefined;
      if (!belongs) graph.add(spec.type, doc);
      else later.push(() => belongs(doc, (id) => graph.get(id) !== undefined) && graph.add(spec.type, doc));
    }
  });
  for (const add of later) add();

  const reads: Array<Promise<void>> = [];
  const read = (
    type: string,
    path: string,
    parse: (json: unknown) => OctopusDocument = (j) => checked(documentSchema, j),
  ) => {
    reads.push(
      track(
        "documents",
        client.get(path).then((json) => {
          graph.add(type, lean(parse(json)));
        }),
      ),
    );
  };
  const schemas: Record<string, z.ZodType<OctopusDocument>> = {
    VariableSets: variableSetSchema,
    DeploymentProcesses: processSchema,
    RunbookProcesses: processSchema,
  };

  for (const spec of wanted) {
    const r = spec.read;
    const schema = schemas[spec.type] ?? documentSchema;
    if (r.kind === "by-reference") {
      const ids = new Set<string>();
      for (const from of r.from) {
        for (const node of graph.ofType(from.type)) {
          const ref = spec.type === "DeploymentProcesses" ? gitRef(node) : undefined;
          if (ref) {
            // A version-controlled project's process lives on its default branch.
            const at = `${base}/projects/${encodeURIComponent(node.id)}/${encodeURIComponent(ref)}/deploymentprocesses`;
            read(spec.type, at, (j) => withId(checked(processSchema, j)));
            continue;
          }
          for (const m of matches(node.doc, from.field))
            if (typeof m.value === "string" && m.value) ids.add(m.value);
        }
      }
      const root = r.scope === "server" ? "/api" : base;
      for (const id of [...ids].sort())
        read(spec.type, `${root}/${r.path.replace("{id}", encodeURIComponent(id))}`, (j) =>
          checked(schema, j),
        );
    } else if (r.kind === "per-document") {
      for (const node of graph.ofType(r.of)) {
        read(spec.type, `${base}/${r.path.replace("{id}", encodeURIComponent(node.id))}`, (j) =>
          keyedBy(r.idPrefix, r.ownerField, node.id, j),
        );
      }
    }
  }
  await Promise.all(reads);
  // Documents converters read typed: one not in the expected form is warned about, and kept.
  const warn = (message: string) => options.onWarning?.(message);
  for (const type of Object.keys(DOCUMENT_SCHEMAS)) checkDocuments(graph.ofType(type), warn);
  graph.link();
  return graph;
}

/**
 * What the server adds for its own clients and nothing here reads or writes back: a
 * document's Links, and a variable set's ScopeValues (the variable editor's choices, which
 * list every environment and target: at 2,000 projects, a third of the space's bytes).
 */
const SERVER_ONLY = ["Links", "ScopeValues"] as const;

function serverOnlyRemoved<T extends OctopusDocument>(doc: T): T {
  for (const key of SERVER_ONLY) delete (doc as Record<string, unknown>)[key];
  return doc;
}

/** A version-controlled project's default branch, as a git ref. */
function gitRef(node: { type: string; doc: OctopusDocument }): string | undefined {
  if (node.type !== "Projects") return undefined;
  const project = projectSchema.parse(node.doc) as Project;
  if (!project.IsVersionControlled) return undefined;
  const settings = project.PersistenceSettings as { DefaultBranch?: unknown } | null | undefined;
  const branch =
    typeof settings?.DefaultBranch === "string" && settings.DefaultBranch ? settings.DefaultBranch : "main";
  return branch.startsWith("refs/") ? branch : `refs/heads/${branch}`;
}

/** Processes of version-controlled projects carry no database ID; give them a stable one. */
function withId<T extends { Id?: string; ProjectId?: string | null }>(doc: T): T & { Id: string } {
  return { ...doc, Id: doc.Id || `deploymentprocess-${doc.ProjectId ?? "unknown"}` };
}

/** A document with no Id of its own (a tenant's variables): keyed by its owner. */
function keyedBy(prefix: string, ownerField: string, ownerId: string, json: unknown): OctopusDocument {
  const doc = (json && typeof json === "object" ? json : {}) as Record<string, unknown>;
  return checked(documentSchema, { ...doc, Id: `${prefix}${ownerId}`, [ownerField]: ownerId });
}
