import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import yargs from "yargs";
import { OctoportError, UsageError } from "../util/errors.js";
import { Progress } from "../util/progress.js";
import { redact } from "../util/redact.js";
import { diffCommand } from "./commands/diff.js";
import { exportCommand } from "./commands/export.js";
import { inspectCommand } from "./commands/inspect.js";
import { migrateCommand } from "./commands/migrate.js";
import { runCommand } from "./commands/run.js";
import { sandboxCommand } from "./commands/sandbox.js";
import { secretsCommand, snapshotCommand } from "./commands/snapshot.js";
import { spreadCommand } from "./commands/spread.js";
import type { CliContext } from "./context.js";
import { separateGluedExtras } from "./help.js";

export interface RunIO {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream;
  /** The width help text wraps at (default the terminal's, at most 110); null: no wrapping. */
  helpWidth?: number | null;
}

/** The widest help text, so its lines stay readable on a wide terminal. */
export const MAX_HELP_WIDTH = 110;

/**
 * The short options, expanded before yargs sees them rather than declared as aliases: yargs
 * indents every long option by four columns in a help that shows a short one, and then at 80
 * columns the longest (--exclude-library-variable-sets-except) no longer fits its column and
 * is cut in two.
 */
const SHORT: Record<string, string> = { "-h": "--help", "-q": "--quiet" };

/**
 * Runs the CLI with the given arguments and returns the exit code: 0 success, 1 failure,
 * 2 bad usage. Errors print one line; the stack only with --debug.
 */
export async function run(given: string[], io: RunIO = {}): Promise<number> {
  const argv = given.map((a) => SHORT[a] ?? a);
  const stderr = io.stderr ?? process.stderr;
  const debug = argv.includes("--debug");
  const quiet = argv.includes("--quiet");
  const ctx: CliContext = {
    stdout: io.stdout ?? process.stdout,
    stderr,
    progress: new Progress(stderr, { quiet }),
  };
  const helpWidth =
    io.helpWidth === null
      ? null
      : Math.min(MAX_HELP_WIDTH, io.helpWidth ?? process.stdout.columns ?? MAX_HELP_WIDTH);
  const parser = yargs()
    .scriptName("octoport")
    .usage("$0 <command> [options]\n\nMove Octopus Deploy configuration between spaces and instances.")
    .command(exportCommand(ctx))
    .command(inspectCommand(ctx))
    .command(diffCommand(ctx))
    .command(runCommand(ctx, "plan"))
    .command(runCommand(ctx, "apply"))
    .command(spreadCommand(ctx))
    .command(snapshotCommand(ctx))
    .command(secretsCommand(ctx))
    .command(migrateCommand(ctx))
    .command(sandboxCommand(ctx))
    .option("debug", { type: "boolean", describe: "show stack traces on errors", global: true })
    .option("quiet", { type: "boolean", describe: "no progress output (also -q)", global: true })
    .demandCommand(1, "give a command; see octoport --help")
    .strict()
    .recommendCommands()
    .help("help", "show help (also -h)")
    .version(packageVersion())
    // yargs 18 (cliui 9) wraps at word boundaries; yargs 17's ESM build cut words in two.
    .wrap(helpWidth)
    .epilogue(
      "Environment: OCTOPUS_URL, OCTOPUS_API_KEY, OCTOPUS_SPACE. Exit codes: 0 ok, 1 failure, 2 bad usage.",
    )
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .exitProcess(false);
  try {
    // Help and version text come back through the callback, so they reach ctx.stdout.
    let output = "";
    await parser.parseAsync(argv, {}, (_err: unknown, _args: unknown, text: string) => {
      output = text;
    });
    if (output) ctx.stdout.write(`${helpWidth ? separateGluedExtras(output, helpWidth) : output}\n`);
    return 0;
  } catch (err) {
    ctx.progress.clear();
    return reportError(err, stderr, debug);
  }
}

/**
 * The version in octoport's package.json, found upward from this code (src/cli/, or the bundle
 * in dist/). yargs' own guess looks upward from the folder that holds its node_modules, which
 * the bundle has none of, and then from the working directory.
 */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "octoport" && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return "unknown";
  }
}

function reportError(err: unknown, stderr: NodeJS.WritableStream, debug: boolean): number {
  if (err instanceof UsageError) {
    stderr.write(`octoport: ${redact(err.message)}\nRun octoport --help for usage.\n`);
  } else if (err instanceof OctoportError) {
    stderr.write(`octoport: error: ${redact(err.message)}\n`);
  } else if (err instanceof Error && err.name === "YError") {
    stderr.write(`octoport: ${redact(err.message)}\nRun octoport --help for usage.\n`);
    return 2;
  } else {
    const message = err instanceof Error ? err.message : String(err);
    stderr.write(
      `octoport: internal error: ${redact(message.split("\n")[0] ?? "")}; rerun with --debug and report it\n`,
    );
  }
  if (debug && err instanceof Error && err.stack) stderr.write(`${redact(err.stack)}\n`);
  return err instanceof OctoportError ? err.exitCode : 1;
}
