import type { Doc } from "./descriptor.js";

/**
 * Field patterns over a JSON document, as the registry writes them:
 * `Name` a property, `['Octopus.Action.X']` a property whose name has dots, `[]` every item of
 * an array, `[ActionType=Octopus.DeployRelease]` the items whose property has that value, `*`
 * every value of an object, `{}` every key of an object (the key is the value).
 */
type Segment =
  | { kind: "key"; name: string }
  | { kind: "items"; where?: { key: string; value: string } }
  | { kind: "values" }
  | { kind: "keys" };

const cache = new Map<string, Segment[]>();

export function parsePattern(pattern: string): Segment[] {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const out: Segment[] = [];
  const re = /\['([^']+)'\]|\[([A-Za-z]+)=([^\]]+)\]|\[\]|\{\}|\*|([^.[\]{}*'=]+)|\./g;
  let consumed = 0;
  for (let m = re.exec(pattern); m; m = re.exec(pattern)) {
    if (m.index !== consumed) break;
    consumed = re.lastIndex;
    const [text, quoted, whereKey, whereValue, name] = m;
    if (text === ".") continue;
    if (quoted !== undefined) out.push({ kind: "key", name: quoted });
    else if (whereKey !== undefined)
      out.push({ kind: "items", where: { key: whereKey, value: whereValue! } });
    else if (text === "[]") out.push({ kind: "items" });
    else if (text === "{}") out.push({ kind: "keys" });
    else if (text === "*") out.push({ kind: "values" });
    else out.push({ kind: "key", name: name! });
  }
  if (consumed !== pattern.length || out.length === 0) throw new Error(`bad field pattern ${pattern}`);
  cache.set(pattern, out);
  return out;
}

/** One place a pattern matched. */
export interface Match {
  /** The value there (for `{}`, the key). */
  value: unknown;
  /** The object or array holding the value. */
  holder: Doc;
  /** The key of the value in its holder (for an array item, its index as text). */
  key: string;
  /** The object keys `*` and `{}` matched on the way, in order. */
  keys: string[];
  /** Where it is, readable and stable under reordering: `Steps[Id=...].Actions[Name=Deploy].Properties.X`. */
  path: string;
  /** Where it is, for people: items by their Name where they have one, `Steps[Publish].Actions[Publish].Properties.X`. */
  named: string;
  /** Where it is by position, as the graph names a reference's place: `Steps[0].Actions[1].Properties.X`, a key's `ProjectEnvironments.Projects-1{key}`. */
  at: string;
  /** Whether the value is an object key (a `{}` match). */
  isKey: boolean;
}

function namedSegment(item: unknown, index: number): string {
  if (item && typeof item === "object" && !Array.isArray(item)) {
    const o = item as Doc;
    if (typeof o.Name === "string" && o.Name) return `[${o.Name}]`;
  }
  return `[${index}]`;
}

function segmentOf(item: unknown, index: number): string {
  if (item && typeof item === "object" && !Array.isArray(item)) {
    const o = item as Doc;
    if (typeof o.Id === "string" && o.Id) return `[Id=${o.Id}]`;
    if (typeof o.Name === "string" && o.Name) return `[Name=${o.Name}]`;
  }
  return `[${index}]`;
}

const isObject = (v: unknown): v is Doc => Boolean(v) && typeof v === "object" && !Array.isArray(v);

/** Every place in `doc` that `pattern` matches. */
export function* matches(doc: unknown, pattern: string): Generator<Match> {
  const segments = parsePattern(pattern);
  function* walk(
    value: unknown,
    holder: Doc,
    key: string,
    i: number,
    keys: string[],
    path: string,
    at: string,
    named: string,
  ): Generator<Match> {
    if (i === segments.length) {
      yield { value, holder, key, keys, path, named, at, isKey: false };
      return;
    }
    const dot = (k: string) => (at ? `${at}.${k}` : k);
    const s = segments[i]!;
    if (s.kind === "key") {
      if (!isObject(value) || !(s.name in value)) return;
      yield* walk(
        value[s.name],
        value,
        s.name,
        i + 1,
        keys,
        path ? `${path}.${s.name}` : s.name,
        dot(s.name),
        named ? `${named}.${s.name}` : s.name,
      );
    } else if (s.kind === "items") {
      if (!Array.isArray(value)) return;
      for (let n = 0; n < value.length; n++) {
        const item = value[n];
        if (s.where && !(isObject(item) && item[s.where.key] === s.where.value)) continue;
        yield* walk(
          value[n],
          value as unknown as Doc,
          String(n),
          i + 1,
          keys,
          `${path}${segmentOf(value[n], n)}`,
          `${at}[${n}]`,
          `${named}${namedSegment(value[n], n)}`,
        );
      }
    } else if (s.kind === "values") {
      if (!isObject(value)) return;
      for (const [k, v] of Object.entries(value))
        yield* walk(v, value, k, i + 1, [...keys, k], `${path}.${k}`, dot(k), `${named}.${k}`);
    } else {
      if (!isObject(value) || i !== segments.length - 1) return;
      for (const k of Object.keys(value))
        yield {
          value: k,
          holder: value,
          key: k,
          keys: [...keys, k],
          path: `${path}{${k}}`,
          named: `${named}{${k}}`,
          at: `${dot(k)}{key}`,
          isKey: true,
        };
    }
  }
  yield* walk(doc, {}, "", 0, [], "", "", "");
}
