import { OctopusApiError, type OctopusClient } from "../octopus/client.js";
import {
  checked,
  documentSchema,
  type OctopusDocument,
  type Project,
  processSchema,
  projectSchema,
  type Space,
  variableSetSchema,
} from "../octopus/schemas.js";
import { StringPool } from "../util/strings.js";
import { SpaceGraph } from "./graph.js";
import { DOC_TYPES } from "./types.js";

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

  const collections = DOC_TYPES.filter(
    (t) => t.collection !== undefined && (!t.snapshotOnly || options.snapshot),
  );
  const lists = await Promise.all(
    collections.map((spec) =>
      track(
        "collections",
        client.list(`${base}/${spec.collection}`).catch((err: unknown) => {
          if (err instanceof OctopusApiError && err.status === 404) {
            options.onWarning?.(`the server has no ${spec.label} collection (${spec.collection}); none read`);
            return [] as OctopusDocument[];
          }
          throw err;
        }),
      ),
    ),
  );
  collections.forEach((spec, i) => {
    for (const item of lists[i] ?? []) {
      const doc = lean(checked(documentSchema, item));
      const type = spec.type === "LibraryVariableSets" && isScriptModule(doc) ? "ScriptModules" : spec.type;
      graph.add(type, doc);
    }
  });

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

  for (const node of graph.ofType("Projects")) {
    const project = projectSchema.parse(node.doc);
    const ref = gitRef(project);
    if (ref) {
      const projectBase = `${base}/projects/${encodeURIComponent(project.Id)}/${encodeURIComponent(ref)}`;
      read("DeploymentProcesses", `${projectBase}/deploymentprocesses`, (j) =>
        withId(checked(processSchema, j)),
      );
      read("VariableSets", `${base}/variables/${encodeURIComponent(project.VariableSetId ?? "")}`, (j) =>
        checked(variableSetSchema, j),
      );
      continue;
    }
    if (project.DeploymentProcessId) {
      read(
        "DeploymentProcesses",
        `${base}/deploymentprocesses/${encodeURIComponent(project.DeploymentProcessId)}`,
        (j) => checked(processSchema, j),
      );
    }
    if (project.VariableSetId) {
      read("VariableSets", `${base}/variables/${encodeURIComponent(project.VariableSetId)}`, (j) =>
        checked(variableSetSchema, j),
      );
    }
  }
  for (const type of ["LibraryVariableSets", "ScriptModules"]) {
    for (const node of graph.ofType(type)) {
      const setId = (node.doc as { VariableSetId?: unknown }).VariableSetId;
      if (typeof setId === "string" && setId) {
        read("VariableSets", `${base}/variables/${encodeURIComponent(setId)}`, (j) =>
          checked(variableSetSchema, j),
        );
      }
    }
  }
  for (const node of graph.ofType("Runbooks")) {
    const processId = (node.doc as { RunbookProcessId?: unknown }).RunbookProcessId;
    if (typeof processId === "string" && processId) {
      read("RunbookProcesses", `${base}/runbookProcesses/${encodeURIComponent(processId)}`, (j) =>
        checked(processSchema, j),
      );
    }
  }
  for (const node of graph.ofType("Tenants")) {
    read("TenantVariables", `${base}/tenants/${encodeURIComponent(node.id)}/variables`, (j) =>
      tenantVariables(node.id, j),
    );
  }
  const members = new Set<string>();
  for (const node of graph.ofType("Teams"))
    for (const id of ((node.doc as { MemberUserIds?: unknown }).MemberUserIds ?? []) as unknown[])
      if (typeof id === "string") members.add(id);
  for (const id of [...members].sort()) read("Users", `/api/users/${encodeURIComponent(id)}`);
  await Promise.all(reads);
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

function isScriptModule(doc: OctopusDocument): boolean {
  return (doc as { ContentType?: unknown }).ContentType === "ScriptModule";
}

/** A version-controlled project's default branch, as a git ref. */
function gitRef(project: Project): string | undefined {
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

/** The tenant variables document has no Id of its own: key it by tenant. */
function tenantVariables(tenantId: string, json: unknown): OctopusDocument {
  const doc = (json && typeof json === "object" ? json : {}) as Record<string, unknown>;
  return checked(documentSchema, { ...doc, Id: `TenantVariables-${tenantId}`, TenantId: tenantId });
}
