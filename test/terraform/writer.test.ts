import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { HclParseError } from "../../src/terraform/hcl/errors.js";
import type { ExportFile, Manifest } from "../../src/terraform/manifest.js";
import { streamExport } from "../../src/terraform/stream.js";
import { diffExport, ExportWriter, writeExport } from "../../src/terraform/writer.js";

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));
const manifest = (list: string[]) => JSON.stringify({ files: list });

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "octoport-writer-"));
}

describe("writing an export", () => {
  it("creates a new directory in one rename", async () => {
    const dest = join(await tempDir(), "out");
    const changes = await writeExport(
      dest,
      files({ "a.tf": "a\n", "sub/b.tf": "b\n", "manifest.json": manifest(["a.tf", "sub/b.tf"]) }),
    );
    expect(changes.added).toEqual(["a.tf", "manifest.json", "sub/b.tf"]);
    expect(await readFile(join(dest, "sub/b.tf"), "utf8")).toBe("b\n");
    expect((await readdir(join(dest, ".."))).filter((e) => e.includes("octoport-"))).toEqual([]);
  });

  it("rewrites only changed files, removes what the last export wrote and this one does not, keeps the rest", async () => {
    const dest = join(await tempDir(), "out");
    await writeExport(
      dest,
      files({ "a.tf": "a\n", "old.tf": "old\n", "manifest.json": manifest(["a.tf", "old.tf"]) }),
    );
    await writeFile(join(dest, "terraform.tfstate"), "{state}");
    const before = (await stat(join(dest, "a.tf"))).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    const changes = await writeExport(
      dest,
      files({ "a.tf": "a\n", "new.tf": "new\n", "manifest.json": manifest(["a.tf", "new.tf"]) }),
    );
    expect(changes).toEqual({
      added: ["new.tf"],
      changed: ["manifest.json"],
      removed: ["old.tf"],
      unchanged: 1,
    });
    expect((await stat(join(dest, "a.tf"))).mtimeMs).toBe(before);
    expect(await readFile(join(dest, "terraform.tfstate"), "utf8")).toBe("{state}");
    await expect(stat(join(dest, "old.tf"))).rejects.toThrow();
  });

  it("reports drift without writing (for --check)", async () => {
    const dest = join(await tempDir(), "out");
    await writeExport(dest, files({ "a.tf": "a\n", "manifest.json": manifest(["a.tf"]) }));
    expect(await diffExport(dest, files({ "a.tf": "a\n", "manifest.json": manifest(["a.tf"]) }))).toEqual({
      added: [],
      changed: [],
      removed: [],
      unchanged: 2,
    });
    const drift = await diffExport(dest, files({ "a.tf": "A\n", "manifest.json": manifest(["a.tf"]) }));
    expect(drift.changed).toEqual(["a.tf"]);
    expect(await readFile(join(dest, "a.tf"), "utf8")).toBe("a\n");
  });

  it("refuses a destination that is a file", async () => {
    const path = join(await tempDir(), "file");
    await writeFile(path, "x");
    await expect(writeExport(path, files({ "a.tf": "" }))).rejects.toThrow(
      `the destination ${path} is a file; pass a directory for --dest`,
    );
  });

  it("refuses a non-empty directory that is not an export, and leaves it alone", async () => {
    const dest = await tempDir();
    await writeFile(join(dest, "notes.txt"), "mine");
    await expect(writeExport(dest, files({ "a.tf": "" }))).rejects.toThrow(
      /is not empty and holds no manifest.json/,
    );
    expect(await readdir(dest)).toEqual(["notes.txt"]);
  });

  it("a destination it cannot create is one line, and nothing is left behind", async () => {
    const base = await tempDir();
    await writeFile(join(base, "blocker"), "x");
    const dest = join(base, "blocker", "out");
    await expect(writeExport(dest, files({ "a.tf": "" }))).rejects.toThrow(
      /^cannot write the export to .*blocker\/out \(ENOTDIR\)/,
    );
    expect(await readdir(base)).toEqual(["blocker"]);
  });

  it("a destination under /proc is one line at once (Node's recursive mkdir loops there)", async () => {
    await expect(writeExport("/proc/octoport-test-dest", files({ "a.tf": "" }))).rejects.toThrow(
      /^cannot write the export to \/proc\/octoport-test-dest \(ENOENT\)/,
    );
  });

  it("a file name too long for the file system names the file", async () => {
    const dest = join(await tempDir(), "out");
    const long = `modules/project_${"x".repeat(300)}/main.tf`;
    await expect(writeExport(dest, files({ [long]: "" }))).rejects.toThrow(
      /the file modules\/project_x+\.\.\. has a name too long for the file system \(ENAMETOOLONG\)/,
    );
    expect(await readdir(join(dest, ".."))).toEqual([]);
  });

  it("a failure while staging leaves the previous export untouched", async () => {
    const dest = join(await tempDir(), "out");
    await writeExport(dest, files({ "a.tf": "a\n", "manifest.json": manifest(["a.tf"]) }));
    // A directory where a new file must go makes staging fail half way.
    await mkdir(join(dest, "z.tf.octoport-blocked"), { recursive: true });
    await mkdir(join(dest, "sub"), { recursive: true });
    await writeFile(join(dest, "sub", "file"), "x");
    const next = files({
      "a.tf": "A\n",
      "sub/file/c.tf": "c\n",
      "manifest.json": manifest(["a.tf", "sub/file/c.tf"]),
    });
    await expect(writeExport(dest, next)).rejects.toThrow(/cannot write the export/);
    expect(await readFile(join(dest, "a.tf"), "utf8")).toBe("a\n");
    expect(await readFile(join(dest, "manifest.json"), "utf8")).toBe(manifest(["a.tf"]));
    expect(
      (await readdir(dest)).filter((e) => e.includes(".octoport-") && e !== "z.tf.octoport-blocked"),
    ).toEqual([]);
  });

  it("stages files while the gate (the HCL check) runs, and renames nothing when it fails", async () => {
    const base = await tempDir();
    const fresh = join(base, "fresh");
    let fail!: (e: Error) => void;
    const gate = new Promise<void>((_, reject) => {
      fail = reject;
    });
    const writing = writeExport(fresh, files({ "a.tf": "a\n", "manifest.json": manifest(["a.tf"]) }), {
      gate,
    });
    // The files are staged beside the destination before the gate settles.
    for (let i = 0; i < 50 && !(await readdir(base)).some((e) => e.startsWith("fresh.octoport-")); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect((await readdir(base)).some((e) => e.startsWith("fresh.octoport-"))).toBe(true);
    fail(new Error("generated a.tf does not parse"));
    await expect(writing).rejects.toThrow("generated a.tf does not parse");
    expect(await readdir(base)).toEqual([]);

    const dest = join(base, "out");
    await writeExport(dest, files({ "a.tf": "a\n", "manifest.json": manifest(["a.tf"]) }));
    const next = files({ "a.tf": "A\n", "b.tf": "b\n", "manifest.json": manifest(["a.tf", "b.tf"]) });
    await expect(writeExport(dest, next, { gate: Promise.reject(new Error("bad HCL")) })).rejects.toThrow(
      "bad HCL",
    );
    expect(await readFile(join(dest, "a.tf"), "utf8")).toBe("a\n");
    expect((await readdir(dest)).sort()).toEqual(["a.tf", "manifest.json"]);
    expect((await writeExport(dest, next, { gate: Promise.resolve() })).added).toEqual(["b.tf"]);
  });
});

describe("a file written in pieces", () => {
  // Made again each time it is read: written piece by piece, compared by digest.
  const pieces = (text: string) => () => text.match(/[\s\S]{1,7}/g) ?? [];
  const big = `${"line of the manifest\n".repeat(500)}`;

  it("lands whole when new, is left alone when the same, is replaced when it differs", async () => {
    const dest = join(await tempDir(), "out");
    const put = async (text: string, mode: "write" | "compare" = "write") => {
      const writer = await ExportWriter.open(dest, mode);
      writer.add("manifest.json", pieces(text));
      return writer.commit();
    };
    expect((await put(big)).added).toEqual(["manifest.json"]);
    expect(await readFile(join(dest, "manifest.json"), "utf8")).toBe(big);
    const before = (await stat(join(dest, "manifest.json"))).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect((await put(big)).unchanged).toBe(1);
    expect((await stat(join(dest, "manifest.json"))).mtimeMs).toBe(before);
    expect((await put(`${big}one more\n`, "compare")).changed).toEqual(["manifest.json"]);
    expect(await readFile(join(dest, "manifest.json"), "utf8")).toBe(big);
    expect((await put(`${big}one more\n`)).changed).toEqual(["manifest.json"]);
    expect(await readFile(join(dest, "manifest.json"), "utf8")).toBe(`${big}one more\n`);
  });
});

describe("streaming an export (streamExport)", () => {
  const manifestOf = (list: string[]) => ({ files: list }) as unknown as Manifest;
  function* made(entries: Record<string, string>): Generator<ExportFile, Manifest> {
    for (const [path, text] of Object.entries(entries)) yield [path, text];
    yield ["manifest.json", manifest(Object.keys(entries))];
    return manifestOf(Object.keys(entries));
  }
  const heredoc = "locals {\n  text = <<-EOT\n    first\n\nsecond at the margin\n  EOT\n}\n";

  it("writes each file as it is made; with verify, parses each read back from wherever it is", async () => {
    const dest = join(await tempDir(), "out");
    const first = await streamExport(made({ "a.tf": heredoc, "b.tf": "x = 1\n" }), dest, { verify: true });
    expect(first.changes.added).toEqual(["a.tf", "b.tf", "manifest.json"]);
    expect(await readFile(join(dest, "a.tf"), "utf8")).toBe(heredoc);
    // Again, with a.tf unchanged (left on disk) and the heredoc also in a new, staged file.
    const again = await streamExport(made({ "a.tf": heredoc, "c.tf": heredoc }), dest, { verify: true });
    expect(again.changes).toEqual({
      added: ["c.tf"],
      changed: ["manifest.json"],
      removed: ["b.tf"],
      unchanged: 1,
    });
    // And compared only (export --check): the changed file is held in memory.
    const drift = await streamExport(made({ "a.tf": `${heredoc}\n# more\n`, "c.tf": heredoc }), dest, {
      verify: true,
      mode: "compare",
    });
    expect(drift.changes.changed).toEqual(["a.tf"]);
    expect(await readFile(join(dest, "a.tf"), "utf8")).toBe(heredoc);
  });

  // An export's files in any order: HCL after other files too (no order is needed any more).
  const many = Object.fromEntries(
    Array.from({ length: 300 }, (_, i) => [
      `m/f${String(i).padStart(3, "0")}.tf`,
      `y${i} = "${"v".repeat(500)}"\n`,
    ]),
  );
  const broken = { ...many, "README.md": "read me\n", "a.tf": "x = 2\n", "z/bad.tf": "x = [\n" };

  for (const kind of ["a new export", "an update"])
    it(`with verify, a file that does not parse fails ${kind} with the parser's words, and nothing lands`, async () => {
      const dest = join(await tempDir(), "out");
      if (kind === "an update") await streamExport(made({ "a.tf": "x = 1\n" }), dest);
      const err = await streamExport(made(broken), dest, { verify: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HclParseError);
      expect((err as HclParseError).file).toBe("z/bad.tf");
      expect((err as Error).message).toMatch(
        /^generated z\/bad\.tf does not parse \(z\/bad\.tf:2,1-1: [^\n]+\)/,
      );
      if (kind === "a new export") {
        await expect(readdir(dirname(dest))).resolves.toEqual([]);
        return;
      }
      expect(await readFile(join(dest, "a.tf"), "utf8")).toBe("x = 1\n");
      expect((await readdir(dest)).sort()).toEqual(["a.tf", "manifest.json"]);
    });

  it("without verify, writes the files as they are, parsed or not", async () => {
    const dest = join(await tempDir(), "out");
    const { changes } = await streamExport(made(broken), dest);
    expect(changes.added).toContain("z/bad.tf");
    expect(await readFile(join(dest, "z/bad.tf"), "utf8")).toBe("x = [\n");
  });

  it("a file is on disk (staged) when add returns, so nothing waits in memory for the disk", async () => {
    const base = await tempDir();
    const dest = join(base, "out");
    const writer = await ExportWriter.open(dest);
    writer.add("sub/f.txt", "x");
    const staged = (await readdir(base)).find((e) => e.startsWith("out.octoport-"));
    expect(staged).toBeDefined();
    expect(await readFile(join(base, staged!, "sub/f.txt"), "utf8")).toBe("x");
    expect(writer.text("sub/f.txt")).toBe("x");
    expect((await writer.commit()).added).toEqual(["sub/f.txt"]);
    expect(await readdir(base)).toEqual(["out"]);
  });
});
