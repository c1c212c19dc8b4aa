import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { CliResult } from "./cli.js";
import { ROOT } from "./examples.js";

/** A CLI process (through tsx) that a test can signal or kill part way. */
export interface Running {
  child: ChildProcess;
  /** Everything it printed, and its exit code (128 + the signal's number when killed by one). */
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

/** `detached`: in a process group of its own, which a test can signal whole, as a terminal's Ctrl-C does. */
export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { detached?: boolean } = {},
): Running {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/bin.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: options.detached ?? false,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) =>
      resolve({ code: code ?? (signal === "SIGKILL" ? 137 : 1), stdout, stderr, signal }),
    ),
  );
  return { child, done };
}

/** A seeded choice of `count` distinct points in 1..max, sorted (mulberry32). */
export function killPoints(seed: number, max: number, count: number): number[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Set<number>();
  while (out.size < Math.min(count, max)) out.add(1 + Math.floor(random() * max));
  return [...out].sort((x, y) => x - y);
}
