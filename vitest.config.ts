import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/conformance/**", "test/faults/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Import journals of CLI tests go here, not to the user's state directory.
    env: { OCTOPORT_STATE_DIR: join(tmpdir(), `octoport-test-state-${process.pid}`) },
  },
});
