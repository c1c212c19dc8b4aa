import type { Progress } from "../util/progress.js";

/**
 * Runs `work` with Ctrl-C and SIGTERM turned into an abort: the first signal aborts `signal`
 * (with the signal's name as its reason) so the work can stop at a safe point and clean up
 * or roll back; a second one stops the process at once, after printing `onSecond` (what the
 * user can run to finish the cleanup). The handlers are removed when the work ends.
 */
export async function interruptible<T>(
  progress: Progress,
  messages: { first: string; second: string },
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      progress.note(messages.first);
      controller.abort(name);
      return;
    }
    progress.note(messages.second);
    process.exit(name === "SIGTERM" ? 143 : 130);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  try {
    return await work(controller.signal);
  } finally {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  }
}

/** The exit code of a process stopped by this signal reason (128 + the signal's number). */
export function signalExitCode(reason: unknown): number {
  return reason === "SIGTERM" ? 143 : 130;
}
