import { ApiError, badRequest, notFound } from "./errors.js";
import type { Json, JsonObject } from "./secrets.js";
import type { Store } from "./store.js";

export type Query = URLSearchParams;

/** What a resource row's hooks can use: the store and the engine's own operations. */
export interface EngineContext {
  readonly store: Store;
  readonly engine: Engine;
  /** The space the request is in (undefined for system-level requests). */
  readonly spaceId: string | undefined;
}

/**
 * One row of the resource table: everything the generic store and router need to serve a
 * resource type. A new type is a row plus its side effects.
 */
export interface ResourceDef {
  /** Store and seed-file name, e.g. "Environments". */
  type: string;
  /** URL segment under /api/{spaceId}/ (or /api/ for system types), e.g. "environments". */
  collection: string;
  /** Alternative URL segments that reach the same collection. */
  aliases?: string[];
  idPrefix: string;
  scope: "system" | "space";
  /**
   * IDs the server gives a document of this type in every space (the built-in feeds'):
   * unique within a space only, not on the whole server as other IDs are.
   */
  spaceLocalIds?: string[];
  /** Links key naming the collection in /api and /api/{spaceId}. */
  link?: string;
  /** Whether documents need a unique Name, and within what (default: the space). */
  uniqueName?: false | ((doc: JsonObject) => string);
  /** Fields a create must carry. */
  required?: string[];
  /**
   * The top-level fields the server's resource has, when known: a create or update keeps only
   * these (and Id, SpaceId), dropping the rest, as the server's model binding drops properties
   * its resource does not declare. Types without the list keep whatever they are sent.
   */
  fields?: readonly string[];
  slug?: boolean;
  /** Fields a PUT that leaves them out keeps (others left out take their defaults). */
  keepOnUpdate?: string[];
  /**
   * What the server does to a document a client POSTs before creating it (a seed or an import
   * skips it): e.g. a new project is a database project whatever it was sent with.
   */
  clientCreate?: (doc: JsonObject) => void;
  /** Server-filled fields for a new document; applied where the client sent nothing. */
  defaults?: (doc: JsonObject, ctx: EngineContext) => JsonObject;
  /** Validation and normalisation on every write; throw ApiError to reject. */
  normalise?: (doc: JsonObject, ctx: EngineContext, existing: JsonObject | undefined) => void;
  /** Secrets held outside the {HasValue, NewValue} shape: moved out of the document here. */
  extractSecrets?: (doc: JsonObject, previous: ReadonlyMap<string, string>) => Map<string, string>;
  afterCreate?: (doc: JsonObject, ctx: EngineContext) => void;
  afterUpdate?: (doc: JsonObject, ctx: EngineContext, before: JsonObject) => void;
  beforeDelete?: (doc: JsonObject, ctx: EngineContext) => void;
  /** List filters beyond ids, name, partialName. */
  filters?: Record<string, (doc: JsonObject, value: string) => boolean>;
  /** What a stored document looks like when served (read-time computed fields). */
  view?: (doc: JsonObject, ctx: EngineContext) => JsonObject;
  /** Links of a document, beyond Self. */
  links?: (doc: JsonObject, self: string) => Record<string, string>;
  /** Set false for documents created only as side effects (variable sets, processes). */
  creatable?: boolean;
  deletable?: boolean;
  /** Default ordering of lists (default: by Name, then Id). */
  sort?: (a: JsonObject, b: JsonObject) => number;
  /**
   * Documents every server has before anyone writes (built-in user roles and teams): made
   * once, when the engine starts, after every type is registered.
   */
  init?: (ctx: EngineContext) => void;
}

/** The generic document operations every resource type shares. */
export class Engine {
  readonly defs = new Map<string, ResourceDef>();
  readonly bySegment = new Map<string, ResourceDef>();
  /** Octopus Cloud: every new space also gets the hosted dynamic worker pools (spaces.ts). */
  cloud = false;

  constructor(
    readonly store: Store,
    defs: readonly ResourceDef[],
  ) {
    for (const def of defs) {
      if (this.defs.has(def.type)) throw new Error(`resource type ${def.type} defined twice`);
      this.defs.set(def.type, def);
      for (const seg of [def.collection, ...(def.aliases ?? [])]) this.bySegment.set(seg.toLowerCase(), def);
      for (const id of def.spaceLocalIds ?? []) store.spaceLocalIds.add(id);
    }
    for (const def of defs) def.init?.(this.ctx(undefined));
  }

  def(type: string): ResourceDef {
    const def = this.defs.get(type);
    if (!def) throw new Error(`unknown resource type ${type}`);
    return def;
  }

  ctx(spaceId: string | undefined): EngineContext {
    return { store: this.store, engine: this, spaceId };
  }

  /**
   * Documents of a type in a space (all spaces for system types), in the type's order; with
   * `where`, only those it keeps (filtered before sorting).
   */
  docs(type: string, spaceId: string | undefined, where?: (doc: JsonObject) => boolean): JsonObject[] {
    const docs = this.inSpace(type, spaceId);
    return (where ? docs.filter(where) : docs).sort(this.def(type).sort ?? byNameThenId);
  }

  /** The same documents in no particular order: for lookups, which need no sort. */
  inSpace(type: string, spaceId: string | undefined): JsonObject[] {
    const all = this.store.all(type);
    return this.def(type).scope === "space" && spaceId ? all.filter((d) => d.SpaceId === spaceId) : all;
  }

  get(type: string, spaceId: string | undefined, id: string): JsonObject {
    const def = this.def(type);
    // Projects are found by ID or by slug, as Octopus does.
    const doc =
      this.store.get(type, id, def.scope === "space" ? spaceId : undefined) ??
      (type === "Projects" ? this.inSpace(type, spaceId).find((d) => d.Slug === id) : undefined);
    if (!doc || (def.scope === "space" && spaceId && doc.SpaceId !== spaceId)) throw notFound(id);
    return doc;
  }

  find(type: string, spaceId: string | undefined, id: string): JsonObject | undefined {
    try {
      return this.get(type, spaceId, id);
    } catch {
      return undefined;
    }
  }

  /** Filters a list by the standard query parameters and the row's own filters. */
  filter(def: ResourceDef, docs: JsonObject[], query: Query): JsonObject[] {
    let out = docs;
    const ids = query.get("ids");
    if (ids) {
      const wanted = new Set(ids.split(",").filter(Boolean));
      out = out.filter((d) => wanted.has(String(d.Id)));
    }
    const partial = query.get("partialName");
    if (partial)
      out = out.filter((d) =>
        String(d.Name ?? "")
          .toLowerCase()
          .includes(partial.toLowerCase()),
      );
    const name = query.get("name");
    if (name) out = out.filter((d) => String(d.Name ?? "").toLowerCase() === name.toLowerCase());
    for (const [param, predicate] of Object.entries(def.filters ?? {})) {
      const value = findParam(query, param);
      if (value !== null && value !== "") out = out.filter((d) => predicate(d, value));
    }
    return out;
  }

  create(
    type: string,
    spaceId: string | undefined,
    body: JsonObject,
    options: { keepId?: boolean; fromClient?: boolean } = {},
  ): JsonObject {
    const def = this.def(type);
    const ctx = this.ctx(spaceId);
    const doc: JsonObject = structuredClone(body);
    delete doc.Links;
    dropUnknown(def, doc);
    if (options.fromClient) def.clientCreate?.(doc);
    if (options.keepId && typeof doc.Id === "string" && doc.Id) {
      if (this.store.get(type, doc.Id, def.scope === "space" ? spaceId : undefined))
        throw badRequest(`A document with the ID '${doc.Id}' already exists.`);
      this.store.noteId(def.idPrefix, doc.Id);
    } else {
      doc.Id = this.store.nextId(def.idPrefix);
    }
    if (def.scope === "space") doc.SpaceId = spaceId ?? null;
    for (const field of def.required ?? []) {
      if (doc[field] === undefined || doc[field] === null || doc[field] === "") {
        throw badRequest(`The ${field} field is required.`);
      }
    }
    if (def.defaults) {
      for (const [key, value] of Object.entries(def.defaults(doc, ctx))) {
        if (doc[key] === undefined || doc[key] === null) doc[key] = value;
      }
    }
    if (def.slug && (typeof doc.Slug !== "string" || !doc.Slug))
      doc.Slug = this.uniqueSlug(def, spaceId, doc);
    def.normalise?.(doc, ctx, undefined);
    this.checkUniqueName(def, spaceId, doc);
    const stored = this.store.put(type, doc, def.extractSecrets?.(doc, new Map()));
    def.afterCreate?.(stored, ctx);
    return this.store.get(type, String(stored.Id), stored.SpaceId as string | null | undefined) ?? stored;
  }

  update(type: string, spaceId: string | undefined, id: string, body: JsonObject): JsonObject {
    const def = this.def(type);
    const ctx = this.ctx(spaceId);
    const before = this.get(type, spaceId, id);
    const doc: JsonObject = structuredClone(body);
    delete doc.Links;
    dropUnknown(def, doc);
    doc.Id = id;
    if (def.scope === "space") doc.SpaceId = before.SpaceId ?? null;
    for (const field of def.required ?? []) {
      if (doc[field] === undefined || doc[field] === null || doc[field] === "") {
        throw badRequest(`The ${field} field is required.`);
      }
    }
    if (def.slug && (typeof doc.Slug !== "string" || !doc.Slug)) doc.Slug = before.Slug ?? null;
    for (const key of def.keepOnUpdate ?? [])
      if (doc[key] === undefined && before[key] !== undefined) doc[key] = before[key]!;
    // A field the client left out takes its default, as Octopus reads a PUT into a whole model.
    if (def.defaults) {
      for (const [key, value] of Object.entries(def.defaults(doc, ctx))) {
        if (doc[key] === undefined || doc[key] === null) doc[key] = value;
      }
    }
    def.normalise?.(doc, ctx, before);
    this.checkUniqueName(def, spaceId, doc);
    const space = before.SpaceId as string | null | undefined;
    const previous = this.store.secrets(type, id, space);
    const stored = this.store.put(type, doc, def.extractSecrets?.(doc, previous));
    def.afterUpdate?.(stored, ctx, before);
    return this.store.get(type, id, space) ?? stored;
  }

  delete(type: string, spaceId: string | undefined, id: string): void {
    const def = this.def(type);
    const doc = this.get(type, spaceId, id);
    def.beforeDelete?.(doc, this.ctx(spaceId));
    this.store.delete(type, String(doc.Id), doc.SpaceId as string | null | undefined);
  }

  /** Another document whose name `doc` may not share (case-insensitive, in its uniqueness scope). */
  nameClash(def: ResourceDef, spaceId: string | undefined, doc: JsonObject): JsonObject | undefined {
    if (def.uniqueName === false || typeof doc.Name !== "string") return undefined;
    const scopeOf = def.uniqueName ?? ((d: JsonObject) => String(d.SpaceId ?? ""));
    const probe = def.scope === "space" ? { ...doc, SpaceId: doc.SpaceId ?? spaceId ?? null } : doc;
    const scope = scopeOf(probe);
    const name = doc.Name.toLowerCase();
    return this.inSpace(def.type, def.scope === "space" ? spaceId : undefined).find(
      (d) =>
        d.Id !== doc.Id &&
        typeof d.Name === "string" &&
        d.Name.toLowerCase() === name &&
        scopeOf(d) === scope,
    );
  }

  private checkUniqueName(def: ResourceDef, spaceId: string | undefined, doc: JsonObject): void {
    const clash = this.nameClash(def, spaceId, doc);
    if (clash && typeof doc.Name === "string") {
      throw new ApiError(400, "There was a problem with your request.", [
        `The name '${doc.Name}' is already in use by another ${singular(def)}. Please choose a different name.`,
      ]);
    }
  }

  /** A slug from the name, unique within the document's name scope (a space, or a project). */
  private uniqueSlug(def: ResourceDef, spaceId: string | undefined, doc: JsonObject): string {
    const base = slugify(String(doc.Name ?? doc.Id)) || def.idPrefix.toLowerCase();
    const scopeOf = def.uniqueName || ((d: JsonObject) => String(d.SpaceId ?? ""));
    const scope = scopeOf(doc);
    const taken = new Set(
      this.inSpace(def.type, spaceId)
        .filter((d) => scopeOf(d) === scope)
        .map((d) => d.Slug),
    );
    if (!taken.has(base)) return base;
    for (let i = 1; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
  }
}

export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Removes the top-level fields a type's server resource does not have (`fields`). */
function dropUnknown(def: ResourceDef, doc: JsonObject): void {
  if (!def.fields) return;
  const known = new Set(["Id", "SpaceId", ...def.fields]);
  for (const key of Object.keys(doc)) if (!known.has(key)) delete doc[key];
}

function singular(def: ResourceDef): string {
  return def.collection.replace(/s$/, "");
}

function byNameThenId(a: JsonObject, b: JsonObject): number {
  const an = String(a.Name ?? "");
  const bn = String(b.Name ?? "");
  if (an !== bn) return an.localeCompare(bn);
  return compareIds(String(a.Id), String(b.Id));
}

/** Orders Environments-2 before Environments-10. */
export function compareIds(a: string, b: string): number {
  const ma = /^(.*?)(\d+)$/.exec(a);
  const mb = /^(.*?)(\d+)$/.exec(b);
  if (ma && mb && ma[1] === mb[1]) return Number(ma[2]) - Number(mb[2]);
  return a.localeCompare(b);
}

/** Query parameters are case-insensitive in Octopus. */
function findParam(query: Query, name: string): string | null {
  const direct = query.get(name);
  if (direct !== null) return direct;
  const lower = name.toLowerCase();
  for (const [key, value] of query) if (key.toLowerCase() === lower) return value;
  return null;
}

export function asArray(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}
