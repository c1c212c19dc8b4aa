/**
 * A flat copy of a string made by concatenation. V8 keeps `a + b` as a node pointing at its
 * parts (32 bytes a node, and a template such as an address is a tree of several) until the
 * string is read whole; a string kept for the length of a run is smaller flat.
 */
export function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}
