import { setV8Flags } from "../util/v8-flags.js";

// Set before anything else is loaded (the CLI's modules are imported below, once they hold).
setV8Flags(
  // V8 lets its heap grow to several times what is live before it collects; an export holds
  // the space and little else, and its garbage is short-lived. Growing by at most a fifth each
  // time took the peak memory of the L bench export from 538 MB to 411 MB, for 4% more time.
  "--heap-growing-percent=20",
  // Keep the young generation at its first size (1 MB a half) instead of letting it grow to
  // 16 MB a half: what an export makes is garbage within a module or kept to the end. The L
  // bench export peaked some 30 MB lower, in the same time.
  "--semi-space-growth-factor=1",
  // The HCL check's parser is a 6 MB WebAssembly module whose hot functions V8 recompiles on
  // background threads; each such thread kept its own C heap of some 15 MB after compiling.
  // One compilation thread is enough beside the export on two cores.
  "--wasm-num-compilation-tasks=1",
);

const { run } = await import("./main.js");
process.exitCode = await run(process.argv.slice(2));
