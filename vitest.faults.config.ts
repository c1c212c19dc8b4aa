import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

/** npm run test:faults: kills, signals, injected faults and hostile inputs (docs/reliability.md). */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    // One file at a time: the suite spawns its own processes, and times nothing.
    fileParallelism: false,
    env: { OCTOPORT_STATE_DIR: join(tmpdir(), `octoport-faults-state-${process.pid}`) },
  },
});
