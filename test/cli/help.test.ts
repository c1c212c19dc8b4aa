import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { ROOT } from "../helpers/examples.js";

/** Runs the CLI with help text at a given width (null: not wrapped). */
async function octoport(argv: string[], helpWidth: number | null) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  stderr.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const code = await run(argv, { stdout, stderr: stderr as unknown as NodeJS.WriteStream, helpWidth });
  return { code, stdout: out, stderr: err };
}

async function help(command: string[], width: number | null): Promise<string> {
  const r = await octoport([...command, "--help"], width);
  expect(r.code).toBe(0);
  return r.stdout;
}

/** Every command and subcommand, read from the help itself, so a new one is covered too. */
async function commands(): Promise<string[][]> {
  const listed = (text: string) =>
    [...text.matchAll(/^ {2}octoport ((?:[a-z-]+ ?)+?)(?: <[a-z]+>| \[|\s{2,})/gm)].map((m) =>
      m[1]!.trim().split(" "),
    );
  const out: string[][] = [];
  for (const c of listed(await help([], null))) {
    out.push(c);
    if (c.length === 1) {
      for (const sub of listed(await help(c, null))) if (sub.length === 2) out.push(sub);
    }
  }
  return out;
}

const tokens = (text: string) => new Set(text.split(/\s+/).filter(Boolean));

describe("--help", () => {
  it("lists subcommands, so the check below covers them", async () => {
    const all = (await commands()).map((c) => c.join(" "));
    expect(all).toEqual(
      expect.arrayContaining([
        "export",
        "plan",
        "snapshot export",
        "secrets template",
        "migrate run",
        "sandbox",
      ]),
    );
  });

  // A word cut in two ("projec" / "ts") or run into the next column ("trust)[boolean]") is a
  // token that the unwrapped help does not have.
  it.each([80, 90, 100, 110])("wraps at %i columns between words, never inside one", async (width) => {
    const broken: string[] = [];
    for (const command of [[], ...(await commands())]) {
      const whole = tokens(await help(command, null));
      const wrapped = await help(command, width);
      for (const t of tokens(wrapped)) if (!whole.has(t)) broken.push(`${command.join(" ")}: ${t}`);
      for (const line of wrapped.split("\n")) expect(line.length).toBeLessThanOrEqual(width);
    }
    expect(broken).toEqual([]);
  });

  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const r = await octoport(["--version"], 100);
    expect([r.code, r.stdout]).toEqual([0, `${version}\n`]);
  });

  it("-h is --help and -q is --quiet (expanded, so that no help is indented for them)", async () => {
    expect(await help(["export"], 100)).toBe((await octoport(["export", "-h"], 100)).stdout);
    expect(await help([], 100)).toMatch(/^ {2}--quiet +no progress output \(also -q\)/m);
    const quiet = await octoport(["export", "-q"], 100);
    expect(quiet.code).toBe(2);
    expect(quiet.stderr).toContain("--dest is required");
  });
});
