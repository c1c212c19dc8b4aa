import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { cli } from "../helpers/cli.js";
import { exampleSpace } from "../helpers/examples.js";

let sandbox: Sandbox;
let exported: string;
beforeAll(async () => {
  sandbox = await new Sandbox({ seed: exampleSpace() }).start();
  exported = join(await mkdtemp(join(tmpdir(), "octoport-run-")), "out");
  const result = await cli(["export", ...conn(), "--dest", exported]);
  expect(result.code).toBe(0);
});
afterAll(() => sandbox.close());

const conn = () => ["--server", sandbox.url, "--api-key", sandbox.apiKey, "--space", "Acme Retail"];

/** The bad-input paths; applying with the real OpenTofu is in test/conformance/workflows.test.ts. */
describe.each(["plan", "apply"])("octoport %s, bad input", (mode) => {
  it("a directory that is not an export: one line, exit 1, nothing written", async () => {
    const empty = await mkdtemp(join(tmpdir(), "octoport-run-empty-"));
    const result = await cli([mode, empty, ...conn(), "--tf-bin", "/bin/true"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `octoport: error: ${empty} is not an octoport export (no manifest.json); run octoport export --dest ${empty} first\n`,
    );
    expect(await readdir(empty)).toEqual([]);
  });

  it("a tofu that is missing: one line, exit 1", async () => {
    const given = await cli([mode, exported, ...conn(), "--tf-bin", "/nonexistent/tofu"]);
    expect(given.code).toBe(1);
    expect(given.stderr).toBe(
      "octoport: error: --tf-bin /nonexistent/tofu is not an executable file; install OpenTofu or Terraform, or pass its path\n",
    );
    const path = process.env.PATH;
    const bare = await mkdtemp(join(tmpdir(), "octoport-path-"));
    process.env.PATH = bare;
    try {
      const none = await cli([mode, exported, ...conn()]);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(
        /^octoport: error: neither tofu nor terraform is on PATH; .*--tf-bin PATH\n$/,
      );
    } finally {
      process.env.PATH = path;
    }
  });

  it("a module that is not in the export names the ones that are", async () => {
    const result = await cli([
      mode,
      exported,
      ...conn(),
      "--tf-bin",
      "/bin/true",
      "--module",
      "projects/nope",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "projects/nope is not a module of this export; its modules are space, projects/orders-api, projects/payments-service, projects/storefront",
    );
  });

  it("a bad --parallelism or --backend-config is a usage error", async () => {
    const zero = await cli([mode, exported, ...conn(), "--parallelism", "0"]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("--parallelism must be a whole number of at least 1");
    const config = await cli([mode, exported, ...conn(), "--backend-config", "nokey"]);
    expect(config.code).toBe(2);
  });

  it("a wrong destination key fails before tofu runs", async () => {
    const result = await cli([
      mode,
      exported,
      "--server",
      sandbox.url,
      "--api-key",
      "API-WRONGWRONGWRONGWRONG00",
      "--space",
      "Acme Retail",
      "--tf-bin",
      "/bin/true",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n")).toHaveLength(2);
    expect(result.stderr).not.toContain("WRONGWRONG");
    expect(await readdir(exported)).not.toContain(".octoport");
  });

  it("--help explains the command with examples", async () => {
    const help = await cli([mode, "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--var-file");
    expect(help.stdout).toContain("--backend-config");
    expect(help.stdout).toContain("Examples:");
  });
});
