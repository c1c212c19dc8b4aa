import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { unzipSync, zipSync } from "fflate";
import { OctoportError } from "../util/errors.js";
import { faultPoint } from "../util/fault.js";
import { exitCodeOf, watchInterrupt } from "../util/interrupt.js";
import { type KdfParams, kdfProblem, SealError, SnapshotKey } from "./crypto.js";

/**
 * The snapshot on disk: `metadata.json` and one file per document, `<Type>/<Id>.json`, as
 * the API returned it with sensitive values sealed, keys sorted, two-space indent, trailing
 * newline; optional task logs. In a directory, or a zip, or a zip sealed whole with the
 * password (`--encrypt-package`). metadata.json lists a hash of every file and is itself
 * MACed with the password-derived key, so any change to any file is caught before import.
 */

export const SNAPSHOT_FORMAT = "octoport-snapshot/v1";
const SEALED_MAGIC = "OCTOPORT-SEALED-SNAPSHOT/v1\n";
const METADATA = "metadata.json";

export interface SnapshotMetadata {
  format: string;
  source: { server: string; serverVersion: string; space: { Id: string; Name: string } };
  selection: {
    projects: string[] | null;
    ignoreCertificates: boolean;
    ignoreMachines: boolean;
    ignoreDeployments: boolean;
    ignoreTenants: boolean;
    includeTaskLogs: boolean;
  };
  kdf: KdfParams;
  /** A known value sealed with the key: tells a wrong password from a damaged file. */
  check: string;
  /** Sensitive values: how many the snapshot carries, and where the others are. */
  secrets: { known: number; missing: Array<{ document: string; path: string; label: string }> };
  /** SHA-256 of every other file. */
  files: Record<string, string>;
  /** HMAC of all of the above. */
  mac: string;
}

export interface Snapshot {
  metadata: SnapshotMetadata;
  /** Documents by `<Type>/<Id>`. */
  documents: Map<string, Record<string, unknown>>;
  /** Other files (task logs) by path. */
  extras: Map<string, string>;
}

/**
 * What a snapshot read from outside may hold, checked before anything is inflated or read
 * whole: a zip's declared sizes are checked against these before its first entry is inflated,
 * and an entry is never inflated past its declared size (so a lying header only truncates it,
 * and its hash then fails). An L space (2,000 projects) snapshots to some 60 MB of JSON.
 */
export const SNAPSHOT_LIMITS = {
  /** The file (zip or sealed zip) on disk. */
  fileBytes: 1024 * 1024 * 1024,
  /** Files in the snapshot. */
  entries: 200_000,
  /** One file, inflated. */
  entryBytes: 128 * 1024 * 1024,
  /** All files, inflated. */
  totalBytes: 1024 * 1024 * 1024,
  /** How much larger than its compressed size a file over 1 MiB may inflate. */
  ratio: 200,
} as const;

const CHECK_CONTEXT = "octoport password check";
const CHECK_VALUE = "octoport";

/** JSON with keys sorted at every level, two-space indent, trailing newline. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

export function documentPath(type: string, id: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(id) || !/^[A-Za-z]+$/.test(type))
    throw new OctoportError(`cannot name a snapshot file after ${type} ${id}`);
  return `${type}/${id}.json`;
}

/** The files of a snapshot, the metadata completed with file hashes, check value and MAC. */
export function snapshotFiles(
  key: SnapshotKey,
  metadata: Omit<SnapshotMetadata, "files" | "mac" | "check" | "kdf">,
  documents: ReadonlyMap<string, unknown>,
  extras: ReadonlyMap<string, string> = new Map(),
): Map<string, string> {
  const files = new Map<string, string>();
  for (const [path, doc] of [...documents.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
    files.set(path, canonicalJson(doc));
  for (const [path, text] of [...extras.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
    files.set(path, text);
  const hashes: Record<string, string> = {};
  for (const [path, text] of files) hashes[path] = sha256(text);
  const body = { ...metadata, kdf: key.kdf, check: key.seal(CHECK_CONTEXT, CHECK_VALUE), files: hashes };
  const full: SnapshotMetadata = { ...body, mac: key.mac(canonicalJson(body)) };
  return new Map([[METADATA, canonicalJson(full)], ...files]);
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

// ---- writing -------------------------------------------------------------------------------

/** A fixed time for zip entries, made in local time so every time zone writes the same bytes. */
const ZIP_TIME = new Date(1980, 0, 1, 0, 0, 0);

export function zipFiles(files: ReadonlyMap<string, string>): Uint8Array {
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {};
  for (const [path, text] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
    entries[path] = [Buffer.from(text, "utf8"), { mtime: ZIP_TIME }];
  return zipSync(entries, { level: 6 });
}

export function sealPackage(key: SnapshotKey, zip: Uint8Array): Uint8Array {
  const header = `${JSON.stringify({ kdf: key.kdf })}\n`;
  return Buffer.concat([Buffer.from(SEALED_MAGIC + header, "utf8"), key.sealBytes("snapshot package", zip)]);
}

/**
 * Writes a snapshot to `out`: a directory, or a file when `out` ends in .zip (sealed whole
 * with `sealWith`). Atomic: written beside its place and renamed; a directory that holds an
 * earlier snapshot is replaced, anything else is refused.
 */
export async function writeSnapshot(
  out: string,
  files: ReadonlyMap<string, string>,
  sealWith?: SnapshotKey,
): Promise<string[]> {
  const target = resolve(out);
  const notes = await removeLeftovers(out, target);
  const kind = await pathKind(target);
  const temp = `${target}.octoport-${randomBytes(4).toString("hex")}`;
  try {
    await mkdir(dirname(target), { recursive: true });
    if (target.toLowerCase().endsWith(".zip")) {
      if (kind === "dir")
        throw new OctoportError(`${out} is a directory; give a new .zip path or a directory without .zip`);
      const zip = zipFiles(files);
      await writeFile(temp, sealWith ? sealPackage(sealWith, zip) : zip, { mode: 0o600 });
      await rename(temp, target);
      return notes;
    }
    if (sealWith) throw new OctoportError("--encrypt-package needs --out to name a .zip file");
    if (kind === "file") throw new OctoportError(`${out} is a file; give a directory (or a .zip path)`);
    if (kind === "dir" && !(await isSnapshotDir(target)))
      throw new OctoportError(
        `${out} is a directory that holds something other than a snapshot; give a new or empty directory`,
      );
    // Ctrl-C or SIGTERM while the files are written: stop at the next file and remove them
    // (below); the snapshot already at `out`, if any, is left as it was.
    const interrupt = watchInterrupt();
    try {
      for (const [path, text] of files) {
        if (interrupt.signal)
          throw new OctoportError(
            `interrupted: nothing was written to ${out} (the files written so far were removed)`,
            { exitCode: exitCodeOf(interrupt.signal) },
          );
        await mkdir(dirname(join(temp, path)), { recursive: true, mode: 0o700 });
        await writeFile(join(temp, path), text, { mode: 0o600 });
        faultPoint("snapshot-file");
      }
    } finally {
      interrupt.dispose();
    }
    if (kind === "dir") {
      const old = `${target}.octoport-old-${randomBytes(4).toString("hex")}`;
      await rename(target, old);
      await rename(temp, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, target);
    }
    return notes;
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    if (err instanceof OctoportError) throw err;
    throw new OctoportError(
      `cannot write the snapshot to ${out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/**
 * What an interrupted export of a snapshot to `target` left beside it (its file or directory
 * being written, or the earlier snapshot being replaced): removed, and said. The snapshot at
 * `target` itself is whole either way (it is only ever replaced by a rename).
 */
async function removeLeftovers(out: string, target: string): Promise<string[]> {
  const prefix = `${basename(target)}.octoport-`;
  let names: string[] = [];
  try {
    names = (await readdir(dirname(target))).filter(
      (n) => n.startsWith(prefix) && /\.octoport-(old-)?[0-9a-f]{8}$/.test(n),
    );
  } catch {
    return [];
  }
  const notes: string[] = [];
  for (const name of names) {
    await rm(join(dirname(target), name), { recursive: true, force: true });
    notes.push(`removed ${join(dirname(out), name)}, left by an export of a snapshot that was interrupted`);
  }
  return notes;
}

async function isSnapshotDir(dir: string): Promise<boolean> {
  const entries = await readdir(dir);
  if (entries.length === 0) return true;
  try {
    return (
      JSON.parse(await readFile(join(dir, METADATA), "utf8")).format?.startsWith("octoport-snapshot/") ===
      true
    );
  } catch {
    return false;
  }
}

async function pathKind(path: string): Promise<"none" | "file" | "dir"> {
  try {
    const s = await lstat(path);
    return s.isDirectory() ? "dir" : "file";
  } catch {
    return "none";
  }
}

// ---- reading -------------------------------------------------------------------------------

/**
 * Reads and verifies a snapshot: the format version, the password (against the check
 * value), the metadata's MAC and every file's hash. Any failure is one clear error, before
 * anything is imported. Returns the key, to open the sealed values.
 */
export async function readSnapshot(
  src: string,
  password: string,
): Promise<{ snapshot: Snapshot; key: SnapshotKey }> {
  const files = await readFiles(src, password);
  const metaText = files.get(METADATA);
  if (metaText === undefined) throw new OctoportError(`${src} is not an octoport snapshot (no ${METADATA})`);
  let metadata: SnapshotMetadata;
  try {
    metadata = JSON.parse(metaText) as SnapshotMetadata;
  } catch {
    throw new OctoportError(`${src}: ${METADATA} is not valid JSON; the snapshot is damaged`);
  }
  if (
    !metadata ||
    typeof metadata !== "object" ||
    typeof metadata.format !== "string" ||
    !metadata.format.startsWith("octoport-snapshot/")
  )
    throw new OctoportError(`${src} is not an octoport snapshot`);
  if (metadata.format !== SNAPSHOT_FORMAT)
    throw new OctoportError(
      `${src} is a snapshot of format ${metadata.format.slice(0, 60)}; this octoport reads ${SNAPSHOT_FORMAT}: use the octoport version that wrote it`,
    );
  const problem = kdfProblem(metadata.kdf);
  if (problem)
    throw new OctoportError(
      `${src} is refused: ${problem}; the snapshot was changed, or not made by octoport`,
    );
  if (typeof metadata.check !== "string" || !metadata.files || typeof metadata.files !== "object")
    throw new OctoportError(
      `${src}: ${METADATA} lacks its check value or file list; the snapshot is damaged`,
    );
  const key = await SnapshotKey.derive(password, metadata.kdf);
  try {
    key.open(CHECK_CONTEXT, metadata.check);
  } catch {
    throw new OctoportError(`wrong password for ${src} (or its metadata was changed); nothing was imported`);
  }
  const { mac, ...body } = metadata;
  if (typeof mac !== "string" || !key.verify(canonicalJson(body), mac))
    throw new OctoportError(`${src}: ${METADATA} was changed after export; the snapshot cannot be trusted`);
  const documents = new Map<string, Record<string, unknown>>();
  const extras = new Map<string, string>();
  const listed = new Set(Object.keys(metadata.files));
  for (const path of files.keys()) {
    if (path === METADATA) continue;
    if (!listed.has(path))
      throw new OctoportError(`${src}: ${path} is not part of the snapshot (it was added after export)`);
  }
  for (const [path, hash] of Object.entries(metadata.files)) {
    const text = files.get(path);
    if (text === undefined) throw new OctoportError(`${src}: ${path} is missing; the snapshot is incomplete`);
    if (sha256(text) !== hash)
      throw new OctoportError(`${src}: ${path} was changed after export; the snapshot cannot be trusted`);
    if (path.endsWith(".json")) {
      try {
        documents.set(path, JSON.parse(text) as Record<string, unknown>);
      } catch {
        throw new OctoportError(`${src}: ${path} is not valid JSON; the snapshot is damaged`);
      }
    } else extras.set(path, text);
  }
  return { snapshot: { metadata, documents, extras }, key };
}

async function readFiles(src: string, password: string): Promise<Map<string, string>> {
  const kind = await pathKind(src);
  if (kind === "none") throw new OctoportError(`${src} does not exist`);
  const limits = SNAPSHOT_LIMITS;
  if (kind === "dir") {
    const out = new Map<string, string>();
    const paths = await walk(src);
    if (paths.length > limits.entries) throw tooBig(src, `${paths.length} files (at most ${limits.entries})`);
    let total = 0;
    for (const path of paths) {
      const size = (await stat(join(src, path))).size;
      total += size;
      if (size > limits.entryBytes)
        throw tooBig(src, `${path} is ${mib(size)} (at most ${mib(limits.entryBytes)})`);
      if (total > limits.totalBytes) throw tooBig(src, `its files are over ${mib(limits.totalBytes)}`);
    }
    for (const path of paths) out.set(path, await readFile(join(src, path), "utf8"));
    return out;
  }
  const size = (await stat(src)).size;
  if (size > limits.fileBytes) throw tooBig(src, `it is ${mib(size)} (at most ${mib(limits.fileBytes)})`);
  let data: Uint8Array = await readFile(src);
  if (Buffer.from(data.subarray(0, SEALED_MAGIC.length)).toString("utf8") === SEALED_MAGIC) {
    data = await openPackage(src, data, password);
  }
  return unzipBounded(src, data);
}

function tooBig(src: string, why: string): OctoportError {
  return new OctoportError(`${src} is refused: ${why}; a snapshot this large is not one octoport wrote`);
}

function mib(bytes: number): string {
  return `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB`;
}

/**
 * Unzips with every declared size checked before the first entry is inflated (count, each
 * entry, the total, the ratio), and no entry inflated past its declared size.
 */
function unzipBounded(src: string, data: Uint8Array): Map<string, string> {
  const limits = SNAPSHOT_LIMITS;
  const declared: Array<{ name: string; size: number; originalSize: number }> = [];
  try {
    // A first pass that inflates nothing: the filter sees each entry's declared sizes.
    unzipSync(data, {
      filter: (f) => {
        declared.push({ name: f.name, size: f.size, originalSize: f.originalSize });
        if (declared.length > limits.entries)
          throw new ZipRefused(`it holds more than ${limits.entries} files`);
        return false;
      },
    });
  } catch (err) {
    if (err instanceof ZipRefused) throw tooBig(src, err.message);
    throw new OctoportError(`${src} is not a complete zip (truncated or damaged); export it again`);
  }
  let total = 0;
  for (const e of declared) {
    if (e.name.split("/").includes("..") || e.name.startsWith("/") || e.name.includes("\\"))
      throw new OctoportError(
        `${src} holds a file outside the snapshot (${e.name.slice(0, 100)}); refusing it`,
      );
    total += e.originalSize;
    if (e.originalSize > limits.entryBytes)
      throw tooBig(
        src,
        `${e.name.slice(0, 100)} inflates to ${mib(e.originalSize)} (at most ${mib(limits.entryBytes)})`,
      );
    if (e.originalSize > 2 ** 20 && e.originalSize > e.size * limits.ratio)
      throw tooBig(
        src,
        `${e.name.slice(0, 100)} inflates ${Math.round(e.originalSize / Math.max(1, e.size))} times its size (at most ${limits.ratio})`,
      );
    if (total > limits.totalBytes) throw tooBig(src, `its files inflate to over ${mib(limits.totalBytes)}`);
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(data);
  } catch {
    throw new OctoportError(`${src} is not a complete zip (truncated or damaged); export it again`);
  }
  const out = new Map<string, string>();
  for (const [path, bytes] of Object.entries(entries)) {
    if (path.endsWith("/")) continue;
    out.set(path, Buffer.from(bytes).toString("utf8"));
  }
  return out;
}

class ZipRefused extends Error {}

/**
 * The key-derivation parameters of the snapshot at `path` (a directory, a zip or a sealed
 * zip), to export again with the same salt (--reproducible); undefined when there is none.
 */
export async function existingSnapshotKdf(path: string): Promise<KdfParams | undefined> {
  const kind = await pathKind(path);
  try {
    if (kind === "dir") return kdfOf(JSON.parse(await readFile(join(path, METADATA), "utf8")));
    if (kind !== "file" || (await stat(path)).size > SNAPSHOT_LIMITS.fileBytes) return undefined;
    const data = await readFile(path);
    if (Buffer.from(data.subarray(0, SEALED_MAGIC.length)).toString("utf8") === SEALED_MAGIC) {
      const rest = data.subarray(SEALED_MAGIC.length);
      return kdfOf(JSON.parse(Buffer.from(rest.subarray(0, rest.indexOf(10))).toString("utf8")));
    }
    const meta = unzipBounded(path, data).get(METADATA);
    return meta ? kdfOf(JSON.parse(meta)) : undefined;
  } catch {
    return undefined;
  }
}

function kdfOf(parsed: unknown): KdfParams | undefined {
  const kdf = (parsed as { kdf?: KdfParams } | null)?.kdf;
  return kdfProblem(kdf) ? undefined : kdf;
}

async function openPackage(src: string, data: Uint8Array, password: string): Promise<Uint8Array> {
  const rest = data.subarray(SEALED_MAGIC.length);
  const newline = rest.indexOf(10);
  if (newline < 0) throw new OctoportError(`${src} is a sealed snapshot whose header is damaged`);
  let header: { kdf: KdfParams };
  try {
    header = JSON.parse(Buffer.from(rest.subarray(0, newline)).toString("utf8")) as { kdf: KdfParams };
  } catch {
    throw new OctoportError(`${src} is a sealed snapshot whose header is damaged`);
  }
  const problem = kdfProblem(header?.kdf);
  if (problem)
    throw new OctoportError(`${src} is refused: ${problem}; the file was changed, or not made by octoport`);
  const key = await SnapshotKey.derive(password, header.kdf);
  try {
    return key.openBytes("snapshot package", rest.subarray(newline + 1));
  } catch (err) {
    if (err instanceof SealError)
      throw new OctoportError(
        `${src} does not open: wrong password, or the file was changed or truncated; nothing was imported`,
      );
    throw err;
  }
}

async function walk(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(root, full)));
    else if (e.isFile()) out.push(relative(root, full).split(sep).join("/"));
  }
  return out.sort();
}
