import { type ExportFile, type Manifest, wholeText } from "./export.js";
import type { HclChecker } from "./hcl/check.js";
import { ExportWriter, type FileChanges, isHclFile } from "./writer.js";

export interface StreamOptions {
  /** The parser pool every HCL file goes through; nothing is moved into place unless it passes. */
  checker: HclChecker;
  /** "compare" writes nothing and says what would change (export --check). */
  mode?: "write" | "compare";
  /** Called after each file is handed on, with how many have been. */
  onFile?: (count: number) => void;
}

/**
 * Writes an export's files to `dest` as they are made (see exportFiles): each goes to the
 * HCL check and to the disk at once, and making the next waits while either is behind, so
 * memory holds a few files at a time, not the export. The files are staged until the check
 * passes (see ExportWriter), so a failed export leaves the previous output as it was.
 */
export async function streamExport(
  files: Generator<ExportFile, Manifest>,
  dest: string,
  options: StreamOptions,
): Promise<{ manifest: Manifest; changes: FileChanges }> {
  const { checker } = options;
  const writer = await ExportWriter.open(dest, options.mode ?? "write");
  let manifest: Manifest;
  let checked: Promise<void>;
  try {
    let count = 0;
    for (let step = files.next(); ; step = files.next()) {
      if (step.done) {
        manifest = step.value;
        break;
      }
      const [path, content] = step.value;
      if (isHclFile(path)) checker.add(path, wholeText(content));
      writer.add(path, content);
      options.onFile?.(++count);
      await checker.ready();
      await writer.ready();
    }
    checked = checker.finish((path) => writer.text(path));
  } catch (err) {
    await writer.abort();
    throw err;
  }
  const changes = await writer.commit(checked);
  return { manifest, changes };
}
