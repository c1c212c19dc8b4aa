import type { SpaceGraph } from "../graph/graph.js";

/**
 * What other documents know of a process's steps: channel rules, a project's versioning and
 * release creation, and triggers name an action by its name or slug (and a package of it by
 * its reference). These helpers say whether what they name is in the process as exported:
 * kept, left out with its step by --exclude-steps, or not in the process at all.
 */

/** An action of a process, as the settings that name it see it. */
export interface ProcessAction {
  id: string;
  name: string;
  slug: string;
  /** The name of the step it belongs to (the step filter matches step names). */
  step: string;
}

/** Every action of a process (deployment or runbook), in order; none when it is not in the graph. */
export function processActions(graph: SpaceGraph, processId: string | null | undefined): ProcessAction[] {
  const node = processId ? graph.get(processId) : undefined;
  if (!node) return [];
  const steps = (node.doc as { Steps?: unknown }).Steps;
  const out: ProcessAction[] = [];
  for (const step of Array.isArray(steps) ? steps : []) {
    const actions = (step as { Actions?: unknown }).Actions;
    for (const a of Array.isArray(actions) ? actions : []) {
      const action = a as { Id?: unknown; Name?: unknown; Slug?: unknown };
      out.push({
        id: String(action.Id ?? ""),
        name: String(action.Name ?? ""),
        slug: String(action.Slug ?? ""),
        step: String((step as { Name?: unknown }).Name ?? ""),
      });
    }
  }
  return out;
}

/** What became of an action a setting names. */
export type ActionFate =
  | { fate: "kept"; action: ProcessAction }
  | { fate: "left-out"; action: ProcessAction }
  | { fate: "no-action" };

/**
 * Finds the action named `action` (by name or slug, as `by` says; "either" for channel rules,
 * which name it by name, or by slug in a Config-as-Code project) among `actions`. Only the
 * action is checked, not the package reference: a rule with an empty reference may name a
 * step whose one package has a name.
 */
export function actionFate(
  actions: readonly ProcessAction[],
  excludeStep: (name: string) => boolean,
  action: string,
  by: "name" | "slug" | "either",
): ActionFate {
  const found = actions.find(
    (a) => (by !== "slug" && a.name === action) || (by !== "name" && a.slug !== "" && a.slug === action),
  );
  if (!found) return { fate: "no-action" };
  if (excludeStep(found.step)) return { fate: "left-out", action: found };
  return { fate: "kept", action: found };
}

/** `the primary package of step "Deploy"`, `package "web" of step "Deploy"`. */
export function describeActionPackage(action: string, packageReference: string | undefined): string {
  if (packageReference === undefined) return `step "${action}"`;
  return packageReference
    ? `package "${packageReference}" of step "${action}"`
    : `the primary package of step "${action}"`;
}

/** Step names a text refers to through output variables: #{Octopus.Action[Name].Output...}. */
export function stepsNamedIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/Octopus\.(?:Action|Step)\[([^\]]+)\]/g)) out.push(m[1]!);
  return out;
}
