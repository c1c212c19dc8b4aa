import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/examples.js";

/**
 * The fault suite (npm run test:faults) records its counts in docs/fault-suite.json after a
 * whole run in which every test passed; the README and docs/reliability.md quote them. This
 * checks that what they say is what the last run recorded, so the numbers are never typed by
 * hand apart from the run.
 */
describe("the fault suite's counts in the docs", () => {
  const counts = JSON.parse(readFileSync(join(ROOT, "docs/fault-suite.json"), "utf8")) as {
    seed: number;
    date: string;
    kills: number;
    faults: number;
    refused: number;
    secretsFound: number;
    searched: number;
  };

  it("were recorded by a run that found no secret", () => {
    expect(counts.secretsFound).toBe(0);
    expect(counts.kills).toBeGreaterThan(0);
    expect(counts.searched).toBeGreaterThan(0);
  });

  it.each(["README.md", "docs/reliability.md"])("are the ones %s quotes", (file) => {
    const text = readFileSync(join(ROOT, file), "utf8").replace(/\s+/g, " ");
    expect(text).toContain(`${counts.kills} kills and signals survived`);
    expect(text).toContain(`${counts.faults} injected faults absorbed`);
    expect(text).toContain(`${counts.refused} hostile inputs refused`);
    expect(text).toContain("secrets found in any output: 0");
  });

  it("are dated and seeded in docs/reliability.md", () => {
    const text = readFileSync(join(ROOT, "docs/reliability.md"), "utf8");
    expect(text).toContain(`seed ${counts.seed}, ${counts.date}`);
    expect(text).toContain(`${counts.searched} seeded values searched`);
  });
});
