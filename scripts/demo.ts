/**
 * `npm run demo`: serves the example space from the embedded sandbox and exports it to
 * ./out with octoport, so a new user sees the main job work with nothing else installed.
 *
 * The sandbox listens on a fixed port with a fixed API key: the manifest and README name the
 * server they came from, so a random port made every run rewrite them; and README.md's
 * examples run against the same sandbox (`octoport sandbox` with this port and key).
 */
import { run } from "../src/cli/main.js";
import { readSeedFile } from "../src/sandbox/seed.js";
import { Sandbox } from "../src/sandbox/server.js";

const PORT = 8065;
const API_KEY = "API-DEMOSOURCE";

const seedPath = new URL("../examples/spaces/acme.json", import.meta.url).pathname;
const sandbox = new Sandbox({ seed: await readSeedFile(seedPath), port: PORT, apiKey: API_KEY });
try {
  await sandbox.start();
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  process.stderr.write(
    code === "EADDRINUSE"
      ? `demo: port ${PORT} is in use (a sandbox started from README.md?); stop what listens there and run again\n`
      : `demo: cannot listen on 127.0.0.1:${PORT}: ${(err as Error).message}\n`,
  );
  process.exit(1);
}
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
      "\nNext: read out/README.md. To try every command against this space, serve it as README.md shows:\n" +
        `  octoport sandbox --seed examples/spaces/acme.json --port ${PORT} --api-key ${API_KEY}\n`,
    );
  }
} finally {
  await sandbox.close();
}
