import { defineConfig } from "vitest/config";

// The fidelity gate: the real OpenTofu and Octopus provider against the sandbox.
export default defineConfig({
  test: {
    include: ["test/conformance/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    fileParallelism: false,
  },
});
