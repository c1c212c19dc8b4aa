import type { GraphNode } from "../graph/graph.js";
import { lookupOf, singularOf } from "../registry/index.js";
import {
  attr,
  type Block,
  type BodyItem,
  block,
  bool,
  call,
  type Expr,
  eq,
  forList,
  index,
  type Lazy,
  nul,
  num,
  ref,
  str,
  tuple,
} from "./hcl/model.js";

/**
 * Lookups by name: how a module finds a document it does not create on the destination. Each
 * looked-up document gets one data source (the registry's `lookup` says which and how it
 * filters) with a postcondition that names what is missing, and a local that takes the ID
 * the root passes in (var.octoport_ids, under the document's `idKey`) or else the data
 * source's.
 */

/** The key an ID is passed between modules under: "Environments:Production", "Channels:Orders API/Hotfix". */
export function idKey(node: GraphNode, owner?: string): string {
  return `${node.type}:${owner ? `${owner}/` : ""}${node.name}`;
}

/** What lookups need of their module: names in its namespaces, and files to add blocks to. */
export interface LookupHost {
  name(kind: "resource" | "data" | "local", type: string, key: string): Lazy;
  add(file: string, b: Block): void;
}

/** The lookups of one module: a data source and a local per document, made once. */
export class ModuleLookups {
  private readonly values = new Map<string, Expr>();
  private readonly labels = new Map<string, Lazy>();
  /** Lookups that are never passed in, so have no count: always one data source. */
  private readonly uncounted = new Set<string>();

  constructor(private readonly host: LookupHost) {}

  /**
   * The ID of `node` in the destination (or another attribute), as a local of this module:
   * the ID the root passes in, else found by name through a data source in this module (one
   * data block per node) checked with a postcondition that names what is missing. The local
   * follows its data block in lookups.tf, and resources refer to it by name.
   */
  ref(
    node: GraphNode,
    extra: BodyItem[] = [],
    owner?: string,
    home?: string,
    attribute = "id",
    absent = "it is outside this export",
  ): Expr {
    const cacheKey = `${node.id} ${attribute}`;
    const cached = this.values.get(cacheKey);
    if (cached) return cached;
    const spec = lookupOf(node.type);
    if (!spec) throw new Error(`no lookup for ${node.type}`);
    const what = singularOf(node.type);
    const key = idKey(node, owner);
    const byType = spec.filterBy?.(node.doc as Record<string, unknown>);
    let label = this.labels.get(node.id);
    if (!label) {
      label = this.host.name("data", spec.data, owner ? `${owner} ${node.name}` : node.name);
      this.labels.set(node.id, label);
      const filter = byType
        ? attr(byType.attribute, str(byType.value))
        : spec.exactName || spec.single
          ? attr("name", str(node.name))
          : attr("partial_name", str(node.name));
      const self = ref("self", spec.collection);
      const condition = spec.single
        ? { kind: "binary" as const, op: "!=" as const, left: self, right: nul }
        : eq(
            call(
              "length",
              byType ? self : forList("x", self, ref("x"), eq(ref("x", "name"), str(node.name))),
            ),
            num(1),
          );
      const hint = home === undefined ? absent : `apply ${home} first`;
      const provided = call("contains", call("keys", ref("var", "octoport_ids")), str(key));
      this.host.add(
        "lookups.tf",
        block(
          "data",
          [spec.data, label],
          [
            // Not needed when the root module passes the ID in (every module in one apply). Only
            // what a module of this export creates can be passed in: anything else (a built-in,
            // what is outside the export) is always looked up, without naming var.octoport_ids,
            // whose every source would otherwise count as this lookup's dependency (a data
            // source with a postcondition is read at apply whenever one has changes).
            ...(home === undefined
              ? []
              : [
                  attr("count", {
                    kind: "conditional",
                    condition: provided,
                    whenTrue: num(0),
                    whenFalse: num(1),
                  }),
                ]),
            ...(spec.spaces
              ? [attr("spaces", tuple([ref("var", "octopus_space_id")])), attr("include_system", bool(true))]
              : [attr("space_id", ref("var", "octopus_space_id"))]),
            filter,
            ...extra,
            ...(spec.single ? [] : [attr("skip", num(0)), attr("take", num(1000))]),
            block(
              "lifecycle",
              [],
              [
                block(
                  "postcondition",
                  [],
                  [
                    attr("condition", condition),
                    attr(
                      "error_message",
                      str(`The ${what} "${node.name}" was not found in the destination space (${hint}).`),
                    ),
                  ],
                ),
              ],
            ),
          ],
        ),
      );
    }
    const field = attribute === "id" ? (spec.idAttribute ?? "id") : attribute;
    const collection = (d: Expr): Expr => ({ kind: "getattr", target: d, name: spec.collection });
    const pick = (d: Expr): Expr =>
      spec.single
        ? { kind: "getattr", target: collection(d), name: field }
        : spec.exactName || byType
          ? { kind: "getattr", target: index(collection(d), 0), name: field }
          : index(forList("x", collection(d), ref("x", field), eq(ref("x", "name"), str(node.name))), 0);
    const passed = index(ref("var", "octoport_ids"), str(attribute === "id" ? key : `${key}/${attribute}`));
    const expr =
      home === undefined
        ? pick(ref("data", spec.data, label))
        : call("try", passed, call("one", forList("d", ref("data", spec.data, label), pick(ref("d")))));
    if (home === undefined) this.uncounted.add(node.id);
    const local = this.host.name("local", "", `${what} ${owner ? `${owner} ` : ""}${node.name} ${attribute}`);
    const dataLabel = label;
    this.host.add("lookups.tf", {
      ...block("locals", [], [attr(local, expr)]),
      sortKey: () => `data ${spec.data} ${dataLabel.resolve()} ~${local.resolve()}`,
    });
    const value = ref("local", local);
    this.values.set(cacheKey, value);
    return value;
  }

  /** The data block label a node was looked up under in this module. */
  label(id: string): Lazy | undefined {
    return this.labels.get(id);
  }

  /** Whether a node's lookup is one data source (no count): it is never passed in. */
  isUncounted(id: string): boolean {
    return this.uncounted.has(id);
  }

  /** Forgets every lookup, once the module is printed. */
  clear(): void {
    this.values.clear();
    this.labels.clear();
    this.uncounted.clear();
  }
}
