/**
 * `npm run demo`: serves the example space from the embedded sandbox and runs octoport's
 * main job against it, so a new user sees the tool work with nothing else installed.
 */

import { run } from "../src/cli/main.js";
import { readSeedFile } from "../src/sandbox/seed.js";
import { Sandbox } from "../src/sandbox/server.js";

const seedPath = new URL("../examples/spaces/acme.json", import.meta.url).pathname;
const sandbox = await new Sandbox({ seed: await readSeedFile(seedPath) }).start();
process.stderr.write(`Sandbox serving examples/spaces/acme.json at ${sandbox.url}\n\n`);
try {
  process.exitCode = await run([
    "inspect",
    "--server",
    sandbox.url,
    "--api-key",
    sandbox.apiKey,
    "--space",
    "Acme Retail",
  ]);
} finally {
  await sandbox.close();
}
