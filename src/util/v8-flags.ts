import { setFlagsFromString } from "node:v8";

/**
 * Sets V8 flags for the rest of the process (the CLI sets its own at start, see cli/bin.ts).
 * Node puts V8's flags back to their defaults when a worker thread starts, so they hold until
 * one does: `export --verify` starts its parser's worker only once every file is made.
 */
export function setV8Flags(...flags: string[]): void {
  for (const flag of flags) setFlagsFromString(flag);
}
