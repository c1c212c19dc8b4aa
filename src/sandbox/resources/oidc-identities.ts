import { createHash } from "node:crypto";
import type { EngineContext } from "../engine.js";
import { badRequest, notFound } from "../errors.js";
import type { Route, RouteRequest } from "../routes.js";
import type { JsonObject } from "../secrets.js";
import { str } from "./common.js";

/**
 * OIDC identities of service accounts: what lets an external issuer (GitHub Actions, say)
 * sign in as a service account. Server-wide, under the user, at the paths go-octopusdeploy
 * builds (pkg/serviceaccounts/oidc_identities.go, v2.111.0):
 *
 *   POST   /api/serviceaccounts/{userId}/oidcidentities/create/v1
 *   GET    /api/serviceaccounts/{userId}/oidcidentities/v1{?skip,take}
 *          -> { ServerUrl, ExternalId, OidcIdentities, Count }
 *   GET, PUT, DELETE /api/serviceaccounts/{userId}/oidcidentities/{id}/v1
 *
 * The provider's octopusdeploy_user reads the list's ExternalId into `external_id` for a
 * service account (octopusdeploy_framework/resource_user.go), and its
 * octopusdeploy_service_account_oidc_identity creates, reads, updates and deletes one
 * identity. Stored in the sandbox's store as type OidcIdentities (not a collection of its own:
 * a real server serves them only under the service account).
 */
const TYPE = "OidcIdentities";

function serviceAccount(ctx: EngineContext, id: string): JsonObject {
  const user = ctx.engine.find("Users", undefined, id);
  if (!user) throw notFound(id);
  if (user.IsService !== true)
    throw badRequest(
      `The user '${str(user.Username)}' is not a service account; only service accounts have OIDC identities.`,
    );
  return user;
}

/** The identifier an issuer's tokens name as the service account: a GUID fixed for the account. */
function externalId(userId: string): string {
  const h = createHash("sha256").update(`oidc-external-id\u0000${userId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function identity(ctx: EngineContext, userId: string, id: string): JsonObject {
  const doc = ctx.store.get(TYPE, id);
  if (!doc || doc.ServiceAccountId !== userId) throw notFound(id);
  return doc;
}

/** Checks and copies the fields a client may set. */
function fields(body: JsonObject | undefined): JsonObject {
  if (!body) throw badRequest("A request body is required.");
  for (const field of ["Name", "Issuer", "Subject"])
    if (typeof body[field] !== "string" || body[field] === "")
      throw badRequest(`The ${field} field is required.`);
  // Octopus docs, "Using OpenID Connect in Octopus with other issuers": the issuer URL must be HTTPS.
  if (!/^https:\/\//.test(str(body.Issuer))) throw badRequest("The issuer URL must use HTTPS.");
  return {
    Name: body.Name!,
    Issuer: body.Issuer!,
    Subject: body.Subject!,
    Audience: typeof body.Audience === "string" ? body.Audience : "",
  };
}

function view(doc: JsonObject): JsonObject {
  const self = `/api/serviceaccounts/${str(doc.ServiceAccountId)}/oidcidentities/${str(doc.Id)}/v1`;
  return { ...doc, Links: { Self: self } };
}

const route = (method: Route["method"], path: string, handler: (req: RouteRequest) => unknown): Route => ({
  method,
  path,
  scope: "system",
  handler: (req) => ({ body: handler(req) }),
});

export const oidcIdentityRoutes: Route[] = [
  route("POST", "/serviceaccounts/:user/oidcidentities/create/v1", ({ ctx, params, body }) => {
    const user = serviceAccount(ctx, params.user!);
    const doc = { Id: ctx.store.nextId(TYPE), ServiceAccountId: str(user.Id), ...fields(body) };
    return view(ctx.store.put(TYPE, doc));
  }),
  route("GET", "/serviceaccounts/:user/oidcidentities/v1", ({ ctx, params, query }) => {
    const user = serviceAccount(ctx, params.user!);
    const all = ctx.store.all(TYPE).filter((d) => d.ServiceAccountId === user.Id);
    const skip = Number(query.get("skip") ?? 0) || 0;
    const take = Number(query.get("take") ?? 0) || all.length;
    return {
      ServerUrl: "",
      ExternalId: externalId(str(user.Id)),
      OidcIdentities: all.slice(skip, skip + take).map(view),
      Count: all.length,
    };
  }),
  route("GET", "/serviceaccounts/:user/oidcidentities/:id/v1", ({ ctx, params }) =>
    view(identity(ctx, str(serviceAccount(ctx, params.user!).Id), params.id!)),
  ),
  route("PUT", "/serviceaccounts/:user/oidcidentities/:id/v1", ({ ctx, params, body }) => {
    const before = identity(ctx, str(serviceAccount(ctx, params.user!).Id), params.id!);
    return view(ctx.store.put(TYPE, { ...before, ...fields(body) }));
  }),
  route("DELETE", "/serviceaccounts/:user/oidcidentities/:id/v1", ({ ctx, params }) => {
    identity(ctx, str(serviceAccount(ctx, params.user!).Id), params.id!);
    ctx.store.delete(TYPE, params.id!);
    return {};
  }),
];
