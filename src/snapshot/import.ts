import { type GraphNode, SpaceGraph } from "../graph/graph.js";
import { IdentityIndex } from "../graph/identity.js";
import { readSpace } from "../graph/reader.js";
import type { OctopusClient } from "../octopus/client.js";
import type { Space } from "../octopus/schemas.js";
import { type IdMatch, idFields, isExpression } from "../registry/fields.js";
import { type Doc, docType, REGISTRY, singularOf } from "../registry/index.js";
import { OctoportError } from "../util/errors.js";
import type { SnapshotKey } from "./crypto.js";
import { secretKey } from "./export.js";
import type { Snapshot } from "./format.js";
import { findMade, ImportJournal, undoWrites } from "./journal.js";
import { MASKED, MASKED_NEW, maskSecrets, scrubText } from "./mask.js";
import { isObject, type Json, type JsonObject, locate, secretSpots, sensitiveShapes } from "./paths.js";

/**
 * Snapshot import (docs/snapshot.md): documents are matched to the destination's by name (within
 * their project, owner or tenant), never by ID; references are remapped to the destination's
 * IDs; what exists is skipped, or with `overwrite` replaced wholly, except variable sets,
 * which are merged (variables only the destination has are kept). Every write is journaled
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
}

/** The order documents are written in: the registry's (each only refers to types before it). */
const ORDER = REGISTRY.filter((t) => t.identity !== "none").map((t) => t.type);

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
  const run = new ImportRun(
    client,
    space,
    source,
    destination,
    snapshot,
    key,
    { ...options, overwrite },
    journal,
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
  private readonly index: IdentityIndex;
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
    this.index = new IdentityIndex(destination);
    this.base = `/api/${space.Id}`;
    this.ids.set(source.space.Id, space.Id);
  }

  async execute(): Promise<ImportReport> {
    try {
      // What the destination has already, by identity: a reference to it needs no second pass.
      for (const node of this.source.nodes.values()) {
        if (!ORDER.includes(node.type)) continue;
        const there = this.index.counterpart(this.source, node);
        if (there) this.ids.set(node.id, there.id);
      }
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
    if (!this.options.dryRun) this.journal.end("complete");
    return {
      actions: this.actions,
      warnings: this.warnings,
      dryRun: this.options.dryRun === true,
      writes: this.writes,
      differing: this.differing,
      journal: this.journal.file,
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
        : read?.kind === "collection" || read?.kind === "subset"
          ? `${this.base}/${read.path}`
          : undefined;
    if (!collection) {
      this.warnings.push(`${what} cannot be imported: octoport has no path for ${node.type}`);
      return;
    }
    const existing: { id: string; doc: unknown; madeWithOwner?: true } | undefined =
      this.index.counterpart(this.source, node) ?? (await this.madeWithOwner(node));
    if (existing) {
      this.ids.set(node.id, existing.id);
      this.mapOwned(node, existing.doc as JsonObject);
      this.mapSubIds(node, existing.doc as JsonObject);
      if (existing.madeWithOwner || this.madeBefore.has(existing.id) || this.ownerIsNew(node)) {
        // Made by this import: with an owner it created (a project's Default channel), or by
        // the interrupted run this one resumes. It is written as a clean import writes it.
        this.created.add(node.id);
        const body = this.body(node, existing.doc as JsonObject);
        const diff = diffDocs(node.type, existing.doc as JsonObject, body);
        if (!diff.length) {
          this.actions.push({ kind: "skip", type: node.type, what, diff, reason: "unchanged" });
          return;
        }
        this.actions.push({ kind: "update", type: node.type, what, diff });
        await this.put(node, `${collection}/${existing.id}`, body, what, existing.doc as JsonObject);
        return;
      }
      if (!this.options.overwrite) {
        this.actions.push({ kind: "skip", type: node.type, what, diff: [], reason: "exists" });
        return;
      }
      const body = this.body(node, existing.doc as JsonObject);
      const diff = diffDocs(node.type, existing.doc as JsonObject, body);
      if (!diff.length) {
        this.actions.push({ kind: "skip", type: node.type, what, diff, reason: "unchanged" });
        return;
      }
      this.actions.push({ kind: "update", type: node.type, what, diff });
      await this.put(node, `${collection}/${existing.id}`, body, what);
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
    this.mapOwned(node, made);
    this.mapSubIds(node, made);
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
    const current = (await this.client.get(path)) as JsonObject;
    const body = this.body(node, current);
    if (!ownerCreated && !this.options.overwrite) return this.leave(node, what, current, body);
    const diff = diffDocs(node.type, current, body);
    if (!diff.length) {
      this.actions.push({ kind: "skip", type: node.type, what, diff, reason: "unchanged" });
      return;
    }
    this.actions.push({ kind: "update", type: node.type, what, diff });
    await this.put(node, path, body, what, current);
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
    const body = this.mergeVariables(current, this.body(node, current));
    if (!ownerCreated && !this.options.overwrite) return this.leave(node, what, current, body);
    const diff = diffDocs(node.type, current, body);
    if (!diff.length) {
      this.actions.push({ kind: "skip", type: node.type, what, diff, reason: "unchanged" });
      return;
    }
    this.actions.push({ kind: ownerCreated ? "update" : "merge", type: node.type, what, diff });
    await this.put(node, path, body, what, current);
  }

  /** The snapshot's variables over the destination's: matched by name and scope, the destination's own kept. */
  private mergeVariables(current: JsonObject, incoming: JsonObject): JsonObject {
    const destVars = (Array.isArray(current.Variables) ? current.Variables : []) as JsonObject[];
    const signature = (v: JsonObject) =>
      `${String(v.Name)}\u0000${scopeSignature(this.destination, v.Scope, this.ids)}`;
    const byKey = new Map(destVars.map((v) => [signature(v), v]));
    const merged: JsonObject[] = [];
    const taken = new Set<string>();
    for (const v of (incoming.Variables ?? []) as JsonObject[]) {
      const match = byKey.get(signature(v));
      if (match) taken.add(signature(v));
      // A matched variable keeps its destination ID, and so its sensitive value when the snapshot has none.
      merged.push(match ? { ...v, Id: match.Id ?? null } : v);
    }
    const kept = destVars.filter((v) => !taken.has(signature(v)));
    return { ...incoming, Variables: [...merged, ...kept] };
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
      const current = (await this.client.get(path)) as JsonObject;
      let body = this.body(node, current, true);
      if (node.type === "VariableSets") body = this.mergeVariables(current, body);
      const diff = diffDocs(node.type, current, body);
      if (!diff.length) continue;
      this.actions.push({ kind: "update", type: node.type, what, diff, reason: SECOND_PASS });
      await this.put(node, path, body, what, current);
    }
  }

  /**
   * An owned document whose owner exists, left as it is (no --overwrite): compared all the
   * same, so a difference is reported, never hidden behind "its owner exists".
   */
  private leave(node: GraphNode, what: string, current: JsonObject, body: JsonObject): void {
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
    const existing = this.index.counterpart(this.source, node);
    if (!existing || !this.options.overwrite) return this.importDocument(node, what);
    this.ids.set(node.id, existing.id);
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

  /** Template and tag IDs of a matched or created document, by their names. */
  private mapSubIds(node: GraphNode, t: JsonObject): void {
    const byName = (list: unknown, other: unknown, prefix = "") => {
      const names = new Map(
        ((Array.isArray(other) ? other : []) as JsonObject[]).map((x) => [String(x.Name), x]),
      );
      for (const item of (Array.isArray(list) ? list : []) as JsonObject[]) {
        const match = names.get(String(item.Name));
        if (typeof item.Id === "string" && match && typeof match.Id === "string")
          this.ids.set(prefix + item.Id, match.Id);
      }
    };
    const s = node.doc as JsonObject;
    byName(s.Templates, t.Templates);
    byName(s.Tags, t.Tags);
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

  /** A matched process keeps the destination's step and action IDs, found by name. */
  private mapSteps(node: GraphNode, current: JsonObject | undefined): void {
    const destSteps = (current?.Steps ?? []) as JsonObject[];
    for (const step of ((node.doc as JsonObject).Steps ?? []) as JsonObject[]) {
      const match = destSteps.find((s) => s.Name === step.Name);
      if (match && typeof step.Id === "string" && typeof match.Id === "string")
        this.ids.set(step.Id, match.Id);
      for (const action of (step.Actions ?? []) as JsonObject[]) {
        const a = ((match?.Actions ?? []) as JsonObject[]).find((x) => x.Name === action.Name);
        if (a && typeof action.Id === "string" && typeof a.Id === "string") this.ids.set(action.Id, a.Id);
      }
    }
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

  private async put(
    node: GraphNode,
    path: string,
    body: JsonObject,
    what: string,
    before?: JsonObject,
  ): Promise<void> {
    this.writtenAt.set(node.id, path);
    if (this.options.dryRun) return;
    const current = before ?? ((await this.client.get(path)) as JsonObject);
    await this.write("PUT", path, body, { type: node.type, what, before: current });
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
