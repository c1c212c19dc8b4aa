import { readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSpace, SIZES } from "../../src/sandbox/generate.js";
import type { Sandbox } from "../../src/sandbox/server.js";
import { Sandbox as SandboxServer } from "../../src/sandbox/server.js";
import { readJournal } from "../../src/snapshot/journal.js";
import { cli } from "../helpers/cli.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { spawnCli } from "../helpers/kill.js";
import { conn, workspace } from "../helpers/snapshot.js";
import { emptyDestination, importInto, join, snapshotTo } from "../helpers/snapshot-lib.js";

/**
 * An import stopped part way (kill -9, Ctrl-C) is finished with --resume or undone with
 * --rollback, and ends as a clean import would; a rerun never passes over it in silence.
 */

let source: Sandbox;
let dir: string;
let passwordFile: string;
let clean: ReturnType<typeof normaliseSpace>;
const state = (s: Sandbox) => JSON.stringify(s.dump({ secrets: true }));

beforeAll(async () => {
  source = await new SandboxServer({ seed: generateSpace(SIZES.XS, 3, "Generated") }).start();
  ({ dir } = await workspace());
  passwordFile = join(dir, "pw.txt");
  await writeFile(passwordFile, "pw\n");
  await snapshotTo(source, join(dir, "snap"));
  const reference = await emptyDestination("Generated");
  try {
    await importInto(reference, join(dir, "snap"));
    clean = normaliseSpace(reference, "Spaces-1");
  } finally {
    await reference.close();
  }
}, 60_000);
afterAll(() => source.close());

/** Runs the import as a process and kills it with `signal` when the destination has seen write `n`. */
async function importStopped(destination: Sandbox, n: number, signal: NodeJS.Signals, extra: string[]) {
  const run = spawnCli([
    "snapshot",
    "import",
    join(dir, "snap"),
    ...conn(destination),
    "--password-file",
    passwordFile,
    ...extra,
  ]);
  destination.faults.onWrite = async (k, phase) => {
    // kill -9 after the write is applied and before its answer: the worst moment for a journal.
    if (k === n && phase === (signal === "SIGKILL" ? "after" : "before")) {
      run.child.kill(signal);
      if (signal === "SIGKILL") await run.done;
    }
  };
  const result = await run.done;
  destination.faults.onWrite = undefined;
  return result;
}

describe("an interrupted snapshot import", () => {
  it("killed with -9 at a write whose answer was lost: a rerun refuses, --resume ends as a clean import", async () => {
    const destination = await emptyDestination("Generated");
    try {
      const journal = join(dir, "kill.jsonl");
      const killed = await importStopped(destination, 25, "SIGKILL", ["--journal", journal]);
      expect(killed.signal).toBe("SIGKILL");
      // The write the server applied is in the journal, as an intent without an outcome.
      const written = readJournal(journal);
      expect(written.writes).toHaveLength(25);
      expect(written.writes.at(-1)?.done).toBe(false);
      expect(written.status).toBeUndefined();

      const rerun = await cli([
        "snapshot",
        "import",
        join(dir, "snap"),
        ...conn(destination),
        "--password-file",
        passwordFile,
        "--journal",
        journal,
      ]);
      expect(rerun.code).toBe(1);
      expect(rerun.stderr).toContain(`did not finish: finish it with --resume ${journal}`);

      const resumed = await cli([
        "snapshot",
        "import",
        join(dir, "snap"),
        ...conn(destination),
        "--password-file",
        passwordFile,
        "--resume",
        journal,
      ]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(differences(clean, normaliseSpace(destination, "Spaces-1"))).toEqual([]);
      expect(readJournal(journal).status).toBe("complete");
    } finally {
      await destination.close();
    }
  }, 120_000);

  it("killed with -9, then --rollback: the destination is as it was; the journal is never overwritten", async () => {
    const destination = await emptyDestination("Generated");
    try {
      const before = state(destination);
      const killed = await importStopped(destination, 40, "SIGKILL", []);
      expect(killed.signal).toBe("SIGKILL");
      // Without --journal it is kept in the state directory, and a rerun finds it.
      const rerun = await cli([
        "snapshot",
        "import",
        join(dir, "snap"),
        ...conn(destination),
        "--password-file",
        passwordFile,
      ]);
      expect(rerun.code).toBe(1);
      const found = /did not finish \(journal (\S+)\): finish it with --resume/.exec(rerun.stderr)?.[1];
      expect(found, rerun.stderr).toBeTruthy();
      const undo = await cli(["snapshot", "import", ...conn(destination), "--rollback", found!]);
      expect(undo.code, undo.stderr).toBe(0);
      expect(undo.stdout).toMatch(/^Rolled back 40 change\(s\)/);
      expect(state(destination)).toBe(before);
      expect(readJournal(found!).status).toBe("rolled-back");
      const again = await cli(["snapshot", "import", ...conn(destination), "--rollback", found!]);
      expect(again.code).toBe(0);
      expect(state(destination)).toBe(before);
    } finally {
      await destination.close();
    }
  }, 120_000);

  it("Ctrl-C and SIGTERM roll back what was written, and say so", async () => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const destination = await emptyDestination("Generated");
      try {
        const before = state(destination);
        const stopped = await importStopped(destination, 30, signal, []);
        expect(stopped.code, stopped.stderr).toBe(signal === "SIGINT" ? 130 : 143);
        expect(stopped.stderr).toMatch(/the import was interrupted; all \d+ change\(s\) were rolled back/);
        expect(state(destination)).toBe(before);
        const left = readdirSync(process.env.OCTOPORT_STATE_DIR!).filter((f) =>
          f.includes(destination.url.replace(/\D/g, "")),
        );
        expect(left).toEqual([]);
      } finally {
        await destination.close();
      }
    }
  }, 120_000);

  it("a rerun compares what existing owners own: a difference is reported, not skipped in silence", async () => {
    const destination = await emptyDestination("Generated");
    try {
      await importInto(destination, join(dir, "snap"));
      // Empty one project's process, as an import killed between the project and its steps leaves it.
      const project = destination.engine.docs("Projects", "Spaces-1")[0]!;
      const process = destination.engine.get(
        "DeploymentProcesses",
        "Spaces-1",
        String(project.DeploymentProcessId),
      );
      destination.engine.update("DeploymentProcesses", "Spaces-1", String(process.Id), {
        ...process,
        Steps: [],
      });
      const r = await cli([
        "snapshot",
        "import",
        join(dir, "snap"),
        ...conn(destination),
        "--password-file",
        passwordFile,
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        /skip {3}DeploymentProcesses of .* \(its owner exists; it differs from the snapshot\)\n\s+Steps: \[\] -> /,
      );
      expect(r.stderr).toContain("1 document(s) whose owner exists differ from the snapshot");
    } finally {
      await destination.close();
    }
  }, 60_000);
});
