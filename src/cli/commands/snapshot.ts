import { mkdirSync, rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Argv, CommandModule } from "yargs";
import { readSpace } from "../../graph/reader.js";
import { passwordProblem, SnapshotKey, snapshotKdf } from "../../snapshot/crypto.js";
import {
  buildSnapshot,
  readTaskLogs,
  type SecretValues,
  type SnapshotSelection,
  secretInventory,
  secretsFromFile,
  secretsTemplate,
  selectDocuments,
} from "../../snapshot/export.js";
import { existingSnapshotKdf, readSnapshot, writeSnapshot } from "../../snapshot/format.js";
import { defaultIdentitiesFile } from "../../snapshot/identities.js";
import { type ImportReport, importSnapshot, rollbackImport } from "../../snapshot/import.js";
import { journalDirectory, unfinishedJournals } from "../../snapshot/journal.js";
import {
  connectSqlServer,
  parseConnectionString,
  readMasterKey,
  secretsFromDatabase,
} from "../../snapshot/source-db.js";
import { OctoportError, UsageError } from "../../util/errors.js";
import { redact } from "../../util/redact.js";
import type { CliContext } from "../context.js";
import { type ConnectionArgs, clientFrom, connectionOptions } from "../options.js";
import { interruptible } from "../signals.js";

interface SelectionArgs {
  project?: string[];
  "ignore-certificates"?: boolean;
  "ignore-machines"?: boolean;
  "ignore-deployments"?: boolean;
  "ignore-tenants"?: boolean;
  "include-task-logs"?: boolean;
}

interface ExportArgs extends ConnectionArgs, SelectionArgs {
  "password-file"?: string;
  out?: string;
  "encrypt-package"?: boolean;
  secrets?: string;
  "source-db"?: string;
  "master-key-file"?: string;
  reproducible?: boolean;
}

interface ImportArgs extends ConnectionArgs {
  src?: string;
  "password-file"?: string;
  "dry-run"?: boolean;
  overwrite?: boolean;
  "skip-existing"?: boolean;
  "allow-version-mismatch"?: boolean;
  journal?: string;
  identities?: string;
  resume?: string;
  rollback?: string;
}

interface TemplateArgs extends ConnectionArgs, SelectionArgs {
  out?: string;
}

export function selectionOptions<T>(y: Argv<T>): Argv<T & SelectionArgs> {
  return y
    .option("project", {
      type: "string",
      array: true,
      describe: "only these projects (name or ID; repeatable), with everything they depend on",
    })
    .option("ignore-certificates", { type: "boolean", describe: "leave certificates out" })
    .option("ignore-machines", { type: "boolean", describe: "leave deployment targets and workers out" })
    .option("ignore-deployments", { type: "boolean", describe: "leave releases and deployments out" })
    .option("ignore-tenants", { type: "boolean", describe: "leave tenants and their variables out" })
    .option("include-task-logs", { type: "boolean", describe: "add the space's task logs" }) as Argv<
    T & SelectionArgs
  >;
}

function selectionOf(args: SelectionArgs): SnapshotSelection {
  return {
    projects: args.project,
    ignoreCertificates: args["ignore-certificates"],
    ignoreMachines: args["ignore-machines"],
    ignoreDeployments: args["ignore-deployments"],
    ignoreTenants: args["ignore-tenants"],
    includeTaskLogs: args["include-task-logs"],
  };
}

/** The password: the first line of the file (a trailing newline is not part of it). */
export async function readPassword(file: string | undefined): Promise<string> {
  if (!file) throw new UsageError("--password-file is required: a file holding the snapshot's password");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new OctoportError(
      `cannot read the password file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const password = text.replace(/\r?\n$/, "");
  if (!password) throw new OctoportError(`the password file ${file} is empty`);
  return password;
}

export function snapshotCommand(ctx: CliContext): CommandModule<object, object> {
  return {
    command: "snapshot <command>",
    describe: "Full-fidelity, password-encrypted JSON snapshots of a space: export and import",
    builder: (y) =>
      y
        .command(snapshotExport(ctx))
        .command(snapshotImport(ctx))
        .demandCommand(1, "give a snapshot command: export or import"),
    handler: () => {},
  };
}

function snapshotExport(ctx: CliContext): CommandModule<object, ExportArgs> {
  return {
    command: "export",
    describe: "Write a space (or projects with their dependencies) as a password-encrypted snapshot",
    builder: (y) =>
      selectionOptions(connectionOptions(y))
        .option("password-file", {
          type: "string",
          describe: "file holding the password that seals the secrets",
        })
        .option("out", { type: "string", describe: "a directory, or a .zip file" })
        .option("encrypt-package", { type: "boolean", describe: "seal the whole .zip with the password too" })
        .option("reproducible", {
          type: "boolean",
          describe:
            "reuse the salt of the snapshot already at --out, so the same password and content give the same bytes (see docs/reliability.md for what that gives away)",
        })
        .option("secrets", {
          type: "string",
          describe: "sensitive values to carry: a file made by octoport secrets template, filled in",
        })
        .option("source-db", {
          type: "string",
          describe:
            "read sensitive values from the source's SQL Server database (an ADO.NET connection string, SQL login; env OCTOPUS_SOURCE_DB)",
          default: process.env.OCTOPUS_SOURCE_DB,
          defaultDescription: "$OCTOPUS_SOURCE_DB",
        })
        .option("master-key-file", {
          type: "string",
          describe: "file holding the source server's master key (base64), to decrypt what --source-db reads",
        })
        .example(
          "$0 snapshot export --space Default --password-file pw.txt --out ./snapshot",
          "the whole space",
        )
        .example(
          "$0 snapshot export --space Default --project 'Orders API' --secrets secrets.json --password-file pw.txt --out orders.zip --encrypt-package",
          "one project and its dependencies, with secrets, in a sealed zip",
        ) as never,
    handler: async (args) => {
      if (!args.out) throw new UsageError("--out is required: a directory or a .zip file");
      const password = await readPassword(args["password-file"]);
      const weak = passwordProblem(password);
      if (weak) throw new OctoportError(`${weak}: change ${args["password-file"]}`);
      if (Boolean(args["source-db"]) !== Boolean(args["master-key-file"]))
        throw new UsageError("--source-db and --master-key-file go together");
      const masterKey = args["master-key-file"] ? await readMasterKey(args["master-key-file"]) : undefined;
      const dbConfig = args["source-db"] ? parseConnectionString(args["source-db"]) : undefined;
      const fromFile = await secretValues(args.secrets);
      const progress = ctx.progress;
      const client = clientFrom(args, progress);
      const space = await client.resolveSpace(args.space ?? "");
      const selection = selectionOf(args);
      const graph = await readSpace(client, space, {
        snapshot: !selection.ignoreDeployments,
        onProgress: (p) => progress.update(`reading ${space.Name}: ${p.done}/${p.total} requests`),
        onWarning: (w) => progress.warn(w),
      });
      progress.update("deriving the key from the password", true);
      const previous = args.reproducible ? await existingSnapshotKdf(args.out) : undefined;
      if (args.reproducible && !previous)
        progress.note(`no snapshot at ${args.out} to take the salt from: a new random salt is used`);
      const key = await SnapshotKey.derive(password, snapshotKdf(undefined, previous));
      const secrets = new Map(fromFile);
      if (dbConfig && masterKey) {
        progress.update(`reading sensitive values from the database on ${dbConfig.server}`, true);
        const rows = await connectSqlServer(dbConfig);
        try {
          const inventory = secretInventory(graph, selectDocuments(graph, selection));
          const db = await secretsFromDatabase(rows, inventory, masterKey);
          // Values given in --secrets win over the database's.
          for (const [k, v] of db.values) if (!secrets.has(k)) secrets.set(k, v);
          progress.note(`${db.values.size} sensitive value(s) read from the database`);
        } finally {
          await rows.close();
        }
      }
      const logs = selection.includeTaskLogs
        ? await readTaskLogs(client, space.Id, (done, total) =>
            progress.update(`reading task logs: ${done}/${total}`),
          )
        : undefined;
      const built = buildSnapshot(graph, client.server, selection, key, secrets, logs);
      const notes = await writeSnapshot(args.out, built.files, args["encrypt-package"] ? key : undefined);
      progress.clear();
      for (const n of notes) progress.note(n);
      for (const m of built.missing) progress.warn(`no value for ${m.label} (${m.document} ${m.path})`);
      ctx.stdout.write(
        `Snapshot of space ${space.Name}: ${built.files.size - 1} documents, ${built.metadata.secrets.known} sensitive value(s) sealed, ${built.missing.length} not known, written to ${args.out}\n`,
      );
    },
  };
}

async function secretValues(file: string | undefined): Promise<SecretValues> {
  if (!file) return new Map();
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new OctoportError(
      `cannot read the secrets file ${file}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    // The parser's message quotes the text around the fault, which may be part of a secret:
    // only the line is said.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    const line = at === undefined ? undefined : text.slice(0, Number(at)).split("\n").length;
    throw new OctoportError(
      `the secrets file ${file} is not valid JSON${line ? ` (near line ${line})` : ""}; fix it, or make a new one with octoport secrets template`,
    );
  }
  return secretsFromFile(parsed, file);
}

function snapshotImport(ctx: CliContext): CommandModule<object, ImportArgs> {
  return {
    command: "import [src]",
    describe:
      "Import a snapshot into a space: matched by what earlier imports made of each document, else by name; all or nothing",
    builder: (y) =>
      connectionOptions(y)
        .positional("src", { type: "string", describe: "the snapshot: a directory or a .zip" })
        .option("password-file", { type: "string", describe: "file holding the snapshot's password" })
        .option("dry-run", {
          type: "boolean",
          describe:
            "print create / update / skip per document, with the fields that change, and write nothing",
        })
        .option("overwrite", {
          type: "boolean",
          describe:
            "replace documents that exist (variable sets are merged: the destination's own variables stay)",
        })
        .option("skip-existing", {
          type: "boolean",
          describe: "leave documents that exist as they are (the default)",
        })
        .option("allow-version-mismatch", {
          type: "boolean",
          describe: "import although the destination runs another Octopus version than the source",
        })
        .option("journal", {
          type: "string",
          describe:
            "keep the import journal (each write before it is made, and its outcome) in this new file (mode 0600); by default it is kept in the state directory until the import ends",
        })
        .option("identities", {
          type: "string",
          describe:
            "the identity record: which destination document each source document became, read before matching by name (so a renamed project, a rescoped variable or a renamed step is updated in place) and rewritten when the import completes (mode 0600); by default one per destination space in the state directory",
        })
        .option("resume", {
          type: "string",
          describe: "finish an interrupted import of the same snapshot, from its journal",
        })
        .option("rollback", {
          type: "string",
          describe:
            "undo the import a journal records (no snapshot needed): what it made is deleted, what it changed put back",
        })
        .conflicts("overwrite", "skip-existing")
        .conflicts("rollback", ["resume", "journal", "dry-run", "overwrite", "identities"])
        .conflicts("resume", ["journal", "dry-run"])
        .example("$0 snapshot import ./snapshot --space Default --password-file pw.txt --dry-run", "")
        .example("$0 snapshot import orders.zip --space Default --password-file pw.txt --overwrite", "")
        .example(
          "$0 snapshot import orders.zip --space Default --password-file pw.txt --resume import.jsonl",
          "finish an import that was killed",
        )
        .example("$0 snapshot import --space Default --rollback import.jsonl", "undo it instead") as never,
    handler: async (args) => {
      if (args.rollback) return rollbackCommand(ctx, args, args.rollback);
      if (!args.src) throw new UsageError("give the snapshot to import: octoport snapshot import SRC");
      const password = await readPassword(args["password-file"]);
      const progress = ctx.progress;
      progress.update(`opening ${args.src}`, true);
      const { snapshot, key } = await readSnapshot(args.src, password);
      const client = clientFrom(args, progress);
      const space = await client.resolveSpace(args.space ?? "");
      const dryRun = args["dry-run"] === true;
      let journalFile = args.resume ?? args.journal;
      const kept = journalFile !== undefined;
      if (!dryRun && !args.resume) {
        const dir = journalDirectory();
        const unfinished = unfinishedJournals(dir, client.server, space.Id);
        if (unfinished.length)
          throw new OctoportError(
            `an earlier import into space ${space.Name} did not finish (journal ${unfinished[0]}): finish it with --resume ${unfinished[0]}, or undo it with --rollback ${unfinished[0]}`,
          );
        if (!journalFile) {
          mkdirSync(dir, { recursive: true, mode: 0o700 });
          const stamp = new Date().toISOString().replace(/[:.]/g, "-");
          journalFile = join(dir, `import-${space.Id}-${stamp}-${process.pid}.jsonl`);
        }
      }
      const report = await interruptible(
        progress,
        {
          first: `interrupted: rolling back what this import wrote (interrupt again to stop at once, then run --rollback ${journalFile ?? "JOURNAL"})`,
          second: `stopped; the import is part way: finish it with --resume ${journalFile} or undo it with --rollback ${journalFile}`,
        },
        (signal) =>
          importSnapshot(client, space, snapshot, key, {
            dryRun,
            overwrite: args.overwrite,
            allowVersionMismatch: args["allow-version-mismatch"],
            journalFile: args.resume ? undefined : journalFile,
            resume: args.resume,
            identities: args.identities ?? defaultIdentitiesFile(client.server, space.Id),
            signal,
            onProgress: (t) => progress.update(t),
          }).catch((err: unknown) => {
            // A journal of the default directory that records a whole rollback is of no further use.
            if (!kept && journalFile && /rolled back, so the destination is as it was/.test(String(err)))
              rmSync(journalFile, { force: true });
            throw err;
          }),
      );
      if (!kept && journalFile) rmSync(journalFile, { force: true });
      progress.clear();
      for (const w of report.warnings) progress.warn(w);
      ctx.stdout.write(redact(formatImport(report, space.Name)));
      if (kept && !dryRun)
        ctx.stdout.write(`Journal: ${journalFile} (undo with --rollback ${journalFile})\n`);
      if (args.identities && report.identities) ctx.stdout.write(`Identity record: ${report.identities}\n`);
    },
  };
}

async function rollbackCommand(ctx: CliContext, args: ImportArgs, file: string): Promise<void> {
  const client = clientFrom(args, ctx.progress);
  const result = await interruptible(
    ctx.progress,
    {
      first: `interrupted: stopping the rollback after the current write (run --rollback ${file} again to finish it)`,
      second: `stopped; run --rollback ${file} again to finish the rollback`,
    },
    (signal) =>
      rollbackImport(client, file, {
        stop: () => signal.aborted,
        onProgress: (t) => ctx.progress.update(t),
      }),
  );
  ctx.progress.clear();
  if (result.stopped)
    throw new OctoportError(
      `the rollback was interrupted after undoing ${result.done} change(s); run --rollback ${file} again to finish it`,
      { exitCode: 130 },
    );
  if (result.failed.length)
    throw new OctoportError(
      `rolling back left ${result.failed.length} change(s) in place (${result.failed.slice(0, 3).join("; ")}); run --rollback ${file} again once the cause is fixed`,
    );
  ctx.stdout.write(
    `Rolled back ${result.done} change(s) of the import into space ${result.space.Name}; what it made is deleted and what it changed is as it was.\n`,
  );
}

export function formatImport(report: ImportReport, space: string): string {
  const lines: string[] = [];
  for (const a of report.actions) {
    lines.push(`${a.kind.padEnd(6)} ${a.what}${a.reason ? ` (${a.reason})` : ""}`);
    for (const d of a.diff) lines.push(`         ${d}`);
  }
  const count = (k: string) => report.actions.filter((a) => a.kind === k).length;
  lines.push(
    "",
    `${report.dryRun ? "Dry run for" : "Imported into"} space ${space}: ${count("create")} to create, ${count("update")} to update, ${count("merge")} to merge, ${count("skip")} skipped${report.dryRun ? "; nothing was written" : ""}.`,
  );
  return `${lines.join("\n")}\n`;
}

export function secretsCommand(ctx: CliContext): CommandModule<object, object> {
  return {
    command: "secrets <command>",
    describe: "The sensitive values a snapshot carries",
    builder: (y) =>
      y.command(secretsTemplateCommand(ctx)).demandCommand(1, "give a secrets command: template"),
    handler: () => {},
  };
}

function secretsTemplateCommand(ctx: CliContext): CommandModule<object, TemplateArgs> {
  return {
    command: "template",
    describe:
      "List every sensitive value of a space (or projects) as a file to fill in for snapshot export --secrets",
    builder: (y) =>
      selectionOptions(connectionOptions(y))
        .option("out", { type: "string", describe: "the file to write (mode 0600; never overwritten)" })
        .example(
          "$0 secrets template --space Default --out secrets.json",
          "then fill in each value",
        ) as never,
    handler: async (args) => {
      if (!args.out) throw new UsageError("--out is required: the file to write the template to");
      const client = clientFrom(args, ctx.progress);
      const space = await client.resolveSpace(args.space ?? "");
      const graph = await readSpace(client, space, { snapshot: !args["ignore-deployments"] });
      const template = secretsTemplate(graph, client.server, selectionOf(args));
      try {
        await writeFile(args.out, `${JSON.stringify(template, null, 2)}\n`, { flag: "wx", mode: 0o600 });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new OctoportError(
          code === "EEXIST"
            ? `${args.out} already exists (it may hold filled-in secrets); give a new file`
            : `cannot write ${args.out}: ${code ?? (err as Error).message}`,
        );
      }
      ctx.progress.clear();
      ctx.stdout.write(
        `${template.secrets.length} sensitive value(s) of space ${space.Name} listed in ${args.out}; fill in each "value"\n`,
      );
    },
  };
}
