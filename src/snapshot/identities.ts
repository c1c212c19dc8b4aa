import { createHash } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { OctoportError } from "../util/errors.js";

/**
 * The identity record (docs/snapshot.md, "Identity across renames"): which destination
 * document (or step, action, variable, template) each source one became, kept by every
 * completed import into a space, so the next import of the same source finds a renamed
 * project, a rescoped variable or a renamed step where it is, instead of by a name it no
 * longer has. A source ID is never taken to mean anything on the destination: the record maps
 * it to the destination ID an import saw, and an entry counts only while the destination
 * still holds a document of that ID, of that type (or in that container), with the name the
 * import left on it (otherwise the import matches by name, as without a record).
 *
 * One JSON file per destination space, mode 0600, written whole beside itself and renamed
 * into place, and only once an import has completed: an import that fails, is interrupted or
 * rolled back leaves the record as it was.
 */

export const IDENTITIES_FORMAT = "octoport-identities/v1";

/** What a source document or item became: the destination's ID and the name it was left with. */
export interface IdentityEntry {
  id: string;
  name: string;
}

/** What one source space's documents became. Keys: `<Type>/<source ID>` (documents), `<Kind>/<source ID>` (items). */
export interface SourceIdentities {
  documents: Record<string, IdentityEntry>;
  items: Record<string, IdentityEntry>;
}

export interface IdentityRecord {
  format: string;
  destination: { server: string; space: string };
  /** By source, `<server> <space ID>`. */
  sources: Record<string, SourceIdentities>;
}

/** The key of a source space in a record. */
export function sourceKey(server: string, spaceId: string): string {
  return `${server.replace(/\/+$/, "")} ${spaceId}`;
}

/** Where the record of imports into a space is kept when --identities is not given: the state directory. */
export function defaultIdentitiesFile(server: string, spaceId: string): string {
  const base = process.env.OCTOPORT_STATE_DIR
    ? process.env.OCTOPORT_STATE_DIR
    : join(process.env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "octoport");
  const host = server
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/[^A-Za-z0-9.-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  // The hash tells apart servers whose URLs differ only in what the readable part drops.
  const hash = createHash("sha256").update(`${server} ${spaceId}`).digest("hex").slice(0, 8);
  return join(base, "identities", `${host}-${spaceId}-${hash}.json`);
}

/**
 * The record in `file` for imports into this destination space; an empty one when there is no
 * file. A file that is not a record, or is one of another destination, is refused (one line
 * saying what to do), never overwritten.
 */
export function readIdentities(file: string, destination: { server: string; space: string }): IdentityRecord {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { format: IDENTITIES_FORMAT, destination, sources: {} };
    throw new OctoportError(`cannot read the identity record ${file} (${code ?? String(err)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OctoportError(
      `${file} is not an octoport identity record (not JSON); give another --identities file`,
    );
  }
  const record = parsed as Partial<IdentityRecord>;
  if (
    !record ||
    record.format !== IDENTITIES_FORMAT ||
    typeof record.sources !== "object" ||
    !record.destination
  )
    throw new OctoportError(`${file} is not an octoport identity record; give another --identities file`);
  if (
    sourceKey(record.destination.server, "") !== sourceKey(destination.server, "") ||
    record.destination.space !== destination.space
  )
    throw new OctoportError(
      `the identity record ${file} is of imports into space ${record.destination.space} on ${record.destination.server}; give another --identities file for space ${destination.space} on ${destination.server}`,
    );
  const sources: Record<string, SourceIdentities> = {};
  for (const [key, value] of Object.entries(record.sources ?? {})) {
    const v = value as Partial<SourceIdentities>;
    sources[key] = { documents: entries(v?.documents), items: entries(v?.items) };
  }
  return { format: IDENTITIES_FORMAT, destination, sources };
}

/** Only well-formed entries count. */
function entries(value: unknown): Record<string, IdentityEntry> {
  const out: Record<string, IdentityEntry> = {};
  if (!value || typeof value !== "object") return out;
  for (const [k, e] of Object.entries(value as Record<string, unknown>)) {
    const entry = e as Partial<IdentityEntry>;
    if (entry && typeof entry.id === "string" && typeof entry.name === "string")
      out[k] = { id: entry.id, name: entry.name };
  }
  return out;
}

/**
 * Writes the record: to a new file beside it (mode 0600), flushed, then renamed over it, so a
 * reader (or a crash) sees the old record or the new one, never part of one.
 */
export function writeIdentities(file: string, record: IdentityRecord): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const sorted = (r: Record<string, IdentityEntry>) =>
    Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const body: IdentityRecord = {
    format: record.format,
    destination: record.destination,
    sources: Object.fromEntries(
      Object.entries(record.sources)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, s]) => [k, { documents: sorted(s.documents), items: sorted(s.items) }]),
    ),
  };
  let fd: number | undefined;
  try {
    rmSync(temp, { force: true });
    fd = openSync(temp, "wx", 0o600);
    writeSync(fd, `${JSON.stringify(body, null, 2)}\n`);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw new OctoportError(
      `cannot write the identity record ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
}
