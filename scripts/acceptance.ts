/**
 * `npm run test:acceptance`: the pinned Octopus Terraform provider's own acceptance tests
 * (`TestAcc*` of ./octopusdeploy and ./octopusdeploy_framework) judge the sandbox
 * (docs/acceptance.md).
 *
 * Copies the provider module at the version pinned in tools/provider/go.mod out of the Go
 * module cache into a scratch directory outside the repository (never into it), compiles each
 * package's tests, starts a fresh `octoport sandbox` per package, and runs the tests in the
 * provider's "bring your own server" mode (TF_ACC_LOCAL) with our OpenTofu as the test binary.
 * Per-test results come from `go tool test2json`. Writes test/acceptance/results.json, prints
 * a summary line, and exits 1 when fewer than 95% of the non-excluded tests that ran (passed
 * plus failed; tests that skip themselves do not count) pass.
 *
 *   npm run test:acceptance                          # both packages, 3 sandboxes at once
 *   npm run test:acceptance -- --run 'TestAccTenant'  # only tests matching a regexp (no results.json)
 *   npm run test:acceptance -- --jobs 1               # one sandbox, one test binary at a time
 *
 * The tests of a package run one at a time against their sandbox; most of a test's time is
 * OpenTofu and the provider starting, so by default the tests are dealt round-robin into
 * three jobs (./octopusdeploy, and ./octopusdeploy_framework in two halves), each against its
 * own fresh sandbox, all at once.
 *
 * Exclusions: test/acceptance/exclusions.json, each with its reason; a name that is not a test
 * of the module is an error, so the list cannot rot.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { chmod, cp, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";

const ROOT = join(import.meta.dirname, "..");
const MODULE = "github.com/OctopusDeploy/terraform-provider-octopusdeploy";
const PACKAGES = ["octopusdeploy", "octopusdeploy_framework"] as const;
type Pkg = (typeof PACKAGES)[number];
/** The share of non-excluded tests that ran which must pass (docs/acceptance.md). */
const PASS_RULE = 0.95;

interface Exclusion {
  test: string;
  package: Pkg;
  reason: string;
}

interface TestResult {
  name: string;
  package: Pkg;
  action: "pass" | "fail" | "skip";
  seconds: number;
  /** For a failure or a skip: the first line that says why. */
  message?: string;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function die(message: string): never {
  process.stderr.write(`test:acceptance: ${message}\n`);
  process.exit(2);
}

/** The pinned provider version, from tools/provider/go.mod. */
async function pinnedVersion(): Promise<string> {
  const gomod = await readFile(join(ROOT, "tools/provider/go.mod"), "utf8");
  const m = new RegExp(`${MODULE.replace(/[./]/g, "\\$&")} (v[^\\s]+)`).exec(gomod);
  if (!m) die(`tools/provider/go.mod pins no version of ${MODULE}`);
  return m[1]!;
}

/** The Go module cache's escaped path: upper-case letters become "!" and the lower case. */
function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

function go(args: string[], cwd: string): string {
  return execFileSync("go", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

/** Builds (once) OpenTofu and the provider with scripts/build-tools.sh; returns tofu's path. */
function tofuBinary(): string {
  try {
    const out = execFileSync(join(ROOT, "scripts/build-tools.sh"), {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const tofu = out.trim().split("\n")[0];
    if (!tofu) die("scripts/build-tools.sh printed no tool paths");
    return tofu;
  } catch (err) {
    if ((err as { status?: number }).status === 3)
      die("Go is not installed, so the provider's tests cannot be compiled; install Go 1.26 or later");
    throw err;
  }
}

/** A fresh writable copy of the module (the cache's copy is read-only), outside the repository. */
async function copyModule(version: string, scratch: string): Promise<string> {
  const cache = go(["env", "GOMODCACHE"], ROOT);
  const source = join(cache, `${escapeModulePath(MODULE)}@${version}`);
  if (!existsSync(source)) go(["mod", "download", `${MODULE}@${version}`], join(ROOT, "tools/provider"));
  if (!existsSync(source)) die(`${source} is missing after go mod download; run npm run tools`);
  // The same path every run, so Go's build cache recognises the packages and a second run
  // does not compile them again.
  const dest = join(scratch, `terraform-provider-octopusdeploy@${version}`);
  await rm(dest, { recursive: true, force: true });
  await cp(source, dest, { recursive: true });
  await makeWritable(dest);
  return dest;
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(path);
    else await chmod(path, 0o644);
  }
}

/** The names of the package's TestAcc functions, from its source. */
async function accTests(moduleDir: string, pkg: Pkg): Promise<string[]> {
  const names: string[] = [];
  for (const file of await readdir(join(moduleDir, pkg))) {
    if (!file.endsWith("_test.go")) continue;
    const text = await readFile(join(moduleDir, pkg, file), "utf8");
    for (const m of text.matchAll(/^func (TestAcc\w*)\(t \*testing\.T\)/gm)) names.push(m[1]!);
  }
  return names.sort();
}

interface RunningSandbox {
  url: string;
  apiKey: string;
  stop: () => Promise<void>;
}

/** A fresh `octoport sandbox` (one empty space, Default), run from source through tsx. */
async function startSandbox(): Promise<RunningSandbox> {
  // A throwaway key per run, shorter than a real one (API- and 26 or more characters).
  const apiKey = `API-ACCEPT${randomBytes(6).toString("hex").toUpperCase()}`;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(ROOT, "src/cli/bin.ts"), "sandbox", "--port", "0", "--api-key", apiKey],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`octoport sandbox exited ${code} before listening`)));
  });
  return {
    url,
    apiKey,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Compiles a package's tests into one binary; returns its path and the seconds it took. */
function compile(moduleDir: string, pkg: Pkg, out: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn("go", ["test", "-c", "-o", out, `./${pkg}`], {
      cwd: moduleDir,
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("exit", (code) =>
      code === 0
        ? resolve((performance.now() - started) / 1000)
        : reject(new Error(`go test -c ./${pkg} exited ${code}`)),
    );
  });
}

/** Runs the compiled tests against a sandbox; the per-test results and the seconds taken. */
async function runTests(opts: {
  moduleDir: string;
  pkg: Pkg;
  binary: string;
  /** The tests this job runs (exact names). */
  tests: string[];
  tofu: string;
  cliConfig: string;
  log: string;
}): Promise<{ results: TestResult[]; seconds: number }> {
  const sandbox = await startSandbox();
  const started = performance.now();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("OCTOPUS_")) env[k] = v;
  Object.assign(env, {
    TF_ACC: "1",
    TF_ACC_LOCAL: "1",
    OCTOPUS_URL: sandbox.url,
    OCTOPUS_APIKEY: sandbox.apiKey,
    TF_ACC_TERRAFORM_PATH: opts.tofu,
    // Under OpenTofu the test harness must name the provider with an address OpenTofu takes.
    TF_ACC_PROVIDER_NAMESPACE: "hashicorp",
    TF_ACC_PROVIDER_HOST: "registry.opentofu.org",
    TF_CLI_CONFIG_FILE: opts.cliConfig,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    // The Config-as-Code tests (TestAccProjectCaCUpdate, TestAccChannelGitReferenceRules) skip
    // themselves without a repository to convert projects into. The sandbox never contacts the
    // repository (src/sandbox/resources/version-control.ts), so a made-up one lets them run.
    GIT_URL: "https://git.sandbox.invalid/octoport/acceptance.git",
    GIT_USERNAME: "sandbox",
    GIT_PASSWORD: "sandbox-git-password",
  });
  const args = [
    "tool",
    "test2json",
    "-t",
    "-p",
    opts.pkg,
    opts.binary,
    "-test.v=test2json",
    "-test.count=1",
    "-test.timeout=80m",
    `-test.run=^(${opts.tests.join("|")})$`,
  ];
  const log = createWriteStream(opts.log);
  const results = new Map<string, TestResult>();
  const output = new Map<string, string[]>();
  const child = spawn("go", args, {
    cwd: join(opts.moduleDir, opts.pkg),
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    log.write(`${line}\n`);
    let ev: { Action?: string; Test?: string; Output?: string; Elapsed?: number };
    try {
      ev = JSON.parse(line);
    } catch {
      continue;
    }
    if (!ev.Test || ev.Test.includes("/")) continue;
    if (ev.Action === "output" && ev.Output) {
      const out = output.get(ev.Test) ?? [];
      out.push(ev.Output);
      output.set(ev.Test, out);
    }
    if (ev.Action === "pass" || ev.Action === "fail" || ev.Action === "skip") {
      const result: TestResult = {
        name: ev.Test,
        package: opts.pkg,
        action: ev.Action,
        seconds: ev.Elapsed ?? 0,
      };
      if (ev.Action !== "pass") result.message = why(output.get(ev.Test) ?? [], ev.Action);
      results.set(ev.Test, result);
      if (ev.Action !== "pass") process.stdout.write(`  ${ev.Action.toUpperCase()} ${opts.pkg}.${ev.Test}\n`);
      output.delete(ev.Test);
    }
  }
  await new Promise<void>((resolve) =>
    child.exitCode !== null ? resolve() : child.once("exit", () => resolve()),
  );
  log.end();
  await sandbox.stop();
  return { results: [...results.values()], seconds: (performance.now() - started) / 1000 };
}

/** The first line of a test's output that says why it failed or skipped, shortened. */
function why(lines: string[], action: string): string {
  const text = lines
    .join("")
    .split("\n")
    .map((l) => l.trim());
  const interesting =
    action === "skip"
      ? text.find((l) => /\.go:\d+:/.test(l))
      : (text.find((l) => /^Error: /.test(l) && !/^Error: Plan|^Error: Run/.test(l)) ??
        text.find((l) => /Error:|error:|panic:|expected|unexpected/i.test(l) && !/^=== /.test(l)) ??
        text.find((l) => /\.go:\d+:/.test(l)));
  const line = (interesting ?? text.find((l) => l && !/^(===|---)/.test(l)) ?? "").replace(/\s+/g, " ");
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

async function main(): Promise<void> {
  const only = arg("run");
  const jobCount = Number(arg("jobs") ?? "3");
  if (!Number.isInteger(jobCount) || jobCount < 1) die("--jobs must be a whole number, 1 or more");
  const version = await pinnedVersion();
  const exclusions = JSON.parse(
    await readFile(join(ROOT, "test/acceptance/exclusions.json"), "utf8"),
  ) as Exclusion[];
  for (const e of exclusions)
    if (!e.reason?.trim()) die(`exclusion ${e.package}.${e.test} gives no reason; every exclusion needs one`);

  const tofu = tofuBinary();
  const tofuVersion = /tofu-(v[^/]+)/.exec(tofu)?.[1] ?? "unknown";
  const scratch = process.env.OCTOPORT_ACCEPTANCE_DIR ?? join(tmpdir(), "octoport-acceptance");
  await mkdir(scratch, { recursive: true });
  const moduleDir = await copyModule(version, scratch);
  // OpenTofu must be given a CLI configuration file that exists; an empty one changes nothing.
  const cliConfig = join(scratch, "empty.tofurc");
  await writeFile(cliConfig, "");

  const known = new Map<Pkg, string[]>();
  for (const pkg of PACKAGES) known.set(pkg, await accTests(moduleDir, pkg));
  for (const e of exclusions)
    if (!known.get(e.package)?.includes(e.test))
      die(`exclusion ${e.package}.${e.test} names no TestAcc test of the provider ${version}`);

  process.stdout.write(`provider ${version} tests from ${moduleDir}, OpenTofu ${tofuVersion}\n`);
  const compileStarted = performance.now();
  const binaries = new Map<Pkg, string>();
  const compileSeconds: Record<string, number> = {};
  // One after the other: each compile already uses both cores.
  for (const pkg of PACKAGES) {
    const binary = join(scratch, `${pkg}.test`);
    compileSeconds[pkg] = await compile(moduleDir, pkg, binary);
    binaries.set(pkg, binary);
  }
  const compileTotal = (performance.now() - compileStarted) / 1000;
  process.stdout.write(`compiled in ${compileTotal.toFixed(0)} s; running against fresh sandboxes\n`);

  // The jobs: each a package's tests (all of them, or those --run matches, less the
  // exclusions), the larger package split round-robin so the jobs take about as long.
  const filter = only ? new RegExp(only) : undefined;
  const wanted = (pkg: Pkg) =>
    known
      .get(pkg)!
      .filter(
        (t) => (!filter || filter.test(t)) && !exclusions.some((e) => e.package === pkg && e.test === t),
      );
  const jobs: { pkg: Pkg; tests: string[] }[] = [];
  if (jobCount === 1) for (const pkg of PACKAGES) jobs.push({ pkg, tests: wanted(pkg) });
  else {
    jobs.push({ pkg: "octopusdeploy", tests: wanted("octopusdeploy") });
    const framework = wanted("octopusdeploy_framework");
    const shards = Math.max(1, jobCount - 1);
    for (let i = 0; i < shards; i++)
      jobs.push({ pkg: "octopusdeploy_framework", tests: framework.filter((_, n) => n % shards === i) });
  }
  const runJob = (job: { pkg: Pkg; tests: string[] }, i: number) =>
    runTests({
      moduleDir,
      pkg: job.pkg,
      binary: binaries.get(job.pkg)!,
      tests: job.tests,
      tofu,
      cliConfig,
      log: join(scratch, `job-${i + 1}-${job.pkg}.jsonl`),
    });
  const runStarted = performance.now();
  const live = jobs.filter((j) => j.tests.length > 0);
  const runs: { results: TestResult[]; seconds: number }[] = [];
  if (jobCount === 1) for (const [i, job] of live.entries()) runs.push(await runJob(job, i));
  else runs.push(...(await Promise.all(live.map(runJob))));
  const runTotal = (performance.now() - runStarted) / 1000;

  const all = runs.flatMap((r) => r.results).sort((a, b) => a.name.localeCompare(b.name));
  const passed = all.filter((r) => r.action === "pass");
  const failed = all.filter((r) => r.action === "fail");
  const skipped = all.filter((r) => r.action === "skip");
  const ran = passed.length + failed.length;
  const rate = ran ? passed.length / ran : 0;
  const summary =
    `provider ${version} acceptance tests against the sandbox: ${passed.length} of ${ran} passed ` +
    `(${(rate * 100).toFixed(1)}%, rule ${PASS_RULE * 100}%), ${failed.length} failed, ` +
    `${skipped.length} skipped themselves, ${exclusions.length} excluded; ` +
    `compile ${compileTotal.toFixed(0)} s, run ${runTotal.toFixed(0)} s`;

  if (!only) {
    const results = {
      date: new Date().toISOString().slice(0, 10),
      provider: version,
      opentofu: tofuVersion,
      rule: `at least ${PASS_RULE * 100}% of the non-excluded tests that ran (passed + failed) pass`,
      counts: {
        passed: passed.length,
        failed: failed.length,
        skipped: skipped.length,
        excluded: exclusions.length,
        passRate: Number((rate * 100).toFixed(1)),
      },
      seconds: {
        compile: Math.round(compileTotal),
        compileByPackage: Object.fromEntries(
          Object.entries(compileSeconds).map(([k, v]) => [k, Math.round(v)]),
        ),
        run: Math.round(runTotal),
        runByJob: live.map((j, i) => ({
          package: j.pkg,
          tests: j.tests.length,
          seconds: Math.round(runs[i]?.seconds ?? 0),
        })),
        jobs: `${live.length} at once, each against its own fresh sandbox`,
      },
      failed: failed.map((r) => ({ test: r.name, package: r.package, message: r.message })),
      skipped: skipped.map((r) => ({ test: r.name, package: r.package, message: r.message })),
      excluded: exclusions.map((e) => ({ test: e.test, package: e.package, reason: e.reason })),
      passed: passed.map((r) => `${r.package}.${r.name}`),
    };
    const out = join(ROOT, "test/acceptance/results.json");
    await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  }
  process.stdout.write(`${summary}\n`);
  if (!only && ran === 0) die("no test ran; see the logs in the scratch directory");
  if (!only && rate < PASS_RULE) process.exit(1);
}

await stat(ROOT);
await main();
