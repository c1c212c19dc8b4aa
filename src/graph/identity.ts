import { docType } from "../registry/index.js";
import type { GraphNode, SpaceGraph } from "./graph.js";

/**
 * What identifies a document to a user, so the same thing can be found in another space or
 * on another server, where its ID differs: its type and name, within its project (channels,
 * runbooks, triggers, releases by version), its owner (variable sets, processes) or its tenant.
 * Undefined when the document has nothing that identifies it.
 */
export function identityOf(graph: SpaceGraph, node: GraphNode): string | undefined {
  const d = node.doc as Record<string, unknown>;
  const name = (id: unknown) => (typeof id === "string" ? graph.get(id)?.name : undefined);
  const sep = "\u0000";
  switch (docType(node.type)?.identity ?? "name") {
    case "name":
      return [node.type, node.name].join(sep);
    case "name-in-project":
      return [node.type, name(d.ProjectId), node.name].join(sep);
    case "version-in-project":
      return [node.type, name(d.ProjectId), String(d.Version)].join(sep);
    case "project":
      return [node.type, name(d.ProjectId)].join(sep);
    case "runbook":
      return [node.type, name(d.ProjectId), name(d.RunbookId)].join(sep);
    case "owner": {
      const owner = typeof d.OwnerId === "string" ? graph.get(d.OwnerId) : undefined;
      return owner ? [node.type, owner.type, owner.name].join(sep) : undefined;
    }
    case "tenant":
      return [node.type, name(d.TenantId)].join(sep);
    case "retention-type":
      return [node.type, String(d.RetentionType)].join(sep);
    case "username":
      return [node.type, String(d.Username ?? "").toLowerCase()].join(sep);
    case "none":
      return undefined;
  }
}

/** Documents of a space by identity, to find the counterparts of another space's documents. */
export class IdentityIndex {
  private readonly byIdentity = new Map<string, GraphNode>();

  constructor(readonly graph: SpaceGraph) {
    for (const node of graph.nodes.values()) {
      const key = identityOf(graph, node);
      if (key && !this.byIdentity.has(key)) this.byIdentity.set(key, node);
    }
  }

  /** The document here that is `node` of `other`. */
  counterpart(other: SpaceGraph, node: GraphNode): GraphNode | undefined {
    const key = identityOf(other, node);
    return key ? this.byIdentity.get(key) : undefined;
  }

  byKey(key: string): GraphNode | undefined {
    return this.byIdentity.get(key);
  }
}

/**
 * The end of the description of everything `octoport bootstrap` makes on a source (its step
 * template, its project, each project's sync runbook): such documents are the migration's own
 * machinery, never exported or compared.
 */
export const BOOTSTRAP_MARK = "(octoport bootstrap)";

/** Whether `octoport bootstrap` made this document, or the project or runbook it belongs to. */
export function madeByBootstrap(graph: SpaceGraph, node: GraphNode): boolean {
  const marked = (n: GraphNode | undefined) => {
    const description = (n?.doc as Record<string, unknown> | undefined)?.Description;
    return typeof description === "string" && description.endsWith(BOOTSTRAP_MARK);
  };
  if (marked(node)) return true;
  const d = node.doc as Record<string, unknown>;
  for (const owner of [d.ProjectId, d.RunbookId, d.OwnerId])
    if (typeof owner === "string" && owner !== node.id && marked(graph.get(owner))) return true;
  return false;
}
