import { setImmediate as nextTurn } from "node:timers/promises";
import { OctoportError } from "../util/errors.js";
import { exitCodeOf, watchInterrupt } from "../util/interrupt.js";
import { verifyHcl } from "./hcl/verify.js";
import type { ExportFile, Manifest } from "./manifest.js";
import { ExportWriter, type FileChanges, isHclFile } from "./writer.js";

export interface StreamOptions {
  /**
   * Parse every HCL file of the export, whole, with the real parser before anything is
   * committed (export --verify); a file that does not parse stops the export and nothing lands.
   */
  verify?: boolean;
  /** "compare" writes nothing and says what would change (export --check). */
  mode?: "write" | "compare";
  /** Called after each file is handed on, with how many have been. */
  onFile?: (count: number) => void;
  /** Called once the files are staged, before they are verified (with verify). */
  onVerify?: (files: number) => void;
}

/** How long the loop below may run before it lets the event loop turn (a signal's handler runs then). */
const TURN_MS = 20;

/**
 * Writes an export's files to `dest` as they are made (see exportFiles), so memory holds a
 * file at a time, not the export. The files are staged (see ExportWriter) and committed only
 * when every one is; with `verify`, every HCL file is parsed first (see verifyHcl). A failure
 * or an interrupt before the commit removes what was staged and leaves the previous output as
 * it was.
 */
export async function streamExport(
  files: Generator<ExportFile, Manifest>,
  dest: string,
  options: StreamOptions = {},
): Promise<{ manifest: Manifest; changes: FileChanges }> {
  const writer = await ExportWriter.open(dest, options.mode ?? "write");
  // Ctrl-C or SIGTERM while files are staged: stop at the next file, remove what was staged,
  // and leave the previous export as it was. The commit itself is not interruptible (it runs
  // without yielding; a kill -9 during it is finished by the next run from its record).
  const interrupt = watchInterrupt();
  const stopIfInterrupted = () => {
    if (interrupt.signal)
      throw new OctoportError(
        `interrupted: nothing was written to ${dest} (the files staged so far were removed)`,
        { exitCode: exitCodeOf(interrupt.signal) },
      );
  };
  let manifest: Manifest;
  const hcl: string[] = [];
  try {
    let count = 0;
    let turned = performance.now();
    for (let step = files.next(); ; step = files.next()) {
      if (step.done) {
        manifest = step.value;
        break;
      }
      const [path, content] = step.value;
      writer.add(path, content);
      if (options.verify && isHclFile(path)) hcl.push(path);
      options.onFile?.(++count);
      // Making and writing files is synchronous: the event loop turns now and then, so that a
      // signal is seen while the export runs.
      if (performance.now() - turned > TURN_MS) {
        await nextTurn();
        turned = performance.now();
        stopIfInterrupted();
      }
    }
    await nextTurn();
    stopIfInterrupted();
    if (options.verify) {
      options.onVerify?.(hcl.length);
      await verifyHcl(
        hcl,
        (path) => writer.text(path),
        () => interrupt.signal !== undefined,
      );
      stopIfInterrupted();
    }
  } catch (err) {
    interrupt.dispose();
    writer.abort();
    throw err;
  }
  try {
    const changes = await writer.commit();
    return { manifest, changes };
  } finally {
    interrupt.dispose();
  }
}
