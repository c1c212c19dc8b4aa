import { setV8Flags } from "../util/v8-flags.js";

// Set before anything else is loaded (the CLI's modules are imported below, once they hold).
setV8Flags(
  // V8 lets its heap grow to several times what is live before it collects; an export holds
  // the space and little else, and its garbage is short-lived. Growing by at most a fifth each
  // time lowers the export's peak memory a good deal for a few percent more time.
  "--heap-growing-percent=20",
  // Keep the young generation at its first size (1 MB a half) instead of letting it grow to
  // 16 MB a half: what an export makes is garbage within a module or kept to the end.
  "--semi-space-growth-factor=1",
  // What each flag saved, measured on the bench: docs/benchmarks.md.
);

const { run } = await import("./main.js");
process.exitCode = await run(process.argv.slice(2));
