import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Engine, type ResourceDef } from "./engine.js";
import { ApiError, badRequest, notFound } from "./errors.js";
import { FaultInjector, type FaultOptions } from "./faults.js";
import { rootDocument, spaceRootDocument } from "./links.js";
import { MigrationService } from "./migrations.js";
import { page, renderDoc } from "./render.js";
import { RESOURCE_DEFS, ROUTES, SERVER_VERSION } from "./resources/index.js";
import { matchRoute, type RouteResult } from "./routes.js";
import type { Json, JsonObject } from "./secrets.js";
import { dumpState, loadSeed, type SeedFile } from "./seed.js";
import { Store } from "./store.js";

export interface SandboxOptions extends FaultOptions {
  /** The API key clients must send; a random one when not given. */
  apiKey?: string;
  /** Port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** Space file to load at start. */
  seed?: SeedFile;
  /** Server version reported in /api. */
  version?: string;
  /** How long each phase of a migration task takes (queued, executing), in ms; 30 by default. */
  taskStepMs?: number;
  /** Behave as Octopus Cloud: every space has the hosted dynamic worker pools. */
  cloud?: boolean;
}

/**
 * The Octopus Server API simulator: one generic document store and router driven by the
 * resource table, on loopback only. Tests run it in-process; `octoport sandbox` serves it.
 */
export class Sandbox {
  readonly store = new Store();
  readonly engine: Engine;
  readonly apiKey: string;
  readonly version: string;
  readonly faults: FaultInjector;
  /** The Migration API: tasks, packages, maintenance mode. */
  readonly migrations: MigrationService;
  /** Requests by route, IDs folded ("GET /api/{id}/projects/{id}"), for tests and benchmarks. */
  readonly counters = new Map<string, number>();
  private server: http.Server | undefined;
  private port = 0;

  constructor(private readonly options: SandboxOptions = {}) {
    this.apiKey = options.apiKey ?? `API-SANDBOX${randomBytes(12).toString("hex").toUpperCase()}`;
    this.version = options.version ?? SERVER_VERSION;
    this.engine = new Engine(this.store, RESOURCE_DEFS);
    this.faults = new FaultInjector(options);
    this.migrations = new MigrationService(this.engine, this.version, options.taskStepMs ?? 30);
    this.engine.cloud = options.cloud ?? false;
    if (options.seed) loadSeed(this.engine, options.seed);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.send(res, 500, { ErrorMessage: String(err), Errors: [String(err)] });
      });
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 0, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Total requests served, all routes. */
  requestCount(): number {
    let n = 0;
    for (const v of this.counters.values()) n += v;
    return n;
  }

  resetCounters(): void {
    this.counters.clear();
  }

  /**
   * A stored document with its secrets filled in: for tests, never served. A space-local ID
   * (`feeds-builtin`) needs its space.
   */
  reveal(type: string, id: string, spaceId?: string): Json | undefined {
    return this.store.reveal(type, id, spaceId);
  }

  /** The state as a seed file; with secrets only when asked (tests, fixtures). */
  dump(options: { secrets?: boolean } = {}): SeedFile {
    return dumpState(this.engine, options);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://sandbox");
    const raw = await readBody(req);
    const body = raw.toString("utf8");
    let segments: string[];
    try {
      segments = url.pathname
        .split("/")
        .filter(Boolean)
        .map((s) => decodeURIComponent(s));
    } catch {
      // A malformed percent-escape (%zz) is the client's mistake: 400, as ASP.NET answers it.
      this.send(res, 400, {
        ErrorMessage: "The request path is not valid.",
        Errors: ["The request path is not valid."],
      });
      return;
    }
    this.count(method, segments);
    if (this.options.latencyMs) await sleep(this.options.latencyMs);

    // The key is checked before any fault: a client with a wrong key learns it at once, and
    // a fault never hides a 401 (nor is a 401 retried as if it were a fault).
    if (!this.authorised(req, url)) {
      this.send(res, 401, {
        ErrorMessage:
          "You must be logged in to perform this action. Please provide a valid API key or log in again.",
        Errors: [
          "You must be logged in to perform this action. Please provide a valid API key or log in again.",
        ],
      });
      return;
    }

    const decision = this.faults.decide();
    if (decision.kind === "reset") {
      req.socket.destroy();
      return;
    }
    if (decision.kind === "hang") return;
    if (decision.kind === "status") {
      this.send(res, decision.status, { ErrorMessage: "Injected fault", Errors: ["Injected fault"] });
      return;
    }
    if (decision.kind === "garbage") {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html><body>Not an API</body></html>");
      return;
    }
    if (method !== "GET" && this.faults.writeFails()) {
      this.send(res, 500, { ErrorMessage: "Injected write failure", Errors: ["Injected write failure"] });
      return;
    }
    if (decision.kind === "throttle") {
      res.setHeader("Retry-After", String(decision.retryAfterSeconds));
      this.send(res, 429, { ErrorMessage: "Too many requests", Errors: ["Too many requests"] });
      return;
    }

    const write = method !== "GET" && this.faults.onWrite ? this.faults.nextWrite() : 0;
    if (write) await this.faults.onWrite?.(write, "before");
    try {
      if (await this.migrationRoutes(method, segments, req, res, raw)) return;
      const result = this.route(method, segments, url.searchParams, body);
      if (write) await this.faults.onWrite?.(write, "after");
      this.send(res, result.status ?? 200, result.body);
    } catch (err) {
      if (err instanceof ApiError) this.send(res, err.status, err.body());
      else throw err;
    }
  }

  /**
   * The Migration API, task logs, package uploads and maintenance mode: the routes that are
   * not plain JSON documents. True when one answered.
   */
  private async migrationRoutes(
    method: string,
    segments: string[],
    req: http.IncomingMessage,
    res: http.ServerResponse,
    raw: Buffer,
  ): Promise<boolean> {
    const path = segments.map((s) => s.toLowerCase()).join("/");
    const json = () => {
      try {
        return raw.length ? (JSON.parse(raw.toString("utf8")) as JsonObject) : undefined;
      } catch {
        throw badRequest("The request body is not valid JSON.");
      }
    };
    if (path === "api/maintenanceconfiguration" && method === "GET") {
      this.send(res, 200, { Id: "maintenance", IsInMaintenanceMode: this.migrations.maintenance, Links: {} });
      return true;
    }
    if (path === "api/serverstatus" && method === "GET") {
      this.send(res, 200, {
        IsDatabaseEncrypted: true,
        IsInMaintenanceMode: this.migrations.maintenance,
        Links: {},
      });
      return true;
    }
    if (this.migrations.maintenance && method !== "GET") {
      throw new ApiError(
        503,
        "The server is in maintenance mode while a migration runs; try again when the task has finished.",
      );
    }
    if (path === "api/migrations/partialexport" && method === "POST") {
      this.send(res, 200, this.migrations.partialExport(json()));
      return true;
    }
    if (path === "api/migrations/import" && method === "POST") {
      this.send(res, 200, this.migrations.import(json()));
      return true;
    }
    if (segments.length === 4 && path.startsWith("api/tasks/") && path.endsWith("/raw") && method === "GET") {
      const text = this.migrations.log(segments[2]!);
      res.writeHead(200, {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Length": Buffer.byteLength(text),
      });
      res.end(text);
      return true;
    }
    const upload = /^api\/(?:spaces\/)?(spaces-\d+)\/packages\/raw$/.exec(path);
    if (upload && method === "POST") {
      const space = this.store.all("Spaces").find((s) => String(s.Id).toLowerCase() === upload[1]);
      if (!space) throw notFound(upload[1]!);
      this.send(
        res,
        201,
        await this.migrations.upload(String(space.Id), String(req.headers["content-type"] ?? ""), raw),
      );
      return true;
    }
    return false;
  }

  private authorised(req: http.IncomingMessage, url: URL): boolean {
    const header = req.headers["x-octopus-apikey"];
    const key =
      (typeof header === "string" ? header : undefined) ??
      url.searchParams.get("apikey") ??
      /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    return key === this.apiKey;
  }

  private route(method: string, segments: string[], query: URLSearchParams, rawBody: string): RouteResult {
    if (segments[0] !== "api") throw notFound(`/${segments.join("/")}`);
    let body: JsonObject | undefined;
    if (rawBody.trim()) {
      try {
        body = JSON.parse(rawBody) as JsonObject;
      } catch {
        throw badRequest("The request body is not valid JSON.");
      }
      if (!body || typeof body !== "object" || Array.isArray(body))
        throw badRequest("The request body must be a JSON object.");
    }
    let rest = segments.slice(1);
    if (rest.length === 0) {
      if (method !== "GET") throw new ApiError(405, "Method not allowed");
      return { body: rootDocument(this.engine, this.version) };
    }

    // Space-prefixed paths: /api/Spaces-1/... and the newer /api/spaces/Spaces-1/... form.
    let spaceId: string | undefined;
    let explicitSpace = false;
    if (rest[0]?.toLowerCase() === "spaces" && rest.length >= 3 && this.isSpace(rest[1]!)) {
      spaceId = rest[1];
      rest = rest.slice(2);
      explicitSpace = true;
    } else if (rest[0] && /^Spaces-\d+$/i.test(rest[0])) {
      if (!this.isSpace(rest[0])) throw notFound(rest[0]);
      spaceId = this.canonicalSpaceId(rest[0]);
      rest = rest.slice(1);
      explicitSpace = true;
      if (rest.length === 0) {
        if (method !== "GET") throw new ApiError(405, "Method not allowed");
        return { body: spaceRootDocument(this.engine, spaceId!) };
      }
    }

    const base = explicitSpace ? `/api/${spaceId}` : "/api";
    for (const route of ROUTES) {
      if (route.scope === "space" && !explicitSpace && !this.defaultSpace()) continue;
      const params = matchRoute(route, method, rest);
      if (!params) continue;
      const space = route.scope === "space" ? (spaceId ?? this.defaultSpace()) : undefined;
      const ctx = this.engine.ctx(space);
      const render = (type: string, doc: JsonObject) => renderDoc(this.engine.def(type), doc, base, ctx);
      const path = `/${segments.join("/")}`;
      return route.handler({ ctx, engine: this.engine, params, query, body, base, path, render });
    }

    const def = this.engine.bySegment.get(rest[0]!.toLowerCase());
    if (!def) throw notFound(`/${segments.join("/")}`);
    if (def.scope === "space") spaceId ??= this.defaultSpace();
    else spaceId = undefined;
    if (def.scope === "space" && !spaceId) throw notFound(`/${segments.join("/")}`);
    const prefix = def.scope === "space" ? base : "/api";
    return this.collection(def, method, rest.slice(1), spaceId, query, body, prefix);
  }

  private collection(
    def: ResourceDef,
    method: string,
    rest: string[],
    spaceId: string | undefined,
    query: URLSearchParams,
    body: JsonObject | undefined,
    prefix: string,
  ): RouteResult {
    const engine = this.engine;
    const ctx = engine.ctx(spaceId);
    const render = (doc: JsonObject) => renderDoc(def, doc, prefix, ctx);
    if (rest.length === 0) {
      if (method === "GET") {
        const docs = engine.filter(def, engine.docs(def.type, spaceId), query);
        return { body: page(def, docs.map(render), query, `${prefix}/${def.collection}`) };
      }
      if (method === "POST") {
        if (def.creatable === false) throw new ApiError(405, `${def.type} cannot be created directly.`);
        if (!body) throw badRequest("A request body is required.");
        return { status: 201, body: render(engine.create(def.type, spaceId, body, { fromClient: true })) };
      }
      throw new ApiError(405, "Method not allowed");
    }
    if (rest.length === 1 && rest[0]!.toLowerCase() === "all" && method === "GET") {
      return { body: engine.filter(def, engine.docs(def.type, spaceId), query).map(render) };
    }
    if (rest.length === 1) {
      const id = rest[0]!;
      if (method === "GET") return { body: render(engine.get(def.type, spaceId, id)) };
      if (method === "PUT") {
        if (!body) throw badRequest("A request body is required.");
        return { body: render(engine.update(def.type, spaceId, id, body)) };
      }
      if (method === "DELETE") {
        if (def.deletable === false) throw new ApiError(405, `${def.type} cannot be deleted directly.`);
        engine.delete(def.type, spaceId, id);
        return { body: {} };
      }
      throw new ApiError(405, "Method not allowed");
    }
    throw notFound(`${prefix}/${def.collection}/${rest.join("/")}`);
  }

  private isSpace(id: string): boolean {
    return this.store.all("Spaces").some((s) => String(s.Id).toLowerCase() === id.toLowerCase());
  }

  private canonicalSpaceId(id: string): string {
    return String(
      this.store.all("Spaces").find((s) => String(s.Id).toLowerCase() === id.toLowerCase())?.Id ?? id,
    );
  }

  private defaultSpace(): string | undefined {
    const spaces = this.store.all("Spaces");
    return String((spaces.find((s) => s.IsDefault === true) ?? spaces[0])?.Id ?? "") || undefined;
  }

  private count(method: string, segments: string[]): void {
    const route = `${method} /${segments.map((s) => (/^[A-Za-z][A-Za-z-]*-\d+$/.test(s) ? "{id}" : s)).join("/")}`;
    this.counters.set(route, (this.counters.get(route) ?? 0) + 1);
  }

  private send(res: http.ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(text),
    });
    res.end(text);
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
