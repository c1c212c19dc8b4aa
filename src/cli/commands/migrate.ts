import type { Argv, CommandModule } from "yargs";
import { readSpace } from "../../graph/reader.js";
import {
  DEFAULT_PACKAGE_ID,
  type ImportParams,
  type PartialExportParams,
  queueImport,
  queuePartialExport,
  type ServerTask,
  taskLog,
  taskProblem,
  waitForTask,
} from "../../migration-api/migration-api.js";
import type { OctopusClient } from "../../octopus/client.js";
import { projectsAlong } from "../../snapshot/export.js";
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
import { readPassword, selectionOptions } from "./snapshot.js";

interface WaitArgs {
  wait: boolean;
  "poll-interval": number;
  timeout: number;
  "show-log"?: boolean;
}

interface CallbackArgs {
  "password-file"?: string;
  "package-id"?: string;
  "package-version"?: string;
  "success-callback"?: string;
  "failure-callback"?: string;
}

interface ExportArgs extends ConnectionArgs, DestinationArgs, WaitArgs, CallbackArgs {
  project?: string[];
  "ignore-certificates"?: boolean;
  "ignore-machines"?: boolean;
  "ignore-deployments"?: boolean;
  "ignore-tenants"?: boolean;
  "include-task-logs"?: boolean;
  "encrypt-package"?: boolean;
}

/** What an import does: the options `import` and `run` share. */
interface ImportChoiceArgs {
  "dry-run"?: boolean;
  overwrite?: boolean;
  "delete-package"?: boolean;
}

interface ImportArgs extends ConnectionArgs, WaitArgs, CallbackArgs, ImportChoiceArgs {
  "encrypted-package"?: boolean;
}

interface RunArgs extends ExportArgs, ImportChoiceArgs {}

function commonOptions<T>(y: Argv<T>): Argv<T & WaitArgs & CallbackArgs> {
  return y
    .option("password-file", {
      type: "string",
      describe: "file holding the password shared by export and import (it seals the package's secrets)",
    })
    .option("package-id", {
      type: "string",
      describe: "the migration package's ID",
      defaultDescription: DEFAULT_PACKAGE_ID,
    })
    .option("package-version", {
      type: "string",
      describe: "the package's SemVer version (export: generated when not given)",
    })
    .option("success-callback", {
      type: "string",
      describe: "URL the server calls (GET, with packageId and packageVersion) when the task succeeds",
    })
    .option("failure-callback", {
      type: "string",
      describe: "URL the server calls (GET) when the task fails",
    })
    .option("wait", {
      type: "boolean",
      default: true,
      describe: "poll each task until it completes (--no-wait: print the task ID and return)",
      group: "Tasks:",
    })
    .option("poll-interval", {
      type: "number",
      default: 5,
      describe: "seconds between polls of a task",
      group: "Tasks:",
    })
    .option("timeout", {
      type: "number",
      default: 3600,
      describe: "seconds to wait for a task before giving up",
      group: "Tasks:",
    })
    .option("show-log", {
      type: "boolean",
      describe: "print each task's log when it completes (a dry run's log is always printed)",
      group: "Tasks:",
    }) as Argv<T & WaitArgs & CallbackArgs>;
}

function exportOptions<T>(y: Argv<T>): Argv<T> {
  return selectionOptions(y).option("encrypt-package", {
    type: "boolean",
    describe: "encrypt the whole package with the password (import then needs --encrypted-package)",
  }) as unknown as Argv<T>;
}

function importOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option("dry-run", {
      type: "boolean",
      describe: "let the server print what the import would do, and commit nothing",
    })
    .option("overwrite", {
      type: "boolean",
      describe: "replace documents with the same name (by default they are skipped)",
    })
    .option("delete-package", {
      type: "boolean",
      describe: "remove the package from the built-in feed once the import succeeds",
    }) as Argv<T>;
}

function checkWait(args: WaitArgs): void {
  if (!(args["poll-interval"] > 0)) throw new UsageError("--poll-interval must be more than 0 seconds");
  if (!(args.timeout > 0)) throw new UsageError("--timeout must be more than 0 seconds");
}

/** Polls a task, showing its state; the log on failure or when asked. Throws when it did not succeed. */
async function follow(
  ctx: CliContext,
  client: OctopusClient,
  taskId: string,
  label: string,
  args: WaitArgs,
  printLog = false,
): Promise<ServerTask> {
  let last = "";
  const task = await waitForTask(client, taskId, {
    intervalMs: args["poll-interval"] * 1000,
    timeoutMs: args.timeout * 1000,
    onPoll: (t, elapsed) => {
      if (t.State !== last) ctx.progress.note(`${label} (${taskId}): ${t.State}`);
      else ctx.progress.update(`${label} (${taskId}): ${t.State}, ${Math.round(elapsed / 1000)} s`);
      last = t.State;
    },
  });
  const problem = taskProblem(task);
  if (printLog || args["show-log"] || problem) {
    const log = await taskLog(client, taskId).catch(() => "");
    if (problem) {
      const tail = log.trimEnd().split("\n").slice(-20);
      for (const line of tail) ctx.stderr.write(`  ${line}\n`);
    } else ctx.stdout.write(log.endsWith("\n") || !log ? log : `${log}\n`);
  }
  if (problem) throw new OctoportError(`${label} failed: ${problem}`);
  return task;
}

/** The ID of a space named or given by ID, or undefined when none is given. */
async function spaceIdOf(client: OctopusClient, nameOrId: string | undefined): Promise<string | undefined> {
  if (!nameOrId) return undefined;
  return (await client.resolveSpace(nameOrId)).Id;
}

async function exportParams(
  args: ExportArgs,
  source: OctopusClient,
  dest: OctopusClient | undefined,
  password: string,
): Promise<PartialExportParams> {
  if (!args.project?.length)
    throw new UsageError("--project is required: the projects to export (repeatable), by name");
  return {
    password,
    projects: args.project,
    spaceId: await spaceIdOf(source, args.space),
    packageId: args["package-id"],
    packageVersion: args["package-version"],
    ignoreCertificates: args["ignore-certificates"],
    ignoreMachines: args["ignore-machines"],
    ignoreDeployments: args["ignore-deployments"],
    ignoreTenants: args["ignore-tenants"],
    includeTaskLogs: args["include-task-logs"],
    encryptPackage: args["encrypt-package"],
    destinationPackageFeed: dest ? dest.server : undefined,
    destinationApiKey: dest ? args["dest-api-key"] : undefined,
    destinationPackageFeedSpaceId: dest ? await spaceIdOf(dest, args["dest-space"]) : undefined,
    successCallbackUri: args["success-callback"],
    failureCallbackUri: args["failure-callback"],
  };
}

/**
 * Checks, before anything is exported, what the Migration API will do with the selection:
 * the projects asked for exist, and the ones that come along with them (through a tenant,
 * a step, a channel) are named with the reason. With a destination, the import goes into the
 * destination's space named like the source's (the package names its space; Octopus has no
 * parameter to choose another), so --dest-space must name that space.
 */
async function preflight(
  ctx: CliContext,
  args: ExportArgs,
  source: OctopusClient,
  dest: OctopusClient | undefined,
): Promise<void> {
  const space = await source.resolveSpace(args.space ?? "");
  if (dest) {
    const target = args["dest-space"] ? await dest.resolveSpace(args["dest-space"]) : undefined;
    const sameName = await dest.resolveSpace(space.Name ?? space.Id).catch(() => undefined);
    if (!sameName || sameName.Name !== space.Name)
      throw new OctoportError(
        `the Migration API imports into the space named like the source ("${space.Name}"), and ${dest.server} has none; create it there first, or use octoport snapshot export and import, which import into any space`,
      );
    if (target && target.Id !== sameName.Id)
      throw new OctoportError(
        `--dest-space "${args["dest-space"]}" is not the space the Migration API imports into: it imports into the space named like the source ("${space.Name}"); pass --dest-space "${space.Name}", or use octoport snapshot export and import to choose the space`,
        { exitCode: 2 },
      );
  }
  ctx.progress.update(`reading ${space.Name} to see what the export takes`, true);
  const graph = await readSpace(source, space, {});
  const along = projectsAlong(graph, { projects: args.project, ...ignored(args) });
  for (const p of along) ctx.progress.note(`also exported: ${p}`);
}

function ignored(args: ExportArgs) {
  return {
    ignoreCertificates: args["ignore-certificates"],
    ignoreMachines: args["ignore-machines"],
    ignoreDeployments: args["ignore-deployments"],
    ignoreTenants: args["ignore-tenants"],
  };
}

function destinationGiven(args: DestinationArgs): boolean {
  const given = [args["dest-server"], args["dest-api-key"]].filter(Boolean).length;
  if (given === 1) throw new UsageError("--dest-server and --dest-api-key go together");
  return given === 2;
}

export function migrateCommand(ctx: CliContext): CommandModule<object, object> {
  return {
    command: "migrate <command>",
    describe: "Drive an Octopus Server's own Migration API (partial export and import as server tasks)",
    builder: (y) =>
      y
        .command(partialExportCommand(ctx))
        .command(importCommand(ctx))
        .command(runMigrationCommand(ctx))
        .demandCommand(1, "give a migrate command: partial-export, import or run"),
    handler: () => {},
  };
}

function partialExportCommand(ctx: CliContext): CommandModule<object, ExportArgs> {
  return {
    command: "partial-export",
    describe: "Queue a partial export of projects on the source server and wait for it",
    builder: (y) =>
      destinationOptions(
        exportOptions(commonOptions(connectionOptions(y))),
        "Destination:",
        "whose built-in feed receives the package",
      )
        .example(
          "$0 migrate partial-export --server https://old.example.com --api-key API-XXXX --space Default --project 'Orders API' --password-file pw.txt --package-version 1.0.0 --dest-server https://new.example.com --dest-api-key API-YYYY --dest-space Default",
          "export a project and push the package to the destination's built-in feed",
        )
        .example(
          "$0 migrate partial-export --space Default --project A --project B --password-file pw.txt --encrypt-package --no-wait",
          "keep the package on the source; print the task ID and return",
        ) as never,
    handler: async (args) => {
      checkWait(args);
      const withDest = destinationGiven(args);
      const password = await readPassword(args["password-file"]);
      const source = clientFrom(args, ctx.progress);
      const dest = withDest ? destinationClient(args, ctx.progress) : undefined;
      const params = await exportParams(args, source, dest, password);
      await preflight(ctx, args, source, dest);
      const queued = await queuePartialExport(source, params);
      ctx.stdout.write(
        `Queued partial export ${queued.taskId}: package ${queued.packageId} ${queued.packageVersion}\n`,
      );
      if (!args.wait) return;
      await follow(ctx, source, queued.taskId, "partial export", args);
      ctx.stdout.write(
        `Exported ${queued.packageId} ${queued.packageVersion}${dest ? ` to the built-in feed of ${dest.server}` : ""}\n`,
      );
    },
  };
}

function importParams(
  args: ImportArgs | RunArgs,
  password: string,
  feedSpaceId: string | undefined,
  packageId: string,
  packageVersion: string,
  encrypted: boolean | undefined,
): ImportParams {
  return {
    password,
    packageId,
    packageVersion,
    destinationPackageFeedSpaceId: feedSpaceId,
    isEncryptedPackage: encrypted,
    isDryRun: args["dry-run"],
    overwriteExisting: args.overwrite,
    deletePackageOnCompletion: args["delete-package"],
    successCallbackUri: args["success-callback"],
    failureCallbackUri: args["failure-callback"],
  };
}

function importCommand(ctx: CliContext): CommandModule<object, ImportArgs> {
  return {
    command: "import",
    describe: "Queue an import of a migration package from the server's built-in feed and wait for it",
    builder: (y) =>
      importOptions(commonOptions(connectionOptions(y)))
        .option("encrypted-package", {
          type: "boolean",
          describe: "the package was exported with --encrypt-package",
        })
        .example(
          "$0 migrate import --server https://new.example.com --api-key API-YYYY --space Default --package-version 1.0.0 --password-file pw.txt --dry-run",
          "print what the import would do (--space: the space whose feed holds the package)",
        )
        .example(
          "$0 migrate import --space Default --package-version 1.0.0 --password-file pw.txt --overwrite --delete-package",
          "import for real",
        ) as never,
    handler: async (args) => {
      checkWait(args);
      if (!args["package-version"])
        throw new UsageError("--package-version is required: the version of the package to import");
      const password = await readPassword(args["password-file"]);
      const client = clientFrom(args, ctx.progress);
      const feedSpace = await spaceIdOf(client, args.space);
      const taskId = await queueImport(
        client,
        importParams(
          args,
          password,
          feedSpace,
          args["package-id"] || DEFAULT_PACKAGE_ID,
          args["package-version"],
          args["encrypted-package"],
        ),
      );
      ctx.stdout.write(`Queued import ${taskId}${args["dry-run"] ? " (dry run)" : ""}\n`);
      if (!args.wait) return;
      await follow(ctx, client, taskId, args["dry-run"] ? "dry-run import" : "import", args, args["dry-run"]);
      ctx.stdout.write(args["dry-run"] ? "Dry run complete: nothing was committed\n" : "Import complete\n");
    },
  };
}

function runMigrationCommand(ctx: CliContext): CommandModule<object, RunArgs> {
  return {
    command: "run",
    describe:
      "Partial export on the source, pushed to the destination, then a dry-run import, then the import",
    builder: (y) =>
      destinationOptions(
        importOptions(exportOptions(commonOptions(connectionOptions(y)))),
        "Destination:",
        "where the package goes and is imported",
      ).example(
        "$0 migrate run --server https://old.example.com --api-key API-XXXX --space Default --dest-server https://new.example.com --dest-api-key API-YYYY --dest-space Default --project 'Orders API' --project Payments --password-file pw.txt",
        "migrate two projects: export, dry run, import",
      ) as never,
    handler: async (args) => {
      checkWait(args);
      if (!args.wait) throw new UsageError("migrate run waits for each task; --no-wait is for one step");
      if (!destinationGiven(args))
        throw new UsageError("migrate run needs --dest-server and --dest-api-key (and --dest-space)");
      const password = await readPassword(args["password-file"]);
      const source = clientFrom(args, ctx.progress);
      const dest = destinationClient(args, ctx.progress);
      const params = await exportParams(args, source, dest, password);
      await preflight(ctx, args, source, dest);
      const queued = await queuePartialExport(source, params);
      ctx.stdout.write(
        `1/3 partial export ${queued.taskId}: package ${queued.packageId} ${queued.packageVersion}\n`,
      );
      await follow(ctx, source, queued.taskId, "partial export", args);
      const feed = params.destinationPackageFeedSpaceId;
      const enc = args["encrypt-package"];
      const dryId = await queueImport(dest, {
        ...importParams(args, password, feed, queued.packageId, queued.packageVersion, enc),
        isDryRun: true,
        deletePackageOnCompletion: false,
      });
      ctx.stdout.write(`2/3 dry-run import ${dryId}\n`);
      await follow(ctx, dest, dryId, "dry-run import", args, true);
      if (args["dry-run"]) {
        ctx.stdout.write("Stopped after the dry run (--dry-run): nothing was imported\n");
        return;
      }
      const importId = await queueImport(
        dest,
        importParams(args, password, feed, queued.packageId, queued.packageVersion, enc),
      );
      ctx.stdout.write(`3/3 import ${importId}\n`);
      await follow(ctx, dest, importId, "import", args);
      ctx.stdout.write(
        `Migrated ${args.project?.join(", ")} to ${dest.server} (package ${queued.packageId} ${queued.packageVersion})\n`,
      );
    },
  };
}
