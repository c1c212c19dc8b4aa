import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HclParseError, parseHcl } from "../../src/terraform/hcl/parse.js";
import { verifyHcl } from "../../src/terraform/hcl/verify.js";

/** A valid file of about `kb` kilobytes: resources with strings the parser must read. */
function validFile(i: number, kb: number): string {
  const blocks: string[] = [];
  for (let n = 0; blocks.join("").length < kb * 1024; n++)
    blocks.push(
      `resource "t" "r${i}_${n}" {\n  name = "file ${i} \\"block\\" ${n} $$\${x}"\n  list = [1, 2, 3]\n}\n`,
    );
  return blocks.join("\n");
}

/** verifyHcl over a map of files, in the map's order; the error it rejects with, or undefined. */
async function verdict(files: Map<string, string>): Promise<HclParseError | undefined> {
  return verifyHcl(files.keys(), (file) => files.get(file)!).then(
    () => undefined,
    (e: unknown) => e as HclParseError,
  );
}

describe("verifyHcl (export --verify: the real parser, on one worker thread)", () => {
  it("passes valid files, more than it holds at once, and nothing at all", async () => {
    const files = new Map(Array.from({ length: 40 }, (_, i) => [`m/f${i}.tf`, validFile(i, 10)]));
    // A blank line in a heredoc, and a block that only parses with the next one after it.
    files.set("h.tf", "locals {\n  text = <<-EOT\n    first\n\nsecond at the margin\n  EOT\n}\n");
    expect(await verdict(files)).toBeUndefined();
    expect(await verdict(new Map())).toBeUndefined();
  });

  it("rejects the first bad file it meets with the parser's own message, on one line", async () => {
    const files = new Map(Array.from({ length: 20 }, (_, i) => [`m/f${i}.tf`, validFile(i, 5)]));
    files.set("b/broken.tf", 'resource "a" "b" {\n  x = \n}\n');
    files.set("z/later.tf", 'resource "a" "b" {\n  x = "unterminated\n}\n');
    const err = await verdict(files);
    expect(err).toBeInstanceOf(HclParseError);
    expect(err?.file).toBe("b/broken.tf");
    expect(err?.message).not.toContain("\n");
    // The same words the package's own parse gives for that file.
    const direct = await parseHcl("b/broken.tf", files.get("b/broken.tf")!).catch((e: unknown) => e);
    expect(err?.message).toBe((direct as Error).message);
  });

  it("stops asking for texts once told to stop", async () => {
    const files = new Map(Array.from({ length: 30 }, (_, i) => [`f${i}.tf`, "x = 1\n"]));
    const asked: string[] = [];
    await verifyHcl(
      files.keys(),
      (file) => {
        asked.push(file);
        return files.get(file)!;
      },
      () => asked.length >= 5,
    );
    expect(asked.length).toBe(5);
  });

  it("agrees with the parser run on each file (property)", async () => {
    // Blocks as the printer separates them; some only make sense next to each other.
    const pieces = [
      'resource "a" "one" {\n  name = "one"\n}',
      "locals {\n  text = <<-EOT\n    first\n\nsecond at the margin\n  EOT\n}",
      'resource "a" "open" {\n  x = <<EOT\nfoo',
      "EOT\n}",
      'resource "a" "bad" {\n  x = \n}',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: pieces.length - 1 }), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 4,
        }),
        async (layout) => {
          const files = new Map(
            layout.map((ids, i) => [`m${i}.tf`, `${ids.map((id) => pieces[id]).join("\n\n")}\n`]),
          );
          let expected: string | undefined;
          for (const [file, text] of files)
            if (expected === undefined && !(await parseHcl(file, text).catch(() => null))) expected = file;
          expect((await verdict(files))?.file).toBe(expected);
        },
      ),
      { numRuns: 10 },
    );
  });
});
