import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prettyJson } from "../../src/util/json.js";

describe("prettyJson", () => {
  it("writes what JSON.stringify(value, null, 2) writes, for any JSON value and depth", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (value, depth) => {
        expect([...prettyJson(value, depth)].join("")).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 500 },
    );
  });

  it("leaves out what JSON.stringify leaves out, and writes null where it does", () => {
    const value = {
      a: undefined,
      b: () => 1,
      c: [undefined, () => 1, Symbol("s"), 1],
      d: new Date(0),
      e: { nested: { deeper: [1, { x: "y\nz" }] } },
      f: new Map([[1, 2]]),
    };
    expect([...prettyJson(value, 3)].join("")).toBe(JSON.stringify(value, null, 2));
  });

  it("hands a large document over in pieces, none of them the whole", () => {
    const value = {
      resources: Array.from({ length: 20_000 }, (_, i) => ({ address: `module.m.type.name_${i}`, n: i })),
    };
    const parts = [...prettyJson(value)];
    expect(parts.length).toBeGreaterThan(10);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThan(70 * 1024);
    expect(parts.join("")).toBe(JSON.stringify(value, null, 2));
  });
});
