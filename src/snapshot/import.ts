import { type GraphNode, SpaceGraph } from "../graph/graph.js";
import { identityOf } from "../graph/identity.js";
import { readSpace } from "../graph/reader.js";
import type { OctopusClient } from "../octopus/client.js";
import type { Space } from "../octopus/schemas.js";
import { type IdMatch, idFields, isExpression } from "../registry/fields.js";
import { type Doc, docType, REGISTRY, singularOf } from "../registry/index.js";
import { mergeScopedCommonVariables } from "../registry/library.js";
import { OctoportError } from "../util/errors.js";
import type { SnapshotKey } from "./crypto.js";
import { secretKey } from "./export.js";
import type { Snapshot } from "./format.js";
import {
  type IdentityEntry,
  type IdentityRecord,
  readIdentities,
  type SourceIdentities,
  sourceKey,
  writeIdentities,
} from "./identities.js";
import { findMade, ImportJournal, undoWrites } from "./journal.js";
import { MASKED, MASKED_NEW, maskSecrets, scrubText } from "./mask.js";
import { isObject, type Json, type JsonObject, locate, secretSpots, sensitiveShapes } from "./paths.js";

/**
 * Snapshot import (docs/snapshot.md): documents are matched to the destination's by what the
 * identity record says earlier imports of the same source made of them (identities.ts), else by
 * name (within their project, owner or tenant, the owner by what it became on the destination),
 * never by a source ID; references are remapped to the destination's IDs; what exists is
 * skipped, or with `overwrite` replaced wholly, except variable sets, which are merged
 * (variables only the destination has are kept). Every write is journaled
 * ahead of itself (see journal.ts); on any failure, or when `signal` aborts, the journal is
 * rolled back in reverse. An import stopped harder than that (kill -9) is finished with
 * `resume` (the documents its journal made count as made by this import, so they and what
 * they own are written as a clean import writes them) or undone with rollbackImport.
 */

export interface ImportOptions {
  dryRun?: boolean;
  overwrite?: boolean;
  allowVersionMismatch?: boolean;
  /** Where to keep the journal on disk while importing (mode 0600, never overwritten); in memory only when absent. */
  journalFile?: string;
  /** An interrupted import's journal to finish (appended to; its overwrite choice is kept). */
  resume?: string;
  /**
   * The identity record (identities.ts): read before matching by name, and rewritten (merged
   * with what it held) once the import completes. None read or written when absent.
   */
  identities?: string;
  /** Stops the import before its next write and rolls it back (Ctrl-C, SIGTERM). */
  signal?: AbortSignal;
  onProgress?: (text: string) => void;
}

/** The import was stopped by its signal; everything it wrote was rolled back. */
export class ImportInterrupted extends OctoportError {}

export type ActionKind = "create" | "update" | "merge" | "skip";

export interface PlannedAction {
  kind: ActionKind;
  type: string;
  /** How people know it: `Projects "Orders API"`. */
  what: string;
  /** Changed fields, for updates and merges. */
  diff: string[];
  reason?: string;
}

export interface ImportReport {
  actions: PlannedAction[];
  warnings: string[];
  dryRun: boolean;
  /** Writes made (0 on a dry run). */
  writes: number;
  /** Documents left as they are (their owner exists) that differ from the snapshot. */
  differing: number;
  /** The journal file, when on disk. */
  journal?: string;
  /** The identity record written (a completed real run with `identities`). */
  identities?: string;
}

/** The order documents are written in: the registry's (each only refers to types before it). */
const ORDER = REGISTRY.filter((t) => t.identity !== "none").map((t) => t.type);

/**
 * Types whose documents the identity record keeps: those that have a name of their own (alone,
 * or within their project). What an owner owns (its process, variables) follows its owner.
 */
const RECORDED = new Set(
  REGISTRY.filter((t) => t.identity === "name" || t.identity === "name-in-project").map((t) => t.type),
);

/** Server bookkeeping that is never compared or written back. */
const BOOKKEEPING = new Set([
  "Id",
  "SpaceId",
  "Links",
  "Version",
  "LastModifiedOn",
  "LastModifiedBy",
  "ScopeValues",
]);

/** Fields a document's owned documents' IDs are in: the server sets them, the import maps them by owner. */
const OWNED_FIELDS = new Set(["VariableSetId", "DeploymentProcessId", "RunbookProcessId"]);

/** Why a document is written a second time. */
const SECOND_PASS = "references documents imported after it";

/** A reference to a document of the snapshot that has no destination ID yet (imported later). */
interface Pending {
  /** Where, for people: `Templates[Signing certificate].DefaultValue`. */
  path: string;
  target: GraphNode;
}

/** A value (or key) removed from what is sent. */
const DROP: unique symbol = Symbol("drop");

/** What a document's ID-holding places become, by the object or array holding each. */
interface Resolved {
  values: Map<object, Map<string, Json | typeof DROP>>;
  keys: Map<object, Map<string, string | typeof DROP>>;
  pending: Pending[];
  /** The document, for warnings. */
  what: string;
  /** The last pass: a reference still without a destination ID is dropped with a warning. */
  final: boolean;
}

/** IDs of built-in documents (`feeds-builtin`, `teams-administrators`) are the same on every server. */
const isWellKnown = (id: string) => !/-\d+$/.test(id);

export async function importSnapshot(
  client: OctopusClient,
  space: Space,
  snapshot: Snapshot,
  key: SnapshotKey,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const root = await client.root();
  const sourceVersion = snapshot.metadata.source.serverVersion;
  if (root.Version !== sourceVersion && !options.allowVersionMismatch) {
    throw new OctoportError(
      `the snapshot is from Octopus ${sourceVersion} and the destination runs ${root.Version}; import between the same versions, or pass --allow-version-mismatch`,
    );
  }
  options.onProgress?.(`reading the destination space ${space.Name}`);
  const destination = await readSpace(client, space, { snapshot: true });
  const source = snapshotGraph(snapshot);
  let journal: ImportJournal | undefined;
  if (!options.dryRun) {
    if (options.resume) {
      journal = ImportJournal.reopen(options.resume);
      checkResumable(journal, options.resume, client, space, snapshot);
      journal.note({ op: "resumed", at: new Date().toISOString() });
      // Writes whose answer was lost: what they made is found by name, and recorded.
      for (const w of journal.writes)
        if (w.method === "POST" && !w.done) {
          const id = await findMade(client, w);
          if (id !== undefined) journal.done(w.seq, id);
        }
    } else {
      journal = ImportJournal.create(options.journalFile, {
        server: client.server,
        space: { Id: space.Id, Name: String(space.Name) },
        snapshot: snapshot.metadata.mac,
        overwrite: options.overwrite === true,
      });
    }
  }
  const overwrite = options.overwrite === true || journal?.header.overwrite === true;
  const record = options.identities
    ? readIdentities(options.identities, { server: client.server, space: space.Id })
    : undefined;
  const run = new ImportRun(
    client,
    space,
    source,
    destination,
    snapshot,
    key,
    { ...options, overwrite },
    journal,
    record,
  );
  try {
    return await run.execute();
  } finally {
    journal?.close();
  }
}

function checkResumable(
  journal: ImportJournal,
  file: string,
  client: OctopusClient,
  space: Space,
  snapshot: Snapshot,
): void {
  const h = journal.header;
  if (journal.status === "complete")
    throw new OctoportError(
      `the journal ${file} records an import that finished; there is nothing to resume`,
    );
  if (journal.status === "rolled-back")
    throw new OctoportError(`the journal ${file} records an import that was rolled back; run a new import`);
  if (h.server !== client.server || h.space.Id !== space.Id)
    throw new OctoportError(
      `the journal ${file} is of an import into space ${h.space.Name} (${h.space.Id}) on ${h.server}; resume it there`,
    );
  if (h.snapshot !== snapshot.metadata.mac)
    throw new OctoportError(
      `the journal ${file} is of an import of another snapshot; resume it with that snapshot`,
    );
}

/**
 * Undoes an import from its journal (an interrupted one, or a finished one whose journal was
 * kept): everything it made is deleted, everything it changed put back.
 */
export async function rollbackImport(
  client: OctopusClient,
  file: string,
  options: { stop?: () => boolean; onProgress?: (text: string) => void } = {},
): Promise<{ done: number; failed: string[]; stopped: boolean; space: { Id: string; Name: string } }> {
  const journal = ImportJournal.reopen(file);
  try {
    const h = journal.header;
    if (h.server !== client.server)
      throw new OctoportError(
        `the journal ${file} is of an import into ${h.server}; pass --server ${h.server}`,
      );
    if (journal.status === "rolled-back") return { done: 0, failed: [], stopped: false, space: h.space };
    const result = await undoWrites(client, journal, {
      stop: options.stop,
      onProgress: (done, total) => options.onProgress?.(`rolling back: ${done}/${total}`),
    });
    return { ...result, space: h.space };
  } finally {
    journal.close();
  }
}

/** The snapshot's documents as a graph, to name them and find what they refer to. */
function snapshotGraph(snapshot: Snapshot): SpaceGraph {
  const m = snapshot.metadata;
  const graph = new SpaceGraph(
    { Id: m.source.space.Id, Name: m.source.space.Name } as Space,
    m.source.serverVersion,
  );
  for (const [path, doc] of snapshot.documents) {
    const type = path.slice(0, path.indexOf("/"));
    graph.add(type, doc as never);
  }
  graph.link();
  return graph;
}

class ImportRun {
  private readonly ids = new Map<string, string>();
  private readonly journal: ImportJournal;
  /** Destination IDs an earlier, interrupted run of this import made (--resume). */
  private readonly madeBefore: Set<string>;
  private differing = 0;
  private readonly openedValues = new Set<string>();
  private readonly actions: PlannedAction[] = [];
  private readonly warnings: string[] = [];
  private readonly created = new Set<string>();
  /** Projects written without their automatic release creation, turned on at the end. */
  private readonly releaseCreationHeld = new Set<string>();
  /** The destination's documents by what identifies them within their owner (see keyOf). */
  private readonly byKey = new Map<string, GraphNode[]>();
  /** Each source document's counterpart on the destination, found before anything is written. */
  private readonly matches = new Map<string, GraphNode>();
  /** Destination documents already the counterpart of a source document. */
  private readonly claimed = new Set<string>();
  /** What the identity record held for this source (its documents and items). */
  private readonly known: SourceIdentities;
  /** What this import leaves: source documents' destination names, items' destination IDs and names. */
  private readonly leftNames = new Map<string, string>();
  private readonly leftItems = new Map<string, IdentityEntry>();
  /** Variables matched to the destination's: source ID to destination ID. */
  private readonly variableIds = new Map<string, string>();
  /** Items a document's last body renamed (`step "Old" -> "New"`), for the dry run. */
  private readonly renamed = new Map<string, string[]>();
  private readonly base: string;
  private writes = 0;
  /** References of each document to documents imported after it, from its last body. */
  private readonly pending = new Map<string, Pending[]>();
  /** Where each document was written (on a dry run, where it would be). */
  private readonly writtenAt = new Map<string, string>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly client: OctopusClient,
    private readonly space: Space,
    private readonly source: SpaceGraph,
    private readonly destination: SpaceGraph,
    private readonly snapshot: Snapshot,
    private readonly key: SnapshotKey,
    private readonly options: ImportOptions,
    journal: ImportJournal | undefined,
    private readonly record: IdentityRecord | undefined,
  ) {
    this.journal =
      journal ??
      ImportJournal.create(undefined, {
        server: client.server,
        space: { Id: space.Id, Name: String(space.Name) },
        snapshot: snapshot.metadata.mac,
        overwrite: options.overwrite === true,
      });
    this.madeBefore = new Set(
      this.journal.writes
        .filter((w) => w.method === "POST" && w.id !== undefined && !w.undone)
        .map((w) => w.id!),
    );
    this.base = `/api/${space.Id}`;
    this.ids.set(source.space.Id, space.Id);
    const from = sourceKey(snapshot.metadata.source.server, snapshot.metadata.source.space.Id);
    this.known = record?.sources[from] ?? { documents: {}, items: {} };
    for (const node of destination.nodes.values()) {
      const key = keyOf(destination, node, (id) => (typeof id === "string" ? id : undefined));
      if (key === undefined) continue;
      const list = this.byKey.get(key);
      if (list) list.push(node);
      else this.byKey.set(key, [node]);
    }
  }

  /**
   * Finds every source document's counterpart on the destination, type by type in the order
   * of writing (so an owner's is known before what it owns): first what the identity record
   * says an earlier import made of it, then by name within its owner; a destination document
   * is the counterpart of one source document at most.
   */
  private matchAll(): void {
    for (const type of ORDER) {
      const nodes = this.source.ofType(type);
      for (const node of nodes) this.match(node, this.recorded(node));
      for (const node of nodes) if (!this.matches.has(node.id)) this.match(node, this.named(node));
    }
  }

  private match(node: GraphNode, there: GraphNode | undefined): void {
    if (!there) return;
    this.matches.set(node.id, there);
    this.claimed.add(there.id);
    this.ids.set(node.id, there.id);
  }

  /**
   * The destination document the identity record says `node` became, while it is still there:
   * the same ID, type and name as the import left it, in the project `node`'s project became.
   */
  private recorded(node: GraphNode): GraphNode | undefined {
    const entry = this.known.documents[`${node.type}/${node.id}`];
    if (!entry) return undefined;
    const there = this.destination.get(entry.id);
    if (!there || there.type !== node.type || there.name !== entry.name || this.claimed.has(there.id))
      return undefined;
    const project = (node.doc as JsonObject).ProjectId;
    if (typeof project === "string" && (there.doc as JsonObject).ProjectId !== this.ids.get(project))
      return undefined;
    return there;
  }

  /** The destination document of the same name (within the same owner), not yet taken. */
  private named(node: GraphNode): GraphNode | undefined {
    const key = keyOf(this.source, node, (id) => (typeof id === "string" ? this.ids.get(id) : undefined));
    return key === undefined ? undefined : this.byKey.get(key)?.find((n) => !this.claimed.has(n.id));
  }

  /**
   * Pairs a document's items (steps, actions, variables, templates) with the destination's: by
   * the identity record, then by the same ID (IDs of items are GUIDs a client may choose, which
   * an import keeps when it adds one), then by `same` (the name, or a variable's name and
   * scope). Each destination item is paired once.
   */
  private pairItems(
    kind: string,
    items: JsonObject[],
    theirs: JsonObject[],
    same: (a: JsonObject, b: JsonObject) => boolean = (a, b) => a.Name === b.Name,
  ): Map<JsonObject, JsonObject> {
    const pairs = new Map<JsonObject, JsonObject>();
    const taken = new Set<JsonObject>();
    const pair = (item: JsonObject, find: (t: JsonObject) => boolean) => {
      if (pairs.has(item)) return;
      const found = theirs.find((t) => !taken.has(t) && find(t));
      if (found) {
        pairs.set(item, found);
        taken.add(found);
      }
    };
    for (const item of items) {
      const entry = typeof item.Id === "string" ? this.known.items[`${kind}/${item.Id}`] : undefined;
      if (entry) pair(item, (t) => t.Id === entry.id && t.Name === entry.name);
    }
    for (const item of items) if (typeof item.Id === "string" && item.Id) pair(item, (t) => t.Id === item.Id);
    for (const item of items) pair(item, (t) => same(item, t));
    return pairs;
  }

  /**
   * Notes what a document's items became, from the document as it is on the destination once
   * written (or left): each item where the import sent it (its matched ID, or its own), else,
   * when it was written (`before` holds the items it had), a new item of the same name the
   * server gave its own ID; never one the destination had before.
   */
  private noteItems(
    kind: string,
    items: JsonObject[],
    theirs: JsonObject[],
    sent: (id: string) => string,
    before: JsonObject[] | undefined,
  ): void {
    const byId = new Map(theirs.filter((t) => typeof t.Id === "string").map((t) => [t.Id as string, t]));
    const used = new Set<JsonObject>();
    const later: JsonObject[] = [];
    for (const item of items) {
      if (typeof item.Id !== "string") continue;
      const there = byId.get(sent(item.Id));
      if (there && !used.has(there)) {
        used.add(there);
        this.leftItems.set(`${kind}/${item.Id}`, { id: String(there.Id), name: String(there.Name ?? "") });
      } else later.push(item);
    }
    if (!before) return;
    const sentIds = new Set(items.map((i) => (typeof i.Id === "string" ? sent(i.Id) : "")));
    const had = new Set(before.map((b) => String(b.Id)));
    for (const item of later) {
      const there = theirs.find(
        (t) => !used.has(t) && !sentIds.has(String(t.Id)) && !had.has(String(t.Id)) && t.Name === item.Name,
      );
      if (!there) continue;
      used.add(there);
      this.leftItems.set(`${kind}/${item.Id}`, { id: String(there.Id), name: String(there.Name ?? "") });
    }
  }

  /**
   * Notes the items of `node` as the destination holds them: `final` is the server's answer to
   * a write (`before`: the document as it was) or, without `before`, the document left as it is.
   */
  private noteDocument(node: GraphNode, final: JsonObject | undefined, before?: JsonObject): void {
    if (!final || this.options.dryRun) return;
    const d = node.doc as JsonObject;
    const list = (v: unknown) => (Array.isArray(v) ? v : []) as JsonObject[];
    const mapped = (id: string) => this.ids.get(id) ?? id;
    const had = (field: string) => (before ? list(before[field]) : undefined);
    const actions = (doc: JsonObject) => list(doc.Steps).flatMap((s) => list(s.Actions));
    if (node.type === "DeploymentProcesses" || node.type === "RunbookProcesses") {
      this.noteItems("Steps", list(d.Steps), list(final.Steps), mapped, had("Steps"));
      this.noteItems("Actions", actions(d), actions(final), mapped, before ? actions(before) : undefined);
    } else if (node.type === "VariableSets") {
      const sent = (id: string) => this.variableIds.get(id) ?? id;
      this.noteItems("Variables", list(d.Variables), list(final.Variables), sent, had("Variables"));
    } else if (Array.isArray(d.Templates)) {
      this.noteItems("Templates", list(d.Templates), list(final.Templates), mapped, had("Templates"));
    }
  }

  /** The record with what this import left merged in, for the next import of the same source. */
  private identitiesLeft(): IdentityRecord | undefined {
    if (!this.record) return undefined;
    const documents = { ...this.known.documents };
    for (const node of this.source.nodes.values()) {
      const id = this.ids.get(node.id);
      const name = this.leftNames.get(node.id);
      if (id !== undefined && name !== undefined && RECORDED.has(node.type))
        documents[`${node.type}/${node.id}`] = { id, name };
    }
    const items = { ...this.known.items, ...Object.fromEntries(this.leftItems) };
    const from = sourceKey(this.snapshot.metadata.source.server, this.snapshot.metadata.source.space.Id);
    return { ...this.record, sources: { ...this.record.sources, [from]: { documents, items } } };
  }

  async execute(): Promise<ImportReport> {
    try {
      // What the destination has already: a reference to it needs no second pass.
      this.matchAll();
      for (const type of ORDER) {
        for (const node of this.source.ofType(type)) await this.importOne(node);
      }
      await this.secondPass();
      await this.releaseCreation();
      for (const type of new Set([...this.source.nodes.values()].map((n) => n.type))) {
        if (!ORDER.includes(type))
          this.warnings.push(
            type === "Deployments"
              ? `${this.source.ofType(type).length} deployment(s) are history kept in the snapshot: the API cannot create a deployment without running it`
              : type === "ServerTasks"
                ? `${this.source.ofType(type).length} task(s) and their logs are history kept in the snapshot: the API cannot create tasks`
                : `${type} documents are not imported`,
          );
      }
      const missing = this.snapshot.metadata.secrets.missing.length;
      if (missing)
        this.warnings.push(
          `${missing} sensitive value(s) were not in the snapshot (see its metadata.json); set them on the destination`,
        );
      if (this.differing)
        this.warnings.push(
          `${this.differing} document(s) whose owner exists differ from the snapshot and were left as they are; --overwrite replaces them`,
        );
    } catch (err) {
      if (this.options.dryRun) throw err;
      const interrupted = err instanceof ImportInterrupted;
      this.options.onProgress?.(
        interrupted ? "interrupted: rolling back" : "the import failed: rolling back",
      );
      const undone = await undoWrites(this.client, this.journal, {
        onProgress: (done, total) => this.options.onProgress?.(`rolling back: ${done}/${total}`),
      });
      // A server may echo what it was sent: no sensitive value reaches the message.
      const cause = scrubText(err instanceof Error ? err.message : String(err), this.openedValues);
      const file = this.journal.file;
      const outcome = undone.failed.length
        ? `rolling back left ${undone.failed.length} change(s) in place: ${scrubText(undone.failed.slice(0, 5).join("; "), this.openedValues)}${file ? `; retry with --rollback ${file}` : ""}`
        : `all ${undone.done} change(s) were rolled back, so the destination is as it was`;
      const message = interrupted
        ? `the import was interrupted; ${outcome}`
        : `the import failed (${cause}); ${outcome}`;
      throw interrupted
        ? new ImportInterrupted(message, { exitCode: (err as ImportInterrupted).exitCode, cause: err })
        : new OctoportError(message, { cause: err });
    }
    let identities: string | undefined;
    if (!this.options.dryRun) {
      this.journal.end("complete");
      // Only a completed import says what the source's documents became.
      const left = this.identitiesLeft();
      if (left && this.options.identities) {
        try {
          writeIdentities(this.options.identities, left);
          identities = this.options.identities;
        } catch (err) {
          this.warnings.push(
            `${err instanceof Error ? err.message : String(err)}; the import is complete, but the next one finds renamed documents by name only`,
          );
        }
      }
    }
    return {
      actions: this.actions,
      warnings: this.warnings,
      dryRun: this.options.dryRun === true,
      writes: this.writes,
      differing: this.differing,
      journal: this.journal.file,
      identities,
    };
  }

  private async importOne(node: GraphNode): Promise<void> {
    const what = `${node.type} ${describe(this.source, node)}`;
    switch (node.type) {
      case "VariableSets":
        return this.importVariableSet(node, what);
      case "DeploymentProcesses":
      case "RunbookProcesses":
        return this.importOwned(node, what, this.processPath(node));
      case "Users":
        return this.importUser(node, what);
      case "Teams":
        return this.importTeam(node, what);
      case "TenantVariables": {
        const tenant = this.mapped(String((node.doc as JsonObject).TenantId));
        return this.importOwned(node, what, tenant ? `${this.base}/tenants/${tenant}/variables` : undefined);
      }
      default:
        return this.importDocument(node, what);
    }
  }

  /** A document of its own collection: created, or matched and skipped or overwritten. */
  private async importDocument(node: GraphNode, what: string): Promise<void> {
    const read = docType(node.type)?.read;
    // Server-wide documents (deployment freezes) are written outside the space.
    const collection =
      read?.kind === "collection" && read.scope === "server"
        ? `/api/${read.path}`
        : read?.kind === "collection"
          ? `${this.base}/${read.write ?? read.path}`
          : read?.kind === "subset"
            ? `${this.base}/${read.path}`
            : undefined;
    if (!collection) {
      this.warnings.push(`${what} cannot be imported: octoport has no path for ${node.type}`);
      return;
    }
    const existing: { id: string; doc: unknown; name?: string; madeWithOwner?: true } | undefined =
      this.matches.get(node.id) ?? (await this.madeWithOwner(node));
    if (existing) {
      this.ids.set(node.id, existing.id);
      this.mapOwned(node, existing.doc as JsonObject);
      this.mapSubIds(node, existing.doc as JsonObject);
      const current = existing.doc as JsonObject;
      // Found by the identity record under the name it had: the source renamed it.
      const renamed =
        existing.name !== undefined && existing.name !== node.name
          ? `renamed "${existing.name}" -> "${node.name}"`
          : undefined;
      const change = () => [renamed, ...(this.renamed.get(node.id) ?? [])].filter(Boolean).join("; ");
      if (existing.madeWithOwner || this.madeBefore.has(existing.id) || this.ownerIsNew(node)) {
        // Made by this import: with an owner it created (a project's Default channel), or by
        // the interrupted run this one resumes. It is written as a clean import writes it.
        this.created.add(node.id);
        this.leftNames.set(node.id, node.name);
        const body = this.body(node, current);
        const diff = diffDocs(node.type, current, body);
        if (!diff.length) {
          this.actions.push({ kind: "skip", type: node.type, what, diff, reason: "unchanged" });
          this.noteDocument(node, current);
          return;
        }
        this.actions.push({ kind: "update", type: node.type, what, diff, ...reason(change()) });
        this.noteDocument(
          node,
          await this.put(node, `${collection}/${existing.id}`, body, what, current),
          current,
        );
        return;
      }
      if (!this.options.overwrite) {
        this.leftNames.set(node.id, existing.name ?? node.name);
        this.actions.push({
          kind: "skip",
          type: node.type,
          what,
          diff: [],
          reason: renamed ? `exists; ${renamed} on the source, which --overwrite carries` : "exists",
        });
        this.noteDocument(node, current);
        return;
      }
      this.leftNames.set(node.id, node.name);
      const body = this.body(node, current);
      const diff = diffDocs(node.type, current, body);
      if (!diff.length) {
        this.actions.push({ kind: "skip", type: node.type, what, diff, reason: "unchanged" });
        this.noteDocument(node, current);
        return;
      }
      this.actions.push({ kind: "update", type: node.type, what, diff, ...reason(change()) });
      this.noteDocument(node, await this.put(node, `${collection}/${existing.id}`, body, what), current);
      return;
    }
    if (this.options.dryRun && this.defaultChannelOfNew(node)) {
      // The server makes this channel with the project; the real run updates it.
      this.ids.set(node.id, `(new ${node.id})`);
      this.created.add(node.id);
      this.actions.push({ kind: "update", type: node.type, what, diff: ["(made with its project)"] });
      return;
    }
    this.actions.push({ kind: "create", type: node.type, what, diff: [] });
    const body = this.body(node, undefined);
    for (const owned of ["VariableSetId", "DeploymentProcessId", "RunbookProcessId"]) delete body[owned];
    if (this.options.dryRun) {
      this.ids.set(node.id, `(new ${node.id})`);
      this.created.add(node.id);
      this.writtenAt.set(node.id, "(new)");
      return;
    }
    const path = collection;
    const made = (await this.write("POST", path, body, {
      type: node.type,
      what,
      match: matchFields(node.type, body),
    })) as JsonObject;
    const id = String(made.Id);
    this.ids.set(node.id, id);
    this.writtenAt.set(node.id, `${path}/${id}`);
    this.created.add(node.id);
    this.leftNames.set(node.id, node.name);
    this.mapOwned(node, made);
    this.mapSubIds(node, made);
    this.noteDocument(node, made, {});
  }

  /** A channel of a project this import made: the server made it along with the project. */
  private ownerIsNew(node: GraphNode): boolean {
    return node.type === "Channels" && this.created.has(String((node.doc as JsonObject).ProjectId));
  }

  /** Dry run: the channel a new project gets from the server (Octopus names it "Default"). */
  private defaultChannelOfNew(node: GraphNode): boolean {
    return this.ownerIsNew(node) && node.name === "Default";
  }

  /**
   * A document the server made along with an owner this import created (a project's Default
   * channel), which the snapshot also holds: found by name under the new owner.
   */
  private async madeWithOwner(
    node: GraphNode,
  ): Promise<{ id: string; doc: JsonObject; madeWithOwner: true } | undefined> {
    if (node.type !== "Channels" || this.options.dryRun) return undefined;
    const project = String((node.doc as JsonObject).ProjectId);
    if (!this.created.has(project)) return undefined;
    const list = (await this.client.list(
      `${this.base}/projects/${this.ids.get(project)}/channels`,
    )) as JsonObject[];
    const found = list.find((c) => c.Name === node.name);
    return found ? { id: String(found.Id), doc: found, madeWithOwner: true } : undefined;
  }

  /** A document that comes with its owner (a process, tenant variables): written in place. */
  private async importOwned(node: GraphNode, what: string, path: string | undefined): Promise<void> {
    const ownerId = this.ownerOf(node);
    const ownerCreated = ownerId !== undefined && this.created.has(ownerId);
    if (this.options.dryRun && ownerCreated) {
      this.actions.push({ kind: "update", type: node.type, what, diff: ["(new, with its owner)"] });
      this.body(node, undefined); // for its warnings and its references to later documents
      this.writtenAt.set(node.id, "(new)");
      return;
    }
    if (!path || !ownerId) {
      this.warnings.push(`${what} is skipped: its owner was not imported`);
      return;
    }
    const current = await this.current(node, path);
    const body = this.body(node, current);
    if (!ownerCreated && !this.options.overwrite) return this.leave(node, what, current, body);
    const diff = diffDocs(node.type, current, body);
    if (!diff.length) {
      this.actions.push({ kind: "skip", type: node.type, what, diff, reason: "unchanged" });
      this.noteDocument(node, current);
      return;
    }
    this.actions.push({ kind: "update", type: node.type, what, diff, ...reason(this.renames(node)) });
    this.noteDocument(node, await this.put(node, path, body, what, current), current);
  }

  /** Variables: created with their owner, or merged into the destination's (its own variables kept). */
  private async importVariableSet(node: GraphNode, what: string): Promise<void> {
    const ownerId = this.ownerOf(node);
    const ownerCreated = ownerId !== undefined && this.created.has(ownerId);
    if (this.options.dryRun && ownerCreated) {
      this.actions.push({ kind: "update", type: node.type, what, diff: ["(new, with its owner)"] });
      this.body(node, undefined); // for its warnings and its references to later documents
      this.writtenAt.set(node.id, "(new)");
      return;
    }
    const setId = ownerId ? this.ids.get(node.id) : undefined;
    if (!ownerId || !setId) {
      this.warnings.push(`${what} is skipped: its owner was not imported`);
      return;
    }
    const path = `${this.base}/variables/${setId}`;
    const current = (await this.client.get(path)) as JsonObject;
    const body = this.mergeVariables(node, current, this.body(node, current));
    if (!ownerCreated && !this.options.overwrite) return this.leave(node, what, current, body);
    const diff = diffDocs(node.type, current, body);
    if (!diff.length) {
      this.actions.push({ kind: "skip", type: node.type, what, diff, reason: "unchanged" });
      this.noteDocument(node, current);
      return;
    }
    this.actions.push({
      kind: ownerCreated ? "update" : "merge",
      type: node.type,
      what,
      diff,
      ...reason(this.renames(node)),
    });
    this.noteDocument(node, await this.put(node, path, body, what, current), current);
  }

  /**
   * The snapshot's variables over the destination's, each matched by the identity record, then
   * by its ID (the import keeps a variable's source ID when it adds it), then by name and scope;
   * the destination's own are kept.
   */
  private mergeVariables(node: GraphNode, current: JsonObject, incoming: JsonObject): JsonObject {
    const destVars = (Array.isArray(current.Variables) ? current.Variables : []) as JsonObject[];
    const ours = (incoming.Variables ?? []) as JsonObject[];
    const signatures = new Map<JsonObject, string>();
    const signature = (v: JsonObject) => {
      let sig = signatures.get(v);
      if (sig === undefined) {
        sig = `${String(v.Name)}\u0000${scopeSignature(this.destination, v.Scope, this.ids)}`;
        signatures.set(v, sig);
      }
      return sig;
    };
    const pairs = this.pairItems("Variables", ours, destVars, (a, b) => signature(a) === signature(b));
    const renames = this.renamed.get(node.id) ?? [];
    const merged = ours.map((v) => {
      const match = pairs.get(v);
      if (!match) return v;
      if (typeof v.Id === "string" && typeof match.Id === "string") this.variableIds.set(v.Id, match.Id);
      if (match.Name !== v.Name) renames.push(`variable "${String(match.Name)}" -> "${String(v.Name)}"`);
      // A matched variable keeps its destination ID, and so its sensitive value when the snapshot has none.
      return { ...v, Id: match.Id ?? null };
    });
    this.renamed.set(node.id, [...new Set(renames)]);
    const taken = new Set(pairs.values());
    const kept = destVars.filter((v) => !taken.has(v));
    return { ...incoming, Variables: [...merged, ...kept] };
  }

  /** What the last body of `node` renamed, for the dry run's line. */
  private renames(node: GraphNode): string {
    return (this.renamed.get(node.id) ?? []).join("; ");
  }

  /**
   * Documents that referred to documents imported after them (a library set's template
   * defaulting to a certificate, a project's to an account) are written again, now that those
   * have destination IDs; a reference that still has none is dropped with a warning.
   */
  private async secondPass(): Promise<void> {
    for (const [id, refs] of [...this.pending]) {
      const path = this.writtenAt.get(id);
      const node = this.source.get(id);
      if (!refs.length || path === undefined || !node) continue;
      const what = `${node.type} ${describe(this.source, node)}`;
      if (this.options.dryRun) {
        this.body(node, undefined, true);
        const resolved = refs.filter((r) => this.ids.has(r.target.id));
        if (resolved.length)
          this.actions.push({
            kind: "update",
            type: node.type,
            what,
            diff: resolved.map((r) => `${r.path}: -> ${singularOf(r.target.type)} "${r.target.name}"`),
            reason: SECOND_PASS,
          });
        continue;
      }
      const current = await this.current(node, path);
      let body = this.body(node, current, true);
      if (node.type === "VariableSets") body = this.mergeVariables(node, current, body);
      const diff = diffDocs(node.type, current, body);
      if (!diff.length) continue;
      this.actions.push({ kind: "update", type: node.type, what, diff, reason: SECOND_PASS });
      this.noteDocument(node, await this.put(node, path, body, what, current), current);
    }
  }

  /**
   * An owned document whose owner exists, left as it is (no --overwrite): compared all the
   * same, so a difference is reported, never hidden behind "its owner exists".
   */
  private leave(node: GraphNode, what: string, current: JsonObject, body: JsonObject): void {
    this.noteDocument(node, current);
    const diff = diffDocs(node.type, current, body, { secrets: "ignore" });
    if (diff.length) this.differing++;
    this.actions.push({
      kind: "skip",
      type: node.type,
      what,
      diff,
      reason: diff.length ? "its owner exists; it differs from the snapshot" : "its owner exists; unchanged",
    });
  }

  /** A user is server-wide: matched by username, created (without a password) when missing, never changed. */
  private async importUser(node: GraphNode, what: string): Promise<void> {
    const d = node.doc as JsonObject;
    const username = String(d.Username ?? "");
    const found = ((await this.client.list("/api/users", { filter: username })) as JsonObject[]).find(
      (u) => String(u.Username ?? "").toLowerCase() === username.toLowerCase(),
    );
    if (found) {
      this.ids.set(node.id, String(found.Id));
      this.actions.push({ kind: "skip", type: node.type, what, diff: [], reason: "exists" });
      return;
    }
    this.actions.push({ kind: "create", type: node.type, what, diff: [] });
    if (this.options.dryRun) {
      this.ids.set(node.id, `(new ${node.id})`);
      return;
    }
    const body: JsonObject = {};
    for (const k of ["Username", "DisplayName", "EmailAddress", "IsService", "IsActive"])
      if (k in d) body[k] = d[k]!;
    const made = (await this.write("POST", "/api/users", body, {
      type: node.type,
      what,
      match: { Username: username },
    })) as JsonObject;
    this.ids.set(node.id, String(made.Id));
  }

  /** Teams: created, or (with --overwrite) merged: the destination's own members and groups are kept. */
  private async importTeam(node: GraphNode, what: string): Promise<void> {
    const existing = this.matches.get(node.id);
    if (!existing || !this.options.overwrite) return this.importDocument(node, what);
    this.ids.set(node.id, existing.id);
    this.leftNames.set(node.id, node.name);
    const path = `${this.base}/teams/${existing.id}`;
    const current = (await this.client.get(path)) as JsonObject;
    const body = this.body(node, current);
    const list = (v: unknown) => (Array.isArray(v) ? v : []) as Json[];
    body.MemberUserIds = [...new Set([...list(current.MemberUserIds), ...list(body.MemberUserIds)])];
    const groupKey = (g: Json) => JSON.stringify(isObject(g) ? (g.Id ?? g) : g);
    const groups = new Map(list(current.ExternalSecurityGroups).map((g) => [groupKey(g), g]));
    for (const g of list(body.ExternalSecurityGroups)) groups.set(groupKey(g), g);
    body.ExternalSecurityGroups = [...groups.values()];
    const diff = diffDocs(node.type, current, body);
    if (!diff.length) {
      this.actions.push({ kind: "skip", type: node.type, what, diff, reason: "unchanged" });
      return;
    }
    this.actions.push({ kind: "merge", type: node.type, what, diff });
    await this.put(node, path, body, what, current);
  }

  private ownerOf(node: GraphNode): string | undefined {
    const d = node.doc as JsonObject;
    const owner = node.type === "RunbookProcesses" ? d.RunbookId : (d.OwnerId ?? d.ProjectId ?? d.TenantId);
    return typeof owner === "string" && this.ids.has(owner) ? owner : undefined;
  }

  private processPath(node: GraphNode): string | undefined {
    const id = this.ids.get(node.id);
    if (!id) return undefined;
    return node.type === "DeploymentProcesses"
      ? `${this.base}/deploymentprocesses/${id}`
      : `${this.base}/runbookProcesses/${id}`;
  }

  /** IDs of what a document owns (its variable set, process), source to destination. */
  private mapOwned(node: GraphNode, dest: JsonObject): void {
    const d = node.doc as JsonObject;
    for (const field of ["VariableSetId", "DeploymentProcessId", "RunbookProcessId"]) {
      if (typeof d[field] === "string" && typeof dest[field] === "string")
        this.ids.set(d[field], dest[field]);
    }
  }

  /** Template and tag IDs of a matched or created document: templates as items (pairItems), tags by name. */
  private mapSubIds(node: GraphNode, t: JsonObject): void {
    const list = (v: unknown) => (Array.isArray(v) ? v : []) as JsonObject[];
    const s = node.doc as JsonObject;
    const set = (item: JsonObject, match: JsonObject | undefined) => {
      if (typeof item.Id === "string" && typeof match?.Id === "string") this.ids.set(item.Id, match.Id);
    };
    for (const [item, match] of this.pairItems("Templates", list(s.Templates), list(t.Templates)))
      set(item, match);
    for (const tag of list(s.Tags))
      set(
        tag,
        list(t.Tags).find((x) => x.Name === tag.Name),
      );
  }

  /**
   * A project's automatic release creation names a channel and a step of its process, which
   * are imported after the project: the project goes in without it, and releaseCreation()
   * turns it on once they are there (the server refuses it without its package, and works
   * the step's ID out from the action's name).
   */
  private async releaseCreation(): Promise<void> {
    for (const node of this.source.ofType("Projects")) {
      const doc = node.doc as JsonObject;
      const id = this.ids.get(node.id);
      if (!this.releaseCreationHeld.has(node.id) || !id) continue;
      const what = `Projects ${describe(this.source, node)} automatic release creation`;
      this.actions.push({ kind: "update", type: node.type, what, diff: ["AutoCreateRelease"] });
      if (this.options.dryRun) continue;
      const path = `${this.base}/projects/${id}`;
      const current = (await this.client.get(path)) as JsonObject;
      const source = (doc.ReleaseCreationStrategy ?? {}) as JsonObject;
      const channel = typeof source.ChannelId === "string" ? this.ids.get(source.ChannelId) : undefined;
      // The step's ID is left to the server, which works it out from the action's name.
      const strategy = {
        ChannelId: channel ?? null,
        ReleaseCreationPackage: source.ReleaseCreationPackage ?? null,
      };
      await this.put(
        node,
        path,
        { ...current, AutoCreateRelease: true, ReleaseCreationStrategy: strategy },
        what,
        current,
      );
    }
  }

  /**
   * What to send: the snapshot document, references remapped, secrets opened, bookkeeping
   * dropped. Its references to documents imported after it are left out and noted (`pending`)
   * for the second pass; with `final`, one that still has no destination ID is dropped with a warning.
   */
  private body(node: GraphNode, current: JsonObject | undefined, final = false): JsonObject {
    const doc = structuredClone(node.doc) as JsonObject;
    if (node.type === "Projects" && doc.AutoCreateRelease === true) {
      // Turned on by releaseCreation(), after the channel and the process.
      this.releaseCreationHeld.add(node.id);
      doc.AutoCreateRelease = current?.AutoCreateRelease ?? false;
      doc.ReleaseCreationStrategy = current?.ReleaseCreationStrategy ?? null;
    }
    if (node.type === "Projects" && doc.IsVersionControlled === true) {
      // The API creates database projects (a client converts one afterwards, with the
      // repository's credentials): the snapshot holds the default branch's process, variables
      // and settings, which go to the database project.
      this.warn(
        `project "${node.name}" is a Config-as-Code project: it is imported as a database project with its default branch's process, variables and deployment settings`,
      );
      doc.PersistenceSettings = current?.PersistenceSettings ?? { Type: "Database" };
      doc.IsVersionControlled = current?.IsVersionControlled ?? false;
    }
    this.openSecrets(node, doc);
    if (node.type === "DeploymentProcesses" || node.type === "RunbookProcesses") this.mapSteps(node, current);
    const resolved = this.resolveIds(node, doc, final);
    const out = this.remap(doc, resolved, "") as JsonObject;
    if (resolved.pending.length) this.pending.set(node.id, resolved.pending);
    else this.pending.delete(node.id);
    // A release's Version is its identity, not a concurrency token.
    for (const k of BOOKKEEPING) if (!(k === "Version" && node.type === "Releases")) delete out[k];
    if (current) {
      if (current.Id !== undefined) out.Id = current.Id;
      if (current.Version !== undefined && node.type !== "Releases") out.Version = current.Version;
      for (const k of ["OwnerId", "ProjectId", "RunbookId", "TenantId"])
        if (k in current) out[k] = current[k]!;
    }
    out.SpaceId = this.space.Id;
    if (node.type === "TenantVariables") stripScopedIds(out);
    return out;
  }

  /**
   * The places the registry's ID-field table (src/registry/fields.ts, shared with the
   * Terraform path) says hold IDs, each made the destination's ID of the same document: a
   * variable expression stays text; an ID that names nothing in the snapshot, or a document of
   * another type than the field takes, is dropped with a warning naming the document and the
   * field; one of a document imported later is left out until the second pass.
   */
  private resolveIds(node: GraphNode, doc: JsonObject, final: boolean): Resolved {
    const r: Resolved = {
      values: new Map(),
      keys: new Map(),
      pending: [],
      what: `${node.type} ${describe(this.source, node)}`,
      final,
    };
    const find = (id: string) => this.source.get(id)?.doc as Doc | undefined;
    for (const m of idFields(node.type, doc, find)) {
      // The server sets an owner's owned documents; they are mapped by their owner (mapOwned).
      if (OWNED_FIELDS.has(m.field.path)) continue;
      const value = m.value as string;
      if (isExpression(value)) {
        setValue(r, m, value);
        continue;
      }
      const kept: string[] = [];
      for (const id of m.ids) {
        const to = this.resolveId(id, m, r);
        if (to !== undefined) kept.push(to);
      }
      if (m.isKey) {
        const keys = r.keys.get(m.holder) ?? new Map<string, string | typeof DROP>();
        r.keys.set(m.holder, keys);
        keys.set(m.key, kept[0] ?? DROP);
      } else if (kept.length) setValue(r, m, m.field.list ? kept.join(m.field.list) : kept[0]!);
      else setValue(r, m, dropped(m));
    }
    return r;
  }

  /** One ID of an ID field, as the destination's; undefined when it is dropped or pending. */
  private resolveId(id: string, m: IdMatch, r: Resolved): string | undefined {
    const target = this.source.get(id);
    if (!target) {
      if (isWellKnown(id)) return id;
      const left = leftOut(m.types, this.snapshot);
      this.warn(
        `${r.what}: ${m.named} holds ${id}, which ${left ? `is a ${singularOf(left.type)}, and the snapshot leaves them out (${left.option})` : "names nothing in the snapshot"}; dropped`,
      );
      return undefined;
    }
    if (!m.types.includes(target.type)) {
      this.warn(
        `${r.what}: ${m.named} holds ${id}, which is a ${singularOf(target.type)}, not a ${m.types.map(singularOf).join(" or ")}; dropped`,
      );
      return undefined;
    }
    const mapped = this.ids.get(id);
    if (mapped !== undefined) return mapped;
    this.later(target, m.named, r);
    return undefined;
  }

  /** A reference to a snapshot document with no destination ID yet: pending, or on the last pass dropped. */
  private later(target: GraphNode, path: string, r: Resolved): void {
    if (r.final)
      this.warn(
        `${r.what}: ${path} holds ${singularOf(target.type)} "${target.name}", which was not imported; dropped`,
      );
    else r.pending.push({ path, target });
  }

  private warn(text: string): void {
    if (this.warned.has(text)) return;
    this.warned.add(text);
    this.warnings.push(text);
  }

  /**
   * A matched process keeps the destination's step and action IDs: each step found by the
   * identity record, its ID, or its name (pairItems), each action likewise within its step.
   */
  private mapSteps(node: GraphNode, current: JsonObject | undefined): void {
    const list = (v: unknown) => (Array.isArray(v) ? v : []) as JsonObject[];
    const renames: string[] = [];
    const steps = this.pairItems("Steps", list((node.doc as JsonObject).Steps), list(current?.Steps));
    for (const step of list((node.doc as JsonObject).Steps)) {
      const match = steps.get(step);
      if (match && typeof step.Id === "string" && typeof match.Id === "string") {
        this.ids.set(step.Id, match.Id);
        if (match.Name !== step.Name) renames.push(`step "${String(match.Name)}" -> "${String(step.Name)}"`);
      }
      const actions = this.pairItems("Actions", list(step.Actions), list(match?.Actions));
      for (const [action, a] of actions) {
        if (typeof action.Id === "string" && typeof a.Id === "string") this.ids.set(action.Id, a.Id);
        // A step of one action is named as its action: the step's line says it.
        if (a.Name !== action.Name && !(a.Name === match?.Name && action.Name === step.Name))
          renames.push(`action "${String(a.Name)}" -> "${String(action.Name)}"`);
      }
    }
    this.renamed.set(node.id, renames);
  }

  /**
   * Opens the sealed values: where the registry's secret-field table says a secret is, and
   * anything else a snapshot sealed (an older one, made before the table decided it).
   */
  private openSecrets(node: GraphNode, doc: JsonObject): void {
    const document = `${node.type}/${node.id}.json`;
    const spots = new Map(secretSpots(node.type, doc as Json).map((s) => [s.path, s]));
    for (const spot of sensitiveShapes(doc as Json)) if (!spots.has(spot.path)) spots.set(spot.path, spot);
    for (const spot of spots.values()) {
      const at = locate(doc as Json, spot.path);
      if (!at) continue;
      const context = secretKey(document, spot.path);
      const value = at.parent[at.key];
      if (spot.kind === "variable" || !isObject(value)) {
        if (!("SealedValue" in at.parent)) continue;
        const sealed = at.parent.SealedValue;
        delete at.parent.SealedValue;
        at.parent.Value = typeof sealed === "string" ? this.opened(this.key.open(context, sealed)) : null;
      } else {
        at.parent[at.key] =
          typeof value.Sealed === "string"
            ? { HasValue: true, NewValue: this.opened(this.key.open(context, value.Sealed)) }
            : { HasValue: value.HasValue ?? false, NewValue: null };
      }
    }
  }

  /** A value opened to be sent: kept to be scrubbed from any error the server answers with. */
  private opened(value: string): string {
    this.openedValues.add(value);
    return value;
  }

  /**
   * Every source ID made the destination's: the ID fields as `resolveIds` decided, and
   * elsewhere IDs the import knows (a template's, a step's), as a value, a key or inside text.
   * A value elsewhere that is a snapshot document's ID with no destination ID yet waits for the
   * second pass like an ID field.
   */
  private remap(value: Json, r: Resolved, path: string): Json {
    if (typeof value === "string") {
      const target = this.ids.has(value) ? undefined : this.source.get(value);
      if (target) {
        this.later(target, path, r);
        return null;
      }
      return this.remapText(value);
    }
    const values = isObject(value) || Array.isArray(value) ? r.values.get(value) : undefined;
    if (Array.isArray(value)) {
      const out: Json[] = [];
      value.forEach((v, i) => {
        const set = values?.get(String(i));
        if (set === DROP) return;
        const name = isObject(v) && typeof v.Name === "string" ? v.Name : String(i);
        out.push(set !== undefined ? set : this.remap(v, r, `${path}[${name}]`));
      });
      return out;
    }
    if (isObject(value)) {
      const keys = r.keys.get(value);
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) {
        const key = keys?.has(k) ? keys.get(k)! : (this.ids.get(k) ?? k);
        const set = values?.get(k);
        if (key === DROP || set === DROP) continue;
        // Its own ID, and its owned documents' (set by the server): mapped when known, never pending.
        if (!path && (BOOKKEEPING.has(k) || OWNED_FIELDS.has(k)) && typeof v === "string")
          out[key] = this.remapText(v);
        else out[key] = set !== undefined ? set : this.remap(v, r, path ? `${path}.${k}` : k);
      }
      return out;
    }
    return value;
  }

  private remapText(text: string): string {
    const exact = this.ids.get(text);
    if (exact !== undefined) return exact;
    if (!/[A-Za-z]+-\d/.test(text)) return text;
    return text.replace(
      /(?<![A-Za-z0-9-])[A-Za-z][A-Za-z]*-\d+(?![A-Za-z0-9-])/g,
      (id) => this.ids.get(id) ?? id,
    );
  }

  private mapped(id: string): string | undefined {
    return this.ids.get(id);
  }

  /**
   * An owned document as the destination holds it. A tenant's values: the older document
   * (/tenants/{id}/variables) with the values scoped to environments merged in from the newer
   * endpoint (/tenants/{id}/commonvariables), as the reader reads a source (registry
   * tenantVariables), their IDs left out: the snapshot's and the destination's are compared
   * by value and environments.
   */
  private async current(node: GraphNode, path: string): Promise<JsonObject> {
    const current = (await this.client.get(path)) as JsonObject;
    if (node.type !== "TenantVariables") return current;
    mergeScopedCommonVariables(current, await this.client.get(commonVariablesPath(path)));
    stripScopedIds(current);
    return current;
  }

  /**
   * A tenant's values: the older document without the scoped ones, then, when they differ from
   * the destination's, the scoped values through the newer endpoint, which takes the tenant's
   * whole list of common values (go-octopusdeploy pkg/tenants UpdateCommonVariables; the
   * provider sends back every value it read, with its ID): the destination's unscoped values
   * as just written, and the snapshot's scoped ones.
   */
  private async putTenantVariables(
    node: GraphNode,
    path: string,
    body: JsonObject,
    what: string,
    before: JsonObject,
  ): Promise<JsonObject | undefined> {
    const { ScopedCommonVariables: scoped, ...older } = body;
    const { ScopedCommonVariables: had, ...olderBefore } = before;
    const answer = await this.write("PUT", path, older, { type: node.type, what, before: olderBefore });
    if (JSON.stringify(sorted(scoped ?? {})) === JSON.stringify(sorted(had ?? {})))
      return isObject(answer) ? answer : undefined;
    const newer = commonVariablesPath(path);
    const now = (await this.client.get(newer)) as JsonObject;
    const unscoped = (Array.isArray(now.Variables) ? now.Variables : []).filter((v) => {
      const envs = isObject(v) && isObject(v.Scope) ? v.Scope.EnvironmentIds : undefined;
      return !Array.isArray(envs) || envs.length === 0;
    }) as JsonObject[];
    const variables: Json[] = unscoped.map((v) => ({
      Id: v.Id ?? null,
      LibraryVariableSetId: v.LibraryVariableSetId ?? null,
      TemplateId: v.TemplateId ?? null,
      Value: v.Value ?? null,
      Scope: { EnvironmentIds: [] },
    }));
    for (const [lvs, byTemplate] of Object.entries(isObject(scoped) ? scoped : {}))
      for (const [template, values] of Object.entries(isObject(byTemplate) ? byTemplate : {}))
        for (const v of Array.isArray(values) ? values : [])
          if (isObject(v))
            variables.push({
              LibraryVariableSetId: lvs,
              TemplateId: template,
              Value: v.Value ?? null,
              Scope: { EnvironmentIds: v.EnvironmentIds ?? [] },
            });
    const tenantId = String(older.TenantId ?? "");
    await this.write(
      "PUT",
      newer,
      { TenantId: tenantId, Variables: variables },
      { type: node.type, what: `${what} (scoped values)`, before: now },
    );
    return isObject(answer) ? answer : undefined;
  }

  /** Writes a document in place; the server's answer (undefined on a dry run). */
  private async put(
    node: GraphNode,
    path: string,
    body: JsonObject,
    what: string,
    before?: JsonObject,
  ): Promise<JsonObject | undefined> {
    this.writtenAt.set(node.id, path);
    if (this.options.dryRun) return undefined;
    const current = before ?? (await this.current(node, path));
    if (node.type === "TenantVariables") return this.putTenantVariables(node, path, body, what, current);
    const answer = await this.write("PUT", path, body, { type: node.type, what, before: current });
    return isObject(answer) ? answer : undefined;
  }

  /**
   * One write, journaled ahead of itself: its intent (with the before-image, or what finds
   * what it makes) is on the disk before the request leaves, its outcome after it answers.
   */
  private async write(
    method: "POST" | "PUT",
    path: string,
    body: JsonObject,
    intent: { type: string; what: string; match?: Record<string, string>; before?: JsonObject },
  ): Promise<unknown> {
    const signal = this.options.signal;
    if (signal?.aborted)
      throw new ImportInterrupted(`interrupted by ${String(signal.reason ?? "a signal")}`, {
        exitCode: signal.reason === "SIGTERM" ? 143 : 130,
      });
    const seq = this.journal.intent({ method, path, ...intent });
    this.writes++;
    this.options.onProgress?.(`${this.writes} writes`);
    const made = method === "POST" ? await this.client.post(path, body) : await this.client.put(path, body);
    this.journal.done(seq, method === "POST" ? String((made as JsonObject).Id) : undefined);
    return made;
  }
}

/** A reason for an action's line, when there is one. */
function reason(text: string): { reason?: string } {
  return text ? { reason: text } : {};
}

/**
 * What identifies a document within its owner, the owner by its ID on the destination (`owner`
 * maps a source ID to it; on the destination it is the ID itself): a renamed project's channels,
 * process and variables are still its own. Other documents as identityOf says.
 */
function keyOf(
  graph: SpaceGraph,
  node: GraphNode,
  owner: (id: unknown) => string | undefined,
): string | undefined {
  const d = node.doc as JsonObject;
  const within = (field: string, ...rest: string[]) => {
    const o = owner(d[field]);
    return o === undefined ? undefined : [node.type, o, ...rest].join("\u0000");
  };
  switch (docType(node.type)?.identity ?? "name") {
    case "name-in-project":
      return within("ProjectId", node.name);
    case "version-in-project":
      return within("ProjectId", String(d.Version));
    case "project":
      return within("ProjectId");
    case "runbook":
      return within("RunbookId");
    case "owner":
      return within("OwnerId");
    case "tenant":
      return within("TenantId");
    default:
      return identityOf(graph, node);
  }
}

/** Sets what an ID field's place becomes. */
function setValue(r: Resolved, m: IdMatch, value: Json | typeof DROP): void {
  const values = r.values.get(m.holder) ?? new Map<string, Json | typeof DROP>();
  r.values.set(m.holder, values);
  values.set(m.key, value);
}

/**
 * What a dropped ID leaves: nothing in a list, a map of values (tenants' values) or step
 * properties; null in a field of its own (a template's default, a variable's value).
 */
function dropped(m: IdMatch): null | typeof DROP {
  if (Array.isArray(m.holder)) return DROP;
  if (m.keys.length && m.keys[m.keys.length - 1] === m.key) return DROP;
  return /(^|\.)Properties\.$/.test(m.named.slice(0, m.named.length - m.key.length)) ? DROP : null;
}

/** The type of `types` the snapshot leaves out by its selection (--ignore-machines), with the option. */
function leftOut(types: readonly string[], snapshot: Snapshot): { type: string; option: string } | undefined {
  const selection = snapshot.metadata.selection as unknown as Record<string, unknown> | undefined;
  for (const type of types) {
    const flag = docType(type)?.ignoredBy;
    if (flag && selection?.[flag] === true)
      return { type, option: `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` };
  }
  return undefined;
}

/** The fields that find a document an import POSTed, when the server's answer was lost. */
function matchFields(type: string, body: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  const keys = type === "Releases" ? ["Version", "ProjectId"] : ["Name", "ProjectId", "OwnerId", "TenantId"];
  for (const k of keys) if (typeof body[k] === "string") out[k] = body[k] as string;
  return out;
}

function describe(graph: SpaceGraph, node: GraphNode): string {
  const d = node.doc as JsonObject;
  const name = (id: unknown) => (typeof id === "string" ? graph.get(id)?.name : undefined);
  switch (node.type) {
    case "VariableSets":
      return `of ${name(d.OwnerId) ?? node.id}`;
    case "DeploymentProcesses":
      return `of ${name(d.ProjectId) ?? node.id}`;
    case "RunbookProcesses":
      return `of ${name(d.ProjectId)} / ${name(d.RunbookId)}`;
    case "TenantVariables":
      return `of ${name(d.TenantId)}`;
    case "Releases":
      return `${name(d.ProjectId)} ${String(d.Version)}`;
    case "Channels":
    case "Runbooks":
    case "ProjectTriggers":
      return `"${node.name}" of ${name(d.ProjectId)}`;
    default:
      return `"${node.name}"`;
  }
}

/** A variable's scope by names (destination IDs through `ids`), to match variables across servers. */
function scopeSignature(graph: SpaceGraph, scope: unknown, ids: ReadonlyMap<string, string>): string {
  void ids;
  if (!isObject(scope)) return "";
  return Object.keys(scope)
    .sort()
    .map((k) => {
      const values = (Array.isArray(scope[k]) ? scope[k] : []) as Json[];
      return values.length
        ? `${k}=${values
            .map((v) => graph.get(String(v))?.name ?? String(v))
            .sort()
            .join(",")}`
        : "";
    })
    .filter(Boolean)
    .join(";");
}

/**
 * Fields that differ between what is there and what would be written (paths, a few levels
 * deep). Sensitive values never appear: a changed one reads `(sensitive) -> (sensitive, new
 * value)`; with `secrets: "ignore"` (comparing only) they are not compared at all.
 */
export function diffDocs(
  type: string,
  current: JsonObject,
  next: JsonObject,
  options: { secrets?: "show-change" | "ignore" } = {},
): string[] {
  const mode = options.secrets === "ignore" ? "keep-shape" : "display";
  // Keys sorted: the server may give them in another order than the snapshot holds them.
  const a0 = sorted(maskSecrets(type, current, mode));
  const b0 = sorted(maskSecrets(type, next, mode));
  const out: string[] = [];
  const walk = (a: Json | undefined, b: Json | undefined, path: string, depth: number) => {
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    if (depth < 3 && isObject(a) && isObject(b)) {
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        if (depth === 0 && BOOKKEEPING.has(k)) continue;
        walk(a[k], b[k], path ? `${path}.${k}` : k, depth + 1);
      }
      return;
    }
    out.push(`${path}: ${short(a)} -> ${short(b)}`);
  };
  walk(a0, b0, "", 0);
  return out;
}

/** The newer endpoint of a tenant's common values, beside the older document's path. */
function commonVariablesPath(path: string): string {
  return path.replace(/\/variables$/, "/commonvariables");
}

/** A tenant's scoped values without their IDs (each server gives its own). */
function stripScopedIds(doc: JsonObject): void {
  const scoped = doc.ScopedCommonVariables;
  if (!isObject(scoped)) return;
  for (const byTemplate of Object.values(scoped))
    for (const values of Object.values(isObject(byTemplate) ? byTemplate : {}))
      for (const v of Array.isArray(values) ? values : []) if (isObject(v)) delete v.Id;
}

function sorted(value: Json): Json {
  if (Array.isArray(value)) return value.map(sorted);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const k of Object.keys(value).sort()) out[k] = sorted(value[k]!);
    return out;
  }
  return value;
}

function short(v: Json | undefined): string {
  if (v === undefined) return "(none)";
  if (v === MASKED || v === MASKED_NEW) return v;
  if (isObject(v) && "HasValue" in v) return MASKED;
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
