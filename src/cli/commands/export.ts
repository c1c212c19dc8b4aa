import type { CommandModule } from "yargs";
import { readSpace } from "../../graph/reader.js";
import {
  type Backend,
  DEFAULT_PROVIDER_VERSION,
  exportFiles,
  type SecretDefaults,
} from "../../terraform/export.js";
import { IGNORE_CHANGES, type IgnoreChanges } from "../../terraform/export-plan.js";
import { filterOptions, filtersFrom } from "../../terraform/families.js";
import { streamExport } from "../../terraform/stream.js";
import { readManifest, recoverExport } from "../../terraform/writer.js";
import { OctoportError, UsageError } from "../../util/errors.js";
import type { CliContext } from "../context.js";
import {
  type ConnectionArgs,
  clientFrom,
  connectionOptions,
  type DestinationArgs,
  destinationClient,
  destinationOptions,
} from "../options.js";

interface ExportArgs extends ConnectionArgs, DestinationArgs {
  dest?: string;
  project?: string[];
  runbook?: string;
  "lookup-dependencies": boolean;
  layout: "modules" | "single";
  "secret-defaults": SecretDefaults;
  backend?: Backend;
  "provider-version": string;
  "detach-step-templates": boolean;
  "spread-secrets": boolean;
  "include-teams": boolean;
  "ignore-changes"?: IgnoreChanges[];
  "exclude-tenants-with-tags"?: string[];
  "exclude-tenant-tags"?: string[];
  "exclude-invalid-channels": boolean;
  "exclude-targets-with-no-environments": boolean;
  "exclude-variable-environment-scopes"?: string[];
  "import-from-destination": boolean;
  "create-space": boolean;
  check: boolean;
  verify: boolean;
  [key: string]: unknown;
}

export function exportCommand(ctx: CliContext): CommandModule<object, ExportArgs> {
  return {
    command: "export",
    describe: "Write Terraform modules for the Octopus provider from a space (or chosen projects)",
    builder: (y) =>
      filterOptions(
        destinationOptions(connectionOptions(y), "Adoption:", "for --import-from-destination")
          .option("dest", {
            type: "string",
            describe: "directory to write (created; re-exporting updates only changed files)",
          })
          .option("project", {
            type: "string",
            array: true,
            describe: "export only these projects (name or ID; repeatable)",
          })
          .option("runbook", {
            type: "string",
            describe: "export only this runbook of the one --project, against its looked-up project",
          })
          .option("lookup-dependencies", {
            type: "boolean",
            default: false,
            describe: "with --project: look space-level dependencies up by name instead of writing them",
          })
          .option("layout", {
            choices: ["modules", "single"] as const,
            default: "modules" as const,
            describe: "modules: space/ and projects/<slug>/ plus a root main.tf; single: one flat module",
          })
          .option("secret-defaults", {
            choices: ["none", "dummy", "octostache"] as const,
            default: "none" as const,
            describe:
              "defaults of secret inputs: none (required), dummy (valid placeholders), octostache (#{Name})",
          })
          .option("backend", {
            choices: ["s3", "azurerm", "gcs", "local"] as const,
            describe: "write an empty backend block of this type",
          })
          .option("provider-version", {
            type: "string",
            default: DEFAULT_PROVIDER_VERSION,
            describe: "version constraint for the provider",
          })
          .option("detach-step-templates", {
            type: "boolean",
            default: false,
            describe: "write steps that use step templates as plain steps (no link to the template)",
          })
          .option("spread-secrets", {
            type: "boolean",
            default: false,
            describe:
              "name each sensitive variable's input after the variable (after octoport spread), so a runbook can pass #{Name} in",
          })
          .option("include-teams", {
            type: "boolean",
            default: false,
            describe:
              "also write the space's teams, their scoped user roles and the custom user roles they give (members are looked up by username, never created)",
          })
          .option("ignore-changes", {
            choices: Object.keys(IGNORE_CHANGES) as IgnoreChanges[],
            array: true,
            describe: `resources the destination may edit, which re-applying leaves as they are (lifecycle ignore_changes): ${Object.entries(
              IGNORE_CHANGES,
            )
              .map(([k, v]) => `${k}: ${v}`)
              .join("; ")}`,
          })
          .option("exclude-tenants-with-tags", {
            type: "string",
            array: true,
            describe: 'leave out tenants that have any of these tags ("Tag set/Tag")',
            group: "Filters:",
          })
          .option("exclude-tenant-tags", {
            type: "string",
            array: true,
            describe:
              'leave out these tags ("Tag set/Tag") from their tag set and from every tenant, target, account, certificate, channel, step and variable scope that has them',
            group: "Filters:",
          })
          .option("exclude-invalid-channels", {
            type: "boolean",
            default: false,
            describe:
              "leave out channels whose version rules name a step the deployment process does not have (without it, the rule drops that step, with a warning)",
            group: "Filters:",
          })
          .option("exclude-targets-with-no-environments", {
            type: "boolean",
            default: false,
            describe: "leave out deployment targets none of whose environments is exported",
            group: "Filters:",
          })
          .option("exclude-variable-environment-scopes", {
            type: "string",
            array: true,
            describe:
              "take these environments (by name) out of variables' scopes; a variable scoped to nothing else is left out",
            group: "Filters:",
          })
          .option("import-from-destination", {
            type: "boolean",
            default: false,
            describe:
              "look every resource up on the destination by name and write import blocks for those that exist, so the first apply adopts them",
            group: "Adoption:",
          })
          .option("create-space", {
            type: "boolean",
            default: false,
            describe: "also write space_creation/, which creates the destination space (apply it first)",
          })
          .option("check", {
            type: "boolean",
            default: false,
            describe:
              "write nothing; exit 1 when the files on disk differ from what would be written (drift check for CI)",
          })
          .option("verify", {
            type: "boolean",
            default: false,
            describe:
              "parse every HCL file with the real HCL parser before anything is written; one that does not parse stops the export (a bug in octoport)",
          })
          .example(
            "$0 export --server https://octopus.example.com --api-key API-XXXX --space Default --dest ./octopus",
            "the whole space",
          )
          .example(
            "$0 export --space Default --dest ./out --project 'Orders API' --lookup-dependencies",
            "one project, space resources looked up",
          )
          .example(
            "$0 export --space Default --dest ./out --project 'Orders API' --runbook 'Restart'",
            "one runbook",
          )
          .example(
            "$0 export --space Default --dest ./out --exclude-environments Sandbox --exclude-all-targets",
            "filters",
          )
          .example(
            "$0 export --space Default --dest ./out --import-from-destination --dest-server https://new.octopus.app --dest-api-key API-YYYY --dest-space Default",
            "adopt what the destination already has",
          )
          .example(
            "$0 export --space Default --dest ./out --check",
            "in CI: fail when the committed files have drifted",
          ),
      ) as never,
    handler: async (args) => {
      if (!args.dest)
        throw new UsageError("--dest is required: the directory to write the Terraform modules to");
      if (args.runbook && (args.project?.length ?? 0) !== 1)
        throw new UsageError("--runbook needs exactly one --project");
      if (
        args["import-from-destination"] &&
        (!args["dest-server"] || !args["dest-api-key"] || !args["dest-space"])
      )
        throw new UsageError(
          "--import-from-destination needs --dest-server, --dest-api-key and --dest-space",
        );
      // Bad filters are usage errors, before anything starts.
      const filters = filtersFrom(args);
      const client = clientFrom(args, ctx.progress);
      await exportSpace(ctx, { ...args, dest: args.dest }, { client, filters });
    },
  };
}

/** Reads the space, converts it and writes the files (or, with --check, compares; with --verify, parses them first). */
async function exportSpace(
  ctx: CliContext,
  args: ExportArgs & { dest: string },
  { client, filters }: { client: ReturnType<typeof clientFrom>; filters: ReturnType<typeof filtersFrom> },
): Promise<void> {
  const progress = ctx.progress;
  const adopting = args["import-from-destination"];
  progress.update(`resolving space ${args.space ?? ""}`, true);
  const space = await client.resolveSpace(args.space ?? "");
  const includeTeams = args["include-teams"];
  const graph = await readSpace(client, space, {
    includeTeams,
    onProgress: (p) => progress.update(`reading ${space.Name}: ${p.done}/${p.total} requests`),
    onWarning: (w) => progress.warn(w),
  });
  let adoptFrom: Awaited<ReturnType<typeof readSpace>> | undefined;
  if (adopting) {
    const dest = destinationClient(args, progress);
    const destSpace = await dest.resolveSpace(args["dest-space"] ?? "");
    adoptFrom = await readSpace(dest, destSpace, {
      includeTeams,
      onProgress: (p) =>
        progress.update(`reading the destination ${destSpace.Name}: ${p.done}/${p.total} requests`),
      onWarning: (w) => progress.warn(`destination: ${w}`),
    });
  }
  progress.update("converting and writing", true);
  // What an interrupted export left is finished or removed before the previous manifest is read.
  if (!args.check) for (const note of recoverExport(args.dest)) progress.note(note);
  const files = exportFiles(graph, {
    layout: args.layout,
    projects: args.project,
    runbook: args.runbook,
    lookupDependencies: args["lookup-dependencies"],
    filters,
    detachStepTemplates: args["detach-step-templates"],
    includeTeams,
    ignoreChanges: args["ignore-changes"],
    excludeTenantsWithTags: args["exclude-tenants-with-tags"],
    excludeTenantTags: args["exclude-tenant-tags"],
    excludeInvalidChannels: args["exclude-invalid-channels"],
    excludeTargetsWithNoEnvironments: args["exclude-targets-with-no-environments"],
    excludeVariableEnvironmentScopes: args["exclude-variable-environment-scopes"],
    spreadSecrets: args["spread-secrets"],
    secretDefaults: args["secret-defaults"],
    providerVersion: args["provider-version"],
    backend: args.backend,
    createSpace: args["create-space"],
    source: { server: client.server },
    previous: await readManifest(args.dest),
    adoptFrom,
    // Nothing here reads the graph after the export, so it may let go of what it is done with.
    releaseGraph: true,
  });
  // Each file is staged as it is made; with --verify, nothing lands unless every HCL file parses.
  const { manifest: m, changes } = await streamExport(files, args.dest, {
    verify: args.verify,
    mode: args.check ? "compare" : "write",
    onFile: (n) => progress.update(`converting and writing: ${n} files`),
    onVerify: (n) => progress.update(`verifying: parsing ${n} HCL files`, true),
  });
  progress.clear();
  if (args.check) {
    const drift = [
      ...changes.added.map((f) => `+ ${f}`),
      ...changes.changed.map((f) => `~ ${f}`),
      ...changes.removed.map((f) => `- ${f}`),
    ];
    if (drift.length) {
      ctx.stdout.write(`${drift.join("\n")}\n`);
      throw new OctoportError(
        `${args.dest} has drifted from space ${space.Name}: ${drift.length} file(s) would change; export again and review`,
      );
    }
    ctx.stdout.write(`${args.dest} is up to date with space ${space.Name} (${changes.unchanged} files)\n`);
    return;
  }
  for (const w of m.warnings) progress.warn(`${w.subject} ${w.message}`);
  ctx.stdout.write(summary(m, args.dest, changes));
}

/** Modules of one apply level named in the summary; the rest are counted (2,000 projects made 60 KB of names). */
const LISTED_PER_LEVEL = 10;

function summary(
  m: import("../../terraform/manifest.js").Manifest,
  dest: string,
  changes: import("../../terraform/writer.js").FileChanges,
): string {
  const byType = new Map<string, number>();
  for (const r of m.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  const lines = [`Exported space ${m.source.spaceName} to ${dest}`, ""];
  lines.push(`Resources (${m.resources.length}):`);
  const width = Math.max(...[...byType.keys()].map((k) => k.length), 10);
  for (const [type, n] of [...byType.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
    lines.push(`  ${type.padEnd(width)}  ${String(n).padStart(5)}`);
  const long = m.applyOrder.some((level) => level.length > LISTED_PER_LEVEL);
  lines.push(
    "",
    `Modules (${m.modules.length}), in apply order${long ? " (README.md and manifest.json list them all)" : ""}:`,
  );
  m.applyOrder.forEach((level, i) => {
    const names = level.slice(0, LISTED_PER_LEVEL).map((p) => p || "(single module)");
    const more = level.length - names.length;
    const head = more ? `${level.length} modules: ` : "";
    lines.push(`  ${i + 1}. ${head}${names.join(", ")}${more ? `, and ${more} more` : ""}`);
  });
  lines.push("", `Secrets to supply: ${m.secrets.length} (see terraform.tfvars.example)`);
  if (m.imports) lines.push(`Already on the destination, imported on the first apply: ${m.imports.length}`);
  lines.push(`Warnings: ${m.warnings.length}${m.warnings.length ? " (above, and in README.md)" : ""}`);
  const touched = changes.added.length + changes.changed.length + changes.removed.length;
  lines.push(
    `Files: ${changes.added.length} added, ${changes.changed.length} changed, ${changes.removed.length} removed, ${changes.unchanged} unchanged${touched === 0 ? " (nothing to do)" : ""}`,
  );
  for (const f of changes.changed) lines.push(`  ~ ${f}`);
  for (const f of changes.removed) lines.push(`  - ${f}`);
  return `${lines.join("\n")}\n`;
}
