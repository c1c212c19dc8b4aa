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

const setUp = `
  const { setV8Flags } = await import("./src/util/v8-flags.ts");
  const { HclChecker } = await import("./src/terraform/hcl/check.ts");
  setV8Flags("--semi-space-growth-factor=1");
  const checker = new HclChecker(1);
  await checker.check([["a.tf", "x = 1\\n"]]);
`;

describe("V8 flags set by the CLI", () => {
  it("still hold after the HCL check has started its parser thread", () => {
    expect(youngGenerationAfter(`${setUp} await checker.close();`)).toBeLessThanOrEqual(4);
  });

  it("are put back to V8's defaults by a worker thread's start, which is why the checker sets them again", () => {
    const plainWorker = `
      const { setV8Flags } = await import("./src/util/v8-flags.ts");
      const { Worker } = await import("node:worker_threads");
      setV8Flags("--semi-space-growth-factor=1");
      const worker = new Worker("setTimeout(() => {}, 10)", { eval: true });
      await new Promise((r) => worker.once("online", r));
    `;
    expect(youngGenerationAfter(plainWorker)).toBeGreaterThan(4);
  });
});
