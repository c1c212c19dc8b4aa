/**
 * Where a sensitive value sits in a document, as a path: `Password`,
 * `Variables[Id=6b1...].Value`, `Steps[Id=...].Actions[Id=...].Properties.Octopus.Action.X`.
 * Array items are named by their Id (else Name, else index), so a path survives reordering.
 */

import { type SecretMatch, secretFields } from "../registry/fields.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return Boolean(v) && typeof v === "object" && !Array.isArray(v);
}

/** `{HasValue, NewValue}`: how the API shows a write-only value. */
export function isSensitiveValue(v: unknown): v is { HasValue?: Json; NewValue?: Json } {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return (
    keys.includes("HasValue") && keys.every((k) => ["HasValue", "NewValue", "Hint", "Sealed"].includes(k))
  );
}

function segment(item: Json, index: number): string {
  if (isObject(item)) {
    if (typeof item.Id === "string" && item.Id) return `[Id=${item.Id}]`;
    if (typeof item.Name === "string" && item.Name) return `[Name=${item.Name}]`;
  }
  return `[${index}]`;
}

export interface SecretSpot {
  path: string;
  /** `value`: a {HasValue} object; `variable`: a plain value that is sensitive (a sensitive variable's Value). */
  kind: "value" | "variable";
  /** Whether the server says it holds a value. */
  hasValue: boolean;
  /** The registry's field that says it is sensitive, and where it matched (for labels). */
  match?: SecretMatch;
}

const spotOf = (match: SecretMatch): SecretSpot =>
  isObject(match.value) && "HasValue" in match.value
    ? { path: match.path, kind: "value", hasValue: match.value.HasValue === true, match }
    : { path: match.path, kind: "variable", hasValue: true, match };

/**
 * Every place in a document of `type` that holds a sensitive value, by the type registry's
 * secret-field table (src/registry/fields.ts), the same table the Terraform path uses.
 */
export function secretSpots(type: string, doc: Json): SecretSpot[] {
  return [...secretFields(type, doc)].map(spotOf);
}

/**
 * Every place in a document that is shaped as a sensitive value, whatever its type: a
 * `{HasValue, NewValue}` object, or the Value of a variable that says it is sensitive. Not how
 * octoport decides what is sensitive (that is the registry's table, `secretSpots`): a safety
 * net for masking, the way to open values an older snapshot sealed, and what the registry's
 * test holds the table against.
 */
export function sensitiveShapes(doc: Json): SecretSpot[] {
  const out: SecretSpot[] = [];
  const walk = (value: Json, path: string) => {
    if (isSensitiveValue(value)) {
      out.push({ path, kind: "value", hasValue: value.HasValue === true });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const here = `${path}${segment(item, i)}`;
        if (
          isObject(item) &&
          (item.IsSensitive === true || item.Type === "Sensitive") &&
          "Value" in item &&
          typeof item.Name === "string"
        ) {
          out.push({ path: `${here}.Value`, kind: "variable", hasValue: true });
        }
        walk(item, here);
      });
      return;
    }
    if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    }
  };
  walk(doc, "");
  return out;
}

type Step = { key: string } | { match: "Id" | "Name"; value: string } | { index: number };

/** Splits a path into steps. Keys may contain dots only as the last segments of a path (property names). */
function parse(path: string): Step[] {
  const steps: Step[] = [];
  const re = /\[(Id|Name)=([^\]]*)\]|\[(\d+)\]|([^.[\]]+)/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1]) steps.push({ match: m[1] as "Id" | "Name", value: m[2]! });
    else if (m[3] !== undefined) steps.push({ index: Number(m[3]) });
    else steps.push({ key: m[4]! });
  }
  return steps;
}

/**
 * The object holding the value at `path` and the key of the value in it. Property names with
 * dots (step properties) are matched greedily against the keys the object has.
 */
export function locate(doc: Json, path: string): { parent: JsonObject; key: string } | undefined {
  const steps = parse(path);
  let current: Json = doc;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if ("key" in step) {
      if (!isObject(current)) return undefined;
      // A property name may itself contain dots: take the longest key that exists.
      let j = steps.length;
      let name = "";
      for (; j > i; j--) {
        const parts = steps.slice(i, j);
        if (!parts.every((p) => "key" in p)) continue;
        name = parts.map((p) => (p as { key: string }).key).join(".");
        if (name in current) break;
      }
      if (j === i) return undefined;
      if (j === steps.length) return { parent: current, key: name };
      current = current[name] ?? null;
      i = j - 1;
      continue;
    }
    if (!Array.isArray(current)) return undefined;
    const list: Json[] = current;
    current =
      "index" in step
        ? (list[step.index] ?? null)
        : (list.find((item) => isObject(item) && item[step.match] === step.value) ?? null);
    if (current === null) return undefined;
  }
  return undefined;
}
