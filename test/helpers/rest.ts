import type { Sandbox } from "../../src/sandbox/server.js";

/**
 * Test-only: builds a space the way a user's scripts do, through the plain REST API (POST and
 * PUT of documents in the API's shape), not from a seed file. Every call goes over HTTP with
 * the API key, and a failure throws with the server's message.
 */
export class RestSpace {
  private constructor(
    private readonly sandbox: Sandbox,
    readonly spaceId: string,
  ) {}

  /** A new space on the sandbox (or an existing one by ID). */
  static async create(sandbox: Sandbox, name: string): Promise<RestSpace> {
    const space = (await call(sandbox, "POST", "/api/spaces", {
      Name: name,
      SpaceManagersTeams: ["teams-administrators"],
    })) as { Id: string };
    return new RestSpace(sandbox, space.Id);
  }

  static existing(sandbox: Sandbox, spaceId: string): RestSpace {
    return new RestSpace(sandbox, spaceId);
  }

  /** POST to a collection of the space, e.g. `environments`; returns the created document. */
  post(collection: string, body: Record<string, unknown>): Promise<Doc> {
    return call(this.sandbox, "POST", `/api/${this.spaceId}/${collection}`, body) as Promise<Doc>;
  }

  get(path: string): Promise<Doc> {
    return call(this.sandbox, "GET", `/api/${this.spaceId}/${path}`) as Promise<Doc>;
  }

  put(path: string, body: Record<string, unknown>): Promise<Doc> {
    return call(this.sandbox, "PUT", `/api/${this.spaceId}/${path}`, body) as Promise<Doc>;
  }

  async delete(path: string): Promise<void> {
    await call(this.sandbox, "DELETE", `/api/${this.spaceId}/${path}`);
  }

  /** GET a document, change it, PUT it back. */
  async update(path: string, change: (doc: Doc) => void): Promise<Doc> {
    const doc = await this.get(path);
    change(doc);
    return this.put(path, doc);
  }

  /** A list of the space's collection, all items. */
  async list(collection: string): Promise<Doc[]> {
    const page = (await this.get(`${collection}?take=100000`)) as { Items?: Doc[] };
    return page.Items ?? [];
  }

  /** The document of a collection with this name. */
  async named(collection: string, name: string): Promise<Doc> {
    const found = (await this.list(collection)).find((d) => d.Name === name);
    if (!found) throw new Error(`no ${collection} named ${name}`);
    return found;
  }
}

export type Doc = Record<string, unknown> & { Id: string };

/** A call to a server-wide path, `/api/{path}` (deployment freezes, user roles), over HTTP. */
export function serverCall(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<Doc> {
  return call(sandbox, method, `/api/${path}`, body) as Promise<Doc>;
}

async function call(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { "X-Octopus-ApiKey": sandbox.apiKey, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}
