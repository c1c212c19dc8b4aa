import http from "node:http";
import https from "node:https";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import pLimit, { type LimitFunction } from "p-limit";
import type { z } from "zod";
import { OctoportError } from "../util/errors.js";
import { redact, registerSecret } from "../util/redact.js";
import {
  DEFAULT_RETRY,
  parseRetryAfter,
  RETRYABLE_CODES,
  RETRYABLE_STATUS,
  type RetryPolicy,
  retryDelay,
  TIMEOUT_CODES,
} from "./retry.js";
import {
  type Collection,
  collectionSchema,
  type OctopusDocument,
  rootSchema,
  type Space,
  spaceSchema,
} from "./schemas.js";

export interface ClientOptions {
  /** Base URL of the Octopus Server, e.g. https://octopus.example.com (a path prefix is kept). */
  server: string;
  apiKey?: string;
  /** Bearer access token, an alternative to an API key. */
  accessToken?: string;
  insecureTls?: boolean;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Page size asked for when listing collections. */
  pageSize?: number;
  /** How long one attempt may wait for an answer (ms); 60 s by default. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Called before each retry, for progress output. */
  onRetry?: (info: {
    method: string;
    path: string;
    attempt: number;
    delayMs: number;
    reason: string;
    /** "failure" counts against the retries; "throttled" and "timeout" are said differently. */
    kind: "failure" | "throttled" | "timeout";
  }) => void;
}

/** Measured with the bench (M space, 20 ms latency): reading took 2.9 s at 8, 1.6 s at 16, 1.1 s at 32. */
export const DEFAULT_CONCURRENCY = 16;
/**
 * Items asked for a page. Octopus takes any page size; 10,000 is what Octoterra asks of real
 * servers, and it reads each collection of a 2,000-project space in one page.
 */
export const DEFAULT_PAGE_SIZE = 10_000;

/** An HTTP error answered by the server, after any retries. */
export class OctopusApiError extends OctoportError {
  constructor(
    message: string,
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = "OctopusApiError";
  }
}

export interface ClientStats {
  requests: number;
  /** Retries after failures (5xx, resets, timeouts). */
  retries: number;
  /** Waits the server asked for (429, or 503 with Retry-After). */
  throttled: number;
  byRoute: Map<string, number>;
}

/**
 * The Octopus REST client: authentication, bounded concurrency, retries with backoff and
 * jitter, paging, and one-line errors. It never prints or returns the API key.
 */
export class OctopusClient {
  readonly server: string;
  readonly stats: ClientStats = { requests: 0, retries: 0, throttled: 0, byRoute: new Map() };
  private readonly timeoutMs: number;
  private readonly http: AxiosInstance;
  private readonly limit: LimitFunction;
  private readonly retry: RetryPolicy;
  private readonly pageSize: number;
  private readonly onRetry: ClientOptions["onRetry"];
  private rootPromise: Promise<z.infer<typeof rootSchema>> | undefined;

  constructor(options: ClientOptions) {
    this.server = normaliseServer(options.server);
    if (!options.apiKey && !options.accessToken) {
      throw new OctoportError(
        "no credentials: pass --api-key (or set OCTOPUS_API_KEY), or an access token via OCTOPUS_ACCESS_TOKEN",
        { exitCode: 2 },
      );
    }
    registerSecret(options.apiKey);
    registerSecret(options.accessToken);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.limit = pLimit(concurrency);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.onRetry = options.onRetry;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    const headers: Record<string, string> = { Accept: "application/json", "User-Agent": "octoport" };
    if (options.apiKey) headers["X-Octopus-ApiKey"] = options.apiKey;
    else if (options.accessToken) headers.Authorization = `Bearer ${options.accessToken}`;
    this.http = axios.create({
      baseURL: this.server,
      headers,
      timeout: this.timeoutMs,
      validateStatus: () => true,
      // Read as a stream and decoded piece by piece (readText): axios's "text" joins each body
      // into one Buffer first, and at 2,000 projects those few-MB buffers left some 100 MB of
      // the C heap fragmented behind them.
      responseType: "stream",
      transformResponse: (data) => data,
      maxRedirects: 0,
      proxy: false,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: concurrency }),
      httpsAgent: new https.Agent({
        keepAlive: true,
        maxSockets: concurrency,
        rejectUnauthorized: !options.insecureTls,
      }),
    });
  }

  /** GET a path and parse it (optionally with a zod schema that keeps unknown fields). */
  async get<T = unknown>(path: string, schema?: z.ZodType<T>): Promise<T> {
    return this.parse("GET", path, await this.request("GET", path), schema);
  }

  /** GET a path as text (task logs). */
  async getText(path: string): Promise<string> {
    return (await this.request("GET", path)).data ?? "";
  }

  async post<T = unknown>(path: string, body: unknown, schema?: z.ZodType<T>): Promise<T> {
    return this.parse("POST", path, await this.request("POST", path, body), schema);
  }

  async put<T = unknown>(path: string, body: unknown, schema?: z.ZodType<T>): Promise<T> {
    return this.parse("PUT", path, await this.request("PUT", path, body), schema);
  }

  async delete(path: string): Promise<void> {
    await this.request("DELETE", path);
  }

  /** The /api root document, fetched once. */
  root(): Promise<z.infer<typeof rootSchema>> {
    this.rootPromise ??= this.get("/api", rootSchema);
    return this.rootPromise;
  }

  /**
   * Every item of a collection, all pages. The first page tells the total; the rest are
   * fetched concurrently (bounded by the client's limit).
   */
  async list<T extends OctopusDocument = OctopusDocument>(
    path: string,
    query: Record<string, string> = {},
  ): Promise<T[]> {
    const first = await this.page(path, query, 0, this.pageSize);
    const items = [...first.Items] as T[];
    const perPage = first.ItemsPerPage && first.ItemsPerPage > 0 ? first.ItemsPerPage : first.Items.length;
    const total = first.TotalResults;
    if (total === undefined || perPage === 0 || items.length >= total) {
      if (total === undefined && first.Links?.["Page.Next"]) return this.followNext(first, items);
      return items;
    }
    const skips: number[] = [];
    for (let skip = first.Items.length; skip < total; skip += perPage) skips.push(skip);
    const pages = await Promise.all(skips.map((skip) => this.page(path, query, skip, perPage)));
    for (const page of pages) items.push(...(page.Items as T[]));
    return items;
  }

  /**
   * Every item of a list that is not a page of `Items` but `{<key>: [...], Count}` (deployment
   * freezes, as go-octopusdeploy's deploymentfreezes package reads them), with skip and take.
   */
  async listUnder<T extends OctopusDocument = OctopusDocument>(path: string, key: string): Promise<T[]> {
    const items: T[] = [];
    const sep = path.includes("?") ? "&" : "?";
    for (;;) {
      const answer = (await this.get(`${path}${sep}skip=${items.length}&take=${this.pageSize}`)) as Record<
        string,
        unknown
      >;
      const batch = answer?.[key];
      if (!Array.isArray(batch))
        throw new OctoportError(`${path} did not answer a list under "${key}"; is this an Octopus server?`);
      items.push(...(batch as T[]));
      const count = typeof answer.Count === "number" ? answer.Count : items.length;
      if (!batch.length || items.length >= count) return items;
    }
  }

  /** Resolves a space by ID (Spaces-N) or by name (exact, then case-insensitive). */
  async resolveSpace(nameOrId: string): Promise<Space> {
    if (!nameOrId)
      throw new OctoportError("no space given: pass --space NAME|ID or set OCTOPUS_SPACE", { exitCode: 2 });
    if (/^Spaces-\d+$/i.test(nameOrId)) {
      try {
        return await this.get(`/api/spaces/${encodeURIComponent(nameOrId)}`, spaceSchema);
      } catch (err) {
        if (err instanceof OctopusApiError && err.status === 404)
          throw unknownSpace(nameOrId, this.server, []);
        throw err;
      }
    }
    const spaces = (await this.list("/api/spaces", { partialName: nameOrId })) as Space[];
    const found =
      spaces.find((s) => s.Name === nameOrId) ??
      spaces.find((s) => s.Name?.toLowerCase() === nameOrId.toLowerCase());
    if (found) return spaceSchema.parse(found);
    const all = (await this.list("/api/spaces")) as Space[];
    throw unknownSpace(
      nameOrId,
      this.server,
      all.map((s) => s.Name ?? s.Id),
    );
  }

  private async page(
    path: string,
    query: Record<string, string>,
    skip: number,
    take: number,
  ): Promise<Collection> {
    const params = new URLSearchParams({ ...query, skip: String(skip), take: String(take) });
    const sep = path.includes("?") ? "&" : "?";
    return this.get(`${path}${sep}${params.toString()}`, collectionSchema);
  }

  private async followNext<T>(first: Collection, items: T[]): Promise<T[]> {
    let next = first.Links?.["Page.Next"];
    const seen = new Set<string>();
    while (next && !seen.has(next)) {
      seen.add(next);
      const page = await this.get(next, collectionSchema);
      items.push(...(page.Items as T[]));
      next = page.Links?.["Page.Next"];
    }
    return items;
  }

  /**
   * One request with retries. Three kinds of trouble, each bounded on its own: failures (5xx
   * that may pass, resets) are retried with backoff up to maxRetries; throttling (429, or 503
   * with Retry-After) waits as long as the server asks, is no failure, and is bounded by
   * throttleDeadlineMs; an attempt with no answer within the timeout is retried, up to
   * maxTimeouts attempts in all. A GET's 500 is retried too (reading twice is harmless); a
   * write's is not (it may have been applied).
   */
  private async request(method: string, path: string, body?: unknown): Promise<AxiosResponse<string>> {
    const route = routeKey(method, path);
    const started = Date.now();
    let failures = 0;
    let timeouts = 0;
    let throttles = 0;
    for (;;) {
      let reason: string;
      let retryAfter: number | undefined;
      let kind: "failure" | "throttled" | "timeout" = "failure";
      try {
        const res = await this.limit(async (): Promise<AxiosResponse<string>> => {
          this.stats.requests++;
          this.stats.byRoute.set(route, (this.stats.byRoute.get(route) ?? 0) + 1);
          const streamed = await this.http.request<AsyncIterable<Buffer>>({
            method,
            url: path,
            data: body === undefined ? undefined : JSON.stringify(body),
            headers: body === undefined ? undefined : { "Content-Type": "application/json" },
          });
          // The body is read inside the limit: --concurrency bounds whole requests.
          return { ...streamed, data: await readText(streamed.data) };
        });
        if (res.status >= 200 && res.status < 300) return res;
        retryAfter = parseRetryAfter(headerValue(res.headers["retry-after"]));
        const throttled = res.status === 429 || (res.status === 503 && retryAfter !== undefined);
        const retryable = RETRYABLE_STATUS.has(res.status) || (res.status === 500 && method === "GET");
        if (throttled) {
          kind = "throttled";
          const wait = retryAfter ?? retryDelay(throttles + 1, this.retry, undefined);
          if (Date.now() - started + wait > this.retry.throttleDeadlineMs)
            throw this.httpError(method, path, res, failures + throttles, Date.now() - started);
        } else if (!retryable || failures >= this.retry.maxRetries) {
          throw this.httpError(method, path, res, failures);
        }
        reason = `HTTP ${res.status}`;
      } catch (err) {
        if (err instanceof OctoportError) throw err;
        const code = networkCode(err);
        if (code && TIMEOUT_CODES.has(code)) {
          timeouts++;
          kind = "timeout";
          if (timeouts >= this.retry.maxTimeouts) throw this.timeoutError(method, path, timeouts);
        } else if (!code || !RETRYABLE_CODES.has(code) || failures >= this.retry.maxRetries) {
          throw this.networkError(method, path, err, failures);
        }
        reason = kind === "timeout" ? `no answer in ${duration(this.timeoutMs)}` : code!;
      }
      let delayMs: number;
      if (kind === "throttled") {
        throttles++;
        this.stats.throttled++;
        delayMs = Math.min(retryAfter ?? retryDelay(throttles, this.retry, undefined), 120_000);
      } else {
        failures++;
        this.stats.retries++;
        delayMs = retryDelay(failures, this.retry, retryAfter);
      }
      this.onRetry?.({ method, path, attempt: failures + throttles + timeouts, delayMs, reason, kind });
      await sleep(delayMs);
    }
  }

  private timeoutError(method: string, path: string, attempts: number): OctoportError {
    return new OctoportError(
      `the server at ${this.server} accepted ${method} ${path.split("?")[0]} but did not answer within ${duration(this.timeoutMs)} (${attempts} attempts); check the server, or give it longer with --request-timeout`,
    );
  }

  private parse<T>(method: string, path: string, res: AxiosResponse<string>, schema?: z.ZodType<T>): T {
    const text = res.data;
    if (text === undefined || text === "") return undefined as T;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const type = headerValue(res.headers["content-type"]) ?? "no content type";
      throw new OctoportError(
        `the server at ${this.server} answered ${method} ${path} with something that is not JSON (HTTP ${res.status}, ${type}); check that --server points at an Octopus Server`,
      );
    }
    if (!schema) return json as T;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join(".") : "(root)";
      throw new OctoportError(
        `the server at ${this.server} answered ${method} ${path} with an unexpected shape (${where}: ${issue?.message ?? "invalid"}); check that --server points at an Octopus Server`,
      );
    }
    return parsed.data;
  }

  private httpError(
    method: string,
    path: string,
    res: AxiosResponse<string>,
    retries: number,
    throttledMs?: number,
  ): OctopusApiError {
    let body: unknown = res.data;
    try {
      body = JSON.parse(res.data);
    } catch {
      // keep the text
    }
    const detail = errorDetail(body);
    const where = `${method} ${path}`;
    const after = retries > 0 ? ` after ${retries + 1} attempts` : "";
    let message: string;
    switch (res.status) {
      case 401:
        message = `authentication failed at ${this.server} (HTTP 401): the API key or token was not accepted; check --api-key or OCTOPUS_API_KEY`;
        break;
      case 403:
        message = `permission denied for ${where} (HTTP 403)${detail}; use an API key whose user has permission for this space`;
        break;
      case 404:
        message = `not found: ${where} (HTTP 404)${detail}`;
        break;
      default:
        if (throttledMs !== undefined) {
          message = `the server kept throttling ${where} (HTTP ${res.status}) for ${Math.round(throttledMs / 1000)} s${detail}; try again later or lower --concurrency`;
        } else if (res.status >= 500 || RETRYABLE_STATUS.has(res.status)) {
          message = `the server failed ${where} (HTTP ${res.status})${after}${detail}; try again later or lower --concurrency`;
        } else {
          message = `the server rejected ${where} (HTTP ${res.status})${detail}`;
        }
    }
    return new OctopusApiError(redact(message), res.status, method, path, body);
  }

  private networkError(method: string, path: string, err: unknown, retries: number): OctoportError {
    const code = networkCode(err) ?? "unknown error";
    const after = retries > 0 ? ` after ${retries + 1} attempts` : "";
    if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(code)) {
      return new OctoportError(
        `TLS verification failed for ${this.server} (${code}); fix the server certificate, trust its CA with NODE_EXTRA_CA_CERTS, or pass --insecure-tls to skip verification`,
      );
    }
    if (
      code === "ECONNREFUSED" ||
      code === "ENOTFOUND" ||
      code === "EHOSTUNREACH" ||
      code === "ENETUNREACH"
    ) {
      return new OctoportError(
        `cannot reach Octopus Server at ${this.server} (${code}); check --server or OCTOPUS_URL and that the server is running`,
      );
    }
    const detail = err instanceof Error ? err.message : String(err);
    return new OctoportError(
      redact(`${method} ${path} failed${after} (${code}: ${detail}); check the network and try again`),
    );
  }
}

const TLS_CODES = new Set([
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_NOT_YET_VALID",
  "EPROTO",
]);

function unknownSpace(nameOrId: string, server: string, known: string[]): OctoportError {
  const list = known.length
    ? `; spaces there: ${known.slice(0, 10).join(", ")}${known.length > 10 ? ", ..." : ""}`
    : "";
  return new OctoportError(`unknown space "${nameOrId}" on ${server}${list}; check --space or OCTOPUS_SPACE`);
}

function errorDetail(body: unknown): string {
  if (body && typeof body === "object") {
    const b = body as { ErrorMessage?: unknown; Errors?: unknown };
    const parts: string[] = [];
    if (typeof b.ErrorMessage === "string" && b.ErrorMessage) parts.push(b.ErrorMessage);
    if (Array.isArray(b.Errors)) {
      for (const e of b.Errors) if (typeof e === "string" && e !== b.ErrorMessage) parts.push(e);
    }
    if (parts.length) return `: ${parts.join("; ")}`;
  }
  return "";
}

function networkCode(err: unknown): string | undefined {
  if (err && typeof err === "object") {
    const e = err as { code?: unknown; cause?: { code?: unknown } };
    if (typeof e.code === "string") return e.code;
    if (e.cause && typeof e.cause.code === "string") return e.cause.code;
  }
  return undefined;
}

function headerValue(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && typeof v[0] === "string") return v[0];
  return undefined;
}

function routeKey(method: string, path: string): string {
  const bare = path.split("?")[0] ?? path;
  return `${method} ${bare.replace(/\/[A-Za-z][A-Za-z-]*-\d+(?=\/|$)/g, "/{id}")}`;
}

export function normaliseServer(server: string): string {
  if (!server) {
    throw new OctoportError("no server given: pass --server URL or set OCTOPUS_URL", { exitCode: 2 });
  }
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new OctoportError(
      `invalid server URL "${withoutCredentials(server)}": expected something like https://octopus.example.com`,
      {
        exitCode: 2,
      },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OctoportError(
      `invalid server URL "${withoutCredentials(server)}": only http and https are supported`,
      {
        exitCode: 2,
      },
    );
  }
  // Credentials in the URL (http://user:pass@host) are never used (Octopus takes an API key)
  // and never kept: not in messages, not in generated files, not in snapshots.
  if (url.username || url.password) {
    registerSecret(url.password);
    registerSecret(decodeURIComponent(url.password));
    url.username = "";
    url.password = "";
  }
  return url.toString().replace(/\/+$/, "");
}

/** A URL-like text with anything between // and @ removed, for messages. */
export function withoutCredentials(text: string): string {
  return text.replace(/\/\/[^/?#]*@/, "//");
}

/** A response body as text, decoded as UTF-8 piece by piece as it arrives. */
async function readText(body: AsyncIterable<Buffer>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of body) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
