import { docType } from "../registry/index.js";
import { matches } from "../registry/patterns.js";
import {
  isObject,
  type Json,
  type JsonObject,
  locate,
  type SecretSpot,
  secretSpots,
  sensitiveShapes,
} from "./paths.js";

/**
 * The one place that hides sensitive values before a document is shown or kept: printed
 * diffs, journals, error messages. What is sensitive is decided by the type registry's
 * secret-field table (src/registry/fields.ts, the table the Terraform path uses): a field it
 * names (a password, a key, a certificate's data) is hidden whatever shape its value has, a
 * sensitive variable's Value, and a `{HasValue, NewValue}` object where the table says a secret
 * may be (step properties, tenants' values). As a safety net, any other `{HasValue, NewValue}`
 * object is hidden too.
 */

/** How a masked value reads in a diff. */
export const MASKED = "(sensitive)";
export const MASKED_NEW = "(sensitive, new value)";

/** Secret fields that name one place (no `[]`, `*` or `{}`): what is there is sensitive whatever its shape. */
function fixedSecretPaths(type: string): string[] {
  return (docType(type)?.secrets ?? []).map((f) => f.path).filter((p) => !/[[\]*{}]/.test(p));
}

/** Every place in a document of `type` whose value is hidden. */
export function maskedSpots(type: string, doc: Json): SecretSpot[] {
  const spots = new Map<string, SecretSpot>();
  for (const spot of [...secretSpots(type, doc), ...sensitiveShapes(doc)])
    if (!spots.has(spot.path)) spots.set(spot.path, spot);
  for (const path of fixedSecretPaths(type))
    for (const m of matches(doc, path))
      if (!spots.has(m.path) && m.value !== null && m.value !== undefined && m.value !== "")
        spots.set(m.path, {
          path: m.path,
          kind: isObject(m.value) ? "value" : "variable",
          hasValue: true,
        });
  return [...spots.values()];
}

/**
 * A copy of a document of `type` with no sensitive value in it. "keep-shape" (journals,
 * before-images) keeps {HasValue, NewValue: null} and a variable's `Value: null`, which the API
 * reads as "keep the value you have"; "display" replaces each with a marker a diff can show.
 */
export function maskSecrets<T extends Json | JsonObject>(
  type: string,
  doc: T,
  mode: "keep-shape" | "display" = "keep-shape",
): T {
  const copy = structuredClone(doc) as Json;
  for (const spot of maskedSpots(type, copy)) {
    const at = locate(copy, spot.path);
    if (!at) continue;
    const value = at.parent[at.key];
    if (spot.kind === "variable" || !isObject(value)) {
      const had = value !== null && value !== undefined && value !== "";
      const sealed = "SealedValue" in at.parent;
      delete at.parent.SealedValue;
      at.parent[at.key] = mode === "display" ? (had || sealed ? MASKED_NEW : MASKED) : null;
      continue;
    }
    const hasNew =
      (value.NewValue !== null && value.NewValue !== undefined) || typeof value.Sealed === "string";
    at.parent[at.key] =
      mode === "display"
        ? hasNew
          ? MASKED_NEW
          : MASKED
        : {
            HasValue: value.HasValue ?? false,
            NewValue: null,
            ...("Hint" in value ? { Hint: value.Hint! } : {}),
          };
  }
  return copy as T;
}

/** Removes every occurrence of the given values from a text (error bodies that echo what was sent). */
export function scrubText(text: string, values: Iterable<string>): string {
  let out = text;
  // Longest first, so a value that contains another is removed whole.
  for (const v of [...values].sort((a, b) => b.length - a.length))
    if (v.length >= 4) out = out.split(v).join(MASKED);
  return out;
}
