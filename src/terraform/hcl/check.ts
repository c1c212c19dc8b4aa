import { hash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { Worker } from "node:worker_threads";
import { gunzip } from "node:zlib";
import { reapplyV8Flags } from "../../util/v8-flags.js";
import { type HclParseError, parseFailure } from "./errors.js";
import { WARM_UP_HCL, WARM_UP_PARSES } from "./warm-up.js";

/**
 * Checks generated files with the real HCL parser (HashiCorp's, the WebAssembly build that
 * @cdktf/hcl2json ships) on worker threads, one parser instance each.
 *
 * The package's own `parse` runs one instance on the main thread and answers each call a
 * timer tick late: on the M bench space (5.3 MB in 2,438 files) it took 6.8 s, a third of it
 * idle. A worker here loads the same module and answers as soon as it has parsed: 3.4 s with
 * one worker, 1.8 s with two on two cores. Parsing each distinct top-level block once (see
 * HclChecker) takes a third off that.
 */

/**
 * A worker's young generation, small: what a worker allocates (the parser's answers, as JSON)
 * is dropped at once, and the default lets each worker hold some 25 MB of it. No cost in time
 * was measured. (Go's own GC target for the parser stays at its default, 100: 200 and 800
 * were no faster and 200 took 8 MB more.)
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 2 };

/** Texts sent to a worker in one message: up to this many characters (or one larger text). */
const BATCH_CHARS = 16_000;

/** Calls a worker may have waiting before `ready` holds the caller back. */
const QUEUED_CALLS = 4;

/**
 * Distinct blocks remembered (by digest) before the older half is forgotten (see
 * HclChecker.seen). Blocks that recur (a lookup of the Production environment is the same in
 * every project module) are met again long before that and stay; the rest (most blocks: a
 * resource's name is its own) go, so memory stays bounded however large the export.
 */
const REMEMBERED_BLOCKS = 16_384;

let compiled: Promise<{ module: WebAssembly.Module; dir: string }> | undefined;

/** The parser's WebAssembly module, compiled once per process. */
function parserModule(): Promise<{ module: WebAssembly.Module; dir: string }> {
  compiled ??= (async () => {
    const dir = dirname(createRequire(import.meta.url).resolve("@cdktf/hcl2json/package.json"));
    // Unzipped on libuv's pool, so the space is read meanwhile.
    const bytes = await promisify(gunzip)(await readFile(join(dir, "main.wasm.gz")));
    return { module: await WebAssembly.compile(bytes), dir };
  })();
  return compiled;
}

/**
 * The worker: loads Go's JavaScript support (the package's copy), runs the parser module and
 * answers each batch of texts, in turn, with their parse errors (null where a text parses),
 * parsing each text on its own. The parser registers its functions on a global object the package
 * names; the JSON it returns is not needed here and is dropped.
 */
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { join } = require("node:path");
require(join(workerData.dir, "wasm", "bridge_wasm_exec.js"));
const go = new globalThis.Go();
const root = {};
globalThis.__parse_terraform_config_wasm__ = root;
const queue = [];
let busy = false;
const run = () => {
  const batch = queue.shift();
  busy = batch !== undefined;
  if (!batch) return;
  const errors = [];
  const next = (i) => {
    if (i === batch.texts.length) {
      parentPort.postMessage({ id: batch.id, errors });
      return run();
    }
    const { file, text, markers } = batch.texts[i];
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
};
WebAssembly.instantiate(workerData.module, go.importObject).then((instance) => {
  go.run(instance);
  if (typeof root.parse !== "function") throw new Error("the HCL parser did not start");
  parentPort.on("message", (batch) => {
    queue.push(batch);
    if (!busy) run();
  });
  // Warms up while no files have come (see warm-up.ts); the first batch ends it.
  const warmUp = (i) => {
    if (busy || queue.length || i >= workerData.warmUp.parses) return;
    busy = true;
    root.parse("warm-up.tf", workerData.warmUp.text, () => {
      busy = false;
      if (queue.length) run();
      else setImmediate(() => warmUp(i + 1));
    });
  };
  warmUp(0);
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

/** One parser on one worker thread. Batches are posted at once and answered in turn. */
class ParserWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (errors: Array<string | null>) => void; chars: number }
  >();
  private failure: Error | undefined;
  private nextId = 0;
  /** Characters posted and not yet answered: new work goes to the worker with fewest. */
  outstanding = 0;

  constructor(
    module: WebAssembly.Module,
    dir: string,
    /** Parses of the warm-up sample while no work has come. */
    warmUp: number,
    /** Called after each answer (or the worker's failure). */
    private readonly answered: () => void,
  ) {
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { module, dir, marker: MARKER, warmUp: { text: WARM_UP_HCL, parses: warmUp } },
      resourceLimits: WORKER_HEAP,
      // The parser needs none of the process's Node options (--import, --input-type=module ...).
      execArgv: [],
    });
    // An idle parser never keeps the process alive; one with work does.
    this.worker.unref();
    // Starting a worker put V8's flags back to their defaults.
    this.worker.once("online", reapplyV8Flags);
    this.worker.on("message", (m: { id: number; errors: Array<string | null> }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      this.outstanding -= p.chars;
      if (!this.pending.size) this.worker.unref();
      p.resolve(m.errors);
      this.answered();
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.resolve([]);
      this.pending.clear();
      this.answered();
    };
    this.worker.on("error", (err) => fail(new Error(`the HCL parser failed: ${err.message}`)));
    this.worker.on("exit", (code) => fail(new Error(`the HCL parser stopped (exit code ${code})`)));
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Each text's parse error, or null where it parses. Posts now, so it works during synchronous work. */
  parse(texts: Text[]): Promise<Array<string | null>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const chars = texts.reduce((n, t) => n + t.text.length, 0);
    this.outstanding += chars;
    this.worker.ref();
    const answer = new Promise<Array<string | null>>((resolve) => this.pending.set(id, { resolve, chars }));
    this.worker.postMessage({ id, texts });
    return answer.then((errors) => {
      if (this.failure) throw this.failure;
      return errors;
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

/**
 * A file's top-level blocks as the printer writes them: separated by a blank line, each
 * starting at the margin. A blank line inside a heredoc splits a block wrongly; the parts then
 * fail to parse alone and the file is parsed whole (see HclChecker).
 */
function topLevelBlocks(text: string): string[] {
  return text.split(/\n\n(?=\S)/);
}

interface Failure {
  file: string;
  error: HclParseError;
}

/** Where the text of a file given to the checker can be had again (for parsing it whole). */
export type TextOf = (file: string) => string | Promise<string>;

/**
 * A pool of parser workers, started when it is made: make it before slow work (the export
 * makes it before reading the space) so their start overlaps it. Files are given to it one by
 * one as they are made (`add`, synchronous: the workers start on them while the rest is still
 * being made; `ready` says when to wait for them to catch up) and `finish` waits for the verdict.
 *
 * HCL bodies put together with a blank line between them are a body: so a file parses when
 * each of its top-level blocks parses, and a block parses the same wherever it stands at the
 * top level. So a block already parsed is not parsed again (a lookup of the Production
 * environment appears in every project module), and blocks go many to a call: the blocks of
 * one call are separated by marker attributes (`octoport_check_3 = 3`), and the call passes
 * only when the parser finds every marker at the top level, which it cannot when a block
 * leaves a brace, bracket, heredoc, string or comment open. When a call fails, the files its
 * blocks came from are parsed whole, and only their errors count.
 *
 * The checker keeps little: the names of the files, the digests of the blocks met recently
 * (bounded, see REMEMBERED_BLOCKS) with the call each went in, and for each call not yet known to pass the
 * files whose blocks it holds. A file is asked for again (`finish`'s `textOf`) only when one
 * of its calls fails.
 */
export class HclChecker {
  private readonly starting: Promise<ParserWorker[]>;
  private workers: ParserWorker[] | undefined;
  /** Each file added since the last finish, by number. */
  private files: string[] = [];
  /**
   * Blocks met, by digest, with the call each went in: the recent ones, and the ones before
   * them. A block met again moves to the recent ones; when those reach REMEMBERED_BLOCKS the
   * older are forgotten.
   */
  private seen = new Map<string, number>();
  private seenBefore = new Map<string, number>();
  /**
   * For each call: its verdict (whether it failed), and the files with blocks in it until it
   * is known to have passed (then a file sharing a block with it needs nothing more).
   */
  private calls: Array<{ failed: Promise<boolean>; files: Set<number> | undefined }> = [];
  private chunk: string[] = [];
  private chunkChars = 0;
  private chunkFiles = new Set<number>();
  private waiting: Array<() => void> = [];
  private closing: Promise<void> | undefined;

  /**
   * `count` parsers; by default one per core but the one the caller makes files on. With
   * `warmUp`, each parser parses a sample (see warm-up.ts) until the first files come: for a
   * caller that makes the checker well before its files (the export, before reading a space).
   */
  constructor(count = workerCount(Number.POSITIVE_INFINITY, 1), options: { warmUp?: boolean } = {}) {
    const warmUp = options.warmUp ? WARM_UP_PARSES : 0;
    this.starting = parserModule().then(({ module, dir }) => {
      this.workers = Array.from(
        { length: count },
        () => new ParserWorker(module, dir, warmUp, () => this.wake()),
      );
      // A caller may be waiting in `ready` from before the workers were there.
      this.wake();
      return this.workers;
    });
    this.starting.catch(() => undefined);
  }

  /** Adds a file to check; its new blocks go to the parser as soon as a chunk is full. */
  add(file: string, text: string): void {
    const n = this.files.push(file) - 1;
    for (const block of topLevelBlocks(text)) {
      const digest = hash("sha256", block, "base64");
      const call = this.callOf(digest);
      if (call !== undefined) {
        (call < this.calls.length ? this.calls[call]!.files : this.chunkFiles)?.add(n);
        continue;
      }
      if (this.chunk.length && this.chunkChars + block.length > BATCH_CHARS) this.flush();
      this.remember(digest, this.calls.length);
      this.chunk.push(block);
      this.chunkChars += block.length;
      this.chunkFiles.add(n);
    }
  }

  /**
   * Resolves when the parsers have caught up enough for more to be added: a caller that waits
   * for it between files holds only a few calls' text in the parsers' queues.
   */
  ready(): Promise<void> {
    if (this.caughtUp()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /**
   * Waits for every file added since the last finish; rejects with the HclParseError of the
   * first file (by path) that does not parse, in the parser's words. `textOf` gives a file's
   * text again when it must be parsed whole.
   */
  async finish(textOf: TextOf): Promise<void> {
    this.flush();
    const { files, calls } = this;
    this.files = [];
    this.seen = new Map();
    this.seenBefore = new Map();
    this.calls = [];
    await this.starting;
    const verdicts = await Promise.all(calls.map((c) => c.failed));
    const suspects = new Set<number>();
    calls.forEach((c, i) => {
      if (verdicts[i]) for (const n of c.files ?? []) suspects.add(n);
    });
    if (!suspects.size) return;
    const whole = await Promise.all(
      [...suspects].map(async (n) => ({ file: files[n]!, text: await textOf(files[n]!) })),
    );
    const errors = (await Promise.all(batches(whole).map((b) => this.parse(b)))).flat();
    if (!errors.length) return;
    throw errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))[0]!.error;
  }

  /** Checks these files (see add and finish). */
  check(files: Iterable<readonly [string, string]>): Promise<void> {
    const texts = new Map<string, string>();
    for (const [file, text] of files) {
      texts.set(file, text);
      this.add(file, text);
    }
    return this.finish((file) => texts.get(file)!);
  }

  /** The call a block already met went in (or goes in: the chunk being filled), if remembered. */
  private callOf(digest: string): number | undefined {
    const recent = this.seen.get(digest);
    if (recent !== undefined) return recent;
    const older = this.seenBefore.get(digest);
    if (older !== undefined) this.remember(digest, older);
    return older;
  }

  private remember(digest: string, call: number): void {
    this.seen.set(digest, call);
    if (this.seen.size >= REMEMBERED_BLOCKS) {
      this.seenBefore = this.seen;
      this.seen = new Map();
    }
  }

  private flush(): void {
    if (!this.chunk.length) return;
    const blocks = this.chunk;
    const parts = blocks.map((block, i) => `${MARKER}${i} = ${i}\n${block}\n\n`);
    const text = `${parts.join("")}${MARKER}${blocks.length} = ${blocks.length}\n`;
    const chunk: Text = { file: `octoport-check-${this.calls.length}.tf`, text, markers: blocks.length };
    const entry: (typeof this.calls)[number] = { failed: Promise.resolve(false), files: this.chunkFiles };
    // Posted now when the workers are there (so also in the middle of synchronous work).
    entry.failed = this.parse([chunk]).then((f) => {
      if (!f.length) entry.files = undefined;
      return f.length > 0;
    });
    // Reported by finish; a check given up on (the export failed first) must not crash the process.
    entry.failed.catch(() => undefined);
    this.calls.push(entry);
    this.chunk = [];
    this.chunkChars = 0;
    this.chunkFiles = new Set();
  }

  /** Whether few enough characters wait in the parsers' queues (or a parser has failed). */
  private caughtUp(): boolean {
    const workers = this.workers;
    if (!workers) return false;
    const outstanding = workers.reduce((n, w) => n + w.outstanding, 0);
    return outstanding <= QUEUED_CALLS * BATCH_CHARS * workers.length || workers.some((w) => w.failed);
  }

  private wake(): void {
    if (!this.waiting.length || !this.caughtUp()) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  /** Parses texts on the least busy worker; returns those that fail. */
  private parse(texts: Text[]): Promise<Failure[]> {
    const workers = this.workers;
    if (!workers) return this.starting.then(() => this.parse(texts));
    const worker = workers.reduce((a, b) => (b.outstanding < a.outstanding ? b : a));
    // Only the names are kept while the parser works: the texts (the worker has its copy) can go.
    const files = texts.map((t) => t.file);
    return worker.parse(texts).then((errors) => {
      const failures: Failure[] = [];
      errors.forEach((error, i) => {
        if (error) failures.push({ file: files[i]!, error: parseFailure(files[i]!, error) });
      });
      return failures;
    });
  }

  /** Whether close was called: the parsers are stopped (or stopping), and no more can be checked. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Stops the parsers. Safe to call again. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const workers = await this.starting.catch(() => [] as ParserWorker[]);
      await Promise.all(workers.map((w) => w.close()));
      this.wake();
    })();
    return this.closing;
  }
}

/** Texts in batches of about BATCH_CHARS, largest first. */
function batches(texts: Text[]): Text[][] {
  texts.sort((a, b) => b.text.length - a.text.length || (a.file < b.file ? -1 : 1));
  const out: Text[][] = [];
  let batch: Text[] = [];
  let size = 0;
  for (const t of texts) {
    if (batch.length && size + t.text.length > BATCH_CHARS) {
      out.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(t);
    size += t.text.length;
  }
  if (batch.length) out.push(batch);
  return out;
}

/**
 * How many parser workers a check of `bytes` of HCL uses: one per core (but `reserve` cores
 * left to the caller, which makes the files while they are checked), at least one, fewer for
 * little text. On two cores a second parser beside a busy caller was no faster (the L bench
 * export: 40.5 s with two, 42.3 s with one) and took 20 MB more.
 */
export function workerCount(bytes: number, reserve = 0): number {
  const cores = Math.max(1, availableParallelism() - reserve);
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
