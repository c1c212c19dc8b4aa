import type { GraphNode, SpaceGraph } from "../graph/graph.js";
import { type IdMatch, idFields } from "../registry/fields.js";
import type { Lazy } from "./hcl/model.js";
import { IDS_INPUT, type Secret, STANDARD_INPUTS } from "./inputs.js";
import type { Warning } from "./manifest.js";
import { Name, Namespace } from "./naming.js";

/**
 * What one export run keeps across its modules: the resources written (until their module is
 * settled for the manifest), warnings, the primary resource of each document, tags' and
 * actions' names, tenants' connections to projects, and the secrets with their inputs' names.
 */

/** One resource the export writes, for the manifest. */
export interface EmittedResource {
  sourceId: string;
  /** What in the source document it is, when one document gives several (a step, a variable). */
  sourcePart?: string;
  sourceType: string;
  name: string;
  type: string;
  module: string;
  label: Lazy;
}

/** The resource a converter declares for a node, so others can refer to it before it is written. */
export interface Primary {
  type: string;
  label: Lazy;
  module: string;
  written?: boolean;
}

/** State shared by every context of one export run. */
export class ExportState {
  readonly resources: EmittedResource[] = [];
  readonly warnings: Warning[] = [];
  readonly primaries = new Map<string, Primary>();
  readonly tagLabels = new Map<string, Lazy>();
  readonly actionNames = new Map<string, string>();
  /** Each tenant's connection to a project, by `tenantId projectId`: its label and module. */
  readonly tenantLinks = new Map<string, { label: Lazy; module: string }>();
  private readonly secretNames = new Namespace().reserve(...STANDARD_INPUTS, IDS_INPUT);
  /** How many variables of the space's variable sets have each name (lowercase). */
  readonly variableNames = new Map<string, number>();
  private readonly secrets = new Map<string, Secret>();
  /** The ID-holding fields of each document read so far, by the object that holds them. */
  private readonly idFieldsByHolder = new WeakMap<object, Map<string, IdMatch>>();
  private readonly indexed = new WeakSet<object>();

  /** Counted before any module is converted: documents may be released as modules are written. */
  constructor(
    graph: SpaceGraph,
    /** Each secret input's name in an earlier export, by `sourceId path`: a secret keeps it. */
    private readonly earlierNames: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const set of graph.ofType("VariableSets")) {
      for (const v of (set.doc as { Variables?: Array<{ Name?: unknown }> }).Variables ?? []) {
        const key = String(v.Name).toLowerCase();
        this.variableNames.set(key, (this.variableNames.get(key) ?? 0) + 1);
      }
    }
  }

  secret(key: string, fields: Omit<Secret, "name" | "key">): Secret {
    let secret = this.secrets.get(key);
    if (!secret) {
      const earlier = this.earlierNames.get(`${fields.sourceId} ${fields.path}`);
      if (earlier) this.secretNames.pin(key, earlier);
      secret = { ...fields, key, name: new Name(this.secretNames, key) };
      this.secrets.set(key, secret);
    }
    return secret;
  }

  /** The registry's ID field at `holder[key]` in document `of`, if it is one. */
  idField(of: GraphNode, graph: SpaceGraph, holder: object, key: string): IdMatch | undefined {
    if (!this.indexed.has(of.doc)) {
      this.indexed.add(of.doc);
      const find = (id: string) => graph.get(id)?.doc as Record<string, unknown> | undefined;
      for (const m of idFields(of.type, of.doc, find)) {
        if (m.isKey) continue;
        let fields = this.idFieldsByHolder.get(m.holder);
        if (!fields) {
          fields = new Map();
          this.idFieldsByHolder.set(m.holder, fields);
        }
        fields.set(m.key, m);
      }
    }
    return this.idFieldsByHolder.get(holder)?.get(key);
  }

  allSecrets(): Secret[] {
    return [...this.secrets.values()].sort((a, b) => a.name.resolve().localeCompare(b.name.resolve()));
  }
}
