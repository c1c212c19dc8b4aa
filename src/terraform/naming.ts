import { createHash } from "node:crypto";
import type { Lazy } from "./hcl/model.js";

/**
 * The one name sanitiser. Terraform names (resources, data sources, variables, modules)
 * come from Octopus names, never from IDs or iteration order:
 *
 *   "Orders API"  -> orders_api        "1st env" -> _1st_env        "Ünïcode" -> unicode
 *
 * Names that collide within one namespace are told apart by a short hash of the original
 * name, so a name depends only on the thing it names and on whether it collides: adding or
 * removing other resources never renames it (state addresses stay put across re-exports).
 */

/** The readable identifier for `name`: lowercase ASCII letters, digits and underscores. */
export function sanitise(name: string): string {
  const ascii = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (ascii === "") return `_${shortHash(name, 8)}`;
  return /^[0-9]/.test(ascii) ? `_${ascii}` : ascii;
}

export function shortHash(text: string, length = 4): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, length);
}

/**
 * Assigns unique identifiers to a set of names in one namespace. Call `claim` for every
 * name first, then `resolve`: a name whose sanitised form is shared with another gets a
 * hash suffix, except the one (if any) whose original already is that form.
 */
export class Namespace {
  private readonly wanted = new Map<string, Set<string>>();
  private readonly reserved = new Set<string>();
  private readonly pinned = new Map<string, string>();
  private resolved: Map<string, string> | undefined;

  /** Identifiers no claim may take (e.g. inputs every module declares). */
  reserve(...identifiers: string[]): this {
    for (const id of identifiers) this.reserved.add(id);
    return this;
  }

  /**
   * Gives `key` the identifier it had before (in an earlier export), so that what is named
   * after something keeps its name when that thing is renamed. The first key to pin an
   * identifier keeps it, and a key keeps its first pin; a later one is named as usual.
   */
  pin(key: string, identifier: string): this {
    if (this.resolved) throw new Error("Namespace.pin after resolve");
    if (
      !this.pinned.has(key) &&
      ![...this.pinned.values()].includes(identifier) &&
      !this.reserved.has(identifier)
    )
      this.pinned.set(key, identifier);
    return this;
  }

  /** Registers `key` (the text the identifier is made from; equal keys share an identifier). */
  claim(key: string): void {
    if (this.resolved) throw new Error("Namespace.claim after resolve");
    const base = sanitise(key);
    let set = this.wanted.get(base);
    if (!set) {
      set = new Set();
      this.wanted.set(base, set);
    }
    set.add(key);
  }

  /** The identifier for a claimed key. */
  get(key: string): string {
    const id = this.resolve().get(key);
    if (id === undefined) throw new Error(`name "${key}" was never claimed`);
    return id;
  }

  private resolve(): Map<string, string> {
    if (this.resolved) return this.resolved;
    const out = new Map<string, string>();
    const used = new Set(this.reserved);
    // Identifiers kept from an earlier export first: nothing new may take them.
    for (const [key, id] of this.pinned) {
      if (![...this.wanted.values()].some((keys) => keys.has(key))) continue;
      out.set(key, id);
      used.add(id);
    }
    // Plain identifiers next, so a suffixed one can never take a plain one's place.
    const suffixed: Array<[string, string]> = [];
    for (const [base, keys] of [...this.wanted.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const sorted = [...keys].sort().filter((k) => !out.has(k));
      const plain = used.has(base)
        ? undefined
        : sorted.length === 1
          ? sorted[0]
          : sorted.find((k) => k === base);
      for (const key of sorted) {
        if (key === plain) {
          out.set(key, base);
          used.add(base);
        } else {
          suffixed.push([base, key]);
        }
      }
    }
    for (const [base, key] of suffixed) {
      let length = 4;
      let id = `${base}_${shortHash(key, length)}`;
      while (used.has(id)) id = `${base}_${shortHash(key, ++length)}`;
      out.set(key, id);
      used.add(id);
    }
    this.resolved = out;
    this.wanted.clear();
    return out;
  }
}

/** A directory name for a module: lowercase words joined by dashes. */
export function slug(name: string): string {
  return sanitise(name).replace(/^_+/, "").replace(/_/g, "-") || `project-${shortHash(name, 8)}`;
}

/** A name in a namespace (of a module's blocks of one type, of inputs), resolved when printed. */
export class Name implements Lazy {
  constructor(
    private readonly ns: Namespace,
    private readonly key: string,
  ) {
    ns.claim(key);
  }

  resolve(): string {
    return this.ns.get(this.key);
  }
}
