import type { GraphNode, SpaceGraph } from "../graph/graph.js";
import { orderOf } from "../registry/index.js";
import { groupBy } from "../util/collections.js";
import { cmp, flat } from "../util/strings.js";
import { projectDependencyNames } from "./apply-order.js";
import { closingFiles } from "./closing.js";
import { converterFor } from "./converters/index.js";
import { earlierDirectories, earlierSecretNames, sameExport } from "./earlier.js";
import { EmitContext } from "./emit.js";
import { type ResourceGroup, settle } from "./kept-resources.js";
import { type ExportFile, type Manifest, wholeText } from "./manifest.js";
import { ModuleBuilder } from "./module-builder.js";
import { moduleFiles } from "./module-files.js";
import type { ExportOptions } from "./options.js";
import { rootFiles } from "./roots.js";
import { planExport } from "./selection.js";
import { ExportState } from "./state.js";

export type { Backend, ExportOptions, SecretDefaults } from "./options.js";
export { DEFAULT_PROVIDER_VERSION, PROVIDER_SOURCE } from "./options.js";

/**
 * The exporter: a space graph in, the files of an export out, module by module. The stages
 * are in their own files: what goes where (selection.ts), converting a module's documents
 * (converters/, emit.ts), its files (module-files.ts), the roots (roots.ts), and the
 * manifest, README and the rest that need every module (closing.ts).
 */

export interface ExportResult {
  /** Files by path relative to the output directory. */
  files: Map<string, string>;
  manifest: Manifest;
}

/** Builds every file of an export, in memory (see exportFiles). */
export function buildExport(graph: SpaceGraph, options: ExportOptions): ExportResult {
  const files = new Map<string, string>();
  const made = exportFiles(graph, options);
  for (let step = made.next(); ; step = made.next()) {
    if (step.done) return { files, manifest: step.value };
    files.set(step.value[0], wholeText(step.value[1]));
  }
}

/**
 * The files of an export, one at a time, and then its manifest. Deterministic: the same graph
 * and options give the same files. Each module is converted, printed and released in turn, so
 * only one module's blocks are held at a time: a caller that writes each file as it comes holds
 * little more than the graph. The files of the roots, which name what every module needs,
 * come last.
 */
export function* exportFiles(graph: SpaceGraph, options: ExportOptions): Generator<ExportFile, Manifest> {
  // What an earlier export into the same directory named, so that renames keep their names.
  const earlier = sameExport(options.previous, { spaceId: graph.space.Id, layout: options.layout });
  const plan = planExport(graph, { ...options, keepDirectories: earlierDirectories(earlier) });
  const releasing = options.releaseGraph === true && !options.adoptFrom;
  if (releasing) graph.dropReferences();
  const state = new ExportState(graph, earlierSecretNames(earlier));
  state.warnings.push(...plan.warnings);
  // Read from every project's process now: the roots are made after the processes are released.
  const projectDependencies = projectDependencyNames(plan);
  const modules = new Map<string, ModuleBuilder>();
  for (const m of plan.modules) modules.set(m.path, new ModuleBuilder(m.path, m.title));

  const units = [...plan.home.entries()]
    .map(([id, path]) => ({ node: graph.get(id)!, path }))
    .sort(
      (a, b) =>
        typeRank(a.node) - typeRank(b.node) || cmp(a.node.name, b.node.name) || cmp(a.node.id, b.node.id),
    );
  for (const { node, path } of units)
    if (!modules.has(path)) throw new Error(`no module ${path} for ${node.id}`);
  for (const node of graph.ofType("DeploymentProcesses").concat(graph.ofType("RunbookProcesses"))) {
    for (const step of ((node.doc as { Steps?: unknown }).Steps ?? []) as Array<{
      Actions?: Array<{ Id?: string; Name?: string }>;
    }>) {
      for (const a of step.Actions ?? []) if (a.Id && a.Name) state.actionNames.set(a.Id, a.Name);
    }
  }

  // Module by module: a converter writes only into its document's module, and refers by name
  // (or by a lookup) to what is in other modules, so each module is named, converted, printed
  // and released in turn, and memory holds one module's names and blocks at a time.
  const byModule = groupBy(units, (u) => u.path);
  const written: string[] = [];
  const resources: ResourceGroup[] = [];
  for (const m of plan.modules) {
    const builder = modules.get(m.path)!;
    const contexts = (byModule.get(m.path) ?? []).map(
      ({ node }) => new EmitContext(plan, builder, node, state),
    );
    byModule.delete(m.path);
    // Names first, so any document can refer to any other whatever the order they are written in.
    for (const ctx of contexts) {
      const converter = converterFor(ctx.node.type)!;
      const type = converter.primary?.(ctx.node, plan);
      if (type) {
        const key = ctx.key(converter.primaryKey?.(ctx.node, plan) ?? ctx.node.name);
        state.primaries.set(ctx.node.id, {
          type,
          label: builder.name("resource", type, key),
          module: m.path,
        });
        builder.primaries.push(ctx.node.id);
      }
    }
    for (const ctx of contexts) converterFor(ctx.node.type)!.declare?.(ctx.node, ctx);
    for (const ctx of contexts) {
      converterFor(ctx.node.type)!.emit(ctx.node, ctx);
      const odd = notNfc(ctx.node.doc);
      if (odd)
        ctx.warn(
          `has text that is not Unicode NFC (${JSON.stringify(odd)}); Terraform keeps every string in NFC, so it arrives normalised`,
        );
    }
    for (const made of moduleFiles(plan, options, state, builder)) {
      written.push(flat(made[0]));
      yield made;
    }
    resources.push(settle(state, builder));
    builder.release();
    if (releasing && m.projectId)
      graph.release(contexts.filter((c) => c.node.type !== "Projects").map((c) => c.node.id));
  }
  for (const node of graph.nodes.values()) {
    if (
      plan.defaults.has(node.id) &&
      node.type === "Lifecycles" &&
      ((node.doc as { Phases?: unknown[] }).Phases ?? []).length
    ) {
      state.warnings.push({
        subject: `lifecycle "${node.name}"`,
        message:
          "is the space's default lifecycle, which every space has: it is looked up, not managed, so its phases are not carried; set them by hand",
      });
    }
  }
  const roots = yield* rootFiles(plan, options, state, modules, written);
  return yield* closingFiles(plan, options, state, modules, roots, written, resources, projectDependencies);
}

/** The first string in a document that Unicode NFC would change, if any. */
function notNfc(value: unknown): string | undefined {
  if (typeof value === "string") return value === value.normalize("NFC") ? undefined : value.slice(0, 40);
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = notNfc(v);
      if (found) return found;
    }
  } else if (value && typeof value === "object") {
    for (const v of Object.values(value)) {
      const found = notNfc(v);
      if (found) return found;
    }
  }
  return undefined;
}

/** Documents are converted in the registry's order of types. */
function typeRank(node: GraphNode): number {
  return orderOf(node.type);
}
