/**
 * Following renames between exports. Resources are named after what they are called in
 * Octopus, so renaming a step in the source renames its Terraform resource. Re-exporting into
 * the same directory compares with the previous manifest: a resource that is the same source
 * thing under a new address gets a `moved` block, so Terraform updates it in place instead of
 * destroying and creating it. Moves are kept in the manifest and carried forward, so a state
 * that has not been applied for a few exports still follows them.
 */

/** What identifies a resource across exports: its source document, and its part of it. */
export interface TrackedResource {
  sourceId: string;
  sourcePart?: string;
  type: string;
  module: string;
  /** Its address inside its module, e.g. octopusdeploy_process_step.deployment_notify. */
  local: string;
}

export interface Move {
  module: string;
  from: string;
  to: string;
}

function identity(r: TrackedResource): string {
  return [r.module, r.type, r.sourceId, r.sourcePart ?? ""].join("\u0000");
}

/** Identities held by exactly one resource (a document giving several of a type without parts is ambiguous). */
function unique(resources: readonly TrackedResource[]): Map<string, TrackedResource> {
  const seen = new Map<string, TrackedResource | null>();
  for (const r of resources) {
    const id = identity(r);
    seen.set(id, seen.has(id) ? null : r);
  }
  const out = new Map<string, TrackedResource>();
  for (const [id, r] of seen) if (r) out.set(id, r);
  return out;
}

/**
 * The moves from the previous export to this one, with the previous export's own moves
 * carried forward (chains collapsed onto where things are now). Sorted, deterministic.
 */
export function movesSince(
  previous: { resources: readonly TrackedResource[]; moved?: readonly Move[] } | undefined,
  current: readonly TrackedResource[],
): Move[] {
  if (!previous) return [];
  const now = unique(current);
  const taken = new Set(current.map((r) => `${r.module}\u0000${r.local}`));
  const moves = new Map<string, Move>();
  const add = (m: Move) => {
    // A move from an address something now has would take that thing's state: never.
    if (m.from === m.to || taken.has(`${m.module}\u0000${m.from}`)) return;
    moves.set(`${m.module}\u0000${m.from}`, m);
  };
  const renamed = new Map<string, string>();
  for (const [id, before] of unique(previous.resources)) {
    const after = now.get(id);
    if (!after || after.local === before.local) continue;
    renamed.set(`${before.module}\u0000${before.local}`, after.local);
    add({ module: before.module, from: before.local, to: after.local });
  }
  for (const m of previous.moved ?? []) {
    const to = renamed.get(`${m.module}\u0000${m.to}`) ?? m.to;
    if (taken.has(`${m.module}\u0000${to}`)) add({ module: m.module, from: m.from, to });
  }
  return [...moves.values()].sort((a, b) => {
    const ka = `${a.module}\u0000${a.from}`;
    const kb = `${b.module}\u0000${b.from}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
