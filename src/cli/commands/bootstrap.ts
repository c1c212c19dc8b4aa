import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { checkBootstrap, type Finding, type SourceNames } from "../../bootstrap/check.js";
import {
  APPLY_ALL_RUNBOOK,
  applyAllRunbookName,
  type BootstrapOptions,
  bootstrapRoot,
  SYNC_RUNBOOK,
  SYNC_TEMPLATE,
  type SyncRunbook,
  syncRunbookName,
  syncRunbooks,
  targets,
} from "../../bootstrap/root.js";
import { readDestinations } from "../../runner/destinations.js";
import { readExport } from "../../runner/layout.js";
import { printFile } from "../../terraform/hcl/print.js";
import type { Manifest } from "../../terraform/manifest.js";
import { OctoportError, UsageError } from "../../util/errors.js";
import type { CliContext } from "../context.js";
import { type ConnectionArgs, clientFrom, connectionOptions } from "../options.js";

interface BootstrapArgs extends ConnectionArgs {
  dir?: string;
  out?: string;
  check: boolean;
  "dest-server"?: string;
  "dest-space"?: string;
  destinations?: string;
  "source-server"?: string;
  "sync-project": string;
  "project-group": string;
  lifecycle: string;
  "worker-pool"?: string;
  image?: string;
  "image-feed"?: string;
  "export-option"?: string[];
  "apply-option"?: string[];
  schedule?: string;
  environment?: string;
}

const GROUP = "Runbooks:";

/** `octoport bootstrap DIR --out ROOT`: runbooks on the source that export and apply each module. */
export function bootstrapCommand(ctx: CliContext): CommandModule<object, BootstrapArgs> {
  return {
    command: "bootstrap <dir>",
    describe:
      "Write a Terraform root that makes, on the source, a runbook per module of an export that exports the source and applies that module to the destination, secrets passed by Octopus",
    builder: (y) =>
      connectionOptions(y)
        .positional("dir", {
          type: "string",
          describe: "an export directory (octoport export --layout modules)",
        })
        .option("out", { type: "string", describe: "the directory to write the root to", group: GROUP })
        .option("check", {
          type: "boolean",
          default: false,
          describe:
            "list what the source lacks (secrets no variable holds, variables to spread, missing names) and write nothing; exit 1 if anything",
          group: GROUP,
        })
        .option("dest-server", {
          type: "string",
          describe: "the destination the runbooks apply to",
          group: GROUP,
        })
        .option("dest-space", { type: "string", describe: "the destination space, by name", group: GROUP })
        .option("destinations", {
          type: "string",
          describe:
            'many destinations instead: a JSON array of { "name", "server", "space" }; runbooks per destination, keys in the root\'s input destination_api_keys',
          group: GROUP,
        })
        .option("source-server", {
          type: "string",
          describe: "the source's URL as the workers reach it",
          defaultDescription: "the export's source",
          group: GROUP,
        })
        .option("sync-project", {
          type: "string",
          default: "octoport sync",
          describe: "the project made for the space module's runbook",
          group: GROUP,
        })
        .option("project-group", {
          type: "string",
          default: "Default Project Group",
          describe: "its project group",
          group: GROUP,
        })
        .option("lifecycle", {
          type: "string",
          default: "Default Lifecycle",
          describe: "its lifecycle",
          group: GROUP,
        })
        .option("worker-pool", {
          type: "string",
          describe: "the worker pool the steps run on",
          defaultDescription: "the space's default",
          group: GROUP,
        })
        .option("image", {
          type: "string",
          describe: "a container image with octoport, Node, OpenTofu and the provider (docs/bootstrap.md)",
          group: GROUP,
        })
        .option("image-feed", {
          type: "string",
          describe: "the source's feed the image comes from",
          group: GROUP,
        })
        .option("export-option", {
          type: "string",
          array: true,
          describe: "a word for the runbooks' octoport export, e.g. --backend=s3 (repeatable)",
          group: GROUP,
        })
        .option("apply-option", {
          type: "string",
          array: true,
          describe:
            "a word for their octoport apply, e.g. --backend-config=key=octopus/{module}.tfstate (repeatable)",
          group: GROUP,
        })
        .option("schedule", {
          type: "string",
          describe: "a cron expression: each runbook also runs on this schedule (continual sync)",
          group: GROUP,
        })
        .option("environment", {
          type: "string",
          describe: "the source environment scheduled runs run in (with --schedule)",
          group: GROUP,
        })
        .example(
          "$0 bootstrap ./octopus --out ./sync --dest-server https://new.octopus.app --dest-space Default",
          "",
        )
        .example(
          "$0 bootstrap ./octopus --out ./sync --destinations destinations.json",
          "many destinations: runbooks per destination (docs/bootstrap.md)",
        )
        .example("$0 bootstrap ./octopus --check --server https://old.example.com --space Default", "")
        .epilogue(
          "Apply the root to the SOURCE space (octoport apply ./sync --server SOURCE --space NAME). Its inputs source_api_key and destination_api_key (destination_api_keys, a map by name, with --destinations) are the keys the runbooks use, kept as sensitive step template parameters; runner_api_key is the key the octoport: sync all runbooks run the others with. Workers keep nothing: give the runbooks a state backend, e.g. --export-option=--backend=s3 --apply-option=--backend-config=key=shop/{module}.tfstate. See docs/bootstrap.md.",
        ) as never,
    handler: async (args) => {
      if (!args.dir) throw new UsageError("give the export directory: octoport bootstrap DIR");
      // readExport checks the manifest and keeps every field of it (a loose schema).
      const manifest = (await readExport(args.dir)).manifest as unknown as Manifest;
      if ((args.schedule === undefined) !== (args.environment === undefined))
        throw new UsageError("--schedule and --environment go together: scheduled runs need an environment");
      if (args.image && !args["image-feed"])
        throw new UsageError("--image needs --image-feed, the feed it comes from");
      if (!args.check && !args.out)
        throw new UsageError("give the directory to write the root to: --out DIR");
      if (args.destinations && (args["dest-server"] || args["dest-space"]))
        throw new UsageError("give --destinations FILE or --dest-server and --dest-space, not both");
      if (!args.check && !args.destinations && (!args["dest-server"] || !args["dest-space"]))
        throw new UsageError(
          "give the destination: --dest-server URL and --dest-space NAME (or many: --destinations FILE)",
        );
      const destinations = args.destinations ? await readDestinations(args.destinations) : undefined;
      const options: BootstrapOptions = {
        providerVersion: manifest.providerVersion,
        sourceServer: args["source-server"] ?? manifest.source.server,
        destinationServer: args["dest-server"] ?? "",
        destinationSpace: args["dest-space"] ?? "",
        syncProject: args["sync-project"],
        projectGroup: args["project-group"],
        lifecycle: args.lifecycle,
        ...(args["worker-pool"] ? { workerPool: args["worker-pool"] } : {}),
        ...(args.image ? { image: { image: args.image, feed: args["image-feed"] ?? "" } } : {}),
        exportOptions: args["export-option"] ?? [],
        applyOptions: args["apply-option"] ?? [],
        ...(args.schedule ? { schedule: { cron: args.schedule, environment: args.environment ?? "" } } : {}),
        ...(destinations
          ? { destinations: destinations.map(({ name, server, space }) => ({ name, server, space })) }
          : {}),
      };
      if (args.check) {
        const source = args.server ? await sourceNames(args, ctx) : undefined;
        const findings = checkBootstrap(manifest, options, source);
        ctx.stdout.write(formatFindings(findings, source !== undefined));
        if (findings.length)
          throw new OctoportError(`bootstrap --check: ${findings.length} to fix first (above)`);
        return;
      }
      const findings = checkBootstrap(manifest, options);
      const out = args.out as string;
      await mkdir(out, { recursive: true });
      await writeAtomic(join(out, "main.tf"), printFile(bootstrapRoot(manifest, options)));
      const runbooks = syncRunbooks(manifest, options.syncProject);
      await writeAtomic(join(out, "README.md"), readme(manifest, options, runbooks, findings));
      const count = runbooks.length * targets(options).length;
      const names = destinations ? `"${SYNC_RUNBOOK} to NAME"` : `"${SYNC_RUNBOOK}"`;
      ctx.stdout.write(
        `wrote ${out}/main.tf: ${count} runbooks ${names}, ${targets(options).length} "${APPLY_ALL_RUNBOOK}" and the step template "${SYNC_TEMPLATE}"; apply it to the source space (octoport apply ${out} --server SOURCE --space ${manifest.source.spaceName})${findings.length ? `; before the runbooks can run, ${findings.length} things are to fix on the source: see ${out}/README.md or octoport bootstrap --check` : ""}\n`,
      );
    },
  };
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.octoport-${process.pid}`;
  await writeFile(temp, text, { mode: 0o644 });
  await rename(temp, path);
}

async function sourceNames(args: BootstrapArgs, ctx: CliContext): Promise<SourceNames> {
  const client = clientFrom(args, ctx.progress);
  const space = await client.resolveSpace(args.space ?? "");
  const names = async (collection: string) =>
    new Set((await client.list(`/api/${space.Id}/${collection}`)).map((d) => String(d.Name)));
  const [projects, workerPools, feeds, environments, projectGroups, lifecycles] = await Promise.all([
    names("projects"),
    names("workerpools"),
    names("feeds"),
    names("environments"),
    names("projectgroups"),
    names("lifecycles"),
  ]);
  ctx.progress.clear();
  return { projects, workerPools, feeds, environments, projectGroups, lifecycles };
}

function formatFindings(findings: Finding[], readSource: boolean): string {
  const lines = findings.map((f) => `- ${f.subject} ${f.message}`);
  const tail = readSource ? "" : " (names on the source not checked: give --server, --api-key and --space)";
  return findings.length
    ? `${lines.join("\n")}\n`
    : `nothing missing: every secret comes from a variable of the source${tail}\n`;
}

function readme(
  manifest: Manifest,
  options: BootstrapOptions,
  runbooks: SyncRunbook[],
  findings: Finding[],
): string {
  const dests = targets(options);
  const many = Boolean(options.destinations?.length);
  const rows = runbooks.map((r) => `| ${r.module} | ${r.project} | ${r.secrets.length} |`);
  return [
    `# Sync runbooks for ${manifest.source.spaceName}`,
    "",
    `Written by \`octoport bootstrap\`. Apply this root to the **source** space; it makes the step template "${SYNC_TEMPLATE}", the project "${options.syncProject}", and per destination a runbook per module, which exports the source and applies that module, and a runbook that runs those in order:`,
    "",
    "| destination | server | space | module runbooks | in order |",
    "|---|---|---|---|---|",
    ...dests.map(
      (d) =>
        `| ${d.name || "(the one)"} | ${d.server} | ${d.space} | "${syncRunbookName(d.name)}" | "${applyAllRunbookName(d.name)}" in "${options.syncProject}" |`,
    ),
    "",
    `Inputs: \`octopus_server\`, \`octopus_apikey\`, \`octopus_space_id\` (the source, where the runbooks are made), \`source_api_key\` (what the runbooks read the source with), ${many ? "`destination_api_keys` (a map: each destination's key by its name)" : "`destination_api_key` (what they apply with)"}, all kept as sensitive parameters of the step template, and \`runner_api_key\` (a key that can publish runbook snapshots and run runbooks, for "${APPLY_ALL_RUNBOOK}").`,
    "",
    `Run "${APPLY_ALL_RUNBOOK}" (it runs the module runbooks in this order, a module after those it depends on, and stops at the first that fails), or run them yourself in this order:`,
    "",
    "| module | runbook in project | secrets passed |",
    "|---|---|---|",
    ...rows,
    "",
    ...(findings.length
      ? ["Before the runbooks can run:", "", ...findings.map((f) => `- ${f.subject} ${f.message}`), ""]
      : []),
  ].join("\n");
}
