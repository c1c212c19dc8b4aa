import { docType, singularOf } from "../registry/index.js";
import type { GraphNode, SpaceGraph } from "./graph.js";
import { identityOf, madeByBootstrap } from "./identity.js";

/**
 * Two spaces compared by what identifies each document to a user (graph/identity.ts), not by
 * ID: `octoport diff`, the check after a migration by either path, and drift detection that
 * needs no Terraform state. Each document is made comparable first:
 * - an ID anywhere (a field, a scope list, an object key, quoted inside JSON text) becomes
 *   what it names in its own space (`@environment "Production"`), and the GUIDs of steps, actions and templates become
 *   their names, so the two spaces' different IDs compare equal;
 * - what the server keeps for itself is left out: IDs, links, concurrency versions, the
 *   variable editor's choices, modification stamps, and state a server computes (health, the
 *   Calamari and Tentacle versions a target reports);
 * - sensitive values compare by whether they are set (the API never returns them);
 * - lists of plain values are sets; lists of named entries (steps, phases) compare entry by
 *   entry by name, their order apart; variables by name and scope;
 * - absent, null, "", [] and {} are all "nothing".
 */

export interface Difference {
  /** The document, as a user names it: `project "Orders API"`, `channel "Hotfix" of "Orders API"`. */
  document: string;
  /** Where in it, e.g. `Steps["Deploy"].Actions["Deploy"].Properties["Octopus.Action.Script.ScriptBody"]`; empty for a whole document. */
  path: string;
  kind: "only-in-source" | "only-in-destination" | "changed";
  source?: unknown;
  destination?: unknown;
}

/** Fields that are the server's own bookkeeping, wherever they sit. */
const BOOKKEEPING = new Set([
  "Id",
  "SpaceId",
  "Links",
  "ScopeValues",
  "LastModifiedOn",
  "LastModifiedBy",
  "LastSnapshotId",
  // A target's or worker's state, computed by the server from the machine itself.
  "HealthStatus",
  "HasLatestCalamari",
  "StatusSummary",
  "IsInProcess",
  "TentacleVersionDetails",
  "MachineUpdateStatus",
]);

/** Documents whose `Version` is a concurrency counter, not something a user set. */
const VERSIONED = new Set(["VariableSets", "DeploymentProcesses", "RunbookProcesses"]);

/** The differences between two spaces' documents, in a stable order (documents, then paths). */
export function compareSpaces(source: SpaceGraph, destination: SpaceGraph): Difference[] {
  const a = comparable(source);
  const b = comparable(destination);
  const out: Difference[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const left = a.get(key);
    const right = b.get(key);
    const document = (left ?? right)!.label;
    if (!right) out.push({ document, path: "", kind: "only-in-source" });
    else if (!left) out.push({ document, path: "", kind: "only-in-destination" });
    else
      walk(left.value, right.value, "", (path, s, d) =>
        out.push({ document, path, kind: "changed", source: s, destination: d }),
      );
  }
  return out;
}

interface Comparable {
  label: string;
  value: unknown;
}

function comparable(graph: SpaceGraph): Map<string, Comparable> {
  const labels = new Map<string, string>();
  for (const node of graph.nodes.values()) labels.set(node.id, labelOf(graph, node));
  const machinery = new Set(
    [...graph.nodes.values()].filter((n) => madeByBootstrap(graph, n)).map((n) => n.id),
  );
  const guidNames = new Map<string, string>();
  for (const node of graph.nodes.values()) {
    const d = node.doc as Record<string, unknown>;
    for (const step of asArray(d.Steps)) {
      if (typeof step.Id === "string") guidNames.set(step.Id, `step "${String(step.Name)}"`);
      for (const action of asArray(step.Actions))
        if (typeof action.Id === "string") guidNames.set(action.Id, `action "${String(action.Name)}"`);
    }
    for (const t of asArray(d.Templates))
      if (typeof t.Id === "string") guidNames.set(t.Id, `template "${String(t.Name)}"`);
  }
  const named = (id: string): string | undefined => {
    const label = labels.get(id);
    return label !== undefined ? `@${label}` : guidNames.get(id);
  };
  const out = new Map<string, Comparable>();
  for (const node of graph.nodes.values()) {
    const key = identityOf(graph, node);
    if (key === undefined || out.has(key) || machinery.has(node.id)) continue;
    const doc = { ...(node.doc as Record<string, unknown>) };
    if (VERSIONED.has(node.type)) delete doc.Version;
    out.set(key, { label: labels.get(node.id)!, value: normalise(doc, named) });
  }
  return out;
}

/** How a user names a document: its kind and name, and its project or owner's name. */
function labelOf(graph: SpaceGraph, node: GraphNode): string {
  const d = node.doc as Record<string, unknown>;
  const nameOf = (id: unknown) => (typeof id === "string" ? (graph.get(id)?.name ?? id) : "?");
  const kind = singularOf(node.type);
  switch (docType(node.type)?.identity ?? "name") {
    case "name-in-project":
      return `${kind} "${node.name}" of "${nameOf(d.ProjectId)}"`;
    case "version-in-project":
      return `${kind} ${String(d.Version)} of "${nameOf(d.ProjectId)}"`;
    case "project":
      return `${kind} of "${nameOf(d.ProjectId)}"`;
    case "runbook":
      return `${kind} of runbook "${nameOf(d.RunbookId)}" of "${nameOf(d.ProjectId)}"`;
    case "owner":
      return `${kind} of "${nameOf(d.OwnerId)}"`;
    case "tenant":
      return `${kind} of "${nameOf(d.TenantId)}"`;
    case "retention-type":
      return `${kind} for ${String(d.RetentionType)}`;
    default:
      return `${kind} "${node.name}"`;
  }
}

function asArray(v: unknown): Array<Record<string, unknown>> {
  return Array.isArray(v)
    ? v.filter((x): x is Record<string, unknown> => Boolean(x) && typeof x === "object")
    : [];
}

function normalise(value: unknown, named: (id: string) => string | undefined, key?: string): unknown {
  if (typeof value === "string") {
    const whole = named(value);
    if (whole !== undefined) return whole;
    // IDs quoted inside JSON text (a step's container definitions and the like).
    return value.normalize("NFC").replace(/"([A-Za-z][A-Za-z-]*-\d+)"/g, (m, id: string) => {
      const label = named(id);
      return label === undefined ? m : JSON.stringify(label);
    });
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => normalise(v, named));
    if (items.every((i) => typeof i === "string")) return [...(items as string[])].sort();
    if (key === "Variables") {
      // A variable is its name and scope: the value is what may differ.
      const byKey: Record<string, unknown> = {};
      for (const item of items) {
        const v = item as Record<string, unknown>;
        let k = `${String(v.Name)}${scopeText(v.Scope)}`;
        while (k in byKey) k += "'";
        byKey[k] = item;
      }
      return sortedObject(byKey);
    }
    if (key === "ExtensionSettings") {
      // One entry per extension (ITSM, Jira): by its ID, in no order the server gives meaning to.
      return sortedObject(
        Object.fromEntries(
          items.map((item) => [String((item as Record<string, unknown>).ExtensionId), item]),
        ),
      );
    }
    const names = items.map((i) =>
      i && typeof i === "object" ? (i as Record<string, unknown>).Name : undefined,
    );
    if (
      items.length > 0 &&
      names.every((n) => typeof n === "string") &&
      new Set(names).size === names.length
    ) {
      return {
        "#order": names,
        ...Object.fromEntries(items.map((item, i) => [`"${names[i] as string}"`, item])),
      };
    }
    return items;
  }
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if ("HasValue" in o && Object.keys(o).every((k) => k === "HasValue" || k === "NewValue" || k === "Hint"))
      return o.HasValue === true ? "(sensitive: set)" : "(sensitive: not set)";
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (BOOKKEEPING.has(k)) continue;
      out[named(k) ?? k] = normalise(v, named, k);
    }
    if (o.IsSensitive === true && "Value" in out) out.Value = "(sensitive)";
    return sortedObject(out);
  }
  return value;
}

/** A variable's scope as a user reads it: ` (Environment "Production", "Test"; Role "web")`. */
function scopeText(scope: unknown): string {
  if (!scope || typeof scope !== "object") return "";
  const parts = Object.entries(scope as Record<string, unknown>)
    .filter(([, values]) => Array.isArray(values) && values.length > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, values]) => {
      const shown = (values as unknown[]).map((v) => {
        const text = String(v);
        // "@environment \"Production\"" -> "Production"; a raw value (a role, a dangling ID) quoted.
        const m = /^@\S+ ("(?:[^"\\]|\\.)*")/.exec(text);
        return m ? m[1] : JSON.stringify(text);
      });
      return `${key} ${shown.join(", ")}`;
    });
  return parts.length ? ` (${parts.join("; ")})` : "";
}

function sortedObject(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Absent, null, "", [] and {} all mean "nothing" to a user, and to Octopus. */
function isNothing(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && Object.keys(v as object).length === 0;
}

function walk(
  a: unknown,
  b: unknown,
  path: string,
  report: (path: string, a: unknown, b: unknown) => void,
): void {
  if (isNothing(a) && isNothing(b)) return;
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const bothObjects =
    a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b);
  if (!bothObjects) {
    report(path, a, b);
    return;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k of [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort()) {
    const step =
      k.startsWith('"') || k.startsWith("@")
        ? `[${k}]`
        : /^[A-Za-z_][\w]*$/.test(k)
          ? `.${k}`
          : `[${JSON.stringify(k)}]`;
    walk(ao[k], bo[k], path ? `${path}${step}` : step.replace(/^\./, ""), report);
  }
}
