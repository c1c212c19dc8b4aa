/** Pieces yielded by prettyJson are put together up to about this many characters. */
const PIECE_CHARS = 64 * 1024;

/**
 * `JSON.stringify(value, null, 2)` in pieces of about 64 KB, character for character the same,
 * so a large document (an export's manifest: 20 MB at 2,000 projects) is written without ever
 * being one string. Objects and arrays are opened `depth` levels down; below that each value is
 * stringified whole.
 */
export function* prettyJson(value: unknown, depth = 2): Generator<string> {
  let buffer = "";
  for (const piece of pieces(value, "", depth)) {
    buffer += piece;
    if (buffer.length >= PIECE_CHARS) {
      yield buffer;
      buffer = "";
    }
  }
  if (buffer) yield buffer;
}

function* pieces(value: unknown, pad: string, depth: number): Generator<string> {
  const inner = `${pad}  `;
  if (depth > 0 && Array.isArray(value) && value.length && !("toJSON" in value)) {
    // Element by element: an array of 100,000 resources is not copied into entries first.
    yield "[\n";
    for (let i = 0; i < value.length; i++) {
      const member: unknown = value[i];
      yield inner;
      yield* pieces(typeof member === "function" ? null : member, inner, depth - 1);
      yield i < value.length - 1 ? ",\n" : "\n";
    }
    yield `${pad}]`;
    return;
  }
  const entries = depth > 0 && !Array.isArray(value) ? members(value) : undefined;
  if (!entries?.length) {
    // JSON.stringify's own answer, indented where the value stands (its strings hold no raw newline).
    yield (JSON.stringify(value, null, 2) ?? "null").replaceAll("\n", `\n${pad}`);
    return;
  }
  yield "{\n";
  for (const [i, [key, member]] of entries.entries()) {
    yield `${inner}${JSON.stringify(key)}: `;
    yield* pieces(member, inner, depth - 1);
    yield i < entries.length - 1 ? ",\n" : "\n";
  }
  yield `${pad}}`;
}

/**
 * The members JSON.stringify writes of a plain object (own enumerable properties that are not
 * undefined, functions or symbols). Undefined for anything else (a value with toJSON, a
 * primitive), which is stringified whole.
 */
function members(value: unknown): Array<[string, unknown]> | undefined {
  if (value === null || typeof value !== "object" || "toJSON" in value) return undefined;
  return Object.entries(value).filter(
    ([, v]) => v !== undefined && typeof v !== "function" && typeof v !== "symbol",
  );
}
