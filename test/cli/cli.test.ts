import { writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { cli, cliProcess } from "../helpers/cli.js";
import { exampleSpace } from "../helpers/examples.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await new Sandbox({ seed: exampleSpace(), apiKey: "API-CLITEST0000000000000001" }).start();
});
afterAll(() => sandbox.close());

const conn = () => ["--server", sandbox.url, "--api-key", sandbox.apiKey];

describe("help and usage", () => {
  it("--help lists every command", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/octoport inspect/);
    expect(r.stdout).toMatch(/octoport sandbox/);
    expect(r.stdout).toMatch(/OCTOPUS_URL/);
  });

  it.each(["inspect", "sandbox"])("%s --help explains itself with examples", async (command) => {
    const r = await cli([command, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
  });

  it("an unknown command or option is a usage error, exit 2", async () => {
    const unknown = await cli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown argument: frobnicate/);
    const option = await cli(["inspect", "--no-such-flag", ...conn()]);
    expect(option.code).toBe(2);
  });

  it("no command is a usage error", async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give a command/);
  });

  it("a bad --concurrency is a usage error", async () => {
    const r = await cli(["inspect", ...conn(), "--space", "Acme Retail", "--concurrency", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--concurrency must be a whole number/);
  });

  it("a bad --request-timeout or fault share is a usage error", async () => {
    const t = await cli(["inspect", ...conn(), "--space", "Acme Retail", "--request-timeout", "0"]);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/--request-timeout must be more than 0 seconds/);
    const share = await cli(["sandbox", "--error-rate", "1.5"]);
    expect(share.code).toBe(2);
    expect(share.stderr).toMatch(/--error-rate must be between 0 and 1/);
    const sum = await cli(["sandbox", "--error-rate", "0.6", "--throttle-rate", "0.6"]);
    expect(sum.code).toBe(2);
    expect(sum.stderr).toMatch(/add up to more than 1/);
  });
});

describe("inspect", () => {
  it("prints counts, classes and the project apply order", async () => {
    const r = await cli(["inspect", ...conn(), "--space", "Acme Retail"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Space-level resources:[\s\S]*environments\s+4/);
    expect(r.stdout).toMatch(/Project-level resources:[\s\S]*projects\s+3/);
    expect(r.stdout).toMatch(/level 0: Orders API, Payments Service\n\s+level 1: Storefront/);
  });

  it("--json prints the same report as JSON", async () => {
    const r = await cli(["inspect", ...conn(), "--space", "Spaces-1", "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.space).toEqual({ id: "Spaces-1", name: "Acme Retail" });
    expect(report.applyOrder).toEqual([["Orders API", "Payments Service"], ["Storefront"]]);
    expect(report.classes.project).toContain("DeploymentProcesses");
  });

  it("reads the connection from the environment", async () => {
    const r = await cliProcess(["inspect", "--json"], {
      OCTOPUS_URL: sandbox.url,
      OCTOPUS_API_KEY: sandbox.apiKey,
      OCTOPUS_SPACE: "Acme Retail",
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).space.name).toBe("Acme Retail");
  });
});

describe("bad input: one line, exit 1, no stack, no key", () => {
  const oneLine = (r: { stderr: string }) =>
    r.stderr
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("npm warn"));

  it("a wrong API key", async () => {
    const r = await cliProcess([
      "inspect",
      "--server",
      sandbox.url,
      "--api-key",
      "API-WRONGKEY12345678901234",
      "--space",
      "x",
    ]);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toEqual([
      `octoport: error: authentication failed at ${sandbox.url} (HTTP 401): the API key or token was not accepted; check --api-key or OCTOPUS_API_KEY`,
    ]);
    expect(r.stderr).not.toContain("WRONGKEY");
  });

  it("an unknown space", async () => {
    const r = await cli(["inspect", ...conn(), "--space", "Nowhere"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `octoport: error: unknown space "Nowhere" on ${sandbox.url}; spaces there: Acme Retail; check --space or OCTOPUS_SPACE\n`,
    );
  });

  it("a server that is down", async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const r = await cliProcess([
      "inspect",
      "--server",
      `http://127.0.0.1:${port}`,
      "--api-key",
      "API-X1234",
      "--space",
      "x",
    ]);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot reach Octopus Server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it("garbage JSON from the server", async () => {
    const junk = http.createServer((_q, s) => {
      s.writeHead(200, { "Content-Type": "application/json" });
      s.end("{not json");
    });
    await new Promise<void>((r) => junk.listen(0, "127.0.0.1", () => r()));
    try {
      const url = `http://127.0.0.1:${(junk.address() as AddressInfo).port}`;
      const r = await cli(["inspect", "--server", url, "--api-key", "API-X1234", "--space", "x"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^octoport: error: the server at .* answered GET \/api\/spaces.* with something that is not JSON/,
      );
      expect(r.stdout).toBe("");
    } finally {
      junk.close();
    }
  });

  it("--debug adds the stack", async () => {
    const r = await cli(["inspect", ...conn(), "--space", "Nowhere", "--debug"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown space[\s\S]*\n\s+at /);
  });

  it("no server at all is a usage error", async () => {
    const r = await cliProcess(["inspect", "--space", "x"], {
      OCTOPUS_URL: "",
      OCTOPUS_API_KEY: "API-X1234",
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no server given: pass --server URL or set OCTOPUS_URL/);
  });
});

describe("sandbox command", () => {
  it("a seed file that does not validate is one line and exit 1", async () => {
    const bad = join(tmpdir(), `octoport-bad-seed-${process.pid}.json`);
    writeFileSync(
      bad,
      JSON.stringify({ spaces: [{ Name: "X", Documents: { Environments: [{ Name: "no id" }] } }] }),
    );
    const r = await cliProcess(["sandbox", "--seed", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^octoport: error: seed file .* is invalid at spaces\[0\]\.Documents\.Environments\[0\]\.Id: /m,
    );
    expect(r.stdout).toBe("");
  });

  it("a seed file that is not JSON", async () => {
    const bad = join(tmpdir(), `octoport-bad-json-${process.pid}.json`);
    writeFileSync(bad, "{ nope");
    const r = await cliProcess(["sandbox", "--seed", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/seed file .* is not valid JSON/);
  });

  it("--empty-space with the name of a space it already has is a usage error", async () => {
    const r = await cli(["sandbox", "--seed", "examples/spaces/acme.json", "--empty-space", "acme retail"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--empty-space acme retail: the sandbox already has a space of that name");
  });

  it("serves on loopback, prints URL and key, stops on SIGTERM", async () => {
    const { spawn } = await import("node:child_process");
    const { ROOT } = await import("../helpers/examples.js");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/bin.ts",
        "sandbox",
        "--seed",
        "examples/spaces/acme.json",
        "--api-key",
        "API-SERVE000000000000000001",
        "--empty-space",
        "Acme Copy",
      ],
      { cwd: ROOT },
    );
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Ctrl\+C/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on("close", () => reject(new Error(out)));
    });
    expect(out).toContain("API key: API-SERVE000000000000000001");
    const denied = await fetch(`${url}/api/spaces`);
    expect(denied.status).toBe(401);
    const ok = await fetch(`${url}/api/spaces`, {
      headers: { "X-Octopus-ApiKey": "API-SERVE000000000000000001" },
    });
    const spaces = ((await ok.json()) as { Items: Array<{ Id: string; Name: string }> }).Items;
    expect(spaces.map((x) => x.Name).sort()).toEqual(["Acme Copy", "Acme Retail"]);
    const copyId = spaces.find((x) => x.Name === "Acme Copy")!.Id;
    const copy = await fetch(`${url}/api/${copyId}/projects`, {
      headers: { "X-Octopus-ApiKey": "API-SERVE000000000000000001" },
    });
    expect(((await copy.json()) as { Items: unknown[] }).Items).toEqual([]);
    const closed = new Promise<number | null>((r) => child.on("close", r));
    child.kill("SIGTERM");
    expect(await closed).toBe(0);
  });
});
