import { OctoportError } from "../util/errors.js";
import type { SpaceGraph } from "./graph.js";

export const DEPLOY_RELEASE_ACTION = "Octopus.DeployRelease";
export const DEPLOY_RELEASE_PROJECT = "Octopus.Action.DeployRelease.ProjectId";

export interface ProjectDependency {
  /** The project whose process holds the Deploy a release step. */
  project: string;
  /** The project whose release it deploys. */
  dependsOn: string;
  step: string;
}

export interface ProjectOrder {
  dependencies: ProjectDependency[];
  /** Project IDs in apply levels: a project's dependencies are all in earlier levels. */
  levels: string[][];
}

/** Thrown when Deploy a release steps form a cycle; the message names its path. */
export class DependencyCycleError extends OctoportError {
  constructor(readonly cycle: string[]) {
    super(
      `projects deploy releases of each other in a cycle: ${cycle.join(" -> ")}; break the cycle in one of them`,
    );
    this.name = "DependencyCycleError";
  }
}

/** Every Deploy a release step in the space's deployment and runbook processes. */
export function projectDependencies(graph: SpaceGraph): ProjectDependency[] {
  const deps: ProjectDependency[] = [];
  for (const type of ["DeploymentProcesses", "RunbookProcesses"]) {
    for (const node of graph.ofType(type)) {
      if (!node.projectId) continue;
      const steps = (node.doc as { Steps?: unknown }).Steps;
      if (!Array.isArray(steps)) continue;
      for (const step of steps as Array<{ Name?: string; Actions?: unknown }>) {
        if (!Array.isArray(step.Actions)) continue;
        for (const action of step.Actions as Array<{
          Name?: string;
          ActionType?: string;
          Properties?: unknown;
        }>) {
          if (action.ActionType !== DEPLOY_RELEASE_ACTION) continue;
          const target = (action.Properties as Record<string, unknown> | undefined)?.[DEPLOY_RELEASE_PROJECT];
          if (typeof target !== "string" || graph.get(target)?.type !== "Projects") continue;
          if (target === node.projectId) continue;
          deps.push({ project: node.projectId, dependsOn: target, step: action.Name ?? step.Name ?? "" });
        }
      }
    }
  }
  return deps.sort(
    (a, b) =>
      a.project.localeCompare(b.project) ||
      a.dependsOn.localeCompare(b.dependsOn) ||
      a.step.localeCompare(b.step),
  );
}

/**
 * Orders projects in levels (Kahn's algorithm by longest path): level 0 depends on
 * nothing, level n only on earlier levels. Within a level, projects sort by name.
 * A cycle throws DependencyCycleError naming the projects on it.
 */
export function projectOrder(graph: SpaceGraph, projectIds?: readonly string[]): ProjectOrder {
  const ids = projectIds ?? graph.ofType("Projects").map((n) => n.id);
  const selected = new Set(ids);
  const dependencies = projectDependencies(graph).filter(
    (d) => selected.has(d.project) && selected.has(d.dependsOn),
  );
  const dependsOn = new Map<string, Set<string>>();
  for (const id of ids) dependsOn.set(id, new Set());
  for (const d of dependencies) dependsOn.get(d.project)!.add(d.dependsOn);

  const nameOf = (id: string) => graph.get(id)?.name ?? id;
  const byName = (a: string, b: string) => nameOf(a).localeCompare(nameOf(b)) || a.localeCompare(b);
  const levelOf = new Map<string, number>();
  const remaining = new Set(ids);
  const levels: string[][] = [];
  while (remaining.size > 0) {
    const ready = [...remaining].filter((id) => [...dependsOn.get(id)!].every((dep) => levelOf.has(dep)));
    if (ready.length === 0) throw new DependencyCycleError(findCycle(remaining, dependsOn).map(nameOf));
    ready.sort(byName);
    for (const id of ready) {
      levelOf.set(id, levels.length);
      remaining.delete(id);
    }
    levels.push(ready);
  }
  return { dependencies, levels };
}

function findCycle(nodes: Set<string>, edges: Map<string, Set<string>>): string[] {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, "visiting");
    stack.push(id);
    for (const next of [...(edges.get(id) ?? [])].sort()) {
      if (!nodes.has(next)) continue;
      if (state.get(next) === "visiting") return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, "done");
    return undefined;
  };
  for (const id of [...nodes].sort()) {
    if (!state.has(id)) {
      const found = visit(id);
      if (found) return found;
    }
  }
  return [...nodes];
}
