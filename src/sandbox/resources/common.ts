import { createHash } from "node:crypto";
import { type EngineContext, slugify } from "../engine.js";
import { badRequest } from "../errors.js";
import type { Json, JsonObject } from "../secrets.js";

/** Checks that `id` names an existing document of `type` in the request's space. */
export function requireRef(ctx: EngineContext, type: string, id: Json | undefined, field: string): void {
  if (id === undefined || id === null || id === "") return;
  if (typeof id !== "string" || !ctx.engine.find(type, ctx.spaceId, id)) {
    throw badRequest(
      `${field} refers to '${String(id)}', which is not an existing ${type.replace(/s$/, "")}.`,
    );
  }
}

/** Fills missing fields of `doc` with `defaults` (deep for plain objects). */
export function fill(doc: JsonObject, defaults: JsonObject): void {
  for (const [key, value] of Object.entries(defaults)) {
    const current = doc[key];
    if (current === undefined || current === null) doc[key] = structuredClone(value);
    else if (isObject(current) && isObject(value)) fill(current, value);
  }
}

export function isObject(v: Json | undefined): v is JsonObject {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function str(v: Json | undefined): string {
  return typeof v === "string" ? v : "";
}

/** A slug unique among `taken`. */
export function uniqueSlug(name: string, taken: Set<Json | undefined>): string {
  const base = slugify(name) || "item";
  if (!taken.has(base)) return base;
  for (let i = 1; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

let nextGuid: (() => string) | undefined;

/** A new GUID-shaped identifier, as Octopus uses for variables, steps and actions. */
export function guid(): string {
  return nextGuid ? nextGuid() : crypto.randomUUID();
}

/**
 * Runs `fn` with GUIDs that follow from `key` and their order, so loading the same seed
 * twice gives the same identifiers (as one real server would keep them).
 */
export function withStableGuids<T>(key: string, fn: () => T): T {
  const previous = nextGuid;
  let n = 0;
  nextGuid = () => {
    const h = createHash("sha256").update(`${key}\u0000${n++}`).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  try {
    return fn();
  } finally {
    nextGuid = previous;
  }
}

/**
 * Whether a project's non-sensitive variables live in git: a version-controlled project whose
 * ConversionState says so, the test Octopus's own MCP server makes before reading them from a
 * git ref (OctopusDeploy/mcp-server src/tools/getVariables.ts, hasVariablesInGit). A project
 * converted before variables could go to git (2022.3) keeps them in the database until they
 * are migrated.
 */
export function variablesInGit(project: JsonObject): boolean {
  const settings = isObject(project.PersistenceSettings) ? project.PersistenceSettings : undefined;
  const state = settings && isObject(settings.ConversionState) ? settings.ConversionState : undefined;
  return project.IsVersionControlled === true && state?.VariablesAreInGit === true;
}
