import { describe, expect, it } from "vitest";
import { checkHclFiles, workerCount } from "../../src/terraform/hcl/check.js";
import { HclParseError, parseHcl } from "../../src/terraform/hcl/parse.js";

/** A valid file of about `kb` kilobytes: resources with strings the parser must read. */
function validFile(i: number, kb: number): string {
  const blocks: string[] = [];
  for (let n = 0; blocks.join("").length < kb * 1024; n++)
    blocks.push(`resource "t" "r${i}_${n}" {\n  name = "file ${i} \\"block\\" ${n} $$\${x}"\n  list = [1, 2, 3]\n}\n`);
  return blocks.join("\n");
}

describe("checkHclFiles (the real parser on worker threads)", () => {
  it("passes valid files spread over several workers, and nothing at all", async () => {
    const files = Array.from({ length: 40 }, (_, i) => [`m/f${i}.tf`, validFile(i, 20)] as const);
    expect(workerCount(files.reduce((n, [, t]) => n + t.length, 0))).toBeGreaterThanOrEqual(
      Math.min(2, (await import("node:os")).availableParallelism()),
    );
    await expect(checkHclFiles(files)).resolves.toBeUndefined();
    await expect(checkHclFiles([])).resolves.toBeUndefined();
  });

  it("rejects with the parser's own message for the first bad file by path, however the work was spread", async () => {
    const files: Array<readonly [string, string]> = Array.from(
      { length: 30 },
      (_, i) => [`m/f${String(i).padStart(2, "0")}.tf`, validFile(i, 10)] as const,
    );
    files.push(["z/late.tf", 'resource "a" "b" {\n  x = "unterminated\n}\n']);
    files.push(["b/early.tf", 'resource "a" "b" {\n  x = \n}\n']);
    const err = await checkHclFiles(files).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HclParseError);
    expect((err as HclParseError).file).toBe("b/early.tf");
    // The same words the package's own parse gives for that file.
    const direct = await parseHcl("b/early.tf", files.at(-1)![1]).catch((e: unknown) => e);
    expect((err as Error).message).toBe((direct as Error).message);
  });

  it("uses one worker for a little text and never more than four", () => {
    expect(workerCount(1_000)).toBe(1);
    expect(workerCount(1e9)).toBeLessThanOrEqual(4);
  });
});
