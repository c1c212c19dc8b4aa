// Starts verify-worker.ts when octoport runs from its source (tsx, vitest). Node 20 loads no
// TypeScript by itself, and a worker thread does not inherit tsx from the process (nor take it
// from --import in the worker's execArgv), so tsx's loader is registered in this thread first.
// The bundle runs dist/verify-worker.mjs instead (scripts/build.mjs); tsx is a development
// dependency.
const { register } = await import("tsx/esm/api");
register();
await import("./verify-worker.ts");
