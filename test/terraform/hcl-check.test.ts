import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { checkHclFiles, HclChecker, workerCount } from "../../src/terraform/hcl/check.js";
import { HclParseError, parseHcl } from "../../src/terraform/hcl/parse.js";
import { WARM_UP_HCL } from "../../src/terraform/hcl/warm-up.js";

/** A valid file of about `kb` kilobytes: resources with strings the parser must read. */
function validFile(i: number, kb: number): string {
  const blocks: string[] = [];
  for (let n = 0; blocks.join("").length < kb * 1024; n++)
    blocks.push(
      `resource "t" "r${i}_${n}" {\n  name = "file ${i} \\"block\\" ${n} $$\${x}"\n  list = [1, 2, 3]\n}\n`,
    );
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

  it("a checker started early checks several batches", async () => {
    const checker = new HclChecker(2);
    try {
      await checker.check([["a.tf", validFile(1, 5)]]);
      await expect(checker.check([["b.tf", "x = [\n"]])).rejects.toBeInstanceOf(HclParseError);
      await checker.check([["c.tf", validFile(2, 5)]]);
    } finally {
      await checker.close();
    }
  });

  it("lets a caller waiting for the parsers before they have started go on once they have", async () => {
    // A small file is queued, not sent: only the workers' start can end the wait.
    const checker = new HclChecker(1);
    try {
      checker.add("a.tf", "x = 1\n");
      await checker.ready();
      await checker.finish(() => "x = 1\n");
    } finally {
      await checker.close();
    }
  });

  it("warms up on a sample that parses, with the constructs an export holds", async () => {
    const json = await parseHcl("warm-up.tf", WARM_UP_HCL);
    for (const kind of ["terraform", "variable", "data", "locals", "resource", "import", "moved", "output"])
      expect(json, kind).toHaveProperty(kind);
    expect(WARM_UP_HCL).toContain("<<EOT");
    expect(WARM_UP_HCL).toContain("$${");
  });

  it("a warming checker answers files that come during its warm-up and after it", async () => {
    const checker = new HclChecker(1, { warmUp: true });
    const bad = 'resource "a" "b" {\n  x = \n}\n';
    try {
      await expect(checker.check([["a.tf", validFile(1, 5)]])).resolves.toBeUndefined();
      // Long enough for the warm-up's parses to have gone on, or ended.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const err = await checker.check([["b.tf", bad]]).catch((e: unknown) => e);
      const direct = await parseHcl("b.tf", bad).catch((e: unknown) => e);
      expect((err as Error).message).toBe((direct as Error).message);
      await expect(checker.check([["c.tf", validFile(2, 5)]])).resolves.toBeUndefined();
    } finally {
      await checker.close();
    }
  });

  describe("parsing each distinct block once", () => {
    const checker = new HclChecker(2);
    afterAll(() => checker.close());
    // Blocks as the printer separates them; some only make sense next to each other.
    const pieces = [
      'resource "a" "one" {\n  name = "one"\n}',
      'data "b" "two" {\n  name = "Production"\n  ids  = [var.x, "y"]\n}',
      "locals {\n  text = <<-EOT\n    first\n\nsecond at the margin\n  EOT\n}", // a blank line in a heredoc
      'resource "a" "open" {\n  x = <<EOT\nfoo', // only valid with the next piece after it
      "EOT\n}",
      'resource "a" "bad" {\n  x = \n}',
      'variable "v" {\n  default = "unterminated\n}',
    ];
    const wholeVerdict = async (files: Array<[string, string]>) => {
      const bad: string[] = [];
      for (const [file, text] of files)
        if (await parseHcl(file, text).catch(() => null)) continue;
        else bad.push(file);
      return bad.sort()[0];
    };

    it("keeps a blank line inside a heredoc from splitting a valid file into failures", async () => {
      await expect(checker.check([["h.tf", `${pieces[2]}\n\n${pieces[0]}\n`]])).resolves.toBeUndefined();
      await expect(checker.check([["h.tf", `${pieces[3]}\n\n${pieces[4]}\n`]])).resolves.toBeUndefined();
    });

    it("reports a file whose blocks are each valid elsewhere but not in this order", async () => {
      const files: Array<[string, string]> = [
        ["ok.tf", `${pieces[3]}\n\n${pieces[4]}\n`],
        ["broken.tf", `${pieces[3]}\n\n${pieces[0]}\n`],
      ];
      const err = await checker.check(files).catch((e: unknown) => e);
      expect((err as HclParseError).file).toBe("broken.tf");
    });

    it("agrees with the parser run on each whole file (property)", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(fc.integer({ min: 0, max: pieces.length - 1 }), { minLength: 1, maxLength: 5 }), {
            minLength: 1,
            maxLength: 6,
          }),
          async (layout) => {
            const files = layout.map(
              (ids, i) => [`m${i}/f.tf`, `${ids.map((id) => pieces[id]).join("\n\n")}\n`] as [string, string],
            );
            const expected = await wholeVerdict(files);
            const err = await checker.check(files).then(
              () => undefined,
              (e: unknown) => e as HclParseError,
            );
            expect(err?.file).toBe(expected);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});
