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
import { idFields } from "../registry/fields.js";
import { type DocType, REGISTRY } from "../registry/index.js";
import { matches } from "../registry/patterns.js";
import { StringPool } from "../util/strings.js";
import { checkDocuments, DOCUMENT_SCHEMAS } from "./documents.js";
import { type GraphNode, SpaceGraph } from "./graph.js";

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
  /**
   * For an export with --include-teams: also read the space's scoped user roles, the user
   * roles they give and the teams' members (users).
   */
  includeTeams?: boolean;
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

  // A snapshot reads everything it always has (its governance documents are teams and their
  // members; no subscriptions); an export reads what it can write, and the governance documents only with
  // --include-teams.
  const wanted = REGISTRY.filter((t) =>
    options.snapshot
      ? !t.exportOnly && (!t.includeTeams?.read || t.snapshotOnly)
      : t.includeTeams?.read
        ? Boolean(options.includeTeams)
        : !t.snapshotOnly,
  );

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
      const query = first.kind === "collection" && !options.snapshot ? first.exportQuery : undefined;
      return track(
        "collections",
        (under ? client.listUnder(path, under) : client.list(path, { ...query })).catch((err: unknown) => {
          if (err instanceof OctopusApiError && err.status === 404) {
            options.onWarning?.(
              `the server has no ${specs.map((s) => s.label).join(" or ")} collection (${path}); none read`,
            );
            return [] as OctopusDocument[];
          }
          // Teams are read without --include-teams only so others can name them: a key that
          // may not read them (TeamView) reads none.
          if (
            err instanceof OctopusApiError &&
            (err.status === 401 || err.status === 403) &&
            !options.includeTeams &&
            !options.snapshot &&
            specs.every((s) => s.includeTeams)
          ) {
            options.onWarning?.(
              `the API key may not read ${specs.map((s) => s.label).join(" or ")} (${path}); none read, so references to them are dropped`,
            );
            return [] as OctopusDocument[];
          }
          throw err;
        }),
      );
    }),
  );
  // Server-wide documents that belong to the space (by the IDs of its own, or because the
  // space's documents name them) go in last.
  const later: Array<() => void> = [];
  let named: Set<string> | undefined;
  const namedInSpace = (id: string): boolean => {
    if (!named) {
      named = new Set<string>();
      for (const node of graph.nodes.values())
        for (const m of idFields(node.type, node.doc)) for (const one of m.ids) named.add(one);
    }
    return named.has(id);
  };
  [...byPath.values()].forEach((specs, i) => {
    for (const item of lists[i] ?? []) {
      const doc = lean(checked(documentSchema, item));
      const spec = specs.find((t) => t.read.kind !== "subset" || t.read.when(doc));
      if (!spec) continue;
      const schema = COLLECTION_SCHEMAS[spec.type];
      if (schema) checked(schema, doc);
      const belongs = spec.read.kind === "collection" ? spec.read.belongs : undefined;
      if (!belongs) graph.add(spec.type, doc);
      else
        later.push(
          () => belongs(doc, (id) => graph.get(id) !== undefined, namedInSpace) && graph.add(spec.type, doc),
        );
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
  const git: GitReads = { client, base, options, add: (type, doc) => graph.add(type, lean(doc)) };
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
          const variablesRef = spec.type === "VariableSets" ? gitVariablesRef(node) : undefined;
          if (variablesRef) {
            reads.push(track("documents", readGitVariables(git, node, variablesRef)));
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
        const at = (path: string) => `${base}/${path.replace("{id}", encodeURIComponent(node.id))}`;
        const merge = r.merge;
        if (!merge) {
          read(spec.type, at(r.path), (j) => keyedBy(r.idPrefix, r.ownerField, node.id, j));
          continue;
        }
        reads.push(
          track(
            "documents",
            Promise.all([
              client.get(at(r.path)),
              client.get(at(merge.path)).catch((err: unknown) => {
                if (err instanceof OctopusApiError && err.status === 404) return undefined;
                throw err;
              }),
            ]).then(([json, extra]) => {
              const doc = keyedBy(r.idPrefix, r.ownerField, node.id, json);
              if (extra !== undefined) merge.into(doc as Record<string, unknown>, extra);
              graph.add(spec.type, lean(doc));
            }),
          ),
        );
      }
    }
  }
  // A version-controlled project's deployment settings live on its default branch too.
  for (const node of graph.ofType("Projects")) {
    const ref = gitRef(node);
    if (ref) reads.push(track("documents", readGitSettings(git, node, ref)));
  }
  await Promise.all(reads);
  // Documents converters read typed: one not in the expected form is warned about, and kept.
  const warn = (message: string) => options.onWarning?.(message);
  for (const type of Object.keys(DOCUMENT_SCHEMAS)) checkDocuments(graph.ofType(type), warn);
  graph.link();
  return graph;
}

/** What the reads of a version-controlled project's branch need. */
interface GitReads {
  client: OctopusClient;
  base: string;
  options: ReadOptions;
  add: (type: string, doc: OctopusDocument) => void;
}

/**
 * A project whose variables are in git: the non-sensitive ones from its default branch and
 * the sensitive ones from its database set, joined into one set under the database set's ID,
 * as Octopus's MCP server reads them (OctopusDeploy/mcp-server src/tools/getVariables.ts). A
 * branch that cannot be read leaves the database set alone, with a warning naming the project.
 */
async function readGitVariables(git: GitReads, node: GraphNode, ref: string): Promise<void> {
  const project = node.doc as Project;
  const id = typeof project.VariableSetId === "string" ? project.VariableSetId : `variableset-${node.id}`;
  const database = checked(
    variableSetSchema,
    await git.client.get(`${git.base}/variables/${encodeURIComponent(id)}`),
  );
  const branch = await git.client
    .get(`${git.base}/projects/${encodeURIComponent(node.id)}/${encodeURIComponent(ref)}/variables`)
    .then((json) => checked(variableSetSchema, json))
    .catch((err: unknown) => {
      if (!(err instanceof OctopusApiError)) throw err;
      git.options.onWarning?.(
        `project "${String(project.Name)}" keeps its non-sensitive variables on git ref ${ref}, which could not be read (${err.status}): only its database (sensitive) variables are read`,
      );
      return undefined;
    });
  git.add("VariableSets", branch ? joinVariables(database, branch) : database);
}

/** The database set with the branch's variables first; a variable in both is the branch's. */
function joinVariables(database: VariableSet, branch: VariableSet): VariableSet {
  const seen = new Set(branch.Variables.map((v) => v.Id));
  return {
    ...database,
    Variables: [...branch.Variables, ...database.Variables.filter((v) => !seen.has(v.Id))],
  };
}

type VariableSet = z.infer<typeof variableSetSchema>;

/**
 * A version-controlled project's deployment settings, read from its default branch into the
 * project document's own fields (the project document keeps the database's, stale once the
 * project is converted: terraform-provider-octopusdeploy v1.17.0 resource_project.go reads and
 * writes them on `{gitRef}/deploymentsettings`). A branch that cannot be read leaves the
 * document's, with a warning naming the project.
 */
async function readGitSettings(git: GitReads, node: GraphNode, ref: string): Promise<void> {
  const project = node.doc as Project;
  const at = `${git.base}/projects/${encodeURIComponent(node.id)}/${encodeURIComponent(ref)}/deploymentsettings`;
  let settings: Record<string, unknown>;
  try {
    settings = checked(documentSchema, await git.client.get(at)) as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof OctopusApiError)) throw err;
    git.options.onWarning?.(
      `project "${String(project.Name)}" keeps its deployment settings on git ref ${ref}, which could not be read (${err.status}): the project document's are read`,
    );
    return;
  }
  const doc = node.doc as Record<string, unknown>;
  for (const [from, to] of GIT_SETTINGS) if (settings[from] !== undefined) doc[to] = settings[from];
}

/** Deployment settings fields (go-octopusdeploy DeploymentSettings) and the project field each is. */
const GIT_SETTINGS: ReadonlyArray<[string, string]> = [
  ["ConnectivityPolicy", "ProjectConnectivityPolicy"],
  ["DefaultGuidedFailureMode", "DefaultGuidedFailureMode"],
  ["DefaultToSkipIfAlreadyInstalled", "DefaultToSkipIfAlreadyInstalled"],
  ["DeploymentChangesTemplate", "DeploymentChangesTemplate"],
  ["ReleaseNotesTemplate", "ReleaseNotesTemplate"],
  ["VersioningStrategy", "VersioningStrategy"],
];

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

/**
 * The default branch of a project whose non-sensitive variables are in git: a version-controlled
 * project whose ConversionState says so (the test Octopus's MCP server makes, getVariables.ts
 * hasVariablesInGit). One converted before variables could go to git keeps them in the database.
 */
function gitVariablesRef(node: { type: string; doc: OctopusDocument }): string | undefined {
  const ref = gitRef(node);
  if (!ref) return undefined;
  const settings = (node.doc as Project).PersistenceSettings as
    | { ConversionState?: unknown }
    | null
    | undefined;
  const state = settings?.ConversionState as { VariablesAreInGit?: unknown } | null | undefined;
  return state?.VariablesAreInGit === true ? ref : undefined;
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
