import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { gunzipSync } from "node:zlib";
import { type HclParseError, parseFailure } from "./parse.js";

/**
 * Checks generated files with the real HCL parser (HashiCorp's, the WebAssembly build that
 * @cdktf/hcl2json ships) on worker threads, one parser instance each.
 *
 * The package's own `parse` runs one instance on the main thread and answers each call a
 * timer tick late: on the M bench space (5.3 MB in 2,438 files) it took 6.8 s, a third of it
 * idle. A worker here loads the same module and answers each file as soon as it is parsed:
 * 3.0 s with one worker, 1.65 s with two on two cores.
 */

/** Go's GC target for the parser: 100 (Go's default), 200 and 800 measured within 5%; 200 uses least memory of the fast ones. */
const GOGC = "200";

let compiled: Promise<{ module: WebAssembly.Module; dir: string }> | undefined;

/** The parser's WebAssembly module, compiled once per process. */
function parserModule(): Promise<{ module: WebAssembly.Module; dir: string }> {
  compiled ??= (async () => {
    const dir = dirname(createRequire(import.meta.url).resolve("@cdktf/hcl2json/package.json"));
    const bytes = gunzipSync(await readFile(join(dir, "main.wasm.gz")));
    return { module: await WebAssembly.compile(bytes), dir };
  })();
  return compiled;
}

/**
 * Starts compiling the parser, so that it overlaps other work (the export calls this before
 * reading the space); a failure surfaces at the check.
 */
export function warmHclParser(): void {
  parserModule().catch(() => undefined);
}

/**
 * The worker: loads Go's JavaScript support (the package's copy), runs the parser module and
 * answers each file with its parse error, if any. The parser registers its functions on a
 * global object the package names; the JSON it returns is not needed here and is dropped.
 */
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { join } = require("node:path");
require(join(workerData.dir, "wasm", "bridge_wasm_exec.js"));
const go = new globalThis.Go();
go.env = { GOGC: workerData.gogc };
const root = {};
globalThis.__parse_terraform_config_wasm__ = root;
WebAssembly.instantiate(workerData.module, go.importObject).then((instance) => {
  go.run(instance);
  if (typeof root.parse !== "function") throw new Error("the HCL parser did not start");
  parentPort.on("message", ({ id, file, text }) => {
    root.parse(file, text, (err) => parentPort.postMessage({ id, error: err ? String(err) : null }));
  });
  parentPort.postMessage({ ready: true });
});
`;

interface Job {
  file: string;
  text: string;
}

/** How many parser workers a check of `bytes` of HCL uses: one per core, fewer for little. */
export function workerCount(bytes: number): number {
  const cores = Math.max(1, availableParallelism());
  // Starting a worker costs about as much as parsing 100 KB.
  return Math.max(1, Math.min(cores, 4, Math.ceil(bytes / 200_000)));
}

/**
 * Parses every file; rejects with the HclParseError of the first file (by path) that does not
 * parse. Files are spread over the workers largest first, so none is left with a long tail.
 */
export async function checkHclFiles(files: Iterable<readonly [string, string]>): Promise<void> {
  const jobs: Job[] = [...files].map(([file, text]) => ({ file, text }));
  if (!jobs.length) return;
  jobs.sort((a, b) => b.text.length - a.text.length || (a.file < b.file ? -1 : 1));
  const bytes = jobs.reduce((n, j) => n + j.text.length, 0);
  const { module, dir } = await parserModule();
  const failures: HclParseError[] = [];
  let next = 0;
  const run = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(WORKER, { eval: true, workerData: { module, dir, gogc: GOGC } });
      let current: Job | undefined;
      const feed = () => {
        current = jobs[next++];
        if (!current) {
          void worker.terminate().then(() => resolve());
          return;
        }
        worker.postMessage({ id: next, file: current.file, text: current.text });
      };
      worker.on("message", (m: { ready?: boolean; error?: string | null }) => {
        if (!m.ready && m.error && current) failures.push(parseFailure(current.file, m.error));
        feed();
      });
      worker.on("error", (err) => reject(new Error(`the HCL parser failed: ${err.message}`)));
      worker.on("exit", (code) => {
        if (current && code !== 0) reject(new Error(`the HCL parser stopped (exit code ${code})`));
      });
    });
  await Promise.all(Array.from({ length: workerCount(bytes) }, run));
  if (failures.length) {
    failures.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    throw failures[0];
  }
}
