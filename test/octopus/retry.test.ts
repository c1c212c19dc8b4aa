import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, parseRetryAfter, retryDelay } from "../../src/octopus/retry.js";

describe("Retry-After", () => {
  it("reads delta seconds and HTTP dates", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("0.5")).toBe(500);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("backoff", () => {
  it("stays within half and all of the exponential ceiling, capped", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, r) => {
          const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** (attempt - 1));
          const d = retryDelay(attempt, DEFAULT_RETRY, undefined, () => r);
          return d >= Math.floor(ceiling / 2) && d <= ceiling;
        },
      ),
    );
  });

  it("never waits less than the server asked, nor more than two minutes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (attempt, asked) => {
          const d = retryDelay(attempt, DEFAULT_RETRY, asked, () => 0.5);
          return d >= Math.min(asked, 120_000) && d <= 120_000;
        },
      ),
    );
  });

  it("jitters: different dice give different delays", () => {
    expect(retryDelay(3, DEFAULT_RETRY, undefined, () => 0)).not.toBe(
      retryDelay(3, DEFAULT_RETRY, undefined, () => 0.9),
    );
  });
});
