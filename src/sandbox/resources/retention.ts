import type { EngineContext, ResourceDef } from "../engine.js";
import { badRequest, notFound } from "../errors.js";
import { page } from "../render.js";
import type { Route } from "../routes.js";

/**
 * A space's default retention policies (Octopus 2025.4+): one per kind, made with the space
 * and gone with it; clients read one by kind (GET /retentionpolicies?RetentionType=...) and
 * replace it (PUT /retentionpolicies/{id}), never create or delete one. Shapes from
 * go-octopusdeploy pkg/retention; behaviour from the provider's
 * resource_space_default_*_retention_policy*.go (see docs/sandbox-governance.md).
 */

const KINDS = {
  LifecycleRelease: { name: "Default Lifecycle Release Retention Policy", quantity: 30, unit: "Days" },
  LifecycleTentacle: { name: "Default Lifecycle Tentacle Retention Policy", quantity: 30, unit: "Days" },
  RunbookRetention: { name: "Default Runbook Retention Policy", quantity: 100, unit: "Items" },
} as const;

type Kind = keyof typeof KINDS;

const isKind = (v: unknown): v is Kind => typeof v === "string" && v in KINDS;

export const retentionPolicies: ResourceDef = {
  type: "RetentionPolicies",
  collection: "retentionpolicies",
  idPrefix: "RetentionPolicies",
  scope: "space",
  link: "RetentionPolicies",
  required: ["RetentionType"],
  creatable: false,
  deletable: false,
  normalise: (doc, _ctx, existing) => {
    if (!isKind(doc.RetentionType))
      throw badRequest(
        `RetentionType '${String(doc.RetentionType)}' is not one of ${Object.keys(KINDS).join(", ")}.`,
      );
    if (existing && existing.RetentionType !== doc.RetentionType)
      throw badRequest("A retention policy cannot change its RetentionType.");
    doc.Name = KINDS[doc.RetentionType].name;
    if (doc.Strategy === "Forever") {
      // Keeping everything has no quantity: the server answers 0 and no unit, whatever came.
      doc.QuantityToKeep = 0;
      doc.Unit = null;
    } else if (doc.Strategy === "Count") {
      const quantity = doc.QuantityToKeep;
      if (typeof quantity !== "number" || !Number.isInteger(quantity) || quantity < 1)
        throw badRequest("QuantityToKeep must be a whole number of at least 1 when Strategy is Count.");
      if (doc.Unit !== "Days" && doc.Unit !== "Items")
        throw badRequest(`Unit must be Days or Items when Strategy is Count, not '${String(doc.Unit)}'.`);
    } else {
      throw badRequest(`Strategy must be Forever or Count, not '${String(doc.Strategy)}'.`);
    }
  },
  filters: { RetentionType: (d, v) => String(d.RetentionType).toLowerCase() === v.toLowerCase() },
};

/** The three defaults a new space starts with. */
export function createDefaultRetentionPolicies(ctx: EngineContext, spaceId: string): void {
  for (const [kind, d] of Object.entries(KINDS)) {
    ctx.engine.create("RetentionPolicies", spaceId, {
      RetentionType: kind,
      Strategy: "Count",
      QuantityToKeep: d.quantity,
      Unit: d.unit,
    });
  }
}

export const retentionRoutes: Route[] = [
  {
    // With RetentionType, the one policy of that kind (not a page); without, all of them.
    method: "GET",
    path: "/retentionpolicies",
    scope: "space",
    handler: ({ ctx, engine, query, path, render }) => {
      const kind = [...query.entries()].find(([k]) => k.toLowerCase() === "retentiontype")?.[1];
      const docs = engine.docs("RetentionPolicies", ctx.spaceId);
      if (!kind) {
        const def = engine.def("RetentionPolicies");
        return {
          body: page(
            def,
            engine.filter(def, docs, query).map((d) => render("RetentionPolicies", d)),
            query,
            path,
          ),
        };
      }
      if (!isKind(kind))
        throw badRequest(`RetentionType '${kind}' is not one of ${Object.keys(KINDS).join(", ")}.`);
      const doc = docs.find((d) => d.RetentionType === kind);
      if (!doc) throw notFound(`${ctx.spaceId}/retentionpolicies?RetentionType=${kind}`);
      return { body: render("RetentionPolicies", doc) };
    },
  },
];
