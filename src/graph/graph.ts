import type { OctopusDocument, Space } from "../octopus/schemas.js";
import { type DocClass, docType, REGISTRY } from "../registry/index.js";

/** One document of the space with what the graph knows about it. */
export interface GraphNode {
  type: string;
  id: string;
  name: string;
  klass: DocClass;
  /** The project a project-level document belongs to. */
  projectId?: string;
  doc: OctopusDocument;
}

/** A reference from one document to another: `from` holds `to` at JSON `path`. */
export interface Reference {
  from: string;
  to: string;
  path: string;
}

/**
 * Fields that hold IDs but are not references to other documents. A variable set's
 * ScopeValues is what the variable editor offers (every environment, target and channel),
 * not what the set uses.
 */
const NOT_REFERENCES = new Set(["Id", "SpaceId", "Links", "ScopeValues"]);

/** Document types whose owner is a project: the field that names it. */
const PROJECT_OWNER_FIELDS = ["ProjectId", "OwnerId"];

/**
 * The in-memory space: every document by ID, the references between them, the class of
 * each, and the project dependency graph from Deploy-a-release steps.
 */
export class SpaceGraph {
  readonly nodes = new Map<string, GraphNode>();
  readonly references: Reference[] = [];
  private readonly byType = new Map<string, GraphNode[]>();
  private readonly incoming = new Map<string, Reference[]>();
  private readonly outgoing = new Map<string, Reference[]>();

  constructor(
    readonly space: Space,
    readonly serverVersion: string,
  ) {}

  add(type: string, doc: OctopusDocument): GraphNode {
    if (this.nodes.has(doc.Id)) {
      const existing = this.nodes.get(doc.Id)!;
      if (existing.type !== type) {
        throw new Error(`document ${doc.Id} read twice, as ${existing.type} and ${type}`);
      }
      existing.doc = doc;
      return existing;
    }
    const spec = docType(type);
    const node: GraphNode = {
      type,
      id: doc.Id,
      name: documentName(doc),
      klass: spec?.klass ?? "space",
      doc,
    };
    this.nodes.set(doc.Id, node);
    let list = this.byType.get(type);
    if (!list) {
      list = [];
      this.byType.set(type, list);
    }
    list.push(node);
    return node;
  }

  get(id: string): GraphNode | undefined {
    return this.nodes.get(id);
  }

  ofType(type: string): readonly GraphNode[] {
    return this.byType.get(type) ?? [];
  }

  /**
   * Drops the bodies of documents that will not be read again (an export that owns the graph
   * releases each project's documents once its module is written). A released document keeps
   * its node (type, ID, name, owner); reading its body is a bug, so it throws.
   */
  release(ids: Iterable<string>): void {
    for (const id of ids) {
      const node = this.nodes.get(id);
      if (node) node.doc = releasedDocument(node);
    }
  }

  /** Drops the references (after whatever needed them, e.g. an export's plan, has run). */
  dropReferences(): void {
    this.references.length = 0;
    this.incoming.clear();
    this.outgoing.clear();
  }

  referencesFrom(id: string): readonly Reference[] {
    return this.outgoing.get(id) ?? [];
  }

  referencesTo(id: string): readonly Reference[] {
    return this.incoming.get(id) ?? [];
  }

  /**
   * Counts of documents per type and class, in the registry's order, types with none
   * left out. A type can appear in both classes (variable sets of projects and of library sets).
   */
  counts(): Array<{ type: string; label: string; klass: DocClass; count: number }> {
    const out: Array<{ type: string; label: string; klass: DocClass; count: number }> = [];
    for (const spec of REGISTRY) {
      for (const klass of ["space", "project"] as const) {
        const count = this.ofType(spec.type).filter((n) => n.klass === klass).length;
        if (count > 0) out.push({ type: spec.type, label: spec.label, klass, count });
      }
    }
    return out;
  }

  /**
   * Links documents: finds every reference (a string value or object key equal to the ID of
   * another document in the graph), assigns the owning project of project-level documents,
   * and fixes the class of variable sets by their owner. Call once, after all adds.
   */
  link(): void {
    this.references.length = 0;
    this.incoming.clear();
    this.outgoing.clear();
    const ids = [...this.nodes.keys()].sort();
    for (const id of ids) {
      const node = this.nodes.get(id)!;
      walk(node.doc, (value, path) => {
        if (value !== node.id && this.nodes.has(value))
          this.addReference({ from: node.id, to: value, path: path() });
      });
    }
    for (const node of this.nodes.values()) this.assignOwner(node);
  }

  private addReference(ref: Reference): void {
    this.references.push(ref);
    push(this.outgoing, ref.from, ref);
    push(this.incoming, ref.to, ref);
  }

  private assignOwner(node: GraphNode): void {
    if (node.type === "Projects") {
      node.projectId = node.id;
      return;
    }
    for (const field of PROJECT_OWNER_FIELDS) {
      const owner = (node.doc as Record<string, unknown>)[field];
      if (typeof owner === "string" && this.nodes.get(owner)?.type === "Projects") {
        node.projectId = owner;
        node.klass = "project";
        return;
      }
    }
    if (
      node.type === "VariableSets" ||
      node.type === "RunbookProcesses" ||
      node.type === "DeploymentProcesses"
    ) {
      // Owned by a library set, script module or runbook: inherit the owner's class.
      const owner =
        (node.doc as Record<string, unknown>).OwnerId ?? (node.doc as Record<string, unknown>).RunbookId;
      const ownerNode = typeof owner === "string" ? this.nodes.get(owner) : undefined;
      if (ownerNode) {
        node.klass = ownerNode.klass;
        const projectId = (ownerNode.doc as Record<string, unknown>).ProjectId;
        if (typeof projectId === "string" && this.nodes.has(projectId)) node.projectId = projectId;
      }
    }
  }
}

/** A document body that throws when read: its node was released. */
function releasedDocument(node: GraphNode): OctopusDocument {
  const fail = (): never => {
    throw new Error(`${node.type} ${node.id} was read after it was released`);
  };
  return new Proxy({} as OctopusDocument, {
    get: (_target, key) => (key === "Id" ? node.id : fail()),
    has: fail,
    ownKeys: fail,
    getOwnPropertyDescriptor: fail,
  });
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function documentName(doc: OctopusDocument): string {
  if (typeof doc.Name === "string" && doc.Name) return doc.Name;
  // Users have a username instead of a name.
  const username = (doc as { Username?: unknown }).Username;
  return typeof username === "string" && username ? username : doc.Id;
}

/**
 * Calls `visit` for every string value and every object key in a JSON value, with its path
 * (e.g. `Steps[0].Actions[1].Properties.Octopus.Action.Package.FeedId`, a key's with `{key}`).
 * The path is made only when asked for: a space has millions of values and few references.
 */
export function walk(
  value: unknown,
  visit: (value: string, path: () => string) => void,
  segments: string[] = [],
): void {
  if (typeof value === "string") {
    visit(value, () => segments.join(""));
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      segments.push(`[${i}]`);
      walk(item, visit, segments);
      segments.pop();
    });
  } else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (segments.length === 0 && NOT_REFERENCES.has(key)) continue;
      segments.push(segments.length ? `.${key}` : key);
      visit(key, () => `${segments.join("")}{key}`);
      walk(child, visit, segments);
      segments.pop();
    }
  }
}
