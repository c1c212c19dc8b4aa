import type { Doc, IdField, SecretField } from "./descriptor.js";
import { docType } from "./index.js";
import { type Match, matches } from "./patterns.js";

/** One ID-holding field of a document, as the registry's table finds it. */
export interface IdMatch extends Match {
  field: IdField;
  /** The type(s) the value may be an ID of. */
  types: readonly string[];
  /** The IDs the value holds: itself, or each item of a comma-separated list. */
  ids: string[];
}

/** Octopus variable syntax, which some fields accept in place of an ID (`#{HelmFeed}`). */
export function isExpression(value: string): boolean {
  return value.includes("#{");
}

/**
 * Every place in a document of `type` that holds IDs of other documents, by the registry's
 * table, with the types they are of. `find` gives the space's documents by ID (a tenant's value
 * is an ID when its template says so). Empty values and variable expressions are left out.
 */
export function* idFields(
  type: string,
  doc: unknown,
  find: (id: string) => Doc | undefined = () => undefined,
): Generator<IdMatch> {
  for (const field of docType(type)?.ids ?? []) {
    for (const m of matches(doc, field.path)) {
      if (typeof m.value !== "string" || m.value === "") continue;
      if (field.expression && isExpression(m.value)) continue;
      const to = typeof field.to === "function" ? field.to(m.holder, m.keys, find) : field.to;
      if (to === undefined) continue;
      const types = typeof to === "string" ? [to] : to;
      const ids = field.list
        ? m.value
            .split(field.list)
            .map((s) => s.trim())
            .filter(Boolean)
        : [m.value];
      yield { ...m, field, types, ids };
    }
  }
}

/** One place in a document that holds a sensitive value, by the registry's table. */
export interface SecretMatch extends Match {
  field: SecretField;
}

const isSensitiveShape = (v: unknown): boolean =>
  Boolean(v) && typeof v === "object" && !Array.isArray(v) && "HasValue" in (v as object);

/**
 * Every place in a document of `type` the registry says holds a sensitive value: a
 * `{HasValue, NewValue}` object at one of its secret fields, or a value whose holder says it is
 * sensitive (a sensitive variable's Value).
 */
export function* secretFields(type: string, doc: unknown): Generator<SecretMatch> {
  for (const field of docType(type)?.secrets ?? []) {
    for (const m of matches(doc, field.path)) {
      if (field.when ? field.when(m.holder) : isSensitiveShape(m.value)) yield { ...m, field };
    }
  }
}
