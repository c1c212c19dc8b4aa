/**
 * `npm run demo`: serves the example space from the embedded sandbox and exports it to
 * ./out with octoport, so a new user sees the main job work with nothing else installed.
 */
import { run } from "../src/cli/main.js";
import { readSeedFile } from "../src/sandbox/seed.js";
import { Sandbox } from "../src/sandbox/server.js";

const seedPath = new URL("../examples/spaces/acme.json", import.meta.url).pathname;
const sandbox = await new Sandbox({ seed: await readSeedFile(seedPath) }).start();
process.stderr.write(`Sandbox serving examples/spaces/acme.json at ${sandbox.url}\n\n`);
try {
  process.exitCode = await run([
    "export",
    "--server",
    sandbox.url,
    "--api-key",
    sandbox.apiKey,
    "--space",
    "Acme Retail",
    "--dest",
    "out",
  ]);
  if (process.exitCode === 0) {
    process.stdout.write(
      "\nNext: read out/README.md, then apply with OpenTofu or Terraform (see README.md, 'octoport export').\n",
    );
  }
} finally {
  await sandbox.close();
}
