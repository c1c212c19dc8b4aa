import type { GraphNode, SpaceGraph } from "../graph/graph.js";
import { type IdMatch, idFields, isExpression } from "../registry/fields.js";
import { type Doc, docType, lookupOf, singularOf } from "../registry/index.js";
import {
  attr,
  type Block,
  type BodyItem,
  block,
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
} from "./hcl/model.js";
import { Namespace } from "./naming.js";

/** Inputs every module takes (Octoterra's names). */
export const STANDARD_INPUTS = ["octopus_server", "octopus_apikey", "octopus_space_id"] as const;

/** The input through which the root passes the IDs of what other modules create. */
export const IDS_INPUT = "octoport_ids";

export type SecretKind =
  | "password"
  | "token"
  | "certificate"
  | "certificate-pem"
  | "certificate-password"
  | "ssh-key"
  | "text";

/** A sensitive value that becomes a Terraform variable. */
export interface Secret {
  /** Terraform variable name in the roots (unique across the whole export). */
  name: Lazy;
  /** What the name is made from. */
  key: string;
  description: string;
  kind: SecretKind;
  /** The document the value belongs to and the field, for the manifest and tfvars example. */
  sourceId: string;
  field: string;
  /** Where the value is in the source document, e.g. Password or Variables[Id=...].Value. */
  path: string;
  /** Value to use as `#{...}` for --secret-defaults octostache. */
  octostache: string;
}

export interface Warning {
  /** What it is about, e.g. project "Orders API". */
  subject: string;
  message: string;
}

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

/** A name in a module's namespace for one block type, resolved when printed. */
class Name implements Lazy {
  constructor(
    private readonly ns: Namespace,
    private readonly key: string,
  ) {
    ns.claim(key);
  }

  resolve(): string {
    return this.ns.get(this.key);
  }
}

/**
 * Everything that goes into one module: resource and data blocks by file, inputs, outputs.
 * Its names (of blocks, and of the inputs its secrets come in by) depend only on what is in
 * it, so a module is printed as soon as its documents are converted, and then released.
 */
export class ModuleBuilder {
  readonly files = new Map<string, Block[]>();
  readonly secrets = new Set<Secret>();
  /** Modules this one looks things up from: they must apply first. */
  readonly dependsOn = new Set<string>();
  private readonly namespaces = new Map<string, Namespace>();
  private readonly lookups = new Map<string, Expr>();
  private readonly addresses = new Set<string>();
  private readonly lookupLabels = new Map<string, Lazy>();
  /** Lookups that are never passed in, so have no count: always one data source. */
  private readonly uncounted = new Set<string>();
  private readonly inputs = new Namespace().reserve("octopus_space_id", IDS_INPUT);
  private readonly inputNames = new Map<Secret, Lazy>();
  /** The documents whose primary resource is in this module. */
  readonly primaries: string[] = [];
  /** Process steps' actions declared here, so variables scoped to them can refer to them. */
  readonly actions = new Map<string, { name: string; expr: Expr }>();

  constructor(
    /** "" for the single layout, "space" or "projects/<slug>" otherwise. */
    readonly path: string,
    readonly title: string,
  ) {}

  /**
   * The input a secret comes into this module by. The single layout's module is the root, so
   * it takes the export's name; a module of the modules layout names its inputs among its own
   * secrets (equal to the export's names unless two of the whole export's collide), and the
   * roots that call it pass each in from the root variable.
   */
  input(secret: Secret): Lazy {
    this.secrets.add(secret);
    if (this.path === "") return secret.name;
    let name = this.inputNames.get(secret);
    if (!name) {
      name = new Name(this.inputs, secret.key);
      this.inputNames.set(secret, name);
    }
    return name;
  }

  /**
   * Drops what converting the module needed once its files are printed: its blocks, lookups,
   * actions, names and the list of its primary documents. Its secrets and their inputs stay,
   * for the roots.
   */
  release(): void {
    this.files.clear();
    this.lookups.clear();
    this.lookupLabels.clear();
    this.uncounted.clear();
    this.addresses.clear();
    this.actions.clear();
    this.namespaces.clear();
    this.primaries.length = 0;
  }

  namespace(kind: "resource" | "data" | "local", type: string): Namespace {
    const key = `${kind}:${type}`;
    let ns = this.namespaces.get(key);
    if (!ns) {
      ns = new Namespace();
      this.namespaces.set(key, ns);
    }
    return ns;
  }

  name(kind: "resource" | "data" | "local", type: string, key: string): Lazy {
    return new Name(this.namespace(kind, type), key);
  }

  /** Guards against two resources of one type made from the same key (they would share a name). */
  claimAddress(type: string, key: string): void {
    const id = `${type} ${key}`;
    if (this.addresses.has(id))
      throw new Error(`two ${type} resources in ${this.path || "the module"} are both named from "${id}"`);
    this.addresses.add(id);
  }

  add(file: string, b: Block): void {
    const list = this.files.get(file);
    if (list) list.push(b);
    else this.files.set(file, [b]);
  }

  /**
   * The ID of `node` in the destination (or another attribute), as a local of this module:
   * the ID the root passes in, else found by name through a data source in this module (one
   * data block per node) checked with a postcondition that names what is missing. The local
   * follows its data block in lookups.tf, and resources refer to it by name.
   */
  lookup(
    node: GraphNode,
    extra: BodyItem[] = [],
    owner?: string,
    home?: string,
    attribute = "id",
    absent = "it is outside this export",
  ): Expr {
    const cacheKey = `${node.id} ${attribute}`;
    const cached = this.lookups.get(cacheKey);
    if (cached) return cached;
    const spec = lookupOf(node.type);
    if (!spec) throw new Error(`no lookup for ${node.type}`);
    const what = singularOf(node.type);
    const key = idKey(node, owner);
    const byType = spec.filterBy?.(node.doc as Record<string, unknown>);
    let label = this.lookupLabels.get(node.id);
    if (!label) {
      label = this.name("data", spec.data, owner ? `${owner} ${node.name}` : node.name);
      this.lookupLabels.set(node.id, label);
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
      this.add(
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
            attr("space_id", ref("var", "octopus_space_id")),
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
    const local = this.name("local", "", `${what} ${owner ? `${owner} ` : ""}${node.name} ${attribute}`);
    const dataLabel = label;
    this.add("lookups.tf", {
      ...block("locals", [], [attr(local, expr)]),
      sortKey: () => `data ${spec.data} ${dataLabel.resolve()} ~${local.resolve()}`,
    });
    const value = ref("local", local);
    this.lookups.set(cacheKey, value);
    return value;
  }

  /** The data block label a node was looked up under in this module. */
  lookupLabel(id: string): Lazy | undefined {
    return this.lookupLabels.get(id);
  }

  /** Whether a node's lookup is one data source (no count): it is never passed in. */
  lookupUncounted(id: string): boolean {
    return this.uncounted.has(id);
  }
}

/** The key an ID is passed between modules under: "Environments:Production", "Channels:Orders API/Hotfix". */
export function idKey(node: GraphNode, owner?: string): string {
  return `${node.type}:${owner ? `${owner}/` : ""}${node.name}`;
}

/** Where each selected document goes, and how the export as a whole is doing. */
export interface ExportPlan {
  graph: SpaceGraph;
  /** Module path of every document written as a resource (absent: looked up or left out). */
  home: ReadonlyMap<string, string>;
  /** Documents a filter left out: references to them are dropped (or looked up when required). */
  excluded: ReadonlySet<string>;
  /** Documents every space has and that are looked up, never created. */
  defaults: ReadonlySet<string>;
  layout: "modules" | "single";
  /** Variable names a --exclude-variables filter leaves out. */
  excludeVariable: (name: string) => boolean;
  detachStepTemplates: boolean;
  spreadSecrets: boolean;
  /** Projects in apply order (levels flattened), for deciding where shared values go. */
  projectOrder: readonly string[];
}

/** The resource a converter declares for a node, so others can refer to it before it is written. */
export interface Primary {
  type: string;
  label: Lazy;
  module: string;
  written?: boolean;
}

/** What a converter sees while converting one document into one module. */
export class EmitContext {
  constructor(
    readonly plan: ExportPlan,
    readonly module: ModuleBuilder,
    readonly node: GraphNode,
    private readonly state: ExportState,
  ) {}

  get graph(): SpaceGraph {
    return this.plan.graph;
  }

  /** The naming key for a resource of this document: prefixed by its project in the single layout. */
  key(key: string): string {
    if (this.plan.layout !== "single" || this.node.type === "Projects" || !this.node.projectId) return key;
    return this.projectKey(key);
  }

  /** A key for something that belongs to this document's project, prefixed by it in the single layout. */
  projectKey(key: string): string {
    if (this.plan.layout !== "single" || !this.node.projectId) return key;
    return `${this.graph.get(this.node.projectId)?.name ?? this.node.projectId} ${key}`;
  }

  /** var.octopus_space_id, which every resource and lookup carries. */
  get spaceId(): Expr {
    return ref("var", "octopus_space_id");
  }

  /** Adds a resource block to `file` and returns its name; `key` is what the name is made from. */
  /**
   * Writes a resource. `options.label` gives a name claimed beforehand; `options.part` says
   * which part of the source document it is (e.g. Steps[Id=...]) when one document gives
   * several resources of a type, so a rename can be followed (moved blocks).
   */
  resource(
    file: string,
    type: string,
    key: string,
    body: BodyItem[],
    options: { label?: Lazy; part?: string } = {},
  ): Lazy {
    const label = options.label;
    const primary = this.state.primaries.get(this.node.id);
    const isPrimary = !label && primary && primary.type === type && !primary.written;
    if (isPrimary) primary.written = true;
    const name = label ?? (isPrimary ? primary.label : this.module.name("resource", type, this.key(key)));
    this.module.claimAddress(type, this.key(key));
    this.module.add(file, block("resource", [type, name], body));
    this.state.resources.push({
      sourceId: this.node.id,
      ...(options.part ? { sourcePart: options.part } : {}),
      sourceType: this.node.type,
      name: key,
      type,
      module: this.module.path,
      label: name,
    });
    return name;
  }

  /**
   * An expression for the destination ID of document `id` (or another attribute of its
   * resource): a reference when it is written in this module, otherwise a lookup by name.
   * Undefined when the document is not in the space or a filter left it out and the
   * reference is optional; `what` says where the reference was, for the warning.
   */
  ref(
    id: string | null | undefined,
    what: string,
    options: { optional?: boolean; attribute?: string } = {},
  ): Expr | undefined {
    if (!id) return undefined;
    const target = this.graph.get(id);
    if (!target) {
      this.warn(`${what} refers to ${id}, which is not in the space; dropped`);
      return undefined;
    }
    if (this.plan.excluded.has(id) && options.optional) {
      this.warn(`${what}: ${describe(target)} is left out by a filter, so the reference is dropped`);
      return undefined;
    }
    const home = this.plan.home.get(id);
    const primary = this.state.primaries.get(id);
    if (home === this.module.path && primary)
      return ref(primary.type, primary.label, options.attribute ?? "id");
    if (!lookupOf(target.type)) {
      this.warn(`${what}: ${describe(target)} cannot be looked up by name; dropped`);
      return undefined;
    }
    if (this.plan.excluded.has(id))
      this.warn(`${what}: ${describe(target)} is left out by a filter; it must exist in the destination`);
    if (home !== undefined && home !== this.module.path) this.module.dependsOn.add(home);
    const absent = this.whyAbsent(target);
    if (target.type === "Channels") {
      const project = this.ref(target.projectId, what);
      const owner = this.graph.get(target.projectId ?? "")?.name;
      return this.module.lookup(
        target,
        project ? [attr("project_id", project)] : [],
        owner,
        home,
        options.attribute,
        absent,
      );
    }
    return this.module.lookup(target, [], undefined, home, options.attribute, absent);
  }

  /**
   * Why a document no module of this export writes should already be on the destination, and
   * what to apply first, for the message of its lookup's postcondition.
   */
  private whyAbsent(target: GraphNode): string {
    if (this.plan.defaults.has(target.id))
      return target.klass === "project" ? "every project has it" : "every space has it";
    if (this.plan.excluded.has(target.id))
      return "a filter left it out of this export: create it there first";
    const projectId = target.type === "Projects" ? target.id : target.projectId;
    const project = projectId ? this.graph.get(projectId) : undefined;
    if (project)
      return `it is outside this export: export project "${project.name}" (--project) and apply its module first`;
    return "it is outside this export: apply the space module of an export that writes it first";
  }

  /** References to each of `ids`, dropping (with a warning) those that cannot be made. */
  refs(ids: unknown, what: string): Expr[] {
    if (!Array.isArray(ids)) return [];
    return ids.flatMap((id) => {
      const expr = typeof id === "string" ? this.ref(id, what, { optional: true }) : undefined;
      return expr ? [expr] : [];
    });
  }

  /**
   * A sensitive value of this document: a Terraform variable (sensitive = true) declared in
   * this module and passed down from the root. `field` names it, e.g. "password"; `key`
   * (default: the document and field) is what the variable's name is made from.
   */
  secret(
    field: string,
    kind: SecretKind,
    description: string,
    options: { path: string; key?: string; octostache?: string; sourceId?: string },
  ): Expr {
    const key = options.key ?? `${typeLabel(this.node)} ${ownerName(this.graph, this.node)} ${field}`;
    const secret = this.state.secret(key, {
      description,
      kind,
      sourceId: options.sourceId ?? this.node.id,
      field,
      path: options.path,
      octostache: options.octostache ?? "",
    });
    return ref("var", this.module.input(secret));
  }

  /** Canonical tag names ("Set/Tag") as references to the tags, or as text across modules. */
  tags(value: unknown, what: string): Expr[] {
    if (!Array.isArray(value)) return [];
    const out: Expr[] = [];
    for (const canonical of [...value].map(String).sort()) {
      const setName = canonical.slice(0, canonical.indexOf("/"));
      const set = this.graph.ofType("TagSets").find((n) => n.name === setName);
      if (!set) {
        this.warn(`${what}: tag "${canonical}" is not in the space; dropped`);
        continue;
      }
      if (this.plan.excluded.has(set.id)) {
        this.warn(`${what}: tag set "${setName}" is left out by a filter, so tag "${canonical}" is dropped`);
        continue;
      }
      const home = this.plan.home.get(set.id);
      const label = this.state.tagLabels.get(canonical);
      if (home === this.module.path && label) {
        out.push(ref("octopusdeploy_tag", label, "canonical_tag_name"));
      } else {
        if (home !== undefined && home !== this.module.path) this.module.dependsOn.add(home);
        out.push(str(canonical));
      }
    }
    return out;
  }

  /** The label of a tag's resource (declared by its tag set). */
  tagLabel(canonical: string): Lazy {
    let label = this.state.tagLabels.get(canonical);
    if (!label) {
      label = this.module.name("resource", "octopusdeploy_tag", canonical);
      this.state.tagLabels.set(canonical, label);
    }
    return label;
  }

  excludedVariable(name: string): boolean {
    return this.plan.excludeVariable(name);
  }

  /** Registers a process step's action, so variables scoped to it can refer to it. */
  registerAction(actionId: string, name: string, expr: Expr): void {
    if (actionId) this.module.actions.set(actionId, { name, expr });
  }

  actionName(actionId: string): string | undefined {
    return this.state.actionNames.get(actionId);
  }

  actionRef(actionId: string, what: string): Expr | undefined {
    const action = this.module.actions.get(actionId);
    if (action) return action.expr;
    this.warn(
      `${what}: the step ${this.actionName(actionId) ?? actionId} is not in this module, so the scope is dropped`,
    );
    return undefined;
  }

  /**
   * How many variables in the space's variable sets (projects and library sets) have this
   * name, case-insensitively: a sensitive variable can be passed in by name only when one does.
   */
  variableNameCount(name: string): number {
    return this.state.variableNames.get(name.toLowerCase()) ?? 0;
  }

  /** Whether an action uses a step template (and is written as a templated step). */
  isTemplated(action: Record<string, unknown>): boolean {
    if (this.plan.detachStepTemplates) return false;
    const id = (action.Properties as Record<string, unknown> | undefined)?.["Octopus.Action.Template.Id"];
    return typeof id === "string" && this.graph.get(id)?.type === "ActionTemplates";
  }

  /**
   * An action's properties as written. With --detach-step-templates, a step that uses a template
   * loses its link (Octopus.Action.Template.Id and .Version) and keeps the template's properties
   * it already carries, with parameters it leaves unset filled from the template's defaults.
   */
  actionProperties(action: Record<string, unknown>, what: string): Record<string, unknown> {
    const props = (action.Properties ?? {}) as Record<string, unknown>;
    const templateId = props["Octopus.Action.Template.Id"];
    if (!this.plan.detachStepTemplates || typeof templateId !== "string") return props;
    const template = this.graph.get(templateId);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(props)) {
      if (k !== "Octopus.Action.Template.Id" && k !== "Octopus.Action.Template.Version") out[k] = v;
    }
    const doc = (template?.doc ?? {}) as Record<string, unknown>;
    for (const p of (doc.Parameters ?? []) as Array<{ Name?: string; DefaultValue?: unknown }>) {
      if (p.Name && !(p.Name in out) && typeof p.DefaultValue === "string") out[p.Name] = p.DefaultValue;
    }
    this.warn(
      `${what} uses step template "${template?.name ?? templateId}"; it is detached (--detach-step-templates) and becomes a step of its own`,
    );
    return out;
  }

  /** template_id, template_version and parameters of a templated step. */
  templateAttributes(action: Record<string, unknown>, what: string): BodyItem[] {
    const props = (action.Properties ?? {}) as Record<string, unknown>;
    const templateId = String(props["Octopus.Action.Template.Id"]);
    const template = this.graph.get(templateId);
    const params = (
      ((template?.doc as Record<string, unknown>)?.Parameters ?? []) as Array<Record<string, unknown>>
    ).map((p) => String(p.Name));
    const values: Array<[string, Expr]> = [];
    for (const name of [...params].sort()) {
      const v = props[name];
      if (typeof v === "string") values.push([name, str(v)]);
    }
    const out: BodyItem[] = [];
    const id = this.ref(templateId, `${what} step template`);
    if (id) out.push(attr("template_id", id));
    // The destination has the template's current version only (numbered from 0 again).
    const version = this.ref(templateId, `${what} step template`, { attribute: "version" });
    if (version) out.push(attr("template_version", version));
    const used = Number(props["Octopus.Action.Template.Version"] ?? 0);
    const current = Number((template?.doc as Record<string, unknown> | undefined)?.Version ?? 0);
    if (used !== current) {
      this.warn(
        `${what} uses version ${used} of step template "${template?.name}", not its latest (${current}); it gets the latest`,
      );
    }
    if (values.length) out.push(attr("parameters", { kind: "object", entries: values }));
    return out;
  }

  /** Property keys a templated step gets from its template (and so are not repeated). */
  templateKeys(action: Record<string, unknown>): Set<string> {
    const props = (action.Properties ?? {}) as Record<string, unknown>;
    const template = this.graph.get(String(props["Octopus.Action.Template.Id"]))?.doc as
      | Record<string, unknown>
      | undefined;
    const keys = new Set(["Octopus.Action.Template.Id", "Octopus.Action.Template.Version"]);
    for (const k of Object.keys((template?.Properties ?? {}) as object)) keys.add(k);
    for (const p of (template?.Parameters ?? []) as Array<{ Name?: string }>) if (p.Name) keys.add(p.Name);
    return keys;
  }

  /**
   * The value of a field, as written: where the registry says the field holds IDs (a typed
   * variable's value, a template's default, a tenant's value of such a template, a step property
   * that names a feed or a project), a reference to each, or the value as it is when it is an
   * Octopus expression the field accepts (`#{HelmFeed}`); an ID that names nothing in the space is
   * dropped with a warning. Other values are text, with the IDs of documents the space has that
   * they quote (JSON in step properties) made into references.
   * `holder[key]` is the value, and `of` the document it is in (default: this one).
   */
  field(holder: object, key: string, what: string, options: { of?: GraphNode } = {}): Expr | undefined {
    const value = (holder as Record<string, unknown>)[key];
    if (typeof value !== "string") return undefined;
    const id = this.state.idField(options.of ?? this.node, this.graph, holder, key);
    if (!id) return this.textWithIds(value, what);
    if (id.field.expression && isExpression(value)) return str(value);
    if (id.ids.length === 1 && id.ids[0] === value) {
      const target = this.graph.get(value);
      if (target && !id.types.includes(target.type)) {
        this.warn(
          `${what} holds ${value}, which is a ${singularOf(target.type)}, not a ${id.types.map(singularOf).join(" or ")}; dropped`,
        );
        return undefined;
      }
      return this.ref(value, what);
    }
    // Several IDs in one text (a comma-separated list): each a reference, joined as the text was.
    const parts: Array<string | Expr> = [];
    for (const one of id.ids) {
      const target = this.ref(one, what);
      if (!target) continue;
      if (parts.length) parts.push(id.field.list ?? ",");
      parts.push(target);
    }
    return parts.length ? { kind: "template", parts } : undefined;
  }

  /** Text that may quote IDs of the space's documents (JSON in a step property): each made a reference. */
  private textWithIds(value: string, what: string): Expr {
    if (/^[A-Za-z][A-Za-z-]*-\d+$/.test(value) && this.graph.get(value)) {
      return this.ref(value, what) ?? str(value);
    }
    if (!/^\s*[[{]/.test(value)) return str(value);
    const parts: Array<string | Expr> = [];
    let last = 0;
    for (const m of value.matchAll(/"([A-Za-z][A-Za-z-]*-\d+)"/g)) {
      const id = m[1]!;
      if (!this.graph.get(id)) continue;
      const target = this.ref(id, what);
      if (!target) continue;
      const start = (m.index ?? 0) + 1;
      parts.push(value.slice(last, start), target);
      last = start + id.length;
    }
    if (parts.length === 0) return str(value);
    parts.push(value.slice(last));
    return { kind: "template", parts };
  }

  /**
   * The exported projects, in apply order, that connect a tenant and include a library
   * variable set: the tenant's values of the set's templates can be set once one of those
   * connections exists on the destination.
   */
  commonVariableCarriers(tenantId: string, libraryVariableSetId: string): string[] {
    const tenant = this.graph.get(tenantId);
    const connected = ((tenant?.doc as Doc | undefined)?.ProjectEnvironments ?? {}) as Record<
      string,
      unknown
    >;
    return this.plan.projectOrder.filter((projectId) => {
      if (!Object.hasOwn(connected, projectId) || this.plan.home.get(projectId) === undefined) return false;
      const sets = (this.graph.get(projectId)?.doc as Doc | undefined)?.IncludedLibraryVariableSetIds;
      return Array.isArray(sets) && sets.includes(libraryVariableSetId);
    });
  }

  /** Records the resource that connects a tenant to a project, for what must be written after it. */
  tenantLink(tenantId: string, projectId: string, label: Lazy): void {
    this.state.tenantLinks.set(`${tenantId} ${projectId}`, { label, module: this.module.path });
  }

  /**
   * What must apply before a tenant's values that need its connection to a project: the
   * connection itself when it is in this module, else the project's module (in one apply, the
   * connection's ID comes in var.octoport_ids, which the values read through their lookups).
   */
  afterTenantLink(tenantId: string, projectId: string): Expr | undefined {
    const link = this.state.tenantLinks.get(`${tenantId} ${projectId}`);
    if (link && link.module === this.module.path) return ref("octopusdeploy_tenant_project", link.label);
    const home = this.plan.home.get(projectId);
    if (home !== undefined && home !== this.module.path) this.module.dependsOn.add(home);
    return undefined;
  }

  /** The destination ID of a library variable set's template, by the template's name. */
  libraryTemplateId(lvsId: string, templateName: string, what: string): Expr | undefined {
    const home = this.plan.home.get(lvsId);
    const primary = this.state.primaries.get(lvsId);
    if (home === this.module.path && primary)
      return index(ref(primary.type, primary.label, "template_ids"), str(templateName));
    const lvs = this.graph.get(lvsId);
    if (!lvs) return undefined;
    const id = this.ref(lvsId, what);
    if (!id) return undefined;
    // Passed in by the root module, or picked out of the looked-up set's templates by name.
    const spec = lookupOf("LibraryVariableSets")!;
    const label = this.module.lookupLabel(lvsId)!;
    const templateOf = (d: Expr): Expr => {
      const set = index(
        forList(
          "x",
          { kind: "getattr", target: d, name: spec.collection },
          ref("x"),
          eq(ref("x", "name"), str(lvs.name)),
        ),
        0,
      );
      return index(
        forList(
          "t",
          { kind: "getattr", target: set, name: "template" },
          ref("t", "id"),
          eq(ref("t", "name"), str(templateName)),
        ),
        0,
      );
    };
    if (this.module.lookupUncounted(lvsId)) return templateOf(ref("data", spec.data, label));
    return call(
      "try",
      index(ref("var", "octoport_ids"), str(`${idKey(lvs)}/template/${templateName}`)),
      call("one", forList("d", ref("data", spec.data, label), templateOf(ref("d")))),
    );
  }

  warn(message: string): void {
    this.state.warnings.push({ subject: describe(this.node, this.graph), message });
  }
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

/**
 * `project "Orders API"`, `channel "Hotfix" of project "Orders API"`, ...: documents users name
 * (those a filter picks by name) by their own name; the parts of a project that have no name of
 * their own (its variable set, its processes) by the project.
 */
export function describe(node: GraphNode, graph?: SpaceGraph): string {
  const owner = graph && node.type !== "Projects" && node.projectId ? graph.get(node.projectId) : undefined;
  const label = docType(node.type)?.family ? singularOf(node.type) : undefined;
  if (!label) return owner ? `project "${owner.name}"` : `${node.type} ${node.id}`;
  return owner ? `${label} "${node.name}" of project "${owner.name}"` : `${label} "${node.name}"`;
}

function typeLabel(node: GraphNode): string {
  return docType(node.type)?.family ? singularOf(node.type) : node.type;
}

/** The name a secret is keyed by: the document's name, or its owner's for unnamed documents. */
function ownerName(graph: SpaceGraph, node: GraphNode): string {
  if (node.name !== node.id) return node.name;
  const owner =
    (node.doc as { OwnerId?: string; TenantId?: string }).OwnerId ??
    (node.doc as { TenantId?: string }).TenantId;
  return (owner && graph.get(owner)?.name) || node.name;
}
