#!/usr/bin/env node
// The CLI, bundled into one file by `npm run build` (npm ci runs it through the prepare script).
// With --debug, stack traces name the source files and lines (the bundle's source map).
if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);
await import("../dist/octoport.mjs");
