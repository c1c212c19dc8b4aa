import type { Engine, EngineContext, Query } from "./engine.js";
import type { JsonObject } from "./secrets.js";

/** What a custom route handler gets. */
export interface RouteRequest {
  ctx: EngineContext;
  engine: Engine;
  params: Record<string, string>;
  query: Query;
  body: JsonObject | undefined;
  /** Prefix of paths in this request's space, e.g. /api/Spaces-1. */
  base: string;
  /** The request's path, without the query. */
  path: string;
  /** A document of a type as the collection routes serve it (view and Links). */
  render: (type: string, doc: JsonObject) => JsonObject;
}

export type RouteResult = { status?: number; body: unknown };

/**
 * A route beyond the generic collection routes, e.g. GET /projects/{id}/channels.
 * `path` is relative to the space (or to /api for system routes), segments starting with
 * ":" are parameters.
 */
export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  scope: "space" | "system";
  handler: (req: RouteRequest) => RouteResult;
}

export function matchRoute(
  route: Route,
  method: string,
  segments: string[],
): Record<string, string> | undefined {
  if (route.method !== method) return undefined;
  const parts = route.path.split("/").filter(Boolean);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const seg = segments[i]!;
    if (part.startsWith(":")) params[part.slice(1)] = seg;
    else if (part.toLowerCase() !== seg.toLowerCase()) return undefined;
  }
  return params;
}
