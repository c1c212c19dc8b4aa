import { absorbSecrets, type Json, type JsonObject, revealSecrets } from "./secrets.js";

/** A stored document: public JSON (secrets replaced) and its secrets by path. */
interface Entry {
  doc: JsonObject;
  secrets: Map<string, string>;
}

/**
 * The sandbox's document store: documents by type and ID, ID counters per prefix,
 * secrets kept apart. It knows nothing of HTTP or of resource rules.
 */
export class Store {
  private readonly types = new Map<string, Map<string, Entry>>();
  private readonly counters = new Map<string, number>();

  /** Next ID for a prefix, e.g. Environments-3. */
  nextId(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}-${n}`;
  }

  /** Makes sure later generated IDs for `prefix` do not collide with `id`. */
  noteId(prefix: string, id: string): void {
    const match = new RegExp(`^${prefix}-(\\d+)$`).exec(id);
    if (match) this.counters.set(prefix, Math.max(this.counters.get(prefix) ?? 0, Number(match[1])));
  }

  /**
   * Remembers the whole state; the returned function puts it back exactly (documents,
   * secrets, ID counters). For all-or-nothing operations such as a migration import.
   */
  checkpoint(): () => void {
    const types = new Map(
      [...this.types].map(([t, docs]) => [
        t,
        new Map(
          [...docs].map(([id, e]) => [id, { doc: structuredClone(e.doc), secrets: new Map(e.secrets) }]),
        ),
      ]),
    );
    const counters = new Map(this.counters);
    return () => {
      this.types.clear();
      for (const [t, docs] of types) this.types.set(t, docs);
      this.counters.clear();
      for (const [k, v] of counters) this.counters.set(k, v);
    };
  }

  get(type: string, id: string): JsonObject | undefined {
    return this.types.get(type)?.get(id)?.doc;
  }

  /** Finds a document of any type by ID. */
  find(id: string): { type: string; doc: JsonObject } | undefined {
    for (const [type, docs] of this.types) {
      const entry = docs.get(id);
      if (entry) return { type, doc: entry.doc };
    }
    return undefined;
  }

  all(type: string): JsonObject[] {
    return [...(this.types.get(type)?.values() ?? [])].map((e) => e.doc);
  }

  typeNames(): string[] {
    return [...this.types.keys()];
  }

  /**
   * Stores a document, absorbing sensitive values: each `{HasValue, NewValue}` keeps its
   * secret here and is stored as `{HasValue, NewValue: null}`. `extraSecrets` lets a
   * resource store secrets held outside that shape (a sensitive variable's Value).
   */
  put(type: string, doc: JsonObject, extraSecrets?: Map<string, string>): JsonObject {
    const id = doc.Id;
    if (typeof id !== "string") throw new Error(`document of type ${type} has no Id`);
    let docs = this.types.get(type);
    if (!docs) {
      docs = new Map();
      this.types.set(type, docs);
    }
    const previous = docs.get(id)?.secrets ?? new Map<string, string>();
    const secrets = new Map<string, string>();
    const publicDoc = absorbSecrets(doc, previous, secrets) as JsonObject;
    for (const [path, value] of extraSecrets ?? []) secrets.set(path, value);
    docs.set(id, { doc: publicDoc, secrets });
    return publicDoc;
  }

  /** Secrets of a stored document by path. */
  secrets(type: string, id: string): ReadonlyMap<string, string> {
    return this.types.get(type)?.get(id)?.secrets ?? new Map();
  }

  delete(type: string, id: string): boolean {
    return this.types.get(type)?.delete(id) ?? false;
  }

  /** A document with its secrets filled back in. For tests only; never served over HTTP. */
  reveal(type: string, id: string): Json | undefined {
    const entry = this.types.get(type)?.get(id);
    if (!entry) return undefined;
    return revealSecrets(entry.doc, entry.secrets);
  }
}
