/**
 * Builds the CLI into dist/octoport.mjs (with its source map), from src/ and the dependencies,
 * and beside it dist/verify-worker.mjs, the worker thread `export --verify` parses on (see
 * src/terraform/hcl/verify.ts). Node loads an unbundled CLI as some 450 files, which took a
 * third of a second on every run; the bundle starts in a little over half the time. Type
 * checking is `npm run lint`.
 *
 * Left outside: tedious (the SQL Server client, loaded only by `snapshot export --source-db`),
 * and @cdktf/hcl2json's WebAssembly parser and Go support, which the worker reads from the
 * package at run time.
 */
import { build } from "esbuild";

await build({
  entryPoints: {
    octoport: "src/cli/bin.ts",
    "verify-worker": "src/terraform/hcl/verify-worker.ts",
  },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  external: ["tedious"],
  // Bundled CommonJS modules call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __octoportCreateRequire } from 'node:module'; const require = __octoportCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
