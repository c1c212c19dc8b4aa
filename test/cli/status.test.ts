import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { cli } from "../helpers/cli.js";
import { exampleSpace } from "../helpers/examples.js";

let sandbox: Sandbox;
let exported: string;
let work: string;
beforeAll(async () => {
  sandbox = await new Sandbox({ seed: exampleSpace() }).start();
  work = await mkdtemp(join(tmpdir(), "octoport-status-"));
  exported = join(work, "out");
  const conn = ["--server", sandbox.url, "--api-key", sandbox.apiKey, "--space", "Acme Retail"];
  expect((await cli(["export", ...conn, "--dest", exported])).code).toBe(0);
});
afterAll(() => sandbox.close());

async function destinations(entries: unknown[]): Promise<string> {
  const file = join(work, `d-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(entries));
  return file;
}

/** The bad-input paths; planning against two destinations is in test/conformance/bootstrap-fleet.test.ts. */
describe("octoport status, bad input", () => {
  it("two destinations without {destination} in a backend value: a usage error, before anything runs", async () => {
    const file = await destinations([
      { name: "eu", server: sandbox.url, space: "Acme Retail" },
      { name: "us", server: sandbox.url, space: "Acme Retail" },
    ]);
    const result = await cli(["status", exported, "--destinations", file, "--tf-bin", "/bin/true"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("each destination needs its own state");
  });

  it("a destination without a key and one without the space: both failing, one table, exit 1", async () => {
    const file = await destinations([
      { name: "eu", server: sandbox.url, space: "Acme Retail", apiKeyEnv: "OCTOPORT_TEST_NO_SUCH_KEY" },
      { name: "us", server: sandbox.url, space: "No Such Space", apiKeyEnv: "OCTOPORT_TEST_STATUS_KEY" },
    ]);
    process.env.OCTOPORT_TEST_STATUS_KEY = sandbox.apiKey;
    try {
      const args = [
        "status",
        exported,
        "--destinations",
        file,
        "--tf-bin",
        "/bin/true",
        "--backend-config",
        "path=/tmp/{destination}/{module}.tfstate",
      ];
      const table = await cli(args);
      expect(table.code).toBe(1);
      expect(table.stdout).toMatch(
        /^eu\s+space\s+failing\s+no API key: set the environment variable OCTOPORT_TEST_NO_SUCH_KEY$/m,
      );
      expect(table.stdout).toMatch(/^us\s+space\s+failing\s+.*No Such Space/m);
      expect(table.stdout).toContain("2 destinations: 0 in sync, 0 drifted, 10 failing, 0 waiting");
      expect(table.stderr).toContain("not in sync: eu, us");
      expect(`${table.stdout}${table.stderr}`).not.toContain(sandbox.apiKey);

      const json = await cli([...args, "--json"]);
      expect(json.code).toBe(1);
      const status = JSON.parse(json.stdout);
      expect(status.inSync).toBe(false);
      expect(status.destinations.map((d: { name: string; error: string }) => d.name)).toEqual(["eu", "us"]);
      expect(status.destinations[0].modules.every((m: { status: string }) => m.status === "failing")).toBe(
        true,
      );
    } finally {
      delete process.env.OCTOPORT_TEST_STATUS_KEY;
    }
  });

  it("a destinations file with a key in it is refused", async () => {
    const file = await destinations([
      { name: "eu", server: sandbox.url, space: "Acme Retail", apiKey: "API-SHOULDNOTBEHERE" },
    ]);
    const result = await cli(["status", exported, "--destinations", file, "--tf-bin", "/bin/true"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown field "apiKey"');
    expect(result.stderr).not.toContain("API-SHOULDNOTBEHERE");
  });

  it("--help says what the exit code means", async () => {
    const result = await cli(["status", "--help"]);
    expect(result.stdout.replace(/\s+/g, " ")).toContain(
      "Exit code: 0 when every module of every destination is in sync",
    );
  });
});
