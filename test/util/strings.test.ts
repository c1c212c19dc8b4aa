import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StringPool } from "../../src/util/strings.js";

describe("StringPool", () => {
  it("leaves every value as it was, however often its strings repeat (property)", () => {
    const pool = new StringPool();
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = structuredClone(value);
        expect(pool.share(copy)).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it("changes arrays and objects in place and keeps their keys", () => {
    const pool = new StringPool();
    const first = { Name: "Production", Tags: ["a", "b"] };
    const second = { Production: "Production", Nested: [{ Name: "Production" }] };
    expect(pool.share(first)).toBe(first);
    expect(pool.share(second)).toBe(second);
    expect(Object.keys(second)).toEqual(["Production", "Nested"]);
    expect(second).toEqual({ Production: "Production", Nested: [{ Name: "Production" }] });
  });
});
