import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import yargs from "yargs";
import { OctoportError, UsageError } from "../util/errors.js";
import { Progress } from "../util/progress.js";
import { redact } from "../util/redact.js";
import { bootstrapCommand } from "./commands/bootstrap.js";
import { diffCommand } from "./commands/diff.js";
import { exportCommand } from "./commands/export.js";
import { inspectCommand } from "./commands/inspect.js";
import { migrateCommand } from "./commands/migrate.js";
import { runCommand } from "./commands/run.js";
import { sandboxCommand } from "./commands/sandbox.js";
import { secretsCommand, snapshotCommand } from "./commands/snapshot.js";
import { spreadCommand } from "./commands/spread.js";
import { statusCommand } from "./commands/status.js";
import type { CliContext } from "./context.js";
import { separateGluedExtras } from "./help.js";
import { COMMANDS, type ConfigFile, environmentSettings, readConfigFile, settingsFor } from "./settings.js";

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
    .command(statusCommand(ctx))
    .command(spreadCommand(ctx))
    .command(bootstrapCommand(ctx))
    .command(snapshotCommand(ctx))
    .command(secretsCommand(ctx))
    .command(migrateCommand(ctx))
    .command(sandboxCommand(ctx))
    .option("config", {
      type: "string",
      describe:
        "a JSON file of options: shared ones at its top, a command's in its section (env OCTOPORT_CONFIG; docs/settings.md)",
      global: true,
    })
    // yargs passes its instance too (the types declare only the arguments): its options are
    // the running command's by then.
    .middleware(
      ((parsed: Record<string, unknown>, y: OptionSource) => fromSettings(parsed, y, argv, ctx)) as (
        parsed: Record<string, unknown>,
      ) => void,
      true,
    )
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
      "Environment: OCTOPUS_URL, OCTOPUS_API_KEY, OCTOPUS_SPACE; OCTOPORT_<OPTION> for any option (OCTOPORT_LAYOUT=single). Exit codes: 0 ok, 1 failure, 2 bad usage.",
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

/** Config files read in this process, by path (the middleware runs once per command level). */
const configs = new Map<string, ConfigFile>();

/**
 * Fills options the command line does not give from OCTOPORT_* variables and the config file
 * (settings.ts), typed by the running command's options, before yargs validates them.
 */
interface OptionSource {
  getOptions(): { key: Record<string, unknown>; boolean: string[]; number: string[]; array: string[] };
}

function fromSettings(
  parsed: Record<string, unknown>,
  y: OptionSource,
  raw: readonly string[],
  ctx: CliContext,
): void {
  const words = (parsed._ as unknown[]).map(String);
  const command = [...COMMANDS]
    .filter((c) => c.split(" ").every((w, i) => words[i] === w))
    .sort((a, b) => b.length - a.length)[0];
  if (!command) return;
  const path = typeof parsed.config === "string" ? parsed.config : process.env.OCTOPORT_CONFIG;
  let config: ConfigFile | undefined;
  if (path) {
    config = configs.get(path);
    if (!config) {
      config = readConfigFile(path);
      configs.set(path, config);
      if (config.exposed)
        ctx.progress.warn(`${path} holds an API key and others may read it: chmod 600 ${path}`);
    }
  }
  const options = y.getOptions();
  const camel = (o: string) => o.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const given = (o: string) =>
    [o, camel(o)].some((name) =>
      raw.some((t) => t === `--${name}` || t.startsWith(`--${name}=`) || t === `--no-${name}`),
    );
  const settings = settingsFor(
    command,
    {
      known: Object.keys(options.key).filter((k) => !["help", "version", "config"].includes(k)),
      boolean: options.boolean,
      number: options.number,
      array: options.array,
    },
    given,
    config,
    environmentSettings(process.env),
  );
  for (const [option, value] of Object.entries(settings)) {
    parsed[option] = value;
    parsed[camel(option)] = value;
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
