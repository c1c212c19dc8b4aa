import { randomUUID } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { z } from "zod";
import type { OctopusClient } from "../octopus/client.js";
import type { Space } from "../octopus/schemas.js";
import { OctoportError } from "../util/errors.js";

/**
 * Variable spreading (docs/spread.md), on the source space. Octopus hands a sensitive value to a
 * process only by name, so one that is scoped, or whose name is not unique in the space,
 * cannot be passed into a Terraform module. Spreading renames each such sensitive variable
 * to a unique, stable name and removes its scope (it keeps its value: the value is never read),
 * and puts in its place a regular variable with the original name and scope whose value is
 * `#{<unique name>}`, so everything that used the original still resolves the same value.
 */

export interface VariableDoc {
  Id: string;
  Name: string;
  Value?: string | null;
  Description?: string | null;
  Scope?: Record<string, string[]>;
  IsSensitive?: boolean;
  Type?: string;
  IsEditable?: boolean;
  Prompt?: unknown;
  [key: string]: unknown;
}

interface VariableSetDoc {
  Id: string;
  OwnerId?: string | null;
  Version?: number;
  Variables: VariableDoc[];
  ScopeValues?: Record<string, Array<{ Id?: string; Name?: string }>>;
  [key: string]: unknown;
}

/** One variable set spreading touches, and what it does there. */
export interface SetChanges {
  variableSetId: string;
  owner: { kind: "project" | "library set"; id: string; name: string };
  changes: Change[];
}

export interface Change {
  /** The sensitive variable: renamed and unscoped; keeps its ID and value. */
  variableId: string;
  /** What it was, to restore on undo (never a value). */
  original: { Name: string; Scope: Record<string, string[]>; Description: string | null; Prompt: unknown };
  spreadName: string;
  /** The regular variable put in its place. */
  replacementId: string;
  /** The scope by names, for people. */
  scopeText: string;
}

export interface SpreadPlan {
  space: { id: string; name: string };
  sets: SetChanges[];
  /** Sensitive variables that are left as they are, and why. */
  skipped: string[];
}

export interface SpreadSelection {
  /** Projects (names or IDs) whose variables to spread; with neither list, every project and library set. */
  projects?: string[];
  librarySets?: string[];
}

interface Target {
  kind: "project" | "library set";
  id: string;
  name: string;
  variableSetId: string;
  versionControlled: boolean;
}

/** Works out every change spreading would make. Reads only; values of sensitive variables are never read. */
export async function planSpread(
  client: OctopusClient,
  space: Space,
  selection: SpreadSelection = {},
): Promise<SpreadPlan> {
  const base = `/api/${space.Id}`;
  const projects = await client.list(`${base}/projects`);
  const libraries = (await client.list(`${base}/libraryvariablesets`, { contentType: "Variables" })).filter(
    (l) => (l as { ContentType?: string }).ContentType !== "ScriptModule",
  );
  const all: Target[] = [
    ...projects.map((p) => ({
      kind: "project" as const,
      id: String(p.Id),
      name: String(p.Name),
      variableSetId: String((p as { VariableSetId?: string }).VariableSetId ?? ""),
      versionControlled: (p as { IsVersionControlled?: boolean }).IsVersionControlled === true,
    })),
    ...libraries.map((l) => ({
      kind: "library set" as const,
      id: String(l.Id),
      name: String(l.Name),
      variableSetId: String((l as { VariableSetId?: string }).VariableSetId ?? ""),
      versionControlled: false,
    })),
  ];
  const wanted = selectTargets(all, selection);
  // Every set in the space, to know which names are taken and which are shared.
  const sets = new Map<string, VariableSetDoc>();
  await Promise.all(
    all
      .filter((t) => t.variableSetId && !t.versionControlled)
      .map(async (t) => {
        sets.set(
          t.variableSetId,
          (await client.get(`${base}/variables/${t.variableSetId}`)) as VariableSetDoc,
        );
      }),
  );
  const nameCount = new Map<string, number>();
  const taken = new Set<string>();
  for (const set of sets.values()) {
    for (const v of set.Variables) {
      const key = v.Name.toLowerCase();
      nameCount.set(key, (nameCount.get(key) ?? 0) + 1);
      taken.add(key);
    }
  }
  const skipped: string[] = [];
  const candidates: Array<{ target: Target; set: VariableSetDoc; v: VariableDoc; scopeText: string }> = [];
  for (const target of wanted) {
    if (target.versionControlled) {
      skipped.push(`${target.kind} "${target.name}" keeps its variables in Git; spread them there`);
      continue;
    }
    const set = sets.get(target.variableSetId);
    if (!set) continue;
    for (const v of set.Variables) {
      if (!isSensitive(v)) continue;
      const scoped = Object.values(v.Scope ?? {}).some((values) => values.length > 0);
      const shared = (nameCount.get(v.Name.toLowerCase()) ?? 0) > 1;
      if (!scoped && !shared) continue;
      if (v.Prompt) {
        skipped.push(
          `${target.kind} "${target.name}" variable "${v.Name}" is prompted: its value is entered at each deployment, so it is left as it is`,
        );
        continue;
      }
      candidates.push({ target, set, v, scopeText: scopeText(v, set) });
    }
  }
  // Names are made in a fixed order, so the same space always gets the same names.
  candidates.sort((a, b) =>
    cmp(
      `${a.target.name}\0${a.v.Name}\0${a.scopeText}\0${a.v.Id}`,
      `${b.target.name}\0${b.v.Name}\0${b.scopeText}\0${b.v.Id}`,
    ),
  );
  const bySet = new Map<string, SetChanges>();
  for (const c of candidates) {
    const spreadName = uniqueName(c.v.Name, c.target.name, c.scopeText, taken);
    let entry = bySet.get(c.set.Id);
    if (!entry) {
      entry = {
        variableSetId: c.set.Id,
        owner: { kind: c.target.kind, id: c.target.id, name: c.target.name },
        changes: [],
      };
      bySet.set(c.set.Id, entry);
    }
    entry.changes.push({
      variableId: c.v.Id,
      original: {
        Name: c.v.Name,
        Scope: c.v.Scope ?? {},
        Description: c.v.Description ?? null,
        Prompt: c.v.Prompt ?? null,
      },
      spreadName,
      replacementId: randomUUID(),
      scopeText: c.scopeText,
    });
  }
  return {
    space: { id: space.Id, name: String(space.Name ?? space.Id) },
    sets: [...bySet.values()].sort((a, b) =>
      cmp(`${a.owner.kind}\0${a.owner.name}`, `${b.owner.kind}\0${b.owner.name}`),
    ),
    skipped,
  };
}

function selectTargets(all: Target[], selection: SpreadSelection): Target[] {
  const projects = selection.projects ?? [];
  const libraries = selection.librarySets ?? [];
  if (!projects.length && !libraries.length) return all;
  const pick = (kind: Target["kind"], wanted: string[]) =>
    wanted.map((w) => {
      const found =
        all.find((t) => t.kind === kind && (t.id === w || t.name === w)) ??
        all.find((t) => t.kind === kind && t.name.toLowerCase() === w.toLowerCase());
      if (!found) {
        const names = all.filter((t) => t.kind === kind).map((t) => t.name);
        throw new OctoportError(`no ${kind} "${w}" in the space; there are: ${names.join(", ") || "none"}`);
      }
      return found;
    });
  return [...pick("project", projects), ...pick("library set", libraries)];
}

function isSensitive(v: VariableDoc): boolean {
  return v.IsSensitive === true || v.Type === "Sensitive";
}

/** "Development, Test" (environments, then other scope values), by names where the set knows them. */
function scopeText(v: VariableDoc, set: VariableSetDoc): string {
  const names = new Map<string, string>();
  for (const list of Object.values(set.ScopeValues ?? {}))
    for (const item of list ?? []) if (item.Id && item.Name) names.set(item.Id, item.Name);
  const parts: string[] = [];
  for (const key of Object.keys(v.Scope ?? {}).sort()) {
    parts.push(...(v.Scope?.[key] ?? []).map((id) => names.get(id) ?? id).sort());
  }
  return parts.join(", ");
}

/** Name.Owner.Scope in letters and digits, unique in the space (case-insensitive), made once. */
function uniqueName(name: string, owner: string, scope: string, taken: Set<string>): string {
  const base = [name, token(owner), ...(scope ? [token(scope)] : [])].join(".");
  let candidate = base;
  for (let i = 2; taken.has(candidate.toLowerCase()); i++) candidate = `${base}.${i}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

function token(text: string): string {
  const words = text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("") || "X";
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The variable set after spreading: each replacement right after the variable it stands in for. */
export function spreadVariables(variables: VariableDoc[], changes: Change[]): VariableDoc[] {
  const byId = new Map(changes.map((c) => [c.variableId, c]));
  const out: VariableDoc[] = [];
  for (const v of variables) {
    const c = byId.get(v.Id);
    if (!c) {
      out.push(v);
      continue;
    }
    out.push({ ...v, Name: c.spreadName, Scope: {}, Value: null, Prompt: null });
    out.push({
      Id: c.replacementId,
      Name: c.original.Name,
      Value: `#{${c.spreadName}}`,
      Description: c.original.Description,
      Scope: c.original.Scope,
      IsSensitive: false,
      Type: "String",
      IsEditable: true,
      Prompt: null,
    });
  }
  return out;
}

/**
 * How the replacement variable a spread made for `c` differs from what the spread wrote, or
 * undefined when it is as written (or already gone). Never shows a value that is not the
 * replacement's own reference text.
 */
export function replacementEdit(variables: VariableDoc[], c: Change): string | undefined {
  const r = variables.find((v) => v.Id === c.replacementId);
  if (!r) return undefined;
  const changed: string[] = [];
  if (r.Name !== c.original.Name) changed.push(`renamed to "${String(r.Name)}"`);
  if (r.Value !== `#{${c.spreadName}}`)
    changed.push(r.IsSensitive ? "its value changed" : `value now "${String(r.Value)}"`);
  if (JSON.stringify(sortedScope(r.Scope)) !== JSON.stringify(sortedScope(c.original.Scope)))
    changed.push("rescoped");
  if ((r.Description ?? null) !== (c.original.Description ?? null)) changed.push("description changed");
  if (r.IsSensitive) changed.push("made sensitive");
  return changed.length ? `"${c.original.Name}" ${changed.join(", ")}` : undefined;
}

function sortedScope(scope: unknown): Array<[string, string[]]> {
  if (!scope || typeof scope !== "object") return [];
  return Object.entries(scope as Record<string, unknown>)
    .filter(([, v]) => Array.isArray(v) && v.length)
    .map(([k, v]) => [k, [...(v as string[])].sort()] as [string, string[]])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The variable set after undoing: replacements gone, each spread variable as it was. */
export function unspreadVariables(variables: VariableDoc[], changes: Change[]): VariableDoc[] {
  const byId = new Map(changes.map((c) => [c.variableId, c]));
  const replacements = new Set(changes.map((c) => c.replacementId));
  return variables
    .filter((v) => !replacements.has(v.Id))
    .map((v) => {
      const c = byId.get(v.Id);
      if (!c) return v;
      return {
        ...v,
        Name: c.original.Name,
        Scope: c.original.Scope,
        Description: c.original.Description,
        Prompt: c.original.Prompt,
        Value: null,
      };
    });
}

// ---- the journal -------------------------------------------------------------------------

export const JOURNAL_FORMAT = "octoport-spread-journal/v1";

const changeSchema = z.object({
  variableId: z.string(),
  original: z.object({
    Name: z.string(),
    Scope: z.record(z.string(), z.array(z.string())),
    Description: z.string().nullable(),
    Prompt: z.unknown(),
  }),
  spreadName: z.string(),
  replacementId: z.string(),
  scopeText: z.string(),
});

export const journalSchema = z.object({
  format: z.literal(JOURNAL_FORMAT),
  server: z.string(),
  space: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.string(),
  state: z.enum(["applying", "applied", "undone"]),
  sets: z.array(
    z.object({
      variableSetId: z.string(),
      owner: z.object({ kind: z.enum(["project", "library set"]), id: z.string(), name: z.string() }),
      applied: z.boolean(),
      changes: z.array(changeSchema),
    }),
  ),
});

export type Journal = z.infer<typeof journalSchema>;

/**
 * Writes the journal, then the changes, set by set, marking each set in the journal as it
 * lands. `stop` is asked before each set: when it says so, the spread stops there and the
 * journal is returned still "applying" (the caller undoes it).
 */
export async function applySpread(
  client: OctopusClient,
  plan: SpreadPlan,
  journalFile: string,
  onSet?: (set: SetChanges) => void,
  stop?: () => boolean,
): Promise<Journal> {
  const journal: Journal = {
    format: JOURNAL_FORMAT,
    server: client.server,
    space: plan.space,
    createdAt: new Date().toISOString(),
    state: "applying",
    sets: plan.sets.map((s) => ({ ...s, applied: false })),
  };
  await writeJournal(journalFile, journal, true);
  const base = `/api/${plan.space.id}`;
  for (const set of journal.sets) {
    if (stop?.()) return journal;
    try {
      const current = (await client.get(`${base}/variables/${set.variableSetId}`)) as VariableSetDoc;
      for (const c of set.changes) {
        const v = current.Variables.find((x) => x.Id === c.variableId);
        if (!v || v.Name !== c.original.Name)
          throw new OctoportError(
            `variable "${c.original.Name}" of ${set.owner.kind} "${set.owner.name}" changed while spreading`,
          );
      }
      await client.put(`${base}/variables/${set.variableSetId}`, {
        ...current,
        Variables: spreadVariables(current.Variables, set.changes),
      });
    } catch (err) {
      const done = journal.sets.filter((s) => s.applied).length;
      throw new OctoportError(
        `spreading the variables of ${set.owner.kind} "${set.owner.name}" failed (${(err as Error).message}); ${done} variable set(s) were changed before it: undo them with octoport spread --undo ${journalFile}`,
        { cause: err },
      );
    }
    set.applied = true;
    await writeJournal(journalFile, journal);
    onSet?.(set);
  }
  journal.state = "applied";
  await writeJournal(journalFile, journal);
  return journal;
}

/**
 * Restores what a journal changed: every spread variable gets its name, scope, description
 * and prompt back (its value never left it), and the replacements go. Checks everything
 * before writing anything; refuses a journal of another server or space, or one already undone.
 */
export async function undoSpread(
  client: OctopusClient,
  journalFile: string,
  spaceId: string | undefined,
  onSet?: (set: Journal["sets"][number]) => void,
  options: { force?: boolean } = {},
): Promise<Journal> {
  const journal = await readJournal(journalFile);
  if (normaliseUrl(journal.server) !== normaliseUrl(client.server))
    throw new OctoportError(
      `${journalFile} is a journal of ${journal.server}, not ${client.server}; nothing was changed`,
    );
  if (spaceId && spaceId !== journal.space.id)
    throw new OctoportError(
      `${journalFile} is a journal of space ${journal.space.name} (${journal.space.id}), not ${spaceId}; nothing was changed`,
    );
  if (journal.state === "undone")
    throw new OctoportError(
      `${journalFile} has already been undone (nothing to restore); nothing was changed`,
    );
  const base = `/api/${journal.space.id}`;
  const current = new Map<string, VariableSetDoc>();
  // A spread stopped between a set's write and the journal's record of it (kill -9) left that
  // set spread but not marked: found by its spread names, it is restored with the rest.
  if (journal.state === "applying") {
    for (const set of journal.sets.filter((s) => !s.applied)) {
      const doc = (await client.get(`${base}/variables/${set.variableSetId}`)) as VariableSetDoc;
      const spread = set.changes.some((c) =>
        doc.Variables.some(
          (v) => v.Id === c.variableId && v.Name === c.spreadName && c.spreadName !== c.original.Name,
        ),
      );
      if (spread) set.applied = true;
    }
  }
  const applied = journal.sets.filter((s) => s.applied);
  const edits: string[] = [];
  for (const set of applied) {
    const doc = (await client.get(`${base}/variables/${set.variableSetId}`)) as VariableSetDoc;
    for (const c of set.changes) {
      const v = doc.Variables.find((x) => x.Id === c.variableId);
      if (!v)
        throw new OctoportError(
          `the spread variable "${c.spreadName}" of ${set.owner.kind} "${set.owner.name}" is no longer there, so it cannot be restored; nothing was changed`,
        );
      const edit = replacementEdit(doc.Variables, c);
      if (edit) edits.push(`${set.owner.kind} "${set.owner.name}": ${edit}`);
    }
    current.set(set.variableSetId, doc);
  }
  // Undoing removes the replacements: what someone changed in them since would go silently.
  if (edits.length && !options.force)
    throw new OctoportError(
      `${edits.length} replacement variable(s) were edited since the spread, and undoing removes them (${edits.slice(0, 3).join("; ")}${edits.length > 3 ? "; ..." : ""}); carry those edits to the original variables by hand, then undo with --force; nothing was changed`,
    );
  for (const set of [...applied].reverse()) {
    const doc = current.get(set.variableSetId)!;
    await client.put(`${base}/variables/${set.variableSetId}`, {
      ...doc,
      Variables: unspreadVariables(doc.Variables, set.changes),
    });
    set.applied = false;
    await writeJournal(journalFile, journal);
    onSet?.(set);
  }
  journal.state = "undone";
  await writeJournal(journalFile, journal);
  return journal;
}

function normaliseUrl(url: string): string {
  return url.replace(/\/+$/, "").toLowerCase();
}

export async function readJournal(file: string): Promise<Journal> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new OctoportError(
      `cannot read the journal ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    return journalSchema.parse(JSON.parse(text));
  } catch {
    throw new OctoportError(`${file} is not an octoport spread journal; nothing was changed`);
  }
}

/** Journals are written whole, atomically, mode 0600; a new one never replaces an existing file. */
async function writeJournal(file: string, journal: Journal, create = false): Promise<void> {
  const text = `${JSON.stringify(journal, null, 2)}\n`;
  if (create) {
    try {
      await writeFile(file, text, { flag: "wx", mode: 0o600 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new OctoportError(
        code === "EEXIST"
          ? `${file} already exists; give a new journal file (an existing journal may be needed to undo)`
          : `cannot write the journal ${file}: ${code ?? (err as Error).message}`,
      );
    }
    return;
  }
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await rename(temp, file);
}
