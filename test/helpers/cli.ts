import { spawn } from "node:child_process";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { run } from "../../src/cli/main.js";
import { ROOT } from "./examples.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function cli(args: string[]): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  (stderr as unknown as PassThrough).on("data", (c: Buffer) => {
    err += c.toString();
  });
  const code = await run(args, { stdout, stderr });
  return { code, stdout: out, stderr: err };
}

/** Runs the CLI as a real process (through tsx), for exit codes and signals. */
export function cliProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return nodeProcess(["--import", "tsx", join(ROOT, "src/cli/bin.ts"), ...args], { cwd: ROOT, env });
}

/** Runs Node with these arguments as a process of its own and collects what it prints. */
export function nodeProcess(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
