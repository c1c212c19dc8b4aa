/**
 * A flat copy of a string made by concatenation. V8 keeps `a + b` as a node pointing at its
 * parts (32 bytes a node, and a template such as an address is a tree of several) until the
 * string is read whole; a string kept for the length of a run is smaller flat.
 */
export function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * One copy of each string value. JSON.parse makes a new string for every value it reads, and
 * the documents of a space repeat many (step and property values, IDs, names of environments):
 * at 2,000 projects a tenth of what the graph holds is such copies. Keep a pool for as long as
 * documents come in, then drop it; the strings stay shared.
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  /** The value, with each string in it (at any depth; not keys) replaced by the pool's copy, in place. */
  share<T>(value: T): T {
    return this.visit(value) as T;
  }

  private visit(value: unknown): unknown {
    if (typeof value === "string") {
      const copy = this.strings.get(value);
      if (copy !== undefined) return copy;
      this.strings.set(value, value);
      return value;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.visit(value[i]);
    } else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = this.visit(record[key]);
    }
    return value;
  }
}

/** Orders strings by UTF-16 code units, as `<` does (not by locale): the same on every machine. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
