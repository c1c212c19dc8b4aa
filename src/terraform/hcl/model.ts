/**
 * The HCL block model: a small tree that converters build and one printer writes. No
 * converter ever concatenates HCL text; references are expression nodes, never strings.
 */

export type Expr =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "null" }
  /** A traversal such as var.name, octopusdeploy_environment.prod.id or data.x.y.items[0].id. */
  | { kind: "ref"; parts: Array<string | number> }
  | { kind: "call"; name: string; args: Expr[] }
  | { kind: "tuple"; items: Expr[] }
  | { kind: "object"; entries: Array<[string, Expr]> }
  /** A string template mixing literal text and interpolated expressions. */
  | { kind: "template"; parts: Array<string | Expr> };

export interface Attribute {
  kind: "attribute";
  name: string;
  value: Expr;
}

export interface Block {
  kind: "block";
  type: string;
  labels: string[];
  body: BodyItem[];
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
export const ref = (...parts: Array<string | number>): Expr => ({ kind: "ref", parts });
export const call = (name: string, ...args: Expr[]): Expr => ({ kind: "call", name, args });
export const tuple = (items: Expr[]): Expr => ({ kind: "tuple", items });
export const object = (entries: Array<[string, Expr]>): Expr => ({ kind: "object", entries });
export const template = (...parts: Array<string | Expr>): Expr => ({ kind: "template", parts });

export const attr = (name: string, value: Expr): Attribute => ({ kind: "attribute", name, value });
export const block = (type: string, labels: string[], body: BodyItem[]): Block => ({
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
