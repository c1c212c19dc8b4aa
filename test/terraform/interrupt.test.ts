import { cpSync, existsSync, readdirSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSpace, SIZES } from "../../src/sandbox/generate.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { COMMIT_RECORD } from "../../src/terraform/writer.js";
import { cli } from "../helpers/cli.js";
import { spawnCli } from "../helpers/kill.js";
import { tree, treeDiff } from "../helpers/tree.js";

/**
 * An export stopped anywhere (kill -9 while staging or part way through its commit, Ctrl-C)
 * leaves nothing that the next run does not finish or remove, and says so.
 */

let source: Sandbox;
let work: string;
/** The export before the change, and the same after one export of the changed space, and after a second. */
let before: string;
let after: string;

const conn = () => ["--server", source.url, "--api-key", source.apiKey, "--space", "Spaces-1"];

beforeAll(async () => {
  source = await new Sandbox({ seed: generateSpace(SIZES.XS, 5, "Generated") }).start();
  work = await mkdtemp(join(tmpdir(), "octoport-export-kill-"));
  before = join(work, "before");
  const first = await cli(["export", ...conn(), "--dest", before]);
  expect(first.code, first.stderr).toBe(0);
  // A renamed environment (a move the next export must record) and a changed project.
  const env = source.engine.docs("Environments", "Spaces-1")[0]!;
  source.engine.update("Environments", "Spaces-1", String(env.Id), { ...env, Name: `${env.Name} Renamed` });
  const project = source.engine.docs("Projects", "Spaces-1")[0]!;
  source.engine.update("Projects", "Spaces-1", String(project.Id), { ...project, Description: "changed" });
  after = join(work, "after");
  cpSync(before, after, { recursive: true });
  for (let i = 0; i < 2; i++) expect((await cli(["export", ...conn(), "--dest", after])).code).toBe(0);
}, 120_000);
afterAll(() => source.close());

/** A copy of the earlier export, exported into by a process the fault point stops. */
async function stopped(name: string, fault: string, fresh = false) {
  const dest = join(work, name);
  if (!fresh) cpSync(before, dest, { recursive: true });
  const run = spawnCli(["export", ...conn(), "--dest", dest], { OCTOPORT_FAULT: fault });
  return { dest, result: await run.done };
}

const leftovers = (dir: string) =>
  [...readdirSync(dir, { recursive: true }), ...readdirSync(join(dir, ".."))]
    .map(String)
    .filter((f) => /\.octoport-[0-9a-f]{8}/.test(f));

describe("an interrupted export", () => {
  it("killed part way through its commit is finished by the next run, which ends where an uninterrupted one does", async () => {
    for (const k of [1, 7]) {
      const { dest, result } = await stopped(`commit-${k}`, `export-rename:${k}:SIGKILL`);
      expect(result.signal).toBe("SIGKILL");
      expect(existsSync(join(dest, COMMIT_RECORD)), `killed after rename ${k}`).toBe(true);
      const again = await cli(["export", ...conn(), "--dest", dest]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(
        /finished the commit of an earlier export to .* that was interrupted: \d+ file\(s\) moved into place/,
      );
      expect(treeDiff(tree(after), tree(dest))).toEqual([]);
      expect(leftovers(dest)).toEqual([]);
    }
  }, 120_000);

  it("killed while staging: the next run removes what was staged and says so; a killed new export's directory goes too", async () => {
    const { dest, result } = await stopped("staging", "export-file:5:SIGKILL");
    expect(result.signal).toBe("SIGKILL");
    expect(treeDiff(tree(before), tree(dest)).length).toBeGreaterThan(0);
    const again = await cli(["export", ...conn(), "--dest", dest]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/removed \d+ file\(s\) staged by an earlier export/);
    expect(leftovers(dest)).toEqual([]);

    const fresh = await stopped("fresh", "export-file:5:SIGKILL", true);
    expect(fresh.result.signal).toBe("SIGKILL");
    expect(existsSync(fresh.dest)).toBe(false);
    const made = await cli(["export", ...conn(), "--dest", fresh.dest]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toMatch(
      /removed .*fresh\.octoport-[0-9a-f]{8}, the staging directory of an export that was interrupted/,
    );
    expect(leftovers(fresh.dest).filter((f) => f.startsWith("fresh."))).toEqual([]);
  }, 120_000);

  it("Ctrl-C and SIGTERM while staging remove what was staged, say so, and leave the earlier export as it was", async () => {
    for (const signal of ["SIGINT", "SIGTERM"]) {
      const { dest, result } = await stopped(`int-${signal}`, `export-file:5:${signal}`);
      expect(result.code, result.stderr).toBe(signal === "SIGINT" ? 130 : 143);
      expect(result.stderr).toMatch(
        /interrupted: nothing was written to .* \(the files staged so far were removed\)/,
      );
      expect(treeDiff(tree(before), tree(dest))).toEqual([]);
      expect(leftovers(dest)).toEqual([]);
    }
  }, 120_000);
});
