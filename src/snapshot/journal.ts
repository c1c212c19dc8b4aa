import { closeSync, fdatasyncSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { OctopusApiError, type OctopusClient } from "../octopus/client.js";
import { OctoportError } from "../util/errors.js";
import { maskSecrets } from "./mask.js";
import type { JsonObject } from "./paths.js";

/**
 * The import journal, written ahead of every write so that an import stopped anywhere (an
 * error, Ctrl-C, kill -9, a lost machine) can be finished (`--resume`) or undone
 * (`--rollback`). One JSON object a line, each flushed to the disk before the next step:
 *
 *   header   {journal, server, space, snapshot, overwrite, started}
 *   intent   {seq, op: "intent", method, path, type, what, match?, before?}   before the request
 *   done     {seq, op: "done", id?}                                          once it answered
 *   undone   {seq, op: "undone"}                                             rolled back
 *   end      {op: "end", status: "complete" | "rolled-back"}
 *
 * A write whose intent has no `done` may or may not have reached the server: a POST's intent
 * says how to find what it made (`match`, its identifying fields), a PUT's holds the
 * before-image. Before-images are the server's own answers, which never carry a sensitive
 * value; they are masked all the same.
 */

export const JOURNAL_FORMAT = "octoport-import-journal/v1";

export interface JournalHeader {
  journal: string;
  server: string;
  space: { Id: string; Name: string };
  /** The snapshot's metadata MAC: which snapshot this import was of. */
  snapshot: string;
  overwrite: boolean;
  started: string;
}

export interface WriteIntent {
  method: "POST" | "PUT";
  path: string;
  type: string;
  what: string;
  /** POST: the fields that find what it made when its answer was lost. */
  match?: Record<string, string>;
  /** PUT: the document as it was. */
  before?: JsonObject;
}

export interface JournalWrite extends WriteIntent {
  seq: number;
  /** Whether the server answered (the write is known to have happened). */
  done: boolean;
  /** POST: the ID the server gave. */
  id?: string;
  undone: boolean;
}

export interface JournalState {
  header: JournalHeader;
  writes: JournalWrite[];
  status?: "complete" | "rolled-back";
}

/** Where journals are kept when --journal is not given: $OCTOPORT_STATE_DIR, else the XDG state directory. */
export function journalDirectory(): string {
  if (process.env.OCTOPORT_STATE_DIR) return process.env.OCTOPORT_STATE_DIR;
  const base = process.env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(base, "octoport", "journals");
}

export class ImportJournal {
  readonly writes: JournalWrite[];
  private seq: number;

  private constructor(
    /** The file, or undefined for a journal held in memory only (library callers, tests). */
    readonly file: string | undefined,
    private fd: number | undefined,
    readonly header: JournalHeader,
    writes: JournalWrite[] = [],
  ) {
    this.writes = writes;
    this.seq = writes.reduce((n, w) => Math.max(n, w.seq), 0);
  }

  /** A new journal; an existing file is never overwritten. */
  static create(file: string | undefined, header: Omit<JournalHeader, "journal" | "started">): ImportJournal {
    const full: JournalHeader = { journal: JOURNAL_FORMAT, ...header, started: new Date().toISOString() };
    if (file === undefined) return new ImportJournal(undefined, undefined, full);
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EEXIST") throw existingJournal(file);
      throw new OctoportError(`cannot write the import journal ${file} (${code ?? String(err)})`);
    }
    const journal = new ImportJournal(file, fd, full);
    journal.append(full);
    return journal;
  }

  /** An existing journal, to resume or roll back: appended to from here on. */
  static reopen(file: string): ImportJournal {
    const state = readJournal(file);
    let fd: number;
    try {
      fd = openSync(file, "a", 0o600);
    } catch (err) {
      throw new OctoportError(
        `cannot write the import journal ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
    const journal = new ImportJournal(file, fd, state.header, state.writes);
    journal.status = state.status;
    return journal;
  }

  status: JournalState["status"];

  /** Records a write about to be made; returns its number. */
  intent(intent: WriteIntent): number {
    const seq = ++this.seq;
    const entry: WriteIntent = intent.before
      ? { ...intent, before: maskSecrets(intent.type, intent.before) }
      : intent;
    this.writes.push({ ...entry, seq, done: false, undone: false });
    this.append({ seq, op: "intent", ...entry });
    return seq;
  }

  /** Records that the server answered a write (with the ID it made, for a POST). */
  done(seq: number, id?: string): void {
    const w = this.writes.find((x) => x.seq === seq);
    if (w) {
      w.done = true;
      if (id !== undefined) w.id = id;
    }
    this.append(id === undefined ? { seq, op: "done" } : { seq, op: "done", id });
  }

  undone(seq: number): void {
    const w = this.writes.find((x) => x.seq === seq);
    if (w) w.undone = true;
    this.append({ seq, op: "undone" });
  }

  end(status: "complete" | "rolled-back"): void {
    this.status = status;
    this.append({ op: "end", status });
  }

  note(entry: JsonObject): void {
    this.append(entry);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Writes one line and waits until the disk has it. */
  private append(entry: object): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fdatasyncSync(this.fd);
  }
}

function existingJournal(file: string): OctoportError {
  let status: string | undefined;
  try {
    status = readJournal(file).status;
  } catch {
    return new OctoportError(
      `${file} already exists and is not an import journal; give a new --journal file`,
    );
  }
  return new OctoportError(
    status === undefined
      ? `the journal ${file} records an import that did not finish: finish it with --resume ${file}, or undo it with --rollback ${file}`
      : `the journal ${file} records an earlier import (${status}); it is never overwritten: give a new --journal file`,
  );
}

/** Reads a journal; a last line cut short by a crash is ignored. */
export function readJournal(file: string): JournalState {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new OctoportError(
      `cannot read the import journal ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  const lines = text.split("\n");
  const entries: Array<Record<string, unknown>> = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      entries.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Only the last line may be cut short (the process stopped while writing it).
      if (i < lines.length - 2 || (i === lines.length - 2 && lines.at(-1) !== "")) {
        throw new OctoportError(`the import journal ${file} is damaged at line ${i + 1}`);
      }
    }
  });
  const header = entries[0] as unknown as JournalHeader | undefined;
  if (!header || header.journal !== JOURNAL_FORMAT)
    throw new OctoportError(`${file} is not an octoport import journal`);
  const writes = new Map<number, JournalWrite>();
  let status: JournalState["status"];
  for (const e of entries.slice(1)) {
    const seq = Number(e.seq);
    if (e.op === "intent") {
      const { op: _op, seq: _seq, ...intent } = e;
      writes.set(seq, { ...(intent as unknown as WriteIntent), seq, done: false, undone: false });
    } else if (e.op === "done") {
      const w = writes.get(seq);
      if (w) {
        w.done = true;
        if (typeof e.id === "string") w.id = e.id;
      }
    } else if (e.op === "undone") {
      const w = writes.get(seq);
      if (w) w.undone = true;
    } else if (e.op === "end") {
      status = e.status === "complete" ? "complete" : "rolled-back";
    } else if (e.op === "resumed") {
      status = undefined;
    }
  }
  return { header, writes: [...writes.values()].sort((a, b) => a.seq - b.seq), status };
}

/** Unfinished journals of imports into this space of this server, in the journal directory. */
export function unfinishedJournals(dir: string, server: string, spaceId: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names.filter((n) => n.endsWith(".jsonl")).sort()) {
    try {
      const state = readJournal(join(dir, name));
      if (state.status === undefined && state.header.server === server && state.header.space.Id === spaceId)
        out.push(join(dir, name));
    } catch {
      // not a journal of ours
    }
  }
  return out;
}

/**
 * A write whose answer was lost: what it made, found by its identifying fields. Undefined when
 * nothing matches (the request never reached the server).
 */
export async function findMade(client: OctopusClient, write: JournalWrite): Promise<string | undefined> {
  if (write.method !== "POST" || !write.match) return undefined;
  const query: Record<string, string> = {};
  const match = write.match;
  if (match.Username) query.filter = match.Username;
  const items = (await client.list(write.path, query)) as JsonObject[];
  const found = items.find((item) =>
    Object.entries(match).every(([k, v]) =>
      k === "Username"
        ? String(item[k] ?? "").toLowerCase() === v.toLowerCase()
        : String(item[k] ?? "") === v,
    ),
  );
  return found ? String(found.Id) : undefined;
}

/**
 * Undoes the journal's writes that are not undone yet, newest first: what was made is deleted
 * (found by its identifying fields when its answer was lost), what was changed put back.
 * Each undo is journaled as it succeeds, so a rollback stopped half way can be run again.
 */
export async function undoWrites(
  client: OctopusClient,
  journal: ImportJournal,
  options: { stop?: () => boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ done: number; failed: string[]; stopped: boolean }> {
  const todo = journal.writes.filter((w) => !w.undone).reverse();
  const failed: string[] = [];
  let done = 0;
  for (const w of todo) {
    if (options.stop?.()) break;
    try {
      if (w.method === "POST") {
        const id = w.id ?? (await findMade(client, w));
        if (id !== undefined) {
          await client.delete(`${w.path}/${encodeURIComponent(id)}`).catch((err: unknown) => {
            if (!(err instanceof OctopusApiError && err.status === 404)) throw err;
          });
        }
      } else if (w.before) {
        const now = (await client.get(w.path)) as JsonObject;
        const before = { ...w.before };
        if (now.Version !== undefined) before.Version = now.Version;
        await client.put(w.path, before);
      }
      journal.undone(w.seq);
      done++;
      options.onProgress?.(done, todo.length);
    } catch (err) {
      failed.push(
        `${w.method === "POST" ? "create" : "update"} of ${w.what}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  const stopped = done + failed.length < todo.length;
  if (!failed.length && !stopped) journal.end("rolled-back");
  return { done, failed, stopped };
}
