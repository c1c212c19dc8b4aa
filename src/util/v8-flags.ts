import { setFlagsFromString } from "node:v8";

/**
 * V8 flags the process was tuned with (the CLI sets them at start). Node puts V8's flags back
 * to their defaults when a worker thread starts, so code that starts one calls
 * `reapplyV8Flags` once the worker is online: the tuning then holds for the rest of the run.
 */
const applied: string[] = [];

export function setV8Flags(...flags: string[]): void {
  for (const flag of flags) {
    setFlagsFromString(flag);
    applied.push(flag);
  }
}

export function reapplyV8Flags(): void {
  for (const flag of applied) setFlagsFromString(flag);
}
