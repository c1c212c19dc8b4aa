import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/examples.js";

/**
 * Runs a script in a fresh Node process (V8's flags are per process) and returns the young
 * generation's size in MB after the script has made plenty of garbage, some of it kept.
 */
function youngGenerationAfter(script: string): number {
  const out = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      `${script}
      const { getHeapSpaceStatistics } = await import("node:v8");
      let recent = [];
      const kept = [];
      for (let i = 0; i < 2e6; i++) {
        const o = { i };
        recent.push(o);
        if (i % 5 === 0) kept.push(o);
        if (recent.length > 100000) recent = [];
      }
      const young = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
      console.log(young.space_size / 1048576);`,
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  return Number(out.trim().split("\n").at(-1));
}

const setFlag = `
  const { setV8Flags } = await import("./src/util/v8-flags.ts");
  setV8Flags("--semi-space-growth-factor=1");
`;

describe("V8 flags set by the CLI", () => {
  it("hold for the process that sets them (without them, the young generation grows)", () => {
    expect(youngGenerationAfter(setFlag)).toBeLessThanOrEqual(4);
    expect(youngGenerationAfter("")).toBeGreaterThan(4);
  });

  it("are put back to V8's defaults by a worker thread's start, which is why export --verify starts its parser's worker only once every file is made", () => {
    const worker = `${setFlag}
      const { Worker } = await import("node:worker_threads");
      const worker = new Worker("setTimeout(() => {}, 10)", { eval: true });
      await new Promise((r) => worker.once("online", r));
    `;
    expect(youngGenerationAfter(worker)).toBeGreaterThan(4);
  });
});
