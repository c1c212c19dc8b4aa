/**
 * The worker thread of `export --verify` (see verify.ts). It runs HashiCorp's HCL parser, the
 * WebAssembly build that @cdktf/hcl2json ships, and answers each file posted to it, in the
 * order they come, with the parser's error, or null when the file parses.
 *
 * The package's own `parse` is not used: it polls for its parser with timers and answers each
 * call a timer tick late. Go's JavaScript support (the package's copy) registers the parser's
 * functions on a global object the package names; the JSON the parser returns is dropped.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parentPort } from "node:worker_threads";
import { gunzipSync } from "node:zlib";

/** A file to parse, posted by verify.ts. */
export interface VerifyRequest {
  file: string;
  text: string;
}

/** The parser's verdict on one file: its error, or null when it parses. */
export interface VerifyAnswer {
  file: string;
  error: string | null;
}

type Parse = (file: string, text: string, done: (err: unknown) => void) => void;
interface GoRuntime {
  importObject: WebAssembly.Imports;
  run(instance: WebAssembly.Instance): Promise<void>;
}

const port = parentPort;
if (!port) throw new Error("verify-worker.ts runs as a worker thread (see verify.ts)");

const queue: VerifyRequest[] = [];
let parse: Parse | undefined;
let busy = false;

function next(): void {
  if (!parse || busy) return;
  const request = queue.shift();
  if (!request) return;
  busy = true;
  parse(request.file, request.text, (err) => {
    busy = false;
    port!.postMessage({ file: request.file, error: err ? String(err) : null } satisfies VerifyAnswer);
    next();
  });
}

// Files may come while the parser starts; they wait in the queue.
port.on("message", (request: VerifyRequest) => {
  queue.push(request);
  next();
});

const load = createRequire(import.meta.url);
const dir = dirname(load.resolve("@cdktf/hcl2json/package.json"));
// Defines globalThis.Go.
load(join(dir, "wasm", "bridge_wasm_exec.js"));
const root: { parse?: Parse } = {};
const global = globalThis as unknown as { Go: new () => GoRuntime; __parse_terraform_config_wasm__: unknown };
global.__parse_terraform_config_wasm__ = root;
const go = new global.Go();
const { instance } = await WebAssembly.instantiate(
  gunzipSync(readFileSync(join(dir, "main.wasm.gz"))),
  go.importObject,
);
void go.run(instance);
if (typeof root.parse !== "function") throw new Error("the HCL parser did not start");
parse = root.parse;
next();
