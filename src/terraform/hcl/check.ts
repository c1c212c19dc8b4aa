import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { gunzipSync } from "node:zlib";
import { type HclParseError, parseFailure } from "./errors.js";

/**
 * Checks generated files with the real HCL parser (HashiCorp's, the WebAssembly build that
 * @cdktf/hcl2json ships) on worker threads, one parser instance each.
 *
 * The package's own `parse` runs one instance on the main thread and answers each call a
 * timer tick late: on the M bench space (5.3 MB in 2,438 files) it took 6.8 s, a third of it
 * idle. A worker here loads the same module and answers as soon as it has parsed: 3.4 s with
 * one worker, 1.8 s with two on two cores. Parsing each distinct top-level block once (see
 * HclChecker.check) takes a third off that.
 */

/** Go's GC target for the parser: 100 (Go's default), 200 and 800 measured within 5%; 200 uses least memory of the fast ones. */
const GOGC = "200";

/** Texts sent to a worker in one message: up to this many characters (or one larger text). */
const BATCH_CHARS = 16_000;

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
 * The worker: loads Go's JavaScript support (the package's copy), runs the parser module and
 * answers each batch of texts with their parse errors (null where a text parses), parsing
 * each text on its own. The parser registers its functions on a global object the package
 * names; the JSON it returns is not needed here and is dropped.
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
  parentPort.on("message", (texts) => {
    const errors = [];
    const next = (i) => {
      if (i === texts.length) return parentPort.postMessage({ errors });
      const { file, text, markers } = texts[i];
      root.parse(file, text, (err, json) => {
        let error = err ? String(err) : null;
        if (!error && markers !== undefined) {
          // Every marker must stand at the top level: none swallowed by an open block or heredoc.
          const top = JSON.parse(json);
          for (let m = 0; m <= markers && !error; m++)
            if (top[workerData.marker + m] !== m) error = "a block ran into the next one";
        }
        errors.push(error);
        next(i + 1);
      });
    };
    next(0);
  });
  parentPort.postMessage({ ready: true });
});
`;

interface Text {
  file: string;
  text: string;
  /** For a text of several blocks: the number of blocks, each preceded by a marker (see check). */
  markers?: number;
}

/** The name of the marker attributes between blocks put together for one parse. */
const MARKER = "octoport_check_";

/** One parser on one worker thread. */
class ParserWorker {
  private readonly worker: Worker;
  private waiting: ((errors: Array<string | null>) => void) | undefined;
  private failure: Error | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  readonly ready: Promise<void>;

  constructor(module: WebAssembly.Module, dir: string) {
    this.worker = new Worker(WORKER, { eval: true, workerData: { module, dir, gogc: GOGC, marker: MARKER } });
    // An idle parser never keeps the process alive; one at work does (see send).
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on("message", (m: { ready?: boolean; errors?: Array<string | null> }) => {
        if (m.ready) resolve();
        else this.settle(m.errors ?? []);
      });
      const fail = (err: Error) => {
        this.failure ??= err;
        reject(err);
        this.settle([]);
      };
      this.worker.on("error", (err) => fail(new Error(`the HCL parser failed: ${err.message}`)));
      this.worker.on("exit", (code) => fail(new Error(`the HCL parser stopped (exit code ${code})`)));
    });
    this.ready.catch(() => undefined);
  }

  private settle(errors: Array<string | null>): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    this.worker.unref();
    waiting?.(errors);
  }

  /** Each text's parse error, or null where it parses. One batch at a time, in call order. */
  parse(texts: Text[]): Promise<Array<string | null>> {
    const run = this.tail.then(() => this.send(texts));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async send(texts: Text[]): Promise<Array<string | null>> {
    await this.ready;
    if (this.failure) throw this.failure;
    this.worker.ref();
    const answer = new Promise<Array<string | null>>((resolve) => {
      this.waiting = resolve;
    });
    this.worker.postMessage(texts);
    const errors = await answer;
    if (this.failure) throw this.failure;
    return errors;
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

/**
 * A file's top-level blocks as the printer writes them: separated by a blank line, each
 * starting at the margin. A blank line inside a heredoc splits a block wrongly; the parts then
 * fail to parse alone and the file is parsed whole (see HclChecker.check).
 */
function topLevelBlocks(text: string): string[] {
  return text.split(/\n\n(?=\S)/);
}

/** Distinct blocks put together into texts of about BATCH_CHARS, a marker before each and one at the end. */
function chunks(blocks: string[]): Array<Text & { blocks: string[] }> {
  const out: Array<Text & { blocks: string[] }> = [];
  let current: string[] = [];
  let size = 0;
  const flush = () => {
    if (!current.length) return;
    const parts = current.map((block, i) => `${MARKER}${i} = ${i}\n${block}\n\n`);
    const text = `${parts.join("")}${MARKER}${current.length} = ${current.length}\n`;
    out.push({ file: `octoport-check-${out.length}.tf`, text, markers: current.length, blocks: current });
    current = [];
    size = 0;
  };
  for (const block of blocks) {
    if (size + block.length > BATCH_CHARS) flush();
    current.push(block);
    size += block.length;
  }
  flush();
  return out;
}

/**
 * A pool of parser workers, started when it is made: make it before slow work (the export
 * makes it before reading the space) so their start overlaps it, check files, close it.
 */
export class HclChecker {
  private readonly workers: Promise<ParserWorker[]>;

  constructor(count = workerCount(Number.POSITIVE_INFINITY)) {
    this.workers = parserModule().then(({ module, dir }) =>
      Array.from({ length: count }, () => new ParserWorker(module, dir)),
    );
    this.workers.catch(() => undefined);
  }

  /**
   * Parses every file; rejects with the HclParseError of the first file (by path) that does
   * not parse, in the parser's words.
   *
   * HCL bodies put together with a blank line between them are a body: so a file parses when
   * each of its top-level blocks parses, and a block parses the same wherever it stands at the
   * top level. So each distinct block is parsed once (a lookup of the Production environment
   * appears in every project module), many to a call: the blocks of one call are separated by
   * marker attributes (`octoport_check_3 = 3`), and the call passes only when the parser finds
   * every marker at the top level, which it cannot when a block leaves a brace, bracket,
   * heredoc, string or comment open. When a call fails, the files its blocks came from are
   * parsed whole, and only their errors count.
   */
  async check(files: Iterable<readonly [string, string]>): Promise<void> {
    const list = [...files];
    const owners = new Map<string, string[]>();
    for (const [file, text] of list) {
      for (const block of topLevelBlocks(text)) {
        const from = owners.get(block);
        if (from) from.push(file);
        else owners.set(block, [file]);
      }
    }
    const failed = await this.parseAll(chunks([...owners.keys()]));
    if (!failed.length) return;
    const suspects = new Set(failed.flatMap((c) => c.blocks.flatMap((block) => owners.get(block) ?? [])));
    const whole = list.filter(([file]) => suspects.has(file)).map(([file, text]) => ({ file, text }));
    const errors = await this.parseAll(whole);
    if (!errors.length) return;
    const first = errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))[0]!;
    throw first.error;
  }

  /** Parses each text alone, in batches to whichever worker is free; returns those that fail. */
  private async parseAll<T extends Text>(texts: T[]): Promise<Array<T & { error: HclParseError }>> {
    // Largest first, so no worker is left with a long tail.
    texts.sort((a, b) => b.text.length - a.text.length || (a.file < b.file ? -1 : 1));
    const batches: T[][] = [];
    let batch: T[] = [];
    let size = 0;
    for (const t of texts) {
      if (batch.length && size + t.text.length > BATCH_CHARS) {
        batches.push(batch);
        batch = [];
        size = 0;
      }
      batch.push(t);
      size += t.text.length;
    }
    if (batch.length) batches.push(batch);
    const workers = await this.workers;
    const failures: Array<T & { error: HclParseError }> = [];
    let next = 0;
    await Promise.all(
      workers.map(async (worker) => {
        for (let b = batches[next++]; b; b = batches[next++]) {
          const current = b;
          (await worker.parse(current)).forEach((error, i) => {
            if (error) failures.push({ ...current[i]!, error: parseFailure(current[i]!.file, error) });
          });
        }
      }),
    );
    return failures;
  }

  async close(): Promise<void> {
    const workers = await this.workers.catch(() => [] as ParserWorker[]);
    await Promise.all(workers.map((w) => w.close()));
  }
}

/** How many parser workers a check of `bytes` of HCL uses: one per core, fewer for little. */
export function workerCount(bytes: number): number {
  const cores = Math.max(1, availableParallelism());
  // Starting a worker costs about as much as parsing 100 KB.
  return Math.max(1, Math.min(cores, 4, Math.ceil(bytes / 200_000)));
}

/** Checks files with a pool of its own, sized for them (see HclChecker.check). */
export async function checkHclFiles(files: Iterable<readonly [string, string]>): Promise<void> {
  const list = [...files];
  if (!list.length) return;
  const checker = new HclChecker(workerCount(list.reduce((n, [, text]) => n + text.length, 0)));
  try {
    await checker.check(list);
  } finally {
    await checker.close();
  }
}
