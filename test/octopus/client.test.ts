import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OctopusApiError, OctopusClient } from "../../src/octopus/client.js";
import type { Sandbox } from "../../src/sandbox/server.js";
import { OctoportError } from "../../src/util/errors.js";
import { clientFor, startSandbox } from "../helpers/sandbox.js";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
  for (let i = 1; i <= 95; i++) {
    sandbox.engine.create("Environments", "Spaces-1", { Name: `Env ${String(i).padStart(3, "0")}` });
  }
});
afterAll(() => sandbox.close());
afterEach(() => {
  sandbox.faults.options = {};
  sandbox.resetCounters();
});

describe("paging", () => {
  it("reads every page of a collection, one request per page", async () => {
    const client = clientFor(sandbox, { pageSize: 10 });
    const items = await client.list("/api/Spaces-1/environments");
    expect(items).toHaveLength(95);
    expect(new Set(items.map((e) => e.Id)).size).toBe(95);
    expect(items.map((e) => e.Name)).toContain("Env 095");
    expect(sandbox.counters.get("GET /api/{id}/environments")).toBe(10);
  });

  it("asks for big pages by default, so a small collection is one request", async () => {
    const client = clientFor(sandbox);
    expect(await client.list("/api/Spaces-1/environments")).toHaveLength(95);
    expect(sandbox.counters.get("GET /api/{id}/environments")).toBe(1);
  });

  it("keeps going when the server caps the page size below what was asked", async () => {
    // The sandbox answers take=30 when asked for take=0 or garbage; here the client asks 1000
    // of a server that only gives 7 per page.
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      const skip = Number(url.searchParams.get("skip") ?? 0);
      const all = Array.from({ length: 20 }, (_, i) => ({ Id: `Things-${i + 1}`, Name: `T${i + 1}` }));
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ Items: all.slice(skip, skip + 7), TotalResults: 20, ItemsPerPage: 7 }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const client = new OctopusClient({
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        apiKey: "API-X",
      });
      const items = await client.list("/api/things");
      expect(items.map((i) => i.Id)).toEqual(Array.from({ length: 20 }, (_, i) => `Things-${i + 1}`));
    } finally {
      server.close();
    }
  });
});

describe("response bodies", () => {
  /** A server that answers each request with `body` (JSON text), in pieces of `size` bytes. */
  async function chunkedServer(
    body: string,
    size: number,
    cut: { times: number },
  ): Promise<{ url: string; close: () => void }> {
    const server = http.createServer((_req, res) => {
      const bytes = Buffer.from(body, "utf8");
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": bytes.length });
      let at = 0;
      const next = () => {
        if (at >= bytes.length) return res.end();
        // Cut the connection half way through the body, as many times as asked.
        if (cut.times > 0 && at >= bytes.length / 2) {
          cut.times--;
          res.socket?.destroy();
          return;
        }
        res.write(bytes.subarray(at, at + size));
        at += size;
        setImmediate(next);
      };
      next();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
  }

  it("reads a body that arrives in pieces, however the pieces split its characters", async () => {
    // Three- and four-byte characters, sent 5 bytes at a time: most are split between pieces.
    const name = "Zürich – 東京 🚀 ".repeat(200);
    const { url, close } = await chunkedServer(JSON.stringify({ Id: "Things-1", Name: name }), 5, {
      times: 0,
    });
    try {
      const client = new OctopusClient({ server: url, apiKey: "API-X" });
      expect(await client.get<{ Name: string }>("/api/things/Things-1")).toEqual({
        Id: "Things-1",
        Name: name,
      });
    } finally {
      close();
    }
  });

  it("retries a connection cut in the middle of a body", async () => {
    const cut = { times: 1 };
    const body = JSON.stringify({ Id: "Things-1", Name: "x".repeat(50_000) });
    const { url, close } = await chunkedServer(body, 4096, cut);
    try {
      const retries: string[] = [];
      const client = new OctopusClient({
        server: url,
        apiKey: "API-X",
        retry: { baseDelayMs: 1, maxDelayMs: 2 },
        onRetry: (r) => retries.push(r.reason),
      });
      expect(await client.get("/api/things/Things-1")).toEqual(JSON.parse(body));
      expect(cut.times).toBe(0);
      expect(retries).toHaveLength(1);
    } finally {
      close();
    }
  });
});

describe("retries", () => {
  it.each([503, 502, 504, 408])("retries HTTP %i and succeeds", async (status) => {
    sandbox.faults.enqueue({ kind: "status", status }, { kind: "status", status });
    const retries: string[] = [];
    const client = clientFor(sandbox, { onRetry: (r) => retries.push(r.reason) });
    const env = await client.get<{ Name: string }>("/api/Spaces-1/environments/Environments-1");
    expect(env.Name).toBe("Env 001");
    expect(retries).toEqual([`HTTP ${status}`, `HTTP ${status}`]);
  });

  it("retries a connection reset", async () => {
    sandbox.faults.enqueue({ kind: "reset" });
    const retries: string[] = [];
    const client = clientFor(sandbox, { onRetry: (r) => retries.push(r.reason) });
    expect((await client.get<{ Id: string }>("/api/Spaces-1/environments/Environments-2")).Id).toBe(
      "Environments-2",
    );
    expect(retries).toEqual(["ECONNRESET"]);
  });

  it("retries a timeout", async () => {
    sandbox.faults.options = { latencyMs: 0 };
    const slow = http.createServer((_req, res) => {
      setTimeout(() => res.end("{}"), 400);
    });
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", () => r()));
    try {
      const retries: string[] = [];
      const client = new OctopusClient({
        server: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`,
        apiKey: "API-X",
        timeoutMs: 50,
        retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 },
        onRetry: (r) => retries.push(r.reason),
      });
      await expect(client.get("/api")).rejects.toThrow(
        /accepted GET \/api but did not answer within 50 ms \(2 attempts\); check the server, or give it longer with --request-timeout/,
      );
      expect(retries).toEqual(["no answer in 50 ms"]);
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  it("honours Retry-After on 429", async () => {
    sandbox.faults.enqueue({ kind: "throttle", retryAfterSeconds: 1 });
    const delays: number[] = [];
    const client = clientFor(sandbox, { onRetry: (r) => delays.push(r.delayMs) });
    await client.get("/api/Spaces-1/environments/Environments-3");
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
  });

  it("throttling waits as asked and uses none of the failure budget, within its own deadline", async () => {
    sandbox.faults.enqueue(
      ...Array.from({ length: 8 }, () => ({ kind: "throttle" as const, retryAfterSeconds: 0 })),
    );
    const kinds: string[] = [];
    const client = clientFor(sandbox, {
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
      onRetry: (r) => kinds.push(r.kind),
    });
    await client.get("/api/Spaces-1/environments/Environments-3");
    expect(kinds).toEqual(Array.from({ length: 8 }, () => "throttled"));
    expect(client.stats).toMatchObject({ throttled: 8, retries: 0 });

    sandbox.faults.enqueue({ kind: "throttle", retryAfterSeconds: 5 });
    const impatient = clientFor(sandbox, { retry: { throttleDeadlineMs: 1000 } });
    await expect(impatient.get("/api/Spaces-1/environments/Environments-3")).rejects.toThrow(
      /the server kept throttling GET .* \(HTTP 429\) for 0 s/,
    );
  });

  it("a server that accepts and never answers is tried once more, then one line", async () => {
    sandbox.faults.enqueue({ kind: "hang" });
    const kinds: string[] = [];
    const client = clientFor(sandbox, { timeoutMs: 300, onRetry: (r) => kinds.push(r.kind) });
    expect((await client.get<{ Id: string }>("/api/Spaces-1/environments/Environments-3")).Id).toBe(
      "Environments-3",
    );
    expect(kinds).toEqual(["timeout"]);
    sandbox.faults.enqueue({ kind: "hang" }, { kind: "hang" });
    await expect(client.get("/api/Spaces-1/environments/Environments-3")).rejects.toThrow(
      /accepted GET \/api\/Spaces-1\/environments\/Environments-3 but did not answer within 300 ms \(2 attempts\)/,
    );
  });

  it("a GET's 500 is retried; a write's is not (it may have been applied)", async () => {
    const client = clientFor(sandbox);
    sandbox.faults.enqueue({ kind: "status", status: 500 });
    expect((await client.get<{ Id: string }>("/api/Spaces-1/environments/Environments-3")).Id).toBe(
      "Environments-3",
    );
    expect(client.stats.retries).toBe(1);
    sandbox.faults.enqueue({ kind: "status", status: 500 });
    await expect(client.post("/api/Spaces-1/environments", { Name: "Never" })).rejects.toThrow(/HTTP 500/);
    expect(client.stats.retries).toBe(1);
  });

  it("completes a whole listing through random 5xx, resets and throttling", async () => {
    sandbox.faults.options = { failRate: 0.3, faultSeed: 7 };
    const client = clientFor(sandbox, {
      pageSize: 5,
      retry: { maxRetries: 10, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const items = await client.list("/api/Spaces-1/environments");
    expect(items).toHaveLength(95);
    expect(client.stats.retries).toBeGreaterThan(0);
  });

  it("does not retry other 4xx", async () => {
    const client = clientFor(sandbox);
    await expect(client.get("/api/Spaces-1/environments/Environments-999")).rejects.toThrow(OctopusApiError);
    expect(client.stats.requests).toBe(1);
    expect(client.stats.retries).toBe(0);
  });

  it("gives up after the retry budget with a one-line error", async () => {
    sandbox.faults.options = { failRate: 1 };
    const client = clientFor(sandbox, { retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    const err = await client.get("/api/Spaces-1/environments").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OctoportError);
    expect((err as Error).message).toMatch(/after 4 attempts|failed/);
    expect((err as Error).message).not.toContain("\n");
    expect(client.stats.requests).toBe(4);
  });
});

describe("errors a user can act on", () => {
  it("401 names the key option and never prints the key", async () => {
    const client = new OctopusClient({ server: sandbox.url, apiKey: "API-WRONGWRONGWRONGWRONG1" });
    const err = (await client.get("/api").catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/authentication failed .*HTTP 401.*--api-key/);
    expect(err.message).not.toContain("WRONGWRONG");
  });

  it.each([
    [
      403,
      /^permission denied for GET \/api\/things \(HTTP 403\): You do not have permission; use an API key whose user has permission for this space$/,
    ],
    [404, /^not found: GET \/api\/things \(HTTP 404\): You do not have permission$/],
    [400, /^the server rejected GET \/api\/things \(HTTP 400\): You do not have permission; second reason$/],
  ])("HTTP %i is one line with what the server said", async (status, message) => {
    const server = http.createServer((_q, res) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          ErrorMessage: "You do not have permission",
          Errors: ["You do not have permission", "second reason"],
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const client = new OctopusClient({
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        apiKey: "API-X1234",
      });
      const err = (await client.get("/api/things").catch((e: unknown) => e)) as OctopusApiError;
      expect(err).toBeInstanceOf(OctopusApiError);
      expect(err.status).toBe(status);
      if (status !== 400) expect(err.message.replace("; second reason", "")).toMatch(message);
      else expect(err.message).toMatch(message);
      expect(client.stats.requests).toBe(1);
    } finally {
      server.close();
    }
  });

  it("an unknown space lists the spaces there", async () => {
    const err = (await clientFor(sandbox)
      .resolveSpace("Nope")
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(
      `unknown space "Nope" on ${sandbox.url}; spaces there: Default; check --space or OCTOPUS_SPACE`,
    );
    const byId = (await clientFor(sandbox)
      .resolveSpace("Spaces-42")
      .catch((e: unknown) => e)) as Error;
    expect(byId.message).toMatch(/unknown space "Spaces-42"/);
  });

  it("resolves a space by name, case-insensitively, or by ID", async () => {
    const client = clientFor(sandbox);
    expect((await client.resolveSpace("default")).Id).toBe("Spaces-1");
    expect((await client.resolveSpace("Spaces-1")).Name).toBe("Default");
  });

  it("a server that is down is one line naming the URL", async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const client = new OctopusClient({ server: `http://127.0.0.1:${port}`, apiKey: "API-X" });
    await expect(client.get("/api")).rejects.toThrow(
      `cannot reach Octopus Server at http://127.0.0.1:${port} (ECONNREFUSED); check --server or OCTOPUS_URL and that the server is running`,
    );
  });

  it("garbage instead of JSON says the server is not an Octopus API", async () => {
    sandbox.faults.enqueue({ kind: "garbage" });
    await expect(clientFor(sandbox).get("/api")).rejects.toThrow(
      /not JSON .*text\/html.*--server points at an Octopus Server/,
    );
  });

  it("a response of the wrong shape is reported, not crashed on", async () => {
    await expect(clientFor(sandbox).list("/api/Spaces-1/environments/Environments-1")).rejects.toThrow(
      /unexpected shape \(Items: /,
    );
  });

  it("an invalid server URL is a usage error", () => {
    expect(() => new OctopusClient({ server: "octopus.example.com", apiKey: "API-X" })).toThrow(
      /invalid server URL/,
    );
    expect(() => new OctopusClient({ server: "http://x", apiKey: "" })).toThrow(/no credentials/);
  });

  it("a bearer token works where an API key would", async () => {
    const client = new OctopusClient({ server: sandbox.url, accessToken: sandbox.apiKey });
    expect((await client.root()).Version).toMatch(/^\d{4}\./);
  });

  describe("TLS", () => {
    let server: https.Server;
    let url: string;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), "octoport-tls-"));
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-subj",
          "/CN=localhost",
          "-days",
          "1",
          "-keyout",
          join(dir, "key.pem"),
          "-out",
          join(dir, "cert.pem"),
        ],
        { stdio: "ignore" },
      );
      server = https.createServer(
        { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
        (_q, s) => {
          s.writeHead(200, { "Content-Type": "application/json" });
          s.end(JSON.stringify({ Version: "2025.1.1", Links: {} }));
        },
      );
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => server.close());

    it("a self-signed certificate fails with a hint about --insecure-tls", async () => {
      await expect(new OctopusClient({ server: url, apiKey: "API-X" }).get("/api")).rejects.toThrow(
        /TLS verification failed .*DEPTH_ZERO_SELF_SIGNED_CERT.*--insecure-tls/,
      );
    });

    it("--insecure-tls accepts it", async () => {
      const root = await new OctopusClient({ server: url, apiKey: "API-X", insecureTls: true }).root();
      expect(root.Version).toBe("2025.1.1");
    });
  });
});
