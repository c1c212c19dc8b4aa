import type { Sandbox } from "../../src/sandbox/server.js";

/**
 * Test-only: a sandbox space as names, so two spaces on two servers can be compared.
 * Every document is keyed by what identifies it to a user (its name, or its project's and
 * its own), IDs anywhere are replaced by what they point to, server bookkeeping is dropped,
 * secrets are revealed, and lists of plain values are sorted (they are sets in Octopus).
 */
export type Normalised = Record<string, unknown>;

const DROP = new Set([
  "Id",
  "SpaceId",
  "Links",
  "Version",
  "LastModifiedOn",
  "LastModifiedBy",
  "ScopeValues",
  "VariableSetId",
  "DeploymentProcessId",
  "RunbookProcessId",
  "OwnerId",
  "ProjectId",
  "RunbookId",
  "TenantId",
  "LastSnapshotId",
]);

const SKIP_TYPES = new Set(["Spaces", "ActionTemplateVersions"]);

export function normaliseSpace(sandbox: Sandbox, spaceId: string): Map<string, Normalised> {
  const engine = sandbox.engine;
  const types = [...engine.defs.values()]
    .filter((d) => d.scope === "space" && !SKIP_TYPES.has(d.type))
    .map((d) => d.type);
  const docs = new Map<string, { type: string; doc: Record<string, unknown> }>();
  for (const type of types) {
    for (const doc of engine.docs(type, spaceId))
      docs.set(String(doc.Id), {
        type,
        doc: sandbox.reveal(type, String(doc.Id), spaceId) as Record<string, unknown>,
      });
  }
  const name = (id: string): string | undefined => {
    const entry = docs.get(id);
    if (!entry) return undefined;
    return keyOf(entry.type, entry.doc);
  };
  // GUID-identified things (actions, templates) are referred to by their names.
  const guidNames = new Map<string, string>();
  for (const { type, doc } of docs.values()) {
    if (type === "DeploymentProcesses" || type === "RunbookProcesses") {
      for (const step of (doc.Steps ?? []) as Array<{
        Id?: string;
        Name?: string;
        Actions?: Array<{ Id?: string; Name?: string }>;
      }>) {
        // A project's release creation names its package's step by ID.
        if (step.Id) guidNames.set(step.Id, `step ${step.Name}`);
        for (const a of step.Actions ?? []) if (a.Id) guidNames.set(a.Id, `action ${a.Name}`);
      }
    }
    for (const t of (doc.Templates ?? []) as Array<{ Id?: string; Name?: string }>)
      if (t.Id) guidNames.set(t.Id, `template ${t.Name}`);
  }
  const keyOf = (type: string, doc: Record<string, unknown>): string => {
    const owner = (id: unknown) =>
      typeof id === "string" && docs.get(id) ? String(docs.get(id)!.doc.Name ?? id) : String(id);
    switch (type) {
      case "Channels":
      case "Runbooks":
      case "ProjectTriggers":
        return `${type}:${owner(doc.ProjectId)}/${String(doc.Name)}`;
      case "VariableSets":
        return `${type}:${owner(doc.OwnerId)}`;
      case "DeploymentProcesses":
        return `${type}:${owner(doc.ProjectId)}`;
      case "RunbookProcesses":
        return `${type}:${owner(doc.ProjectId)}/${owner(doc.RunbookId)}`;
      case "TenantVariables":
        return `${type}:${owner(doc.TenantId)}`;
      default:
        return `${type}:${String(doc.Name)}`;
    }
  };
  const rewrite = (value: unknown, key?: string): unknown => {
    if (typeof value === "string") {
      const target = name(value) ?? guidNames.get(value);
      if (target) return `@${target}`;
      // IDs quoted inside JSON text (container definitions and the like).
      return value
        .normalize("NFC")
        .replace(/"([A-Za-z][A-Za-z-]*-\d+)"/g, (m, id: string) => (name(id) ? `"@${name(id)}"` : m));
    }
    if (Array.isArray(value)) {
      const items = value.map((v) => rewrite(v));
      if (items.every((i) => typeof i === "string")) return [...(items as string[])].sort();
      // Named entries (steps, actions, phases) by name, with their order kept apart, so one
      // missing entry shows as itself rather than as every entry after it.
      const names = items.map((i) =>
        i && typeof i === "object" ? (i as Record<string, unknown>).Name : undefined,
      );
      if (
        key !== "Variables" &&
        items.length &&
        names.every((n) => typeof n === "string") &&
        new Set(names).size === names.length
      ) {
        return { "#order": names, ...Object.fromEntries(items.map((item, i) => [names[i] as string, item])) };
      }
      if (key === "ExtensionSettings") {
        // One entry per extension, told by its ID: the server gives their order no meaning.
        const ext = (v: unknown) => String((v as Record<string, unknown>).ExtensionId);
        return items.sort((a, b) => (ext(a) < ext(b) ? -1 : 1));
      }
      if (key === "Variables" || key === "Tags" || key === "Rules") {
        // By what identifies an entry (name and scope), so a changed value shows as a change.
        const id = (v: unknown) => {
          const o = v as Record<string, unknown>;
          return JSON.stringify([
            o.Name,
            o.Scope ?? null,
            o.VersionRange ?? null,
            o.Tag ?? null,
            JSON.stringify(o),
          ]);
        };
        return items.sort((a, b) => (id(a) < id(b) ? -1 : 1));
      }
      return items;
    }
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (DROP.has(k)) continue;
        const rk = name(k) ?? guidNames.get(k) ?? k;
        out[rk] = rewrite(v, k);
      }
      return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return value;
  };
  const out = new Map<string, Normalised>();
  for (const { type, doc } of docs.values()) out.set(keyOf(type, doc), rewrite(doc) as Normalised);
  return out;
}

/** The differences between two normalised spaces, one line each: "key path: a != b". */
export function differences(a: Map<string, Normalised>, b: Map<string, Normalised>): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (!a.has(key)) out.push(`${key}: only in the destination`);
    else if (!b.has(key)) out.push(`${key}: only in the source`);
    else diff(a.get(key), b.get(key), key, out);
  }
  return out;
}

/** Absent, null, "", [] and {} all mean "nothing" to a user, and to Octopus. */
function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && Object.keys(v as object).length === 0;
}

function diff(a: unknown, b: unknown, path: string, out: string[]): void {
  if (JSON.stringify(a) === JSON.stringify(b) || (isEmpty(a) && isEmpty(b))) return;
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) {
      out.push(`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
      return;
    }
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort())
      diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
    return;
  }
  out.push(`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
}

/** A secret's value in the source, by the manifest's document and path. */
export function secretValue(sandbox: Sandbox, sourceId: string, path: string): string | undefined {
  const tv = /^TenantVariables-(.+)$/.exec(sourceId);
  let doc: unknown;
  let docPath = path;
  if (tv) {
    // The sandbox keeps tenant variables as the server's V2 variables, each with its scope
    // (src/sandbox/resources/tenant-variables.ts); the manifest names them by the V1 document.
    const stored = sandbox.reveal("TenantVariables", `tenantvariables-${tv[1]}`) as
      | Record<string, Record<string, Record<string, Array<{ Value: unknown; EnvironmentIds: string[] }>>>>
      | undefined;
    const lib = /^LibraryVariables\.([^.]+)\.Variables\.(.+)$/.exec(path);
    // A value scoped to environments, read from the newer endpoint: named by its own ID.
    const scoped = /^ScopedCommonVariables\.([^.]+)\.([^.[]+)\[Id=([^\]]+)\]\.Value$/.exec(path);
    if (scoped) {
      const entries = stored?.CommonVariables?.[scoped[1]!]?.[scoped[2]!] as
        | Array<{ Id?: string; Value: unknown }>
        | undefined;
      const value = entries?.find((e) => e.Id === scoped[3])?.Value;
      if (value && typeof value === "object" && "NewValue" in value)
        return String((value as { NewValue: unknown }).NewValue ?? "");
      return typeof value === "string" ? value : undefined;
    }
    const proj = /^ProjectVariables\.([^.]+)\.Variables\.([^.]+)\.(.+)$/.exec(path);
    const entries = lib
      ? stored?.CommonVariables?.[lib[1]!]?.[lib[2]!]
      : proj
        ? stored?.ProjectVariables?.[proj[1]!]?.[proj[3]!]
        : undefined;
    const entry = lib
      ? entries?.find((e) => e.EnvironmentIds.length === 0)
      : (entries?.find((e) => e.EnvironmentIds.includes(proj?.[2] ?? "")) ??
        entries?.find((e) => e.EnvironmentIds.length === 0));
    doc = { value: entry?.Value };
    docPath = "value";
  } else {
    const found = sandbox.store.find(sourceId);
    if (!found) return undefined;
    doc = sandbox.reveal(found.type, sourceId);
  }
  let cur: unknown = doc;
  const segs = docPath.match(/[^.[\]]+(?:=[^\]]+)?|\[[^\]]+\]/g) ?? [];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const m = /^\[?(\w+)=([^\]]+)\]?$/.exec(seg);
    if (m && Array.isArray(cur)) cur = cur.find((x) => x && (x as Record<string, unknown>)[m[1]!] === m[2]);
    else if (cur && typeof cur === "object") {
      // A property whose name has dots (a step property) is the rest of the path.
      const rest = segs.slice(i).join(".");
      if (i < segs.length - 1 && rest in (cur as object)) {
        cur = (cur as Record<string, unknown>)[rest];
        break;
      }
      cur = (cur as Record<string, unknown>)[seg];
    } else return undefined;
  }
  if (cur && typeof cur === "object" && "NewValue" in (cur as object))
    return String((cur as { NewValue: unknown }).NewValue ?? "");
  return typeof cur === "string" ? cur : undefined;
}
