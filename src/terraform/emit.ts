import type { GraphNode, SpaceGraph } from "../graph/graph.js";
import { isExpression } from "../registry/fields.js";
import { docType, lookupOf, needsIncludeTeams, singularOf } from "../registry/index.js";
import { SPACE_ID_LOST_ON_IMPORT } from "../registry/provider.js";
import type { ExportPlan } from "./export-plan.js";
import {
  attr,
  type Block,
  type BodyItem,
  blank,
  block,
  type Expr,
  type Lazy,
  ref,
  str,
  tuple,
} from "./hcl/model.js";
import type { SecretKind } from "./inputs.js";
import type { ModuleBuilder } from "./module-builder.js";
import type { ExportState, Primary } from "./state.js";

/**
 * What a converter sees while it converts one document: where to write resources, references
 * to other documents (in this module, passed in, or looked up by name), secrets as inputs,
 * tags, the values of ID-holding fields, and warnings.
 */

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
    this.module.add(file, block("resource", [type, name], this.ignoring(type, body)));
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
   * The body with the lifecycle `ignore_changes` that `--ignore-changes` asks of a resource of
   * this type here: `all`, or the attributes named; merged into a lifecycle block the body has.
   */
  private ignoring(type: string, body: BodyItem[]): BodyItem[] {
    const wanted = this.plan.ignoreChanges;
    // Adopting: a resource whose import loses its space ID keeps the one it has (provider.ts).
    const spaceId = this.plan.adopting && SPACE_ID_LOST_ON_IMPORT.has(type) ? ["space_id"] : [];
    if (!wanted.size && !spaceId.length) return body;
    const inProject =
      this.module.path.startsWith("projects/") || (this.module.path === "" && !!this.node.projectId);
    const all =
      (wanted.has("projects") && inProject) ||
      (wanted.has("space") && this.module.path === "space") ||
      (wanted.has("project-variables") && inProject && type === "octopusdeploy_variable") ||
      (wanted.has("project-groups") && type === "octopusdeploy_project_group") ||
      (wanted.has("tenants") && /^octopusdeploy_tenant(_common_variable|_project_variable)?$/.test(type));
    const names = [
      ...(!all && wanted.has("project-names") && type === "octopusdeploy_project" ? ["name"] : []),
      ...(all ? [] : spaceId),
    ];
    if (!all && !names.length) return body;
    const value: Expr = all ? ref("all") : tuple(names.map((n) => ref(n)));
    const lifecycle = body.find((item): item is Block => item.kind === "block" && item.type === "lifecycle");
    if (!lifecycle) return [...body, blank, block("lifecycle", [], [attr("ignore_changes", value)])];
    const rest = lifecycle.body.filter(
      (item) => !(item.kind === "attribute" && item.name === "ignore_changes"),
    );
    const merged = block("lifecycle", [], [attr("ignore_changes", value), ...rest]);
    return body.map((item) => (item === lifecycle ? merged : item));
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
    const primary = this.localPrimary(id);
    if (primary) return ref(primary.type, primary.label, options.attribute ?? "id");
    if (!lookupOf(target.type)) {
      this.warn(`${what}: ${describe(target)} cannot be looked up by name; dropped`);
      return undefined;
    }
    if (this.plan.excluded.has(id))
      this.warn(
        `${what}: ${describe(target)} is ${this.optedOut(target) ? "written only with --include-teams" : "left out by a filter"}; it must exist in the destination`,
      );
    const home = this.plan.home.get(id);
    if (home !== undefined && home !== this.module.path) this.module.dependsOn.add(home);
    const absent = this.whyAbsent(target);
    if (target.type === "Channels") {
      const project = this.ref(target.projectId, what);
      const owner = this.graph.get(target.projectId ?? "")?.name;
      return this.module.lookups.ref(
        target,
        project ? [attr("project_id", project)] : [],
        owner,
        home,
        options.attribute,
        absent,
      );
    }
    return this.module.lookups.ref(target, [], undefined, home, options.attribute, absent);
  }

  /**
   * Why a document no module of this export writes should already be on the destination, and
   * what to apply first, for the message of its lookup's postcondition.
   */
  private whyAbsent(target: GraphNode): string {
    if (this.plan.defaults.has(target.id))
      return target.klass === "project" ? "every project has it" : "every space has it";
    if (this.optedOut(target))
      return "this export has no --include-teams: create it there first, or export with --include-teams";
    if (this.plan.excluded.has(target.id))
      return "a filter left it out of this export: create it there first";
    const projectId = target.type === "Projects" ? target.id : target.projectId;
    const project = projectId ? this.graph.get(projectId) : undefined;
    if (project)
      return `it is outside this export: export project "${project.name}" (--project) and apply its module first`;
    return "it is outside this export: apply the space module of an export that writes it first";
  }

  /** Whether a document is left out only because the export has no --include-teams. */
  private optedOut(target: GraphNode): boolean {
    return !this.plan.includeTeams && needsIncludeTeams(target.type);
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
      if (this.plan.excludeTag(canonical)) {
        this.warn(`${what}: tag "${canonical}" is left out by --exclude-tenant-tags; dropped`);
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

  /** The primary resource of document `id` when this module writes it, else undefined. */
  localPrimary(id: string): Primary | undefined {
    const primary = this.state.primaries.get(id);
    return primary && this.plan.home.get(id) === this.module.path ? primary : undefined;
  }

  warn(message: string): void {
    this.state.warnings.push({ subject: describe(this.node, this.graph), message });
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
