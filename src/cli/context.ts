import type { Progress } from "../util/progress.js";

/** What a command needs from the process: output streams and the progress line. */
export interface CliContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  progress: Progress;
}
