/**
 * The HCL block model: a small tree that converters build and one printer writes. No
 * converter ever concatenates HCL text; references are expression nodes, never strings.
 */

/**
 * A name decided later: converters refer to resources before every name in a module is
 * known (names that collide get suffixes), so labels and references may hold a Lazy that
 * the printer resolves.
 */
export interface Lazy {
  resolve(): string;
}

export type Label = string | Lazy;

export const resolveLabel = (label: Label): string => (typeof label === "string" ? label : label.resolve());

export type Expr =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "null" }
  /** A traversal such as var.name, octopusdeploy_environment.prod.id or data.x.y.items[0].id. */
  | { kind: "ref"; parts: Array<Label | number> }
  | { kind: "call"; name: string; args: Expr[] }
  | { kind: "tuple"; items: Expr[] }
  | { kind: "object"; entries: Array<[string, Expr]> }
  /** A string template mixing literal text and interpolated expressions. */
  | { kind: "template"; parts: Array<string | Expr> }
  /** `[for item in collection : value if condition]` */
  | { kind: "for"; item: string; collection: Expr; value: Expr; condition?: Expr }
  /** `target.name` on any expression */
  | { kind: "getattr"; target: Expr; name: string }
  /** `target[index]` */
  | { kind: "index"; target: Expr; index: Expr }
  /** `condition ? then : else` */
  | { kind: "conditional"; condition: Expr; whenTrue: Expr; whenFalse: Expr }
  /** `left op right`, for conditions: ==, != and && only. */
  | { kind: "binary"; op: "==" | "!=" | "&&"; left: Expr; right: Expr };

export interface Attribute {
  kind: "attribute";
  /** A Lazy name for a name decided later (a module's locals). */
  name: Label;
  value: Expr;
}

export interface Block {
  kind: "block";
  type: string;
  labels: Label[];
  body: BodyItem[];
  /** Where the block goes when a file's blocks are sorted; by default, its type and labels. */
  sortKey?: () => string;
}

export interface Comment {
  kind: "comment";
  text: string;
}

/** An empty line between items, to group them for a reader (and for `=` alignment). */
export interface Blank {
  kind: "blank";
}

export type BodyItem = Attribute | Block | Comment | Blank;

/** A file: top-level items, printed in order. */
export interface HclFile {
  items: BodyItem[];
}

// Constructors: short names keep converters readable.

export const str = (value: string): Expr => ({ kind: "string", value });
export const num = (value: number): Expr => ({ kind: "number", value });
export const bool = (value: boolean): Expr => ({ kind: "bool", value });
export const nul: Expr = { kind: "null" };
export const ref = (...parts: Array<Label | number>): Expr => ({ kind: "ref", parts });
export const call = (name: string, ...args: Expr[]): Expr => ({ kind: "call", name, args });
export const tuple = (items: Expr[]): Expr => ({ kind: "tuple", items });
export const object = (entries: Array<[string, Expr]>): Expr => ({ kind: "object", entries });
export const template = (...parts: Array<string | Expr>): Expr => ({ kind: "template", parts });
export const forList = (item: string, collection: Expr, value: Expr, condition?: Expr): Expr => ({
  kind: "for",
  item,
  collection,
  value,
  ...(condition ? { condition } : {}),
});
export const index = (target: Expr, i: Expr | number): Expr => ({
  kind: "index",
  target,
  index: typeof i === "number" ? num(i) : i,
});
export const eq = (left: Expr, right: Expr): Expr => ({ kind: "binary", op: "==", left, right });

export const attr = (name: Label, value: Expr): Attribute => ({ kind: "attribute", name, value });
export const block = (type: string, labels: Label[], body: BodyItem[]): Block => ({
  kind: "block",
  type,
  labels,
  body,
});
export const comment = (text: string): Comment => ({ kind: "comment", text });
export const blank: Blank = { kind: "blank" };

/** A JSON value as an HCL expression: strings, numbers, booleans, null, lists and maps. */
export function fromJson(value: unknown): Expr {
  if (value === null || value === undefined) return nul;
  if (typeof value === "string") return str(value);
  if (typeof value === "number") return num(value);
  if (typeof value === "boolean") return bool(value);
  if (Array.isArray(value)) return tuple(value.map(fromJson));
  if (typeof value === "object") {
    return object(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromJson(v)]));
  }
  throw new Error(`cannot express ${typeof value} in HCL`);
}
