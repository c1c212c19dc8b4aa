/**
 * Write-only sensitive values, as Octopus keeps them. A client writes a sensitive value as
 * `{ "HasValue": true, "NewValue": "secret" }`; the server stores the secret and from then
 * on returns `{ "HasValue": true, "NewValue": null }`. Writing `NewValue: null` with
 * `HasValue: true` keeps the stored secret; `HasValue: false` clears it.
 *
 * Secrets are kept apart from documents, keyed by a path that names array elements by
 * their Id (or Name) where they have one, so reordering steps keeps each secret with its owner.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isSensitiveValue(value: unknown): value is { HasValue?: unknown; NewValue?: unknown } {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.includes("HasValue") && keys.every((k) => k === "HasValue" || k === "NewValue" || k === "Hint");
}

function segment(item: Json, index: number): string {
  if (item && typeof item === "object" && !Array.isArray(item)) {
    if (typeof item.Id === "string" && item.Id) return `[Id=${item.Id}]`;
    if (typeof item.Name === "string" && item.Name) return `[Name=${item.Name}]`;
  }
  return `[${index}]`;
}

/**
 * Walks `incoming`, replacing each sensitive value with its public form and recording the
 * secrets it carries in `stored` (path -> value). `previous` holds the secrets the document
 * had before this write; a value written as "unchanged" keeps its previous secret.
 */
export function absorbSecrets(
  incoming: Json,
  previous: ReadonlyMap<string, string>,
  stored: Map<string, string>,
  path = "",
): Json {
  if (isSensitiveValue(incoming)) {
    const newValue = incoming.NewValue;
    let has = false;
    if (typeof newValue === "string") {
      stored.set(path, newValue);
      has = true;
    } else if (incoming.HasValue === true && previous.has(path)) {
      stored.set(path, previous.get(path)!);
      has = true;
    }
    return { HasValue: has, NewValue: null };
  }
  if (Array.isArray(incoming)) {
    return incoming.map((item, i) => absorbSecrets(item, previous, stored, `${path}${segment(item, i)}`));
  }
  if (incoming && typeof incoming === "object") {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(incoming)) {
      out[key] = absorbSecrets(value, previous, stored, path ? `${path}.${key}` : key);
    }
    return out;
  }
  return incoming;
}

/**
 * The document with every stored secret written back in: `{HasValue, NewValue}` objects get
 * their NewValue, and plain fields holding a secret (a sensitive variable's Value) get the
 * value. For tests and state dumps only; never served over HTTP.
 */
export function revealSecrets(doc: Json, secrets: ReadonlyMap<string, string>, path = ""): Json {
  if (isSensitiveValue(doc)) {
    return secrets.has(path) ? { HasValue: true, NewValue: secrets.get(path)! } : doc;
  }
  if (Array.isArray(doc))
    return doc.map((item, i) => revealSecrets(item, secrets, `${path}${segment(item, i)}`));
  if (doc && typeof doc === "object") {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(doc))
      out[key] = revealSecrets(value, secrets, path ? `${path}.${key}` : key);
    return out;
  }
  return secrets.has(path) ? secrets.get(path)! : doc;
}
