import { lookupOf } from "../registry/index.js";
import { cmp } from "../util/strings.js";
import { fileText, idsVariable, requiredProviders } from "./blocks.js";
import { attr, type Block, block, bool, index, object, ref, resolveLabel, str } from "./hcl/model.js";
import { idKey } from "./lookups.js";
import type { ExportFile } from "./manifest.js";
import type { ModuleBuilder } from "./module-builder.js";
import type { ExportOptions } from "./options.js";
import type { Plan } from "./selection.js";
import type { ExportState } from "./state.js";

/**
 * One module's files, once its documents are converted: the converters' files with their
 * blocks in order, and the files the layout writes in every module (its inputs, its `ids`
 * output for the modules that use what it creates, and its provider requirement).
 */

/** Files the layout writes in a module; converters must use other names. */
const LAYOUT_FILES = new Set([
  "main.tf",
  "variables.tf",
  "versions.tf",
  "outputs.tf",
  "moved.tf",
  "imports.tf",
]);

/** Sorts blocks of a file by their resolved labels (type, then name). */
function sortBlocks(blocks: Block[]): Block[] {
  const key = (b: Block) => b.sortKey?.() ?? `${b.type} ${b.labels.map(resolveLabel).join(" ")}`;
  return [...blocks].sort((a, b) => cmp(key(a), key(b)));
}

/** The files of one module, once its documents are converted: its blocks, inputs and outputs. */
export function* moduleFiles(
  plan: Plan,
  options: ExportOptions,
  state: ExportState,
  builder: ModuleBuilder,
): Generator<ExportFile> {
  const dir = builder.path === "" ? "" : `${builder.path}/module/`;
  for (const [name, blocks] of [...builder.files.entries()].sort(([a], [b]) => cmp(a, b))) {
    if (LAYOUT_FILES.has(name)) throw new Error(`a converter writes ${name}, which the layout writes itself`);
    yield [`${dir}${name}`, fileText(sortBlocks(blocks))];
  }
  // The single layout's module is the root: its inputs are the root's (see rootFiles).
  if (builder.path === "") return;
  const inputs = [...builder.secrets]
    .map((s) => ({ secret: s, input: builder.input(s).resolve() }))
    .sort((a, b) => cmp(a.input, b.input));
  yield [
    `${dir}variables.tf`,
    fileText([
      block(
        "variable",
        ["octopus_space_id"],
        [attr("type", ref("string")), attr("description", str("ID of the destination space"))],
      ),
      idsVariable(),
      ...inputs.map(({ secret, input }) =>
        block(
          "variable",
          [input],
          [
            attr("type", ref("string")),
            attr("sensitive", bool(true)),
            attr("description", str(secret.description)),
          ],
        ),
      ),
    ]),
  ];
  yield [`${dir}outputs.tf`, fileText([idsOutput(plan, state, builder)])];
  yield [`${dir}versions.tf`, fileText([block("terraform", [], [requiredProviders(options)])])];
}

/** The IDs of everything this module creates that others may refer to, by kind and name. */
function idsOutput(plan: Plan, state: ExportState, builder: ModuleBuilder): Block {
  const entries: Array<[string, ReturnType<typeof ref>]> = [];
  for (const id of builder.primaries) {
    const primary = state.primaries.get(id)!;
    if (!primary.written) continue;
    const node = plan.graph.get(id)!;
    if (!lookupOf(node.type)) continue;
    const owner = node.type === "Channels" ? plan.graph.get(node.projectId ?? "")?.name : undefined;
    entries.push([idKey(node, owner), ref(primary.type, primary.label, "id")]);
    if (node.type === "ActionTemplates")
      entries.push([`${idKey(node)}/version`, ref(primary.type, primary.label, "version")]);
    if (node.type === "LibraryVariableSets") {
      for (const t of (node.doc as { Templates?: Array<{ Name?: string }> }).Templates ?? []) {
        entries.push([
          `${idKey(node)}/template/${String(t.Name)}`,
          index(ref(primary.type, primary.label, "template_ids"), str(String(t.Name))) as ReturnType<
            typeof ref
          >,
        ]);
      }
    }
  }
  // A tenant's connections to this module's project: a module that writes the tenant's values of
  // library sets (which the server takes only once the tenant is connected) reads these IDs, so it
  // applies after them without depends_on on this whole module.
  for (const [key, link] of state.tenantLinks) {
    if (link.module !== builder.path) continue;
    const [tenantId, projectId] = key.split(" ");
    const tenant = plan.graph.get(tenantId ?? "")?.name;
    const project = plan.graph.get(projectId ?? "")?.name;
    if (tenant && project)
      entries.push([
        `TenantProjects:${tenant}/${project}`,
        ref("octopusdeploy_tenant_project", link.label, "id"),
      ]);
  }
  entries.sort(([a], [b]) => cmp(a, b));
  return block(
    "output",
    ["ids"],
    [
      attr("description", str("IDs of what this module creates, by kind and name (for other modules)")),
      attr("value", object(entries)),
    ],
  );
}
