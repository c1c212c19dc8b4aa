import { createHash } from "node:crypto";
import { appendFileSync } from "node:fs";
import { mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pLimit from "p-limit";
import { OctoportError } from "../util/errors.js";
import { watchInterrupt } from "../util/interrupt.js";
import { DEV_OVERRIDES_WARNING, declaresBackend, devOverridesFile } from "./cliconfig.js";
import { type ExportManifest, fingerprint, type RunModule, readExport } from "./layout.js";
import { type ActionCounts, countActions, type PlanChange, planChanges, runTf } from "./tf.js";

export type RunMode = "plan" | "apply";

export interface RunOptions {
  /** The export directory. */
  dir: string;
  mode: RunMode;
  /** The tofu or terraform binary. */
  tfBin: string;
  /** Modules run at once (those whose dependencies are done). */
  parallelism: number;
  /** The destination: passed to every module as its standard inputs. */
  destination: { server: string; apiKey: string; spaceId: string };
  /** -var-file for every module (secrets); their contents count towards "changed". */
  varFiles?: string[];
  /** -backend-config for init; `{module}` in a value becomes the module's path. */
  backendConfig?: string[];
  /** Only these modules (paths); default all. */
  only?: string[];
  /** Apply even modules that are unchanged since their last successful apply. */
  force?: boolean;
  /**
   * init with -reconfigure: the backend configuration may differ from the last init's (one
   * export planned against several destinations, each with its own state).
   */
  reconfigure?: boolean;
  /** Extra environment for the binary. */
  env?: NodeJS.ProcessEnv;
  onEvent?: (event: RunEvent) => void;
}

export type RunEvent =
  | { kind: "start"; module: string; step: "init" | "plan" | "apply" }
  | { kind: "done"; result: ModuleResult }
  /** Something the user should know once per run (e.g. init skipped for dev_overrides). */
  | { kind: "notice"; message: string };

export type ModuleOutcome =
  /** apply: changes applied. plan: planned. */
  | "applied"
  | "planned"
  /** apply: nothing to change (not run, as nothing changed since its last apply; or planned empty). */
  | "unchanged"
  /** Failed; see the log. */
  | "failed"
  /** Not run because a module it depends on failed. */
  | "skipped"
  /** plan only: cannot be planned until a module it depends on is applied. */
  | "waiting";

export interface ModuleResult {
  module: string;
  outcome: ModuleOutcome;
  counts: ActionCounts;
  changes: PlanChange[];
  seconds: number;
  log: string;
  /** Why it failed, was skipped, or waits. */
  reason?: string;
}

export interface RunReport {
  mode: RunMode;
  results: ModuleResult[];
  ok: boolean;
  /** The signal that interrupted the run, if one did. */
  interrupted?: NodeJS.Signals;
}

interface Record {
  fingerprint: string;
  appliedAt: string;
}

interface Records {
  format: "octoport-runs/v1";
  modules: { [path: string]: Record };
}

const STATE_DIR = ".octoport";
const skippedByInterrupt = {
  outcome: "skipped" as const,
  counts: { add: 0, change: 0, destroy: 0, import: 0 },
  changes: [],
  seconds: 0,
  reason: "not started: the run was interrupted",
};
const NO_CHANGES: ActionCounts = { add: 0, change: 0, destroy: 0, import: 0 };

/** The name of a module's log file under .octoport/logs. */
export function logName(path: string): string {
  return `${path ? path.replaceAll("/", "__") : "root"}.log`;
}

/**
 * Runs plan or apply over every module of an export, in dependency order: a module starts
 * when the modules it depends on are done, up to `parallelism` at once. Each module is its
 * own root with its own state. A failed module stops its dependants and nothing else.
 */
export async function runExport(given: RunOptions): Promise<RunReport> {
  const dir = resolve(given.dir);
  const { manifest, modules: all } = await readExport(dir);
  const modules = select(all, given.only, manifest);
  const stateDir = join(dir, STATE_DIR);
  await mkdir(join(stateDir, "logs"), { recursive: true, mode: 0o700 });
  const unlock = await lock(stateDir);
  // Ctrl-C or SIGTERM: no module starts after it, and Terraform, where it runs, is asked to
  // stop (it finishes what is under way and saves its state); the run then ends as
  // interrupted. Applying again finishes the job.
  const controller = new AbortController();
  const interrupt = watchInterrupt((name) => {
    given.onEvent?.({
      kind: "notice",
      message: `interrupted: starting no more modules; OpenTofu is finishing what it is doing and saving its state (interrupt again to stop at once)`,
    });
    controller.abort(name);
  });
  const options: RunOptions & { signal: AbortSignal } = { ...given, signal: controller.signal };
  try {
    const records = await readRecords(stateDir);
    const extra = await inputsFingerprint(options);
    const overrides: DevOverrides = {
      file: await devOverridesFile({ ...process.env, ...options.env }),
      told: false,
    };
    const results = new Map<string, Promise<ModuleResult>>();
    const limit = pLimit(options.parallelism);
    const runOne = async (mod: RunModule): Promise<ModuleResult> => {
      const deps = await Promise.all(mod.dependsOn.filter((d) => results.has(d)).map((d) => results.get(d)!));
      const log = join(stateDir, "logs", logName(mod.path));
      const failed = deps.find((d) => d.outcome === "failed" || d.outcome === "skipped");
      if (failed) {
        return finish(options, {
          module: mod.path,
          outcome: "skipped",
          counts: NO_CHANGES,
          changes: [],
          seconds: 0,
          log,
          reason: `needs ${failed.module || "the root module"}, which ${failed.outcome === "failed" ? "failed" : "was skipped"}`,
        });
      }
      const pendingDeps = deps.filter((d) => d.changes.length > 0).map((d) => d.module);
      return limit(() =>
        controller.signal.aborted
          ? finish(options, { ...skippedByInterrupt, module: mod.path, log })
          : runModule(options, mod, log, records, extra, pendingDeps, stateDir, overrides),
      );
    };
    for (const mod of modules) results.set(mod.path, runOne(mod));
    const list = await Promise.all(modules.map((m) => results.get(m.path)!));
    return {
      mode: options.mode,
      results: list,
      ok: list.every((r) => r.outcome !== "failed" && r.outcome !== "skipped"),
      ...(interrupt.signal ? { interrupted: interrupt.signal } : {}),
    };
  } finally {
    interrupt.dispose();
    await unlock();
  }
}

function select(all: RunModule[], only: string[] | undefined, manifest: ExportManifest): RunModule[] {
  if (!only?.length) return all;
  const known = new Set(all.map((m) => m.path));
  for (const o of only) {
    if (!known.has(o.replace(/\/+$/, ""))) {
      throw new OctoportError(
        `${o} is not a module of this export; its modules are ${all.map((m) => m.path || "(single)").join(", ")} (space ${manifest.source.spaceName})`,
      );
    }
  }
  const wanted = new Set(only.map((o) => o.replace(/\/+$/, "")));
  return all.filter((m) => wanted.has(m.path));
}

/** Whether the CLI configuration has provider dev_overrides, and whether the user was told. */
interface DevOverrides {
  /** The CLI configuration file that sets them (or "the CLI configuration" once init said so). */
  file: string | undefined;
  told: boolean;
}

function finish(options: RunOptions, result: ModuleResult): ModuleResult {
  options.onEvent?.({ kind: "done", result });
  return result;
}

async function runModule(
  options: RunOptions & { signal: AbortSignal },
  mod: RunModule,
  log: string,
  records: Records,
  extra: string[],
  pendingDeps: string[],
  stateDir: string,
  overrides: DevOverrides,
): Promise<ModuleResult> {
  const started = Date.now();
  const print = await fingerprint(mod, extra);
  const base = { module: mod.path, log, counts: NO_CHANGES, changes: [] as PlanChange[] };
  const elapsed = () => Math.round((Date.now() - started) / 100) / 10;
  const previous = records.modules[mod.path];
  if (
    options.mode === "apply" &&
    !options.force &&
    pendingDeps.length === 0 &&
    previous?.fingerprint === print
  ) {
    return finish(options, {
      ...base,
      outcome: "unchanged",
      seconds: 0,
      reason: `nothing changed since it was applied at ${previous.appliedAt}`,
    });
  }
  await writeFile(
    log,
    `# octoport ${options.mode} ${mod.path || "(single module)"} ${new Date().toISOString()}\n`,
    {
      mode: 0o600,
    },
  );
  const write = (text: string) => appendFileSync(log, text);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    TF_VAR_octopus_server: options.destination.server,
    TF_VAR_octopus_apikey: options.destination.apiKey,
    TF_VAR_octopus_space_id: options.destination.spaceId,
  };
  const tf = (args: string[], capture = false) =>
    runTf(options.tfBin, args, {
      cwd: mod.root,
      env,
      log: write,
      captureStdout: capture,
      signal: options.signal,
    });
  const fail = (reason: string): ModuleResult =>
    finish(options, { ...base, outcome: "failed", seconds: elapsed(), reason });

  options.onEvent?.({ kind: "start", module: mod.path, step: "init" });
  const backend = (options.backendConfig ?? []).map(
    (c) => `-backend-config=${c.replaceAll("{module}", mod.path || "root")}`,
  );
  const ready = await prepare(options, mod, overrides, backend, tf);
  if (ready) return fail(ready);

  // The plan file holds input values, secrets included: keep it in a private temp directory.
  const planDir = await mkdtemp(join(tmpdir(), "octoport-plan-"));
  try {
    const planFile = join(planDir, "tfplan");
    const vars = (options.varFiles ?? []).map((f) => `-var-file=${resolve(f)}`);
    options.onEvent?.({ kind: "start", module: mod.path, step: "plan" });
    const plan = await tf(["plan", "-input=false", "-no-color", `-out=${planFile}`, ...vars]);
    if (plan.code !== 0) {
      if (options.mode === "plan" && pendingDeps.length) {
        return finish(options, {
          ...base,
          outcome: "waiting",
          seconds: elapsed(),
          reason: `plan needs ${pendingDeps.join(", ")} applied first`,
        });
      }
      return fail(failure("plan", plan.error));
    }
    const show = await tf(["show", "-json", "-no-color", planFile], true);
    if (show.code !== 0) return fail("reading the plan failed");
    const changes = planChanges(show.stdout);
    const counts = countActions(changes);
    if (options.mode === "plan") {
      return finish(options, { ...base, outcome: "planned", counts, changes, seconds: elapsed() });
    }
    if (options.signal?.aborted) return fail("interrupted before its apply: nothing applied");
    if (changes.length) {
      options.onEvent?.({ kind: "start", module: mod.path, step: "apply" });
      const apply = await tf(["apply", "-input=false", "-no-color", "-auto-approve", planFile]);
      if (apply.code !== 0) return fail(failure("apply", apply.error));
    }
    records.modules[mod.path] = { fingerprint: print, appliedAt: new Date().toISOString() };
    await saveRecords(stateDir, records);
    return finish(options, {
      ...base,
      outcome: changes.length ? "applied" : "unchanged",
      counts,
      changes,
      seconds: elapsed(),
      ...(changes.length ? {} : { reason: "planned: nothing to change" }),
    });
  } finally {
    await rm(planDir, { recursive: true, force: true });
  }
}

/**
 * Makes a module's directory ready to plan: `init`, or under provider dev_overrides (with which
 * init fails without a registry, and is not needed) `get`, which installs the modules alone.
 * A backend needs init, so a module with one gets init and, if it fails for the overrides, a
 * reason that says so. Returns why it failed, or undefined.
 */
async function prepare(
  options: RunOptions,
  mod: RunModule,
  overrides: DevOverrides,
  backend: string[],
  tf: (args: string[]) => ReturnType<typeof runTf>,
): Promise<string | undefined> {
  const hasBackend = backend.length > 0 || (await declaresBackend(mod.root));
  if (!overrides.file || hasBackend) {
    const init = await tf([
      "init",
      "-input=false",
      "-no-color",
      ...(options.reconfigure ? ["-reconfigure"] : []),
      ...backend,
    ]);
    if (init.code === 0) return undefined;
    if (!DEV_OVERRIDES_WARNING.test(init.output)) return failure("init", init.error);
    overrides.file ??= "the CLI configuration";
    if (hasBackend) {
      return `init failed: ${overrides.file} has provider dev_overrides, with which init cannot install providers without a registry, and this module's backend needs init; install the provider from a filesystem_mirror instead (docs/apply.md)`;
    }
  }
  if (!overrides.told) {
    overrides.told = true;
    options.onEvent?.({
      kind: "notice",
      message: `${overrides.file} has provider dev_overrides: init skipped (it needs a registry), modules installed with get`,
    });
  }
  const get = await tf(["get", "-no-color"]);
  return get.code === 0 ? undefined : failure("get", get.error);
}

function failure(step: string, error: string | undefined): string {
  return error ? `${step} failed: ${error}` : `${step} failed`;
}

/** What, besides a module's files, decides whether applying it again would do anything. */
async function inputsFingerprint(options: RunOptions): Promise<string[]> {
  const out = [options.destination.server, options.destination.spaceId, ...(options.backendConfig ?? [])];
  for (const f of options.varFiles ?? []) {
    let content: Buffer;
    try {
      content = await readFile(f);
    } catch (err) {
      throw new OctoportError(`cannot read --var-file ${f}: ${(err as Error).message}`);
    }
    out.push(createHash("sha256").update(content).digest("hex"));
  }
  return out;
}

async function readRecords(stateDir: string): Promise<Records> {
  try {
    const parsed = JSON.parse(await readFile(join(stateDir, "runs.json"), "utf8")) as Records;
    if (parsed.format === "octoport-runs/v1" && parsed.modules) return parsed;
  } catch {
    // none yet, or unreadable: everything runs
  }
  return { format: "octoport-runs/v1", modules: {} };
}

let saving: Promise<void> = Promise.resolve();

/** Saves the records atomically; saves are queued so parallel modules never interleave. */
function saveRecords(stateDir: string, records: Records): Promise<void> {
  saving = saving.then(async () => {
    const path = join(stateDir, "runs.json");
    const temp = `${path}.${process.pid}.tmp`;
    const sorted = Object.fromEntries(Object.entries(records.modules).sort(([a], [b]) => (a < b ? -1 : 1)));
    await writeFile(temp, `${JSON.stringify({ ...records, modules: sorted }, null, 2)}\n`);
    await rename(temp, path);
  });
  return saving;
}

/** One run per export directory at a time. */
async function lock(stateDir: string): Promise<() => Promise<void>> {
  const path = join(stateDir, "lock");
  try {
    const handle = await open(path, "wx");
    await handle.write(`${process.pid}\n`);
    await handle.close();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const pid = Number((await readFile(path, "utf8").catch(() => "")).trim());
    if (pid && pid !== process.pid && alive(pid)) {
      throw new OctoportError(
        `another octoport run (process ${pid}) is using ${resolve(stateDir, "..")}; wait for it to finish`,
      );
    }
    // A stale lock from a run that died: take it over.
    await writeFile(path, `${process.pid}\n`);
  }
  return () => rm(path, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
