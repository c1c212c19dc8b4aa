import { randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import pLimit from "p-limit";
import { OctoportError } from "../util/errors.js";
import type { Manifest } from "./export.js";
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
  const previous = await previousFiles(dest);
  const changes: FileChanges = { added: [], changed: [], removed: [], unchanged: 0 };
  const limit = pLimit(WRITE_CONCURRENCY);
  const sorted = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const current = await Promise.all(
    sorted.map(([path]) => limit(() => readFile(join(dest, path), "utf8").catch(() => undefined))),
  );
  sorted.forEach(([path, content], i) => {
    if (current[i] === undefined) changes.added.push(path);
    else if (current[i] !== content) changes.changed.push(path);
    else changes.unchanged++;
  });
  changes.removed = [...previous].filter((p) => !files.has(p)).sort();
  return changes;
}

export interface WriteOptions {
  /**
   * Work that must succeed before anything is renamed into place (the HCL check): files are
   * staged while it runs; when it fails, the staged files are removed and its error thrown.
   */
  gate?: Promise<void>;
}

/**
 * Writes an export atomically. A new directory is written beside its final place and renamed
 * into it. An existing export is updated file by file: every new or changed file is first
 * staged next to its target, and only when all are staged (and the gate has passed) are they
 * renamed into place and the files the previous export wrote but this one does not are
 * removed. A failure before that leaves the previous output untouched.
 */
export async function writeExport(
  dest: string,
  files: ReadonlyMap<string, string>,
  options: WriteOptions = {},
): Promise<FileChanges> {
  const gate = options.gate ?? Promise.resolve();
  // Whatever fails first is what is reported; the gate is always awaited before a rename.
  gate.catch(() => undefined);
  const target = resolve(dest);
  const kind = await pathKind(target);
  if (kind === "file")
    throw new OctoportError(`the destination ${dest} is a file; pass a directory for --dest`);
  if (kind === "none") {
    const temp = `${target}.octoport-${randomBytes(4).toString("hex")}`;
    try {
      await mkdir(dirname(target), { recursive: true }).catch(failedWriting(dest));
      await writeAll([...files].map(([path, content]) => [join(temp, path), content])).catch(
        failedWriting(dest),
      );
      await gate;
      await rename(temp, target).catch(failedWriting(dest));
    } catch (err) {
      await rm(temp, { recursive: true, force: true });
      throw err;
    }
    return { added: [...files.keys()].sort(), changed: [], removed: [], unchanged: 0 };
  }
  await assertExportDirectory(dest, target);
  const changes = await diffExport(target, files);
  const suffix = `.octoport-${randomBytes(4).toString("hex")}`;
  const staged = [...changes.added, ...changes.changed].map((path) => [path, join(target, path)] as const);
  // Staging may have stopped part way: remove whatever of it exists.
  const unstage = () =>
    Promise.all(staged.map(([, final]) => rm(final + suffix, { force: true }).catch(() => undefined)));
  try {
    await writeAll(staged.map(([path, final]) => [final + suffix, files.get(path)!])).catch(
      failedWriting(dest),
    );
    await gate;
  } catch (err) {
    await unstage();
    throw err;
  }
  for (const [, final] of staged) await rename(final + suffix, final);
  for (const path of changes.removed) {
    await rm(join(target, path), { force: true });
    await removeEmptyParents(target, dirname(join(target, path)));
  }
  return changes;
}

/** Writes files (absolute paths), making their directories first, several at a time. */
async function writeAll(files: Array<[string, string]>): Promise<void> {
  const dirs = [...new Set(files.map(([path]) => dirname(path)))].sort();
  for (const dir of dirs) await mkdir(dir, { recursive: true });
  const limit = pLimit(WRITE_CONCURRENCY);
  await Promise.all(files.map(([path, content]) => limit(() => writeFile(path, content))));
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
