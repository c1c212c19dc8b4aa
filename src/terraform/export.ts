import type { GraphNode, SpaceGraph } from "../graph/graph.js";
import { lookupOf, orderOf } from "../registry/index.js";
import { prettyJson } from "../util/json.js";
import { flat } from "../util/strings.js";
import { type Adoption, planAdoption } from "./adopt.js";
import { converterFor } from "./converters/index.js";
import { dummyValue } from "./dummies.js";
import { EmitContext } from "./emit.js";
import {
  attr,
  type Block,
  type BodyItem,
  blank,
  block,
  bool,
  call,
  comment,
  type Expr,
  type HclFile,
  index,
  type Label,
  object,
  ref,
  resolveLabel,
  str,
  tuple,
} from "./hcl/model.js";
import { printFile } from "./hcl/print.js";
import type { Secret } from "./inputs.js";
import { idKey } from "./lookups.js";
import {
  type ExportFile,
  MANIFEST_FORMAT,
  type Manifest,
  type ManifestResource,
  wholeText,
} from "./manifest.js";
import { ModuleBuilder } from "./module-builder.js";
import { movesSince, type TrackedResource } from "./moves.js";
import { renderReadme } from "./readme.js";
import { type Plan, planExport, type SelectionOptions } from "./selection.js";
import { ExportState } from "./state.js";

export type SecretDefaults = "none" | "dummy" | "octostache";
export type Backend = "s3" | "azurerm" | "gcs" | "local";

export interface ExportOptions extends SelectionOptions {
  secretDefaults: SecretDefaults;
  /** Version constraint written in required_providers. */
  providerVersion: string;
  backend?: Backend;
  /** Also write space_creation/, which creates the destination space. */
  createSpace?: boolean;
  /** Where the space came from, for the manifest and README (never the API key). */
  source: { server: string };
  /** The manifest of the export already in the destination directory: renames become moved blocks. */
  previous?: Manifest;
  /** The destination space, read: resources already there are imported (adopted) on the first apply. */
  adoptFrom?: SpaceGraph;
  /**
   * The caller does not use the graph after the export, so the export may release what it
   * has done with: the references once the plan is made, and each project's documents once
   * its module is written (not with adoptFrom, which reads them at the end).
   */
  releaseGraph?: boolean;
}

export const DEFAULT_PROVIDER_VERSION = "~> 1.17";
export const PROVIDER_SOURCE = "OctopusDeploy/octopusdeploy";
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
  return yield* rootFiles(plan, options, state, modules, written, resources, projectDependencies);
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

/** Files the layout writes in a module; converters must use other names. */
const LAYOUT_FILES = new Set([
  "main.tf",
  "variables.tf",
  "versions.tf",
  "outputs.tf",
  "moved.tf",
  "imports.tf",
]);

/** The previous export, when it is of the same space in the same layout (else renames mean nothing). */
function sameExport(
  previous: Manifest | undefined,
  current: { spaceId: string; layout: Manifest["layout"] },
): Manifest | undefined {
  if (!previous || previous.source?.spaceId !== current.spaceId || previous.layout !== current.layout)
    return undefined;
  return {
    ...previous,
    resources: previous.resources ?? [],
    moved: previous.moved ?? [],
    secrets: previous.secrets ?? [],
  };
}

/** Each project's module directory in an earlier export, by project ID: a renamed project keeps it. */
function earlierDirectories(earlier: Manifest | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of earlier?.resources ?? [])
    if (r.sourceType === "Projects" && r.type === "octopusdeploy_project" && r.module.startsWith("projects/"))
      out.set(r.sourceId, r.module.slice("projects/".length));
  return out;
}

/** Each secret input's name in an earlier export, by where its value is (document and path). */
function earlierSecretNames(earlier: Manifest | undefined): Map<string, string> {
  return new Map((earlier?.secrets ?? []).map((s) => [`${s.sourceId} ${s.path}`, s.variable]));
}

/**
 * Import blocks for what the destination already holds: in each module's own root and in the
 * root of all modules (Terraform reads import blocks only in a root module).
 */
function adopt(
  manifest: Manifest,
  source: SpaceGraph,
  destination: SpaceGraph,
  files: Map<string, string>,
): void {
  const result = planAdoption(
    manifest.resources.map((r) => ({ ...trackedResources({ resources: [r] })[0]!, name: r.name })),
    source,
    destination,
  );
  const address = (module: string, local: string) =>
    module === "" ? local : `module.${moduleName(module)}.${local}`;
  const blockOf = (a: Adoption) =>
    block("import", [], [attr("to", ref(...address(a.module, a.local).split("."))), attr("id", str(a.id))]);
  const header = comment(
    `Already on the destination (space ${destination.space.Name}), found by name: the first apply imports these instead of creating them.`,
  );
  if (result.imports.length) {
    if (manifest.layout === "modules") {
      for (const [module, list] of groupBy(result.imports, (a) => a.module))
        files.set(`${module}/imports.tf`, file([header, ...list.map(blockOf)]));
    }
    files.set("imports.tf", file([header, ...result.imports.map(blockOf)]));
  }
  manifest.imports = result.imports.map((a) => ({ address: address(a.module, a.local), id: a.id }));
  for (const { resource, destinationId } of result.cannotImport) {
    manifest.warnings.push({
      subject: `${resource.type.replace("octopusdeploy_", "").replaceAll("_", " ")} "${resource.name}"`,
      message: `already exists on the destination (${destinationId}) and the provider cannot import it: delete or rename it there before applying, or leave it out with a filter`,
    });
  }
  manifest.warnings.sort((a, b) => cmp(`${a.subject} ${a.message}`, `${b.subject} ${b.message}`));
}

function trackedResources(m: Pick<Manifest, "resources">): TrackedResource[] {
  return m.resources.map((r) => ({
    sourceId: r.sourceId,
    sourcePart: r.sourcePart,
    type: r.type,
    module: r.module,
    local: r.address.split(".").slice(-2).join("."),
  }));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** required_providers: the Octopus provider at the export's version constraint. */
function requiredProviders(options: ExportOptions): Block {
  return block(
    "required_providers",
    [],
    [
      attr(
        "octopusdeploy",
        object([
          ["source", str(PROVIDER_SOURCE)],
          ["version", str(options.providerVersion)],
        ]),
      ),
    ],
  );
}

function terraformBlock(options: ExportOptions, backend: boolean): Block {
  const body: BodyItem[] = [requiredProviders(options), attr("required_version", str(">= 1.6.0"))];
  if (backend && options.backend) body.push(block("backend", [options.backend], []));
  return block("terraform", [], body);
}

function providerBlock(): Block {
  return block(
    "provider",
    ["octopusdeploy"],
    [
      attr("address", ref("var", "octopus_server")),
      attr("api_key", ref("var", "octopus_apikey")),
      attr("space_id", ref("var", "octopus_space_id")),
    ],
  );
}

/** A `variable` block: a string unless `type` says otherwise, required unless it has a default. */
function inputVariable(
  name: Label,
  description: string,
  options: { sensitive?: boolean; required?: boolean; type?: Expr; default?: Expr } = {},
): Block {
  return block(
    "variable",
    [name],
    [
      attr("type", options.type ?? ref("string")),
      ...(options.required ? [attr("nullable", bool(false))] : []),
      ...(options.sensitive ? [attr("sensitive", bool(true))] : []),
      ...(options.default ? [attr("default", options.default)] : []),
      attr("description", str(description)),
    ],
  );
}

function standardVariables(): Block[] {
  return [
    inputVariable(
      "octopus_server",
      "URL of the destination Octopus Server, e.g. https://octopus.example.com",
      { required: true },
    ),
    inputVariable("octopus_apikey", "API key for the destination Octopus Server", {
      required: true,
      sensitive: true,
    }),
    inputVariable("octopus_space_id", "ID of the destination space, e.g. Spaces-1", { required: true }),
  ];
}

function secretVariable(secret: Secret, defaults: SecretDefaults): Block {
  const value =
    defaults === "dummy"
      ? str(dummyValue(secret.kind))
      : defaults === "octostache"
        ? str(secret.octostache || `#{${secret.name.resolve()}}`)
        : undefined;
  return inputVariable(secret.name, secret.description, { required: true, sensitive: true, default: value });
}

function file(items: BodyItem[]): string {
  return printFile({ items } satisfies HclFile);
}

/** Sorts blocks of a file by their resolved labels (type, then name). */
function sortBlocks(blocks: Block[]): Block[] {
  const key = (b: Block) => b.sortKey?.() ?? `${b.type} ${b.labels.map(resolveLabel).join(" ")}`;
  return [...blocks].sort((a, b) => cmp(key(a), key(b)));
}

/** The files of one module, once its documents are converted: its blocks, inputs and outputs. */
function* moduleFiles(
  plan: Plan,
  options: ExportOptions,
  state: ExportState,
  builder: ModuleBuilder,
): Generator<ExportFile> {
  const dir = builder.path === "" ? "" : `${builder.path}/module/`;
  for (const [name, blocks] of [...builder.files.entries()].sort(([a], [b]) => cmp(a, b))) {
    if (LAYOUT_FILES.has(name)) throw new Error(`a converter writes ${name}, which the layout writes itself`);
    yield [`${dir}${name}`, file(sortBlocks(blocks))];
  }
  // The single layout's module is the root: its inputs are the root's (see rootFiles).
  if (builder.path === "") return;
  const inputs = [...builder.secrets]
    .map((s) => ({ secret: s, input: builder.input(s).resolve() }))
    .sort((a, b) => cmp(a.input, b.input));
  yield [
    `${dir}variables.tf`,
    file([
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
  yield [`${dir}outputs.tf`, file([idsOutput(plan, state, builder)])];
  yield [`${dir}versions.tf`, file([block("terraform", [], [requiredProviders(options)])])];
}

/**
 * A resource of the manifest as the export keeps it until the end: its address is made when
 * asked for (at 2,000 projects the 104,000 addresses were the largest thing the export held),
 * and JSON.stringify writes it as a plain ManifestResource.
 */
class KeptResource implements ManifestResource {
  readonly sourcePart?: string;

  constructor(
    readonly sourceId: string,
    sourcePart: string | undefined,
    readonly sourceType: string,
    readonly name: string,
    readonly type: string,
    readonly module: string,
    /** `module.<name>.` (nothing in the single layout). */
    private readonly prefix: string,
    /** The resource's label: the address is `<prefix><type>.<label>`. */
    readonly label: string,
  ) {
    if (sourcePart) this.sourcePart = sourcePart;
  }

  get address(): string {
    return `${this.prefix}${this.type}.${this.label}`;
  }

  toJSON(): ManifestResource {
    return {
      sourceId: this.sourceId,
      ...(this.sourcePart ? { sourcePart: this.sourcePart } : {}),
      sourceType: this.sourceType,
      name: this.name,
      type: this.type,
      module: this.module,
      address: this.address,
    };
  }
}

/** One module's resources, in the order of their addresses, and what the addresses start with. */
interface ResourceGroup {
  prefix: string;
  resources: KeptResource[];
}

/**
 * Every module's resources in the order of their addresses, `module.<name>.<type>.<label>`.
 * Names, types and labels are made of letters, digits and `_`, all of which sort after `.`:
 * so ordering by name, then type, then label orders the addresses, and each group (a module,
 * in order by type and label) goes whole in the order of its prefix.
 */
function inAddressOrder(groups: ResourceGroup[]): ManifestResource[] {
  return groups.sort((a, b) => cmp(a.prefix, b.prefix)).flatMap((g) => g.resources);
}

/**
 * Once a module is printed, its resources are kept for the manifest under their final names,
 * and its documents' primary resources are forgotten (nothing outside a module refers to them
 * by label): so nothing holds on to the module's names.
 */
function settle(state: ExportState, builder: ModuleBuilder): ResourceGroup {
  const prefix = builder.path === "" ? "" : `module.${moduleName(builder.path)}.`;
  const resources = state.resources
    .splice(0)
    .map(
      (r) =>
        new KeptResource(
          r.sourceId,
          r.sourcePart && flat(r.sourcePart),
          r.sourceType,
          r.name,
          r.type,
          r.module,
          prefix,
          flat(r.label.resolve()),
        ),
    )
    .sort((a, b) => cmp(a.type, b.type) || cmp(a.label, b.label));
  for (const id of builder.primaries) state.primaries.delete(id);
  return { prefix, resources };
}

/** A module's secrets, by their names in the roots. */
function rootSecrets(builder: ModuleBuilder): Secret[] {
  return [...builder.secrets].sort((a, b) => cmp(a.name.resolve(), b.name.resolve()));
}

/**
 * The files of the roots, which call the modules and take every secret (named across the
 * whole export, so known only when every module is converted), then the README and manifest.
 * `written` is every file made before.
 */
function* rootFiles(
  plan: Plan,
  options: ExportOptions,
  state: ExportState,
  modules: Map<string, ModuleBuilder>,
  written: string[],
  resources: ResourceGroup[],
  projectDependencies: Manifest["projectDependencies"],
): Generator<ExportFile, Manifest> {
  const graph = plan.graph;
  // The files that need every module's information (the README and manifest need all files'
  // names), kept until the end; each module's own root is handed on as it is made.
  const files = new Map<string, string>();
  function* now(path: string, text: string): Generator<ExportFile> {
    written.push(path);
    yield [path, text];
  }
  // No server URL here: the same space read through another URL gives the same files (the
  // manifest and README record where it came from).
  const header = (title: string) =>
    comment(`Generated by octoport from space "${graph.space.Name}": ${title}. Review, then apply.`);

  const moduleInfo: Manifest["modules"] = [];
  for (const m of plan.modules) {
    const builder = modules.get(m.path)!;
    const secrets = rootSecrets(builder);
    if (m.path === "") {
      // The single layout: one flat module that applies on its own.
      yield* now(
        "main.tf",
        file([header("one module for the whole space"), terraformBlock(options, true), providerBlock()]),
      );
      yield* now(
        "variables.tf",
        file([
          ...standardVariables(),
          idsVariable(),
          ...secrets.map((s) => secretVariable(s, options.secretDefaults)),
        ]),
      );
    } else {
      // The standalone root: applies this module on its own (incremental migration, octoport apply).
      yield* now(
        `${m.path}/main.tf`,
        file([
          header(m.title),
          terraformBlock(options, true),
          providerBlock(),
          moduleCall(moduleName(m.path), "./module", builder),
        ]),
      );
      yield* now(
        `${m.path}/variables.tf`,
        file([...standardVariables(), ...secrets.map((s) => secretVariable(s, options.secretDefaults))]),
      );
    }
    moduleInfo.push({ path: m.path, title: m.title, dependsOn: [...builder.dependsOn].sort() });
  }

  if (options.layout === "modules") {
    // The root module: every module in one apply, in dependency order.
    // Each module gets the IDs of what the modules it depends on create, so it refers to them
    // directly instead of looking them up: the dependency (and apply order) follows from that.
    const calls: BodyItem[] = [];
    for (const m of plan.modules) {
      const builder = modules.get(m.path)!;
      const deps = [...builder.dependsOn].sort();
      calls.push(moduleCall(moduleName(m.path), `./${m.path}/module`, builder, deps));
    }
    files.set(
      "main.tf",
      file([header("all modules in one apply"), terraformBlock(options, true), providerBlock(), ...calls]),
    );
    files.set(
      "variables.tf",
      file([
        ...standardVariables(),
        ...state.allSecrets().map((s) => secretVariable(s, options.secretDefaults)),
      ]),
    );
  }

  if (options.createSpace) writeSpaceCreation(graph, options, files, header);
  files.set("terraform.tfvars.example", tfvarsExample(state.allSecrets(), options));

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
  for (const [module, moves] of groupBy(manifest.moved, (m) => m.module)) {
    files.set(
      module === "" ? "moved.tf" : `${module}/module/moved.tf`,
      file([
        comment("Renamed in Octopus since an earlier export: Terraform updates these in place."),
        ...moves.map((m) =>
          block("moved", [], [attr("from", ref(...m.from.split("."))), attr("to", ref(...m.to.split(".")))]),
        ),
      ]),
    );
  }
  if (options.adoptFrom) adopt(manifest, graph, options.adoptFrom, files);
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

/**
 * space_creation/: a root of its own that creates the destination space (named like the
 * source) and outputs its ID, to pass as octopus_space_id to every other module.
 */
function writeSpaceCreation(
  graph: SpaceGraph,
  options: ExportOptions,
  files: Map<string, string>,
  header: (t: string) => BodyItem,
): void {
  const d = graph.space as Record<string, unknown>;
  files.set(
    "space_creation/main.tf",
    file([
      header("creates the destination space; apply it first and pass its output as octopus_space_id"),
      terraformBlock(options, true),
      block(
        "provider",
        ["octopusdeploy"],
        [attr("address", ref("var", "octopus_server")), attr("api_key", ref("var", "octopus_apikey"))],
      ),
      block(
        "resource",
        ["octopusdeploy_space", "space"],
        [
          attr("name", ref("var", "octopus_space_name")),
          ...(typeof d.Description === "string" && d.Description
            ? [attr("description", str(d.Description))]
            : []),
          attr("is_default", bool(false)),
          attr("space_managers_teams", ref("var", "octopus_space_managers")),
        ],
      ),
      block(
        "output",
        ["octopus_space_id"],
        [
          attr("description", str("ID of the new space: the octopus_space_id of every other module")),
          attr("value", ref("octopusdeploy_space", "space", "id")),
        ],
      ),
    ]),
  );
  files.set(
    "space_creation/variables.tf",
    file([
      ...standardVariables().filter((b) => resolveLabel(b.labels[0]!) !== "octopus_space_id"),
      block(
        "variable",
        ["octopus_space_name"],
        [
          attr("type", ref("string")),
          attr("default", str(graph.space.Name)),
          attr("description", str("Name of the space to create")),
        ],
      ),
      block(
        "variable",
        ["octopus_space_managers"],
        [
          attr("type", call("list", ref("string"))),
          attr("default", tuple([str("teams-administrators")])),
          attr(
            "description",
            str(
              "Teams that manage the new space (every space needs one); teams-administrators is Octopus Administrators",
            ),
          ),
        ],
      ),
    ]),
  );
}

/** A module block passing the standard inputs, the module's secrets and its dependencies' IDs. */
function moduleCall(name: string, source: string, builder: ModuleBuilder, dependsOn: string[] = []): Block {
  const body: BodyItem[] = [
    attr("source", str(source)),
    attr("octopus_space_id", ref("var", "octopus_space_id")),
  ];
  for (const s of rootSecrets(builder)) body.push(attr(builder.input(s).resolve(), ref("var", s.name)));
  if (dependsOn.length) {
    body.push(blank, comment(`Uses what these create, so applies after them: ${dependsOn.join(", ")}`));
    const ids = dependsOn.map((p) => ref("module", moduleName(p), "ids"));
    // No depends_on on whole modules: the IDs order the apply, and depends_on would defer this
    // module's data sources whenever anything in the other changes, so its plan would show
    // in-place updates (known after apply) for changes that are not its own.
    body.push(attr("octoport_ids", ids.length === 1 ? ids[0]! : call("merge", ...ids)));
  }
  return block("module", [name], body);
}

function idsVariable(): Block {
  return block(
    "variable",
    ["octoport_ids"],
    [
      attr("type", call("map", ref("string"))),
      attr("default", object([])),
      attr(
        "description",
        str("IDs of what other modules create, by kind and name; anything not here is looked up by name"),
      ),
    ],
  );
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

/** "space" -> space, "projects/orders-api" -> project_orders_api, "tenant-variables" -> tenant_variables. */
export function moduleName(path: string): string {
  if (path.startsWith("projects/")) return `project_${path.slice("projects/".length).replace(/-/g, "_")}`;
  return path.replace(/-/g, "_");
}

/** Modules in levels: each only after the modules it looks things up from. */
function applyLevels(modules: Manifest["modules"]): string[][] {
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

function projectDependencyNames(plan: Plan): Manifest["projectDependencies"] {
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

function tfvarsExample(secrets: Secret[], options: ExportOptions): string {
  const items: BodyItem[] = [
    comment("Copy to terraform.tfvars (keep it out of version control: it holds secrets) and fill in."),
    attr("octopus_server", str("https://octopus.example.com")),
    attr("octopus_apikey", str("<an API key of the destination server>")),
    attr("octopus_space_id", str("Spaces-1")),
  ];
  if (secrets.length) {
    items.push(
      blank,
      comment(`Secrets (${secrets.length}): the Octopus API never returns them, so each must be supplied.`),
    );
    if (options.secretDefaults !== "none")
      items.push(comment(`They default to ${options.secretDefaults} values; set the real ones here.`));
  }
  for (const s of secrets) {
    items.push(blank, comment(s.description), attr(s.name.resolve(), str("")));
  }
  return file(items);
}

/**
 * Secret inputs an earlier export named that this one names otherwise, or no longer has:
 * tfvars files and CI secrets that set them must change with them. (A renamed document keeps
 * its input's name; only a name taken by another input, or a value that is gone, changes.)
 */
function renamedInputs(previous: Manifest, current: Manifest): Manifest["warnings"] {
  const now = new Map(current.secrets.map((s) => [`${s.sourceId} ${s.path}`, s.variable]));
  const out: Manifest["warnings"] = [];
  for (const s of previous.secrets) {
    const name = now.get(`${s.sourceId} ${s.path}`);
    if (name === s.variable) continue;
    out.push({
      subject: `input "${s.variable}"`,
      message:
        name === undefined
          ? `is no longer needed (${s.description}: gone from the source); remove it from tfvars files and CI secrets`
          : `is now "${name}" (${s.description}); rename it in tfvars files and CI secrets`,
    });
  }
  return out;
}
