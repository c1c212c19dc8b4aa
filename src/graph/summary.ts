import { projectOrder } from "./dependencies.js";
import type { SpaceGraph } from "./graph.js";

export interface SpaceSummary {
  space: { id: string; name: string };
  serverVersion: string;
  counts: Array<{ type: string; label: string; class: "space" | "project"; count: number }>;
  classes: { space: string[]; project: string[] };
  dependencies: Array<{ project: string; dependsOn: string; step: string }>;
  applyOrder: string[][];
  references: number;
}

/** What `octoport inspect` reports: counts per type, classes, project apply order by name. */
export function summarise(graph: SpaceGraph): SpaceSummary {
  const order = projectOrder(graph);
  const name = (id: string) => graph.get(id)?.name ?? id;
  const counts = graph
    .counts()
    .map((c) => ({ type: c.type, label: c.label, class: c.klass, count: c.count }));
  return {
    space: { id: graph.space.Id, name: graph.space.Name },
    serverVersion: graph.serverVersion,
    counts,
    classes: {
      space: counts.filter((c) => c.class === "space").map((c) => c.type),
      project: counts.filter((c) => c.class === "project").map((c) => c.type),
    },
    dependencies: order.dependencies.map((d) => ({
      project: name(d.project),
      dependsOn: name(d.dependsOn),
      step: d.step,
    })),
    applyOrder: order.levels.map((level) => level.map(name)),
    references: graph.references.length,
  };
}

/** The summary as aligned text for a terminal. */
export function formatSummary(s: SpaceSummary): string {
  const lines: string[] = [];
  lines.push(`Space ${s.space.name} (${s.space.id}) on Octopus ${s.serverVersion}`);
  lines.push("");
  const width = Math.max(...s.counts.map((c) => c.label.length), 10);
  for (const klass of ["space", "project"] as const) {
    const rows = s.counts.filter((c) => c.class === klass);
    lines.push(klass === "space" ? "Space-level resources:" : "Project-level resources:");
    if (rows.length === 0) lines.push("  (none)");
    for (const c of rows) lines.push(`  ${c.label.padEnd(width)}  ${String(c.count).padStart(6)}`);
    lines.push("");
  }
  lines.push(`References between documents: ${s.references}`);
  lines.push("");
  if (s.dependencies.length) {
    lines.push("Project dependencies (Deploy a release):");
    for (const d of s.dependencies) lines.push(`  ${d.project} -> ${d.dependsOn}  (step "${d.step}")`);
    lines.push("");
  }
  lines.push("Project apply order:");
  if (s.applyOrder.length === 0) lines.push("  (no projects)");
  s.applyOrder.forEach((level, i) => {
    lines.push(`  level ${i}: ${level.join(", ")}`);
  });
  return `${lines.join("\n")}\n`;
}
