import { createHash } from "node:crypto";
import { BOOTSTRAP_MARK } from "../graph/identity.js";
import { lookupOf, singularOf } from "../registry/index.js";
import {
  attr,
  type BodyItem,
  blank,
  block,
  bool,
  call,
  comment,
  type Expr,
  eq,
  forList,
  type HclFile,
  index,
  num,
  object,
  ref,
  str,
  tuple,
} from "../terraform/hcl/model.js";
import type { Manifest } from "../terraform/manifest.js";
import { sanitise } from "../terraform/naming.js";
import { applyAllScript, type ModuleRun, PARAMETERS, RUNNER_KEY, secretLines, syncScript } from "./script.js";

/** Where octoport bootstrap puts its runbooks, and how they run. */
export interface BootstrapOptions {
  /** The provider version the root pins (the export's). */
  providerVersion: string;
  /** The source's URL as the workers reach it (default: the export's source). */
  sourceServer: string;
  /** The destination the runbooks apply to (its API key is an input of the root). */
  destinationServer: string;
  destinationSpace: string;
  /** The project that holds the space module's runbook. */
  syncProject: string;
  projectGroup: string;
  lifecycle: string;
  /** The worker pool the steps run on (default: the space's default pool). */
  workerPool?: string;
  /** A container image the steps run in, from this feed of the source. */
  image?: { image: string; feed: string };
  /** Extra words for the runbooks' `octoport export` and `octoport apply`. */
  exportOptions: string[];
  applyOptions: string[];
  /** A cron expression and the environment the runbooks run in: scheduled triggers. */
  schedule?: { cron: string; environment: string };
  /**
   * Many destinations, each with its own runbooks (`octoport: sync to NAME`) and its key in the
   * root's input `destination_api_keys`; without it, the one destination above.
   */
  destinations?: Target[];
}

/** A destination the runbooks apply to; `name` is "" for the one destination of --dest-server. */
export interface Target {
  name: string;
  server: string;
  space: string;
}

/** The runbook of one module of the export. */
export interface SyncRunbook {
  module: string;
  /** The source project it goes in (for the space module: the sync project). */
  project: string;
  /** The library variable sets whose secrets it passes (the sync project includes them). */
  librarySets: string[];
  secrets: Manifest["secrets"];
}

/** The name of every sync runbook (a project holds one); the export leaves them out. */
export const SYNC_RUNBOOK = "octoport: sync";
/** The step template's name. */
export const SYNC_TEMPLATE = "octoport sync";
/** The runbook that runs every module's runbook in apply order. */
export const APPLY_ALL_RUNBOOK = "octoport: sync all";

/** The destinations of the options: many, or the one of --dest-server (named ""). */
export function targets(options: BootstrapOptions): Target[] {
  return options.destinations?.length
    ? options.destinations
    : [{ name: "", server: options.destinationServer, space: options.destinationSpace }];
}

/** A module runbook's name, for a destination ("" for the single one). */
export function syncRunbookName(destination: string): string {
  return destination ? `${SYNC_RUNBOOK} to ${destination}` : SYNC_RUNBOOK;
}

/** The apply-all runbook's name, for a destination. */
export function applyAllRunbookName(destination: string): string {
  return destination ? `${APPLY_ALL_RUNBOOK} to ${destination}` : APPLY_ALL_RUNBOOK;
}

/** The module's runbooks: one per module, in the export's apply order. */
export function syncRunbooks(manifest: Manifest, syncProject: string): SyncRunbook[] {
  const projectOf = new Map<string, string>();
  const librarySet = new Map<string, string>();
  for (const r of manifest.resources) {
    if (r.sourceType === "Projects" && r.type === "octopusdeploy_project") projectOf.set(r.module, r.name);
    if (r.sourceType === "LibraryVariableSets" && r.type === "octopusdeploy_library_variable_set")
      librarySet.set(r.sourceId, r.name);
  }
  const out: SyncRunbook[] = [];
  for (const module of manifest.applyOrder.flat()) {
    const secrets = manifest.secrets.filter((s) => s.modules.includes(module));
    const sets = new Set<string>();
    for (const s of secrets) {
      const set = librarySet.get(s.sourceId.replace(/^variableset-/, ""));
      if (set && s.sourceVariable) sets.add(set);
    }
    out.push({
      module,
      project: projectOf.get(module) ?? syncProject,
      librarySets: [...sets].sort(),
      secrets,
    });
  }
  return out;
}

/** A stable GUID for a parameter of the template (its ID must not change between runs). */
function guid(text: string): string {
  const h = createHash("sha256").update(`octoport bootstrap ${text}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A data source that finds one document of `type` on the source by name (the data source and
 * its arguments as the registry describes the type's lookup), failing the plan with a line if
 * it is not there.
 */
function lookup(type: string, label: string, name: string): { items: BodyItem[]; id: Expr } {
  const spec = lookupOf(type);
  if (!spec) throw new Error(`no lookup for ${type}`);
  const self = ref("self", spec.collection);
  const matching = forList("x", self, ref("x"), eq(ref("x", "name"), str(name)));
  const items: BodyItem[] = [
    block(
      "data",
      [spec.data, label],
      [
        attr(spec.exactName ? "name" : "partial_name", str(name)),
        attr("skip", num(0)),
        attr("take", num(1000)),
        blank,
        block(
          "lifecycle",
          [],
          [
            block(
              "postcondition",
              [],
              [
                attr("condition", eq(call("length", matching), num(1))),
                attr(
                  "error_message",
                  str(`The ${singularOf(type)} "${name}" was not found in the source space.`),
                ),
              ],
            ),
          ],
        ),
      ],
    ),
    blank,
  ];
  const id = index(
    forList(
      "x",
      ref("data", spec.data, label, spec.collection),
      ref("x", "id"),
      eq(ref("x", "name"), str(name)),
    ),
    0,
  );
  return { items, id };
}

function variable(
  name: string,
  description: string,
  options: { sensitive?: boolean; default?: string } = {},
) {
  const body: BodyItem[] = [attr("type", ref("string")), attr("description", str(description))];
  if (options.sensitive) body.push(attr("sensitive", bool(true)));
  if (options.default !== undefined) body.push(attr("default", str(options.default)));
  return [block("variable", [name], body), blank];
}

/** The step template's parameter holding one destination's API key (many destinations). */
export function destinationKeyParameter(name: string): string {
  return `${PARAMETERS.destinationApiKey}.${name}`;
}

/** The bootstrap root's main.tf: the step template, the sync project and every module's runbook. */
export function bootstrapRoot(manifest: Manifest, options: BootstrapOptions): HclFile {
  const runbooks = syncRunbooks(manifest, options.syncProject);
  const items: BodyItem[] = [
    comment(
      `Written by octoport bootstrap from the export of ${manifest.source.spaceName}: runbooks on the source that export it and apply each module to ${targets(
        options,
      )
        .map((d) => `${d.server}, space ${d.space}`)
        .join("; ")}. Apply it to the SOURCE space.`,
    ),
    block(
      "terraform",
      [],
      [
        block(
          "required_providers",
          [],
          [
            attr(
              "octopusdeploy",
              object([
                ["source", str("OctopusDeploy/octopusdeploy")],
                ["version", str(options.providerVersion)],
              ]),
            ),
          ],
        ),
      ],
    ),
    blank,
    block(
      "provider",
      ["octopusdeploy"],
      [
        attr("address", ref("var", "octopus_server")),
        attr("api_key", ref("var", "octopus_apikey")),
        attr("space_id", ref("var", "octopus_space_id")),
      ],
    ),
    blank,
    ...variable("octopus_server", "The SOURCE server, where the runbooks are made"),
    ...variable("octopus_apikey", "An API key of the source, to make the runbooks", { sensitive: true }),
    ...variable("octopus_space_id", "The source space's ID"),
    ...variable("source_api_key", "The API key the runbooks read the source with (read access is enough)", {
      sensitive: true,
    }),
  ];
  const dests = targets(options);
  const many = Boolean(options.destinations?.length);
  if (many) {
    const names = dests.map((d) => d.name);
    items.push(
      block(
        "variable",
        ["destination_api_keys"],
        [
          attr("type", call("map", ref("string"))),
          attr("description", str("The API key the runbooks apply to each destination with, by its name")),
          attr("sensitive", bool(true)),
          blank,
          block(
            "validation",
            [],
            [
              attr(
                "condition",
                eq(
                  call(
                    "length",
                    call(
                      "setsubtract",
                      tuple(names.map(str)),
                      call("keys", ref("var", "destination_api_keys")),
                    ),
                  ),
                  num(0),
                ),
              ),
              attr(
                "error_message",
                str(`destination_api_keys needs a key for each of: ${names.join(", ")}.`),
              ),
            ],
          ),
        ],
      ),
      blank,
    );
  } else
    items.push(
      ...variable("destination_api_key", "The API key the runbooks apply to the destination with", {
        sensitive: true,
      }),
    );
  items.push(
    ...variable(
      "runner_api_key",
      `A key of the source that can publish runbook snapshots and run runbooks: the "${APPLY_ALL_RUNBOOK}" runbooks run the others with it`,
      { sensitive: true, default: "" },
    ),
  );

  const param = (
    name: string,
    label: string,
    help: string,
    value: { default?: Expr; sensitive?: Expr; multiline?: boolean },
  ): Expr => {
    const entries: Array<[string, Expr]> = [
      ["id", str(guid(name))],
      ["name", str(name)],
      ["label", str(label)],
      ["help_text", str(help)],
      [
        "display_settings",
        object([
          [
            "Octopus.ControlType",
            str(value.sensitive ? "Sensitive" : value.multiline ? "MultiLineText" : "SingleLineText"),
          ],
        ]),
      ],
    ];
    if (value.default) entries.push(["default_value", value.default]);
    if (value.sensitive) entries.push(["default_sensitive_value", value.sensitive]);
    return object(entries);
  };
  const p = PARAMETERS;
  items.push(
    block(
      "resource",
      ["octopusdeploy_step_template", "sync"],
      [
        attr("name", str(SYNC_TEMPLATE)),
        attr(
          "description",
          str(`Exports the source space and applies one module of it to the destination ${BOOTSTRAP_MARK}`),
        ),
        attr("action_type", str("Octopus.Script")),
        attr("step_package_id", str("Octopus.Script")),
        attr("packages", tuple([])),
        attr(
          "properties",
          object([
            ["Octopus.Action.Script.ScriptSource", str("Inline")],
            ["Octopus.Action.Script.Syntax", str("Bash")],
            ["Octopus.Action.Script.ScriptBody", str(syncScript())],
          ]),
        ),
        attr(
          "parameters",
          tuple([
            param(
              p.module,
              "Module",
              "The module of the export to apply, e.g. space or projects/orders-api",
              {
                default: str(""),
              },
            ),
            param(
              p.secrets,
              "Secrets",
              "The module's secrets as TF_VAR_ lines (written by octoport bootstrap)",
              {
                default: str(""),
                multiline: true,
              },
            ),
            param(p.sourceServer, "Source server", "The source's URL as the worker reaches it", {
              default: str(options.sourceServer),
            }),
            param(p.sourceSpace, "Source space", "The space to export", {
              default: str(manifest.source.spaceName),
            }),
            param(p.sourceApiKey, "Source API key", "Reads the source", {
              sensitive: ref("var", "source_api_key"),
            }),
            param(p.destinationServer, "Destination server", "The destination's URL", {
              default: str(many ? "" : options.destinationServer),
            }),
            param(p.destinationSpace, "Destination space", "The space to apply to", {
              default: str(many ? "" : options.destinationSpace),
            }),
            param(
              p.destinationName,
              "Destination",
              "The destination's name, for {destination} in the options",
              {
                default: str(""),
              },
            ),
            ...(many
              ? [
                  param(
                    p.destinationApiKey,
                    "Destination API key",
                    "The destination's key: a reference to one of the keys below",
                    { default: str("") },
                  ),
                  ...dests.map((d) =>
                    param(destinationKeyParameter(d.name), `API key of ${d.name}`, `Applies to ${d.server}`, {
                      sensitive: index(ref("var", "destination_api_keys"), str(d.name)),
                    }),
                  ),
                ]
              : [
                  param(p.destinationApiKey, "Destination API key", "Applies to the destination", {
                    sensitive: ref("var", "destination_api_key"),
                  }),
                ]),
            param(p.exportOptions, "Export options", "More words for octoport export, e.g. --backend s3", {
              default: str(options.exportOptions.join(" ")),
            }),
            param(
              p.applyOptions,
              "Apply options",
              "More words for octoport apply, e.g. --backend-config key=octopus/{module}.tfstate",
              { default: str(options.applyOptions.join(" ")) },
            ),
          ]),
        ),
      ],
    ),
    blank,
  );

  // Lookups on the source: the projects, the sync project's group, lifecycle and library sets.
  const projectIds = new Map<string, Expr>();
  const projects = [...new Set(runbooks.map((r) => r.project))]
    .filter((n) => n !== options.syncProject)
    .sort();
  for (const name of projects) {
    const found = lookup("Projects", `project_${sanitise(name)}`, name);
    items.push(...found.items);
    projectIds.set(name, found.id);
  }
  const group = lookup("ProjectGroups", "sync", options.projectGroup);
  const lifecycle = lookup("Lifecycles", "sync", options.lifecycle);
  items.push(...group.items, ...lifecycle.items);
  const setIds: Expr[] = [];
  for (const set of [...new Set(runbooks.flatMap((r) => r.librarySets))].sort()) {
    const found = lookup("LibraryVariableSets", `set_${sanitise(set)}`, set);
    items.push(...found.items);
    setIds.push(found.id);
  }
  let pool: Expr | undefined;
  if (options.workerPool) {
    const found = lookup("WorkerPools", "sync", options.workerPool);
    items.push(...found.items);
    pool = found.id;
  }
  let feed: Expr | undefined;
  if (options.image) {
    const found = lookup("Feeds", "sync", options.image.feed);
    items.push(...found.items);
    feed = found.id;
  }
  let environment: Expr | undefined;
  if (options.schedule) {
    const found = lookup("Environments", "sync", options.schedule.environment);
    items.push(...found.items);
    environment = found.id;
  }

  items.push(
    block(
      "resource",
      ["octopusdeploy_project", "sync"],
      [
        attr("name", str(options.syncProject)),
        attr("description", str(`The runbook that applies the space module ${BOOTSTRAP_MARK}`)),
        attr("project_group_id", group.id),
        attr("lifecycle_id", lifecycle.id),
        attr("included_library_variable_sets", tuple(setIds)),
      ],
    ),
    blank,
  );
  projectIds.set(options.syncProject, ref("octopusdeploy_project", "sync", "id"));

  const container = (body: BodyItem[], asBlock: boolean) => {
    if (pool) body.push(attr("worker_pool_id", pool));
    if (options.image && feed) {
      const fields: Array<[string, Expr]> = [
        ["feed_id", feed],
        ["image", str(options.image.image)],
      ];
      body.push(
        blank,
        asBlock
          ? block(
              "container",
              [],
              fields.map(([k, v]) => attr(k, v)),
            )
          : attr("container", object(fields)),
      );
    }
  };
  const syncId = ref("octopusdeploy_project", "sync", "id");
  items.push(
    comment(`The key the "${APPLY_ALL_RUNBOOK}" runbooks run the others with.`),
    block(
      "resource",
      ["octopusdeploy_variable", "runner_api_key"],
      [
        attr("owner_id", syncId),
        attr("name", str(RUNNER_KEY)),
        attr("type", str("Sensitive")),
        attr("is_sensitive", bool(true)),
        attr("sensitive_value", ref("var", "runner_api_key")),
        attr("description", str(`Runs the sync runbooks in order ${BOOTSTRAP_MARK}`)),
      ],
    ),
    blank,
  );
  for (const dest of dests) {
    const prefix = dest.name ? `sync_${sanitise(dest.name)}_` : "sync_";
    const runs: ModuleRun[] = [];
    for (const rb of runbooks) {
      const label = `${prefix}${sanitise(rb.module || "root")}`;
      const project = projectIds.get(rb.project) ?? syncId;
      const name = syncRunbookName(dest.name);
      runs.push({ module: rb.module, project: rb.project, runbook: name });
      const parameters: Array<[string, Expr]> = [
        [p.module, str(rb.module)],
        [p.secrets, str(secretLines(rb.secrets))],
      ];
      if (many)
        parameters.push(
          [p.destinationServer, str(dest.server)],
          [p.destinationSpace, str(dest.space)],
          [p.destinationName, str(dest.name)],
          [p.destinationApiKey, str(`#{${destinationKeyParameter(dest.name)}}`)],
        );
      const step: BodyItem[] = [
        attr("process_id", ref("octopusdeploy_process", label, "id")),
        attr("name", str("octoport sync")),
        attr("template_id", ref("octopusdeploy_step_template", "sync", "id")),
        attr("template_version", ref("octopusdeploy_step_template", "sync", "version")),
        attr("parameters", object(parameters)),
        attr("execution_properties", object([["Octopus.Action.RunOnServer", str("true")]])),
      ];
      container(step, true);
      items.push(
        comment(
          `The ${rb.module} module, from project "${rb.project}", to ${dest.server} space ${dest.space}.`,
        ),
        block(
          "resource",
          ["octopusdeploy_runbook", label],
          [
            attr("name", str(name)),
            attr("project_id", project),
            attr(
              "description",
              str(
                `Exports the source and applies its ${rb.module} module${dest.name ? ` to ${dest.name}` : ""} ${BOOTSTRAP_MARK}`,
              ),
            ),
            attr("environment_scope", str("All")),
          ],
        ),
        blank,
        block(
          "resource",
          ["octopusdeploy_process", label],
          [attr("project_id", project), attr("runbook_id", ref("octopusdeploy_runbook", label, "id"))],
        ),
        blank,
        block("resource", ["octopusdeploy_process_templated_step", label], step),
        blank,
      );
    }
    // The apply-all runbook: every module's runbook, in apply order.
    const all = `${prefix}all`;
    const script: BodyItem[] = [
      attr("process_id", ref("octopusdeploy_process", all, "id")),
      attr("name", str("octoport sync all")),
      attr("type", str("Octopus.Script")),
      attr(
        "execution_properties",
        object([
          ["Octopus.Action.RunOnServer", str("true")],
          ["Octopus.Action.Script.ScriptSource", str("Inline")],
          ["Octopus.Action.Script.Syntax", str("Bash")],
          ["Octopus.Action.Script.ScriptBody", str(applyAllScript(runs, dest.name || dest.server))],
        ]),
      ),
    ];
    container(script, false);
    items.push(
      comment(`Every module to ${dest.server} space ${dest.space}, in the export's apply order.`),
      block(
        "resource",
        ["octopusdeploy_runbook", all],
        [
          attr("name", str(applyAllRunbookName(dest.name))),
          attr("project_id", syncId),
          attr(
            "description",
            str(
              `Runs each module's runbook${dest.name ? ` to ${dest.name}` : ""} in apply order, stopping at the first that fails ${BOOTSTRAP_MARK}`,
            ),
          ),
          attr("environment_scope", str("All")),
        ],
      ),
      blank,
      block(
        "resource",
        ["octopusdeploy_process", all],
        [attr("project_id", syncId), attr("runbook_id", ref("octopusdeploy_runbook", all, "id"))],
      ),
      blank,
      block("resource", ["octopusdeploy_process_step", all], script),
      blank,
    );
    if (options.schedule && environment)
      items.push(
        block(
          "resource",
          ["octopusdeploy_project_scheduled_trigger", all],
          [
            attr("name", str(`octoport sync all${dest.name ? ` to ${dest.name}` : ""}`)),
            attr("project_id", syncId),
            attr("space_id", ref("var", "octopus_space_id")),
            attr("timezone", str("UTC")),
            blank,
            block("cron_expression_schedule", [], [attr("cron_expression", str(options.schedule.cron))]),
            blank,
            block(
              "run_runbook_action",
              [],
              [
                attr("runbook_id", ref("octopusdeploy_runbook", all, "id")),
                attr("target_environment_ids", tuple([environment])),
              ],
            ),
            blank,
            attr("depends_on", tuple([ref("octopusdeploy_process_step", all)])),
          ],
        ),
        blank,
      );
  }
  while (items.at(-1)?.kind === "blank") items.pop();
  return { items };
}
