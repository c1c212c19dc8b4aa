import { cmp } from "../util/strings.js";
import type { Manifest } from "./manifest.js";
import type { Plan } from "./selection.js";

/**
 * The order of an export for the manifest: the modules in levels of the apply, and the
 * dependencies between projects that "Deploy a release" steps make.
 */

/** Modules in levels: each only after the modules it looks things up from. */
export function applyLevels(modules: Manifest["modules"]): string[][] {
  const levels: string[][] = [];
  const placed = new Map<string, number>();
  const remaining = new Set(modules.map((m) => m.path));
  while (remaining.size) {
    const ready = modules.filter((m) => remaining.has(m.path) && m.dependsOn.every((d) => placed.has(d)));
    if (!ready.length) {
      // Cycles between modules are reported by the project order; put the rest last.
      levels.push([...remaining].sort());
      break;
    }
    const level = ready.map((m) => m.path).sort();
    for (const p of level) {
      placed.set(p, levels.length);
      remaining.delete(p);
    }
    levels.push(level);
  }
  return levels;
}

export function projectDependencyNames(plan: Plan): Manifest["projectDependencies"] {
  const out: Manifest["projectDependencies"] = [];
  for (const node of plan.graph.ofType("DeploymentProcesses")) {
    for (const step of ((node.doc as { Steps?: unknown }).Steps ?? []) as Array<{
      Actions?: Array<Record<string, unknown>>;
    }>) {
      for (const a of step.Actions ?? []) {
        const target = (a.Properties as Record<string, unknown> | undefined)?.[
          "Octopus.Action.DeployRelease.ProjectId"
        ];
        if (a.ActionType !== "Octopus.DeployRelease" || typeof target !== "string" || !node.projectId)
          continue;
        const from = plan.graph.get(node.projectId)?.name;
        const to = plan.graph.get(target)?.name;
        if (from && to) out.push({ project: from, dependsOn: to, step: String(a.Name ?? "") });
      }
    }
  }
  return out.sort((a, b) => cmp(`${a.project} ${a.dependsOn}`, `${b.project} ${b.dependsOn}`));
}
