import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * docs/sandbox.md's table of resource types names, per family, tests of the provider's own
 * acceptance suite that pass against the sandbox. The committed results of the last full run
 * (test/acceptance/results.json, written by `npm run test:acceptance`) must bear each one out,
 * so the column cannot claim a test that failed, was excluded, or no longer exists.
 */
const ROOT = join(import.meta.dirname, "..", "..");

interface Results {
  passed: string[];
  failed: Array<{ test: string }>;
}

function provenColumn(markdown: string): Map<string, string[]> {
  const start = markdown.indexOf("## Resource types it supports");
  expect(start, "docs/sandbox.md lost its resource types section").toBeGreaterThan(-1);
  const rows = new Map<string, string[]>();
  for (const line of markdown.slice(start).split("\n")) {
    if (line.startsWith("## ") && rows.size > 0) break;
    const cells = line.split("|").map((c) => c.trim());
    // | family | resources | proven by |  ->  ["", family, resources, proven, ""]
    if (cells.length !== 5 || cells[1] === "family" || cells[1]?.startsWith("---")) continue;
    rows.set(
      cells[1] as string,
      [...(cells[3] as string).matchAll(/`(TestAcc\w+)`/g)].map((m) => m[1] as string),
    );
  }
  return rows;
}

describe("the sandbox's resource types table", () => {
  const results = JSON.parse(readFileSync(join(ROOT, "test/acceptance/results.json"), "utf8")) as Results;
  const passed = new Set(results.passed.map((t) => t.slice(t.indexOf(".") + 1)));
  const failed = new Set(results.failed.map((f) => f.test));
  const rows = provenColumn(readFileSync(join(ROOT, "docs/sandbox.md"), "utf8"));

  it("has a row per family with a proven-by column", () => {
    expect(rows.size).toBeGreaterThan(10);
    const withTests = [...rows.values()].filter((tests) => tests.length > 0);
    expect(withTests.length).toBeGreaterThan(rows.size - 3);
  });

  it("names only tests that passed in the last full acceptance run", () => {
    const wrong: string[] = [];
    for (const [family, tests] of rows)
      for (const test of tests) if (!passed.has(test) || failed.has(test)) wrong.push(`${family}: ${test}`);
    expect(wrong).toEqual([]);
  });
});
