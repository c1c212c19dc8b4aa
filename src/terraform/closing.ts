import { prettyJson } from "../util/json.js";
import { cmp } from "../util/strings.js";
import { addImportBlocks } from "./adopt.js";
import { applyLevels } from "./apply-order.js";
import { movedFiles, renamedInputs, sameExport, trackedResources } from "./earlier.js";
import type { Secret } from "./inputs.js";
import { inAddressOrder, type ResourceGroup } from "./kept-resources.js";
import { type ExportFile, MANIFEST_FORMAT, type Manifest } from "./manifest.js";
import type { ModuleBuilder } from "./module-builder.js";
import { movesSince } from "./moves.js";
import type { ExportOptions } from "./options.js";
import { renderReadme } from "./readme.js";
import type { Roots } from "./roots.js";
import type { Plan } from "./selection.js";
import type { ExportState } from "./state.js";

/**
 * The export's last files, made once every module and root is: the manifest (what every
 * resource came from, the modules and their order, the secrets, warnings), moved and import
 * blocks, the README, and manifest.json.
 */

/**
 * The export's last files, once every module and root is made: moved blocks for renames, import
 * blocks for what the destination already holds, the README, and the manifest (returned, and
 * written last, in pieces). `files` are the roots' files kept until the end; `written` every
 * file handed on before.
 */
export function* closingFiles(
  plan: Plan,
  options: ExportOptions,
  state: ExportState,
  modules: Map<string, ModuleBuilder>,
  roots: Roots,
  written: string[],
  resources: ResourceGroup[],
  projectDependencies: Manifest["projectDependencies"],
): Generator<ExportFile, Manifest> {
  const graph = plan.graph;
  const files = roots.files;
  const moduleInfo = roots.modules;
  // The modules each secret goes to, in plan order.
  const secretModules = new Map<Secret, string[]>();
  for (const m of plan.modules)
    for (const s of modules.get(m.path)!.secrets) {
      const list = secretModules.get(s);
      if (list) list.push(m.path);
      else secretModules.set(s, [m.path]);
    }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    source: {
      server: options.source.server,
      spaceId: graph.space.Id,
      spaceName: graph.space.Name,
      serverVersion: graph.serverVersion,
    },
    layout: options.layout,
    providerVersion: options.providerVersion,
    modules: moduleInfo,
    applyOrder: options.layout === "single" ? [[""]] : applyLevels(moduleInfo),
    projectDependencies,
    resources: inAddressOrder(resources),
    secrets: state.allSecrets().map((s) => ({
      variable: s.name.resolve(),
      sourceId: s.sourceId,
      field: s.field,
      path: s.path,
      description: s.description,
      modules: secretModules.get(s) ?? [],
      ...(s.octostache ? { sourceVariable: s.octostache.replace(/^#\{(.*)\}$/, "$1") } : {}),
    })),
    warnings: [...state.warnings].sort((a, b) =>
      cmp(`${a.subject} ${a.message}`, `${b.subject} ${b.message}`),
    ),
    notes: plan.notes,
    spaceCreation: options.createSpace ?? false,
    moved: [],
    files: [],
  };
  const previous = sameExport(options.previous, {
    spaceId: manifest.source.spaceId,
    layout: manifest.layout,
  });
  if (previous) {
    manifest.warnings.push(...renamedInputs(previous, manifest));
    manifest.warnings.sort((a, b) => cmp(`${a.subject} ${a.message}`, `${b.subject} ${b.message}`));
  }
  manifest.moved = previous
    ? movesSince({ resources: trackedResources(previous), moved: previous.moved }, trackedResources(manifest))
    : [];
  for (const [path, text] of movedFiles(manifest.moved)) files.set(path, text);
  if (options.adoptFrom) addImportBlocks(manifest, graph, options.adoptFrom, files);
  files.set("README.md", renderReadme(manifest, graph));
  manifest.files = [...new Set([...written, ...files.keys()])].sort();
  yield* files;
  // The largest file (20 MB at 2,000 projects), so it is written in pieces.
  yield ["manifest.json", () => manifestText(manifest)];
  return manifest;
}

/** manifest.json: the manifest as JSON.stringify(manifest, null, 2) writes it, and a newline. */
function* manifestText(manifest: Manifest): Generator<string> {
  yield* prettyJson(manifest);
  yield "\n";
}
