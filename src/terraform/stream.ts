import { OctoportError } from "../util/errors.js";
import { exitCodeOf, watchInterrupt } from "../util/interrupt.js";
import type { HclChecker } from "./hcl/check.js";
import { type ExportFile, type Manifest, wholeText } from "./manifest.js";
import { ExportWriter, type FileChanges, isHclFile } from "./writer.js";

export interface StreamOptions {
  /** The parser pool every HCL file goes through; nothing is moved into place unless it passes. */
  checker: HclChecker;
  /**
   * The checker serves this export only: once the last HCL file is checked, its parsers are
   * stopped (and their memory given back) before the README and manifest are made.
   */
  stopChecker?: boolean;
  /** "compare" writes nothing and says what would change (export --check). */
  mode?: "write" | "compare";
  /** Called after each file is handed on, with how many have been. */
  onFile?: (count: number) => void;
}

/**
 * Writes an export's files to `dest` as they are made (see exportFiles): each goes to the
 * HCL check and to the disk at once, and making the next waits while the check is behind, so
 * memory holds a few files at a time, not the export. The files are staged until the check
 * passes (see ExportWriter), so a failed export leaves the previous output as it was.
 *
 * An export gives its HCL files first: the first other file (the README) ends the check.
 */
export async function streamExport(
  files: Generator<ExportFile, Manifest>,
  dest: string,
  options: StreamOptions,
): Promise<{ manifest: Manifest; changes: FileChanges }> {
  const { checker } = options;
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
  let checked: Promise<void> | undefined;
  const endCheck = async (): Promise<void> => {
    checked = checker.finish((path) => writer.text(path));
    // Awaited by commit; a failure meanwhile must not count as unhandled.
    checked.catch(() => undefined);
    if (!options.stopChecker) return;
    await checked;
    await checker.close();
  };
  try {
    let count = 0;
    for (let step = files.next(); ; step = files.next()) {
      if (step.done) {
        manifest = step.value;
        break;
      }
      const [path, content] = step.value;
      if (isHclFile(path)) {
        if (checked)
          throw new Error(`the export made ${path} after its other files, so it would go unchecked`);
        checker.add(path, wholeText(content));
      } else if (!checked) {
        await endCheck();
      }
      writer.add(path, content);
      options.onFile?.(++count);
      await checker.ready();
      stopIfInterrupted();
    }
    if (!checked) await endCheck();
    await checked;
    stopIfInterrupted();
  } catch (err) {
    interrupt.dispose();
    writer.abort();
    throw err;
  }
  try {
    const changes = await writer.commit(checked);
    return { manifest, changes };
  } finally {
    interrupt.dispose();
  }
}
