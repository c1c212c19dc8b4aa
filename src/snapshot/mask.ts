import { isObject, type Json, type JsonObject, locate, secretSpots } from "./paths.js";

/**
 * The one place that hides sensitive values before a document is shown or kept: printed
 * diffs, journals, error messages. Where a value is sensitive is decided by `secretSpots`
 * (the {HasValue, NewValue} objects the API uses for write-only values, certificate data
 * included, and sensitive variables' Value); when the type registry's secret-field table
 * replaces it, this is the function to change.
 */

/** How a masked value reads in a diff. */
export const MASKED = "(sensitive)";
export const MASKED_NEW = "(sensitive, new value)";

/**
 * A copy of `doc` with no sensitive value in it. "keep-shape" (journals, before-images) keeps
 * {HasValue, NewValue: null} and a variable's `Value: null`, which the API reads as "keep
 * the value you have"; "display" replaces each with a marker a diff can show.
 */
export function maskSecrets<T extends Json | JsonObject>(
  doc: T,
  mode: "keep-shape" | "display" = "keep-shape",
): T {
  const copy = structuredClone(doc) as Json;
  for (const spot of secretSpots(copy)) {
    const at = locate(copy, spot.path);
    if (!at) continue;
    if (spot.kind === "variable") {
      const had = at.parent.Value !== null && at.parent.Value !== undefined && at.parent.Value !== "";
      const sealed = "SealedValue" in at.parent;
      delete at.parent.SealedValue;
      at.parent.Value = mode === "display" ? (had || sealed ? MASKED_NEW : MASKED) : null;
      continue;
    }
    const value = at.parent[at.key];
    if (!isObject(value)) continue;
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
  for (const v of values) if (v.length >= 4) out = out.split(v).join(MASKED);
  return out;
}
