import { absorbSecrets, type Json, type JsonObject, revealSecrets } from "./secrets.js";

/** A stored document: public JSON (secrets replaced) and its secrets by path. */
interface Entry {
  doc: JsonObject;
  secrets: Map<string, string>;
}

/**
 * The sandbox's document store: documents by type and ID, ID counters per prefix,
 * secrets kept apart. It knows nothing of HTTP or of resource rules.
 *
 * IDs are unique on the whole server, as Octopus makes them (`Projects-7` is in one space),
 * except the few a server gives the same document in every space (`spaceLocalIds`, e.g. the
 * built-in feed `feeds-builtin`): those are unique within their space only, so finding one
 * takes the space too.
 */
export class Store {
  private readonly types = new Map<string, Map<string, Entry>>();
  private readonly counters = new Map<string, number>();
  /** IDs every space has a document of its own by (registered by the engine from its types). */
  readonly spaceLocalIds = new Set<string>();

  /** Where a document is kept: its ID, or for a space-local ID, its space and ID. */
  private key(id: string, spaceId: string | null | undefined): string {
    return this.spaceLocalIds.has(id) && spaceId ? `${spaceId}\u0000${id}` : id;
  }

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

  /** A document by ID; a space-local ID (`feeds-builtin`) is found only with its space. */
  get(type: string, id: string, spaceId?: string | null): JsonObject | undefined {
    return this.types.get(type)?.get(this.key(id, spaceId))?.doc;
  }

  /** Finds a document of any type by ID. */
  find(id: string, spaceId?: string | null): { type: string; doc: JsonObject } | undefined {
    for (const [type, docs] of this.types) {
      const entry = docs.get(this.key(id, spaceId));
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
    const key = this.key(id, typeof doc.SpaceId === "string" ? doc.SpaceId : undefined);
    const previous = docs.get(key)?.secrets ?? new Map<string, string>();
    const secrets = new Map<string, string>();
    const publicDoc = absorbSecrets(doc, previous, secrets) as JsonObject;
    for (const [path, value] of extraSecrets ?? []) secrets.set(path, value);
    docs.set(key, { doc: publicDoc, secrets });
    return publicDoc;
  }

  /** Secrets of a stored document by path. */
  secrets(type: string, id: string, spaceId?: string | null): ReadonlyMap<string, string> {
    return this.types.get(type)?.get(this.key(id, spaceId))?.secrets ?? new Map();
  }

  delete(type: string, id: string, spaceId?: string | null): boolean {
    return this.types.get(type)?.delete(this.key(id, spaceId)) ?? false;
  }

  /** A document with its secrets filled back in. For tests only; never served over HTTP. */
  reveal(type: string, id: string, spaceId?: string | null): Json | undefined {
    const entry = this.types.get(type)?.get(this.key(id, spaceId));
    if (!entry) return undefined;
    return revealSecrets(entry.doc, entry.secrets);
  }
}
