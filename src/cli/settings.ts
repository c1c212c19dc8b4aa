import { readFileSync, statSync } from "node:fs";
import { OctoportError, UsageError } from "../util/errors.js";

/**
 * Options from outside the command line (docs/settings.md): a JSON config file (`--config
 * FILE` or `OCTOPORT_CONFIG`) and `OCTOPORT_<OPTION>` environment variables, for every long
 * option of every command. The command line wins, then the environment, then the file, then
 * the option's default (which may itself come from `OCTOPUS_URL` and the like).
 *
 * The file's top level holds options any command may take (the connection's, and the global
 * ones), and a section per command for the rest, so one file can serve `export`, `plan` and
 * `snapshot import`:
 *
 *   { "server": "https://octopus.example.com", "space": "Default",
 *     "export": { "layout": "single", "exclude-all-tenants": true },
 *     "snapshot import": { "overwrite": true } }
 *
 * A key that is no option (a typo) is an error, never ignored: at the top level unless it is a
 * shared option, in the running command's section unless that command has it. The environment
 * is ambient, so a variable names an option only for the commands that have it.
 */

/** Options several commands take, which the file's top level may hold. */
const SHARED = new Set([
  "server",
  "api-key",
  "space",
  "insecure-tls",
  "concurrency",
  "request-timeout",
  "dest-server",
  "dest-api-key",
  "dest-space",
  "tf-bin",
  "var-file",
  "password-file",
  "quiet",
  "debug",
]);

/** The commands a section may be for. */
export const COMMANDS = [
  "export",
  "inspect",
  "diff",
  "plan",
  "apply",
  "status",
  "spread",
  "bootstrap",
  "snapshot export",
  "snapshot import",
  "secrets template",
  "migrate partial-export",
  "migrate import",
  "migrate run",
  "sandbox",
] as const;

/** Variables of that prefix that are octoport's own (or its tests' and scripts'), not options. */
const NOT_OPTIONS = new Set([
  "OCTOPORT_CONFIG",
  "OCTOPORT_STATE_DIR",
  "OCTOPORT_FAULT",
  "OCTOPORT_FAULT_SEED",
  "OCTOPORT_TOOLS_CACHE",
  "OCTOPORT_ACCEPTANCE_DIR",
]);

/** The largest config file read (it holds options, not data). */
const MAX_FILE = 1024 * 1024;

export type Value = string | number | boolean | string[];

export interface OptionTypes {
  boolean: readonly string[];
  number: readonly string[];
  array: readonly string[];
  known: readonly string[];
}

/** A config file's settings: shared ones, and sections by command. Throws a usage error naming what is wrong. */
export interface ConfigFile {
  file: string;
  shared: Record<string, unknown>;
  sections: Record<string, Record<string, unknown>>;
  /** The file is readable by others and holds an API key. */
  exposed: boolean;
}

export function readConfigFile(file: string): ConfigFile {
  let text: string;
  let mode: number;
  try {
    const stat = statSync(file);
    if (stat.size > MAX_FILE)
      throw new UsageError(`the config file ${file} is ${stat.size} bytes; a config file is at most 1 MiB`);
    mode = stat.mode;
    text = readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof OctoportError) throw err;
    throw new UsageError(
      `cannot read the config file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `the config file ${file} is not valid JSON (${(err as Error).message}); fix it or leave --config out`,
    );
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new UsageError(`the config file ${file} must hold a JSON object of options`);
  const shared: Record<string, unknown> = {};
  const sections: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if ((COMMANDS as readonly string[]).includes(key)) {
      if (!value || typeof value !== "object" || Array.isArray(value))
        throw new UsageError(`the config file ${file}: "${key}" must be an object of that command's options`);
      sections[key] = value as Record<string, unknown>;
    } else if (SHARED.has(key)) shared[key] = value;
    else
      throw new UsageError(
        `the config file ${file}: "${key}" is neither an option every command shares nor a command (${COMMANDS.join(", ")}); put a command's options in its section`,
      );
  }
  const hasKey =
    "api-key" in shared || Object.values(sections).some((s) => "api-key" in s || "dest-api-key" in s);
  return { file, shared, sections, exposed: hasKey && (mode & 0o077) !== 0 };
}

/** The `OCTOPORT_<OPTION>` variables, by option name (`OCTOPORT_EXCLUDE_ALL_TENANTS` -> `exclude-all-tenants`). */
export function environmentSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("OCTOPORT_") || NOT_OPTIONS.has(name) || value === undefined) continue;
    out[name.slice("OCTOPORT_".length).toLowerCase().replaceAll("_", "-")] = value;
  }
  return out;
}

/**
 * The settings for one command, from the file and the environment, typed by the command's
 * options, leaving out those the command line gives. `given` says whether the command line
 * names an option.
 */
export function settingsFor(
  command: string,
  types: OptionTypes,
  given: (option: string) => boolean,
  config: ConfigFile | undefined,
  env: Record<string, string>,
): Record<string, Value> {
  const known = new Set(types.known);
  const out: Record<string, Value> = {};
  const put = (option: string, raw: unknown, from: string) => {
    if (given(option)) return;
    out[option] = typed(option, raw, types, from);
  };
  if (config) {
    for (const [option, raw] of Object.entries(config.shared))
      if (known.has(option)) put(option, raw, `the config file ${config.file}`);
    const section = config.sections[command] ?? {};
    for (const [option, raw] of Object.entries(section)) {
      if (!known.has(option))
        throw new UsageError(
          `the config file ${config.file}: "${option}" is not an option of octoport ${command} (see octoport ${command} --help)`,
        );
      put(option, raw, `the config file ${config.file}`);
    }
  }
  for (const [option, raw] of Object.entries(env))
    if (known.has(option)) put(option, raw, `OCTOPORT_${option.toUpperCase().replaceAll("-", "_")}`);
  return out;
}

function typed(option: string, raw: unknown, types: OptionTypes, from: string): Value {
  const wrong = (what: string) =>
    new UsageError(`${from}: ${option} must be ${what}, not ${JSON.stringify(raw)}`);
  if (types.array.includes(option)) {
    if (Array.isArray(raw) && raw.every((v) => typeof v === "string" || typeof v === "number"))
      return raw.map(String);
    if (typeof raw === "string") {
      if (!raw.trimStart().startsWith("[")) return [raw];
      try {
        const list = JSON.parse(raw) as unknown;
        if (Array.isArray(list) && list.every((v) => typeof v === "string")) return list as string[];
      } catch {
        // said below
      }
    }
    throw wrong('a list of strings (in a variable, one value or a JSON list: ["A", "B"])');
  }
  if (types.boolean.includes(option)) {
    if (typeof raw === "boolean") return raw;
    if (typeof raw === "string" && /^(true|1|yes)$/i.test(raw)) return true;
    if (typeof raw === "string" && /^(false|0|no)$/i.test(raw)) return false;
    throw wrong("true or false");
  }
  if (types.number.includes(option)) {
    const n =
      typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() ? Number(raw) : Number.NaN;
    if (!Number.isFinite(n)) throw wrong("a number");
    return n;
  }
  if (typeof raw === "string") return raw;
  if (typeof raw === "number") return String(raw);
  throw wrong("a string");
}
