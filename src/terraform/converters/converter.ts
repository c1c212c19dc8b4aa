import type { GraphNode } from "../../graph/graph.js";
import { readBoolean, readNumber } from "../../octopus/schemas.js";
import type { EmitContext } from "../emit.js";
import type { ExportPlan } from "../export-plan.js";
import { attr, type BodyItem, bool, type Expr, fromJson, num, str, tuple } from "../hcl/model.js";

/**
 * A converter maps one family of Octopus documents to provider resources. The registry
 * (index.ts) lists them; a new family is one converter file.
 */
export interface Converter {
  /** Graph document types this converter writes. */
  types: readonly string[];
  /** File the resources go to in their module, e.g. "environments.tf". */
  file: string;
  /**
   * The resource other documents refer to when they reference this one, declared before
   * anything is written so references can be made in any order. None: not referable.
   */
  primary?(node: GraphNode, plan: ExportPlan): string | undefined;
  /** What the primary resource's name is made from (default: the document's name). */
  primaryKey?(node: GraphNode, plan: ExportPlan): string;
  /** Names other documents may refer to besides the primary (tags, steps), before anything is written. */
  declare?(node: GraphNode, ctx: EmitContext): void;
  emit(node: GraphNode, ctx: EmitContext): void;
}

export type Doc = Record<string, unknown>;

export const docOf = (node: GraphNode): Doc => node.doc as Doc;

/** A string attribute, left out when the value is missing or empty. */
export function optString(name: string, value: unknown): BodyItem[] {
  return typeof value === "string" && value !== "" ? [attr(name, str(value))] : [];
}

/** A boolean attribute, written when the document has one (true or "True": as the API sends it). */
export function optBool(name: string, value: unknown): BodyItem[] {
  const b = readBoolean(value);
  return b === undefined ? [] : [attr(name, bool(b))];
}

/** A number attribute, written when the document has one (3600 or "3600": as the API sends it). */
export function optNumber(name: string, value: unknown): BodyItem[] {
  const n = readNumber(value);
  return n === undefined ? [] : [attr(name, num(n))];
}

/** A list of strings, sorted (the API's lists of names and roles are unordered), left out when empty. */
export function optStrings(name: string, value: unknown, options: { sort?: boolean } = {}): BodyItem[] {
  if (!Array.isArray(value) || value.length === 0) return [];
  const items = value.filter((v): v is string => typeof v === "string");
  if (options.sort !== false) items.sort();
  return [attr(name, tuple(items.map(str)))];
}

/** A list of expressions (references), left out when empty. */
export function optList(name: string, items: Expr[]): BodyItem[] {
  return items.length ? [attr(name, tuple(items))] : [];
}

/** A map of strings, keys sorted, left out when empty. */
export function optMap(name: string, value: unknown): BodyItem[] {
  if (!value || typeof value !== "object" || Array.isArray(value)) return [];
  const entries = Object.entries(value)
    .filter(([, v]) => v !== null && v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (!entries.length) return [];
  return [
    attr(name, {
      kind: "object",
      entries: entries.map(([k, v]) => [k, fromJson(typeof v === "string" ? v : JSON.stringify(v))]),
    }),
  ];
}

/** Optional attribute from an expression that may be absent. */
export function optExpr(name: string, value: Expr | undefined): BodyItem[] {
  return value ? [attr(name, value)] : [];
}

/** Whether a value is an Octopus sensitive value that holds something. */
export function hasSecret(value: unknown): boolean {
  return Boolean(value && typeof value === "object" && "HasValue" in value && value.HasValue === true);
}

/** Sorts references by the names of what they point to, so lists come out in a stable order. */
export function byName(ctx: EmitContext, ids: unknown): string[] {
  if (!Array.isArray(ids)) return [];
  return ids
    .filter((id): id is string => typeof id === "string")
    .sort((a, b) => {
      const an = ctx.graph.get(a)?.name ?? a;
      const bn = ctx.graph.get(b)?.name ?? b;
      return an < bn ? -1 : an > bn ? 1 : 0;
    });
}
