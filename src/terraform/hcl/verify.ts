import { Worker } from "node:worker_threads";
import { parseFailure } from "./errors.js";
import type { VerifyAnswer, VerifyRequest } from "./verify-worker.js";

/**
 * `export --verify`: every HCL file parsed whole by the real parser (HashiCorp's, as
 * WebAssembly) on one worker thread (verify-worker.ts), before anything is committed. The
 * printer is property-tested against the same parser and against `tofu fmt`
 * (test/terraform/hcl.test.ts, test/conformance/hcl-fmt.test.ts), so a failure here is a bug
 * in octoport; the export does not parse its files unless asked.
 */

/** Files posted to the worker and not yet answered: enough to keep it busy, few to hold. */
const IN_FLIGHT = 4;

/**
 * The worker's module: from the bundle (dist/octoport.mjs), dist/verify-worker.mjs beside it
 * (scripts/build.mjs builds both); from the source, verify-worker.ts through tsx.
 */
function workerModule(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith(".ts") ? "./verify-worker-dev.mjs" : "./verify-worker.mjs", here);
}

/**
 * Parses each file, whole, in the order given; `textOf` gives its text when its turn comes.
 * Rejects with the HclParseError (one line: the file and the parser's message) of the first
 * file that does not parse. When `stopped` says so (an interrupt), it ends early, without a verdict.
 */
export async function verifyHcl(
  files: Iterable<string>,
  textOf: (file: string) => string,
  stopped: () => boolean = () => false,
): Promise<void> {
  const pending = files[Symbol.iterator]();
  // The parser needs none of the process's Node options (--import, --input-type=module ...).
  const worker = new Worker(workerModule(), { execArgv: [] });
  try {
    await new Promise<void>((resolve, reject) => {
      let posted = 0;
      let answered = 0;
      let sent = false;
      const post = () => {
        while (!sent && posted - answered < IN_FLIGHT) {
          const step = stopped() ? { done: true as const } : pending.next();
          if (step.done) {
            sent = true;
            break;
          }
          worker.postMessage({ file: step.value, text: textOf(step.value) } satisfies VerifyRequest);
          posted++;
        }
        if (sent && answered === posted) resolve();
      };
      worker.on("message", (answer: VerifyAnswer) => {
        answered++;
        if (answer.error !== null) reject(parseFailure(answer.file, answer.error));
        else post();
      });
      worker.on("error", (err) => reject(new Error(`the HCL parser failed: ${err.message}`)));
      worker.on("exit", (code) => reject(new Error(`the HCL parser stopped (exit code ${code})`)));
      try {
        post();
      } catch (err) {
        reject(err);
      }
    });
  } finally {
    await worker.terminate();
  }
}
