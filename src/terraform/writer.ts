import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import pLimit from "p-limit";
import { OctoportError } from "../util/errors.js";
import { type FileText, type Manifest, wholeText } from "./export.js";
import { checkHclFiles } from "./hcl/check.js";

/** What writing (or checking) an export changes on disk. */
export interface FileChanges {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
}

export const MANIFEST = "manifest.json";

/** Files written at once: enough to keep the disk busy, few enough for any file-handle limit. */
const WRITE_CONCURRENCY = 16;

/** Whether the export's file is HCL (checked with the real parser). */
export function isHclFile(path: string): boolean {
  return path.endsWith(".tf") || path.endsWith(".tfvars.example");
}

/** Parses every generated HCL file with the real parser; a failure is a bug naming file and line. */
export async function validateHcl(files: ReadonlyMap<string, string>): Promise<void> {
  await checkHclFiles([...files.entries()].filter(([path]) => isHclFile(path)));
}

/**
 * Compares the files with what `dest` holds. Files the previous export wrote (its manifest
 * lists them) and this one does not are "removed"; other files (state, .terraform, logs) are
 * never touched.
 */
export async function diffExport(dest: string, files: ReadonlyMap<string, string>): Promise<FileChanges> {
  const writer = await ExportWriter.open(dest, "compare");
  for (const [path, content] of files) writer.add(path, content);
  return writer.commit();
}

export interface WriteOptions {
  /**
   * Work that must succeed before anything is renamed into place (the HCL check): files are
   * staged while it runs; when it fails, the staged files are removed and its error thrown.
   */
  gate?: Promise<void>;
}

/** Writes an export atomically (see ExportWriter). */
export async function writeExport(
  dest: string,
  files: ReadonlyMap<string, string>,
  options: WriteOptions = {},
): Promise<FileChanges> {
  // Whatever fails first is what is reported; the gate is always awaited before a rename.
  options.gate?.catch(() => undefined);
  const writer = await ExportWriter.open(dest);
  for (const [path, content] of files) writer.add(path, content);
  return writer.commit(options.gate);
}

/** Files waiting to be written (or compared) before `ready` holds the caller back. */
const QUEUED_FILES = 4 * WRITE_CONCURRENCY;

/**
 * An export written file by file as it is made, atomically. A new directory is written beside
 * its final place and renamed into it. An existing export is updated file by file: each new or
 * changed file is staged next to its target (an unchanged one is left alone), and only when all
 * are staged (and the gate has passed) are they renamed into place and the files the previous
 * export wrote but this one does not removed. A failure before that leaves the previous output
 * untouched. In "compare" mode (for --check) nothing is written: `commit` says what would change.
 *
 * Only the files waiting for the disk are held (`ready` says when to wait for it to catch up).
 */
export class ExportWriter {
  private readonly limit = pLimit(WRITE_CONCURRENCY);
  private readonly inflight = new Set<Promise<void>>();
  private readonly dirs = new Map<string, Promise<unknown>>();
  /** Update: the directories staging made (the first new one of each path), removed on abort. */
  private readonly madeDirs: string[] = [];
  private readonly seen = new Set<string>();
  private readonly changes: FileChanges = { added: [], changed: [], removed: [], unchanged: 0 };
  /** Update: the files staged beside their targets. */
  private readonly staged = new Set<string>();
  /** Compare: the files that differ from the disk, kept for `text`. */
  private readonly held = new Map<string, FileText>();
  private failure: unknown;
  private readonly suffix = `.octoport-${randomBytes(4).toString("hex")}`;

  private constructor(
    private readonly dest: string,
    private readonly target: string,
    private readonly mode: "new" | "update" | "compare",
    private readonly previous: Set<string>,
  ) {}

  /** The directory a new export is written to before it is renamed into place. */
  private get temp(): string {
    return this.target + this.suffix;
  }

  /** Starts an export to `dest`: a new directory, an update of an earlier export, or (compare) neither. */
  static async open(dest: string, mode: "write" | "compare" = "write"): Promise<ExportWriter> {
    const target = resolve(dest);
    if (mode === "compare") return new ExportWriter(dest, target, "compare", await previousFiles(target));
    const kind = await pathKind(target);
    if (kind === "file")
      throw new OctoportError(`the destination ${dest} is a file; pass a directory for --dest`);
    if (kind === "none") {
      await mkdir(dirname(target), { recursive: true }).catch(failedWriting(dest));
      return new ExportWriter(dest, target, "new", new Set());
    }
    await assertExportDirectory(dest, target);
    return new ExportWriter(dest, target, "update", await previousFiles(target));
  }

  /** Adds a file (its path relative to the export); it is written as soon as the disk allows. */
  add(path: string, content: FileText): void {
    if (this.seen.has(path)) throw new Error(`the export makes ${path} twice`);
    this.seen.add(path);
    const task = this.limit(() => (this.failure === undefined ? this.put(path, content) : undefined)).then(
      () => undefined,
      (err: unknown) => {
        this.failure ??= writeError(this.dest, err);
      },
    );
    this.inflight.add(task);
    void task.finally(() => this.inflight.delete(task));
  }

  /** Resolves when few enough files wait for the disk that more can be added. */
  async ready(): Promise<void> {
    while (this.inflight.size >= QUEUED_FILES) await Promise.race(this.inflight);
  }

  /** The text of a file added, from wherever it is now: staged, unchanged on disk, or held. */
  async text(path: string): Promise<string> {
    await this.settled();
    const held = this.held.get(path);
    if (held !== undefined) return wholeText(held);
    return readFile(this.location(path), "utf8");
  }

  /**
   * Waits for every file, then for the gate; then moves everything into place. On any failure
   * what was staged is removed and the first error thrown: a write error, else the gate's.
   */
  async commit(gate: Promise<void> = Promise.resolve()): Promise<FileChanges> {
    gate.catch(() => undefined);
    try {
      await this.settled();
      if (this.failure !== undefined) throw this.failure;
      await gate;
      if (this.mode === "new") await rename(this.temp, this.target).catch(failedWriting(this.dest));
    } catch (err) {
      await this.abort();
      throw err;
    }
    const changes = this.changes;
    changes.removed = [...this.previous].filter((p) => !this.seen.has(p)).sort();
    if (this.mode === "update") {
      for (const path of [...this.staged].sort()) {
        const final = join(this.target, path);
        await rename(final + this.suffix, final);
      }
      for (const path of changes.removed) {
        await rm(join(this.target, path), { force: true });
        await removeEmptyParents(this.target, dirname(join(this.target, path)));
      }
    }
    changes.added.sort();
    changes.changed.sort();
    return changes;
  }

  /** Removes whatever was staged (after a failure before commit). */
  async abort(): Promise<void> {
    await this.settled();
    if (this.mode === "new") await rm(this.temp, { recursive: true, force: true });
    if (this.mode === "update") {
      await Promise.all(
        [...this.staged].map((path) =>
          rm(join(this.target, path) + this.suffix, { force: true }).catch(() => undefined),
        ),
      );
      // Made by this export for new files only: nothing else is in them.
      for (const dir of this.madeDirs) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private async settled(): Promise<void> {
    while (this.inflight.size) await Promise.all(this.inflight);
  }

  /** Where a file added is now. */
  private location(path: string): string {
    if (this.mode === "new") return join(this.temp, path);
    const final = join(this.target, path);
    return this.staged.has(path) ? final + this.suffix : final;
  }

  private async put(path: string, content: FileText): Promise<void> {
    if (this.mode === "new") {
      const file = join(this.temp, path);
      await this.mkdir(dirname(file));
      await writeFile(file, writable(content));
      this.changes.added.push(path);
      return;
    }
    const final = join(this.target, path);
    const current = await sameText(final, content);
    if (current === "same") {
      this.changes.unchanged++;
      return;
    }
    (current === "none" ? this.changes.added : this.changes.changed).push(path);
    if (this.mode === "compare") {
      this.held.set(path, content);
      return;
    }
    // Marked first: staging may stop part way, and abort removes whatever of it exists.
    this.staged.add(path);
    await this.mkdir(dirname(final));
    await writeFile(final + this.suffix, writable(content));
  }

  /** Makes a directory (and its parents) once, however many files go in it. */
  private mkdir(dir: string): Promise<unknown> {
    let made = this.dirs.get(dir);
    if (!made) {
      made = mkdir(dir, { recursive: true }).then((first) => {
        if (first && this.mode === "update") this.madeDirs.push(first);
      });
      this.dirs.set(dir, made);
    }
    return made;
  }
}

/** What writeFile takes for a text: the string, or the pieces, written one after another. */
function writable(content: FileText): string | Iterable<string> {
  return typeof content === "string" ? content : content();
}

/**
 * Whether the file holds this text ("none" when there is no file). A text in pieces is
 * compared by digest, so neither it nor the file is held whole.
 */
async function sameText(file: string, content: FileText): Promise<"same" | "different" | "none"> {
  if (typeof content === "string") {
    const current = await readFile(file, "utf8").catch(() => undefined);
    return current === undefined ? "none" : current === content ? "same" : "different";
  }
  const disk = createHash("sha256");
  try {
    for await (const chunk of createReadStream(file)) disk.update(chunk as Buffer);
  } catch {
    return "none";
  }
  const text = createHash("sha256");
  for (const piece of content()) text.update(piece);
  return disk.digest("hex") === text.digest("hex") ? "same" : "different";
}

type PathKind = "none" | "file" | "directory";

async function pathKind(path: string): Promise<PathKind> {
  try {
    const s = await lstat(path);
    return s.isDirectory() ? "directory" : "file";
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "none";
    throw writeError(path, err);
  }
}

/** An existing, non-empty destination must be a previous export: we never write over other files. */
async function assertExportDirectory(dest: string, target: string): Promise<void> {
  const entries = (await readdir(target)).filter((e) => !e.startsWith("."));
  if (entries.length === 0) return;
  try {
    await stat(join(target, MANIFEST));
  } catch {
    throw new OctoportError(
      `the destination ${dest} is not empty and holds no ${MANIFEST}, so it is not an octoport export; choose an empty or new directory`,
    );
  }
}

/** The manifest of the export in `dest`, if there is one that parses. */
export async function readManifest(dest: string): Promise<Manifest | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(dest, MANIFEST), "utf8")) as Manifest;
    return parsed && typeof parsed === "object" && Array.isArray(parsed.resources) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function previousFiles(dest: string): Promise<Set<string>> {
  try {
    const manifest = JSON.parse(await readFile(join(dest, MANIFEST), "utf8")) as { files?: unknown };
    if (Array.isArray(manifest.files)) {
      return new Set([...manifest.files.map(String), MANIFEST].filter((p) => !p.split("/").includes("..")));
    }
  } catch {
    // no previous export
  }
  return new Set();
}

async function removeEmptyParents(root: string, dir: string): Promise<void> {
  let current = dir;
  while (current.startsWith(root + sep) && current !== root) {
    try {
      await rmdir(current);
    } catch {
      return;
    }
    current = dirname(current);
  }
}

/** A catch handler that turns an I/O error into the one-line writeError; the gate's errors pass as they are. */
function failedWriting(dest: string): (err: unknown) => never {
  return (err) => {
    throw writeError(dest, err);
  };
}

function writeError(dest: string, err: unknown): OctoportError {
  if (err instanceof OctoportError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  const hint =
    code === "EACCES" || code === "EPERM" || code === "EROFS" ? "; choose a directory you can write to" : "";
  return new OctoportError(`cannot write the export to ${dest} (${code})${hint}`, { cause: err });
}
