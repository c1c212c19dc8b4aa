import type { CommandModule } from "yargs";
import {
  applySpread,
  type Journal,
  planSpread,
  readJournal,
  type SetChanges,
  type SpreadPlan,
  undoSpread,
} from "../../spread/spread.js";
import { OctoportError, UsageError } from "../../util/errors.js";
import type { CliContext } from "../context.js";
import { type ConnectionArgs, clientFrom, connectionOptions } from "../options.js";
import { interruptible, signalExitCode } from "../signals.js";

interface SpreadArgs extends ConnectionArgs {
  project?: string[];
  "library-set"?: string[];
  "dry-run"?: boolean;
  apply?: boolean;
  journal?: string;
  undo?: string;
  force?: boolean;
}

export function spreadCommand(ctx: CliContext): CommandModule<object, SpreadArgs> {
  return {
    command: "spread",
    describe:
      "Give every scoped or shared sensitive variable of the source a unique name, so its value can be passed to Terraform",
    builder: (y) =>
      connectionOptions(y)
        .option("project", {
          type: "string",
          array: true,
          describe: "only these projects' variables (name or ID; repeatable)",
        })
        .option("library-set", {
          type: "string",
          array: true,
          describe: "only these library variable sets (name or ID; repeatable)",
        })
        .option("dry-run", { type: "boolean", describe: "print every change and write nothing" })
        .option("apply", { type: "boolean", describe: "make the changes (needs --journal)" })
        .option("journal", {
          type: "string",
          describe: "with --apply: a new file to record the changes in, written before them (mode 0600)",
        })
        .option("undo", {
          type: "string",
          describe:
            "restore exactly what the journal FILE changed; refused when a replacement variable was edited since",
        })
        .option("force", {
          type: "boolean",
          describe: "with --undo: undo even though replacement variables were edited (the edits are lost)",
        })
        .example(
          "$0 spread --server https://octopus.example.com --api-key API-XXXX --space Default --dry-run",
          "",
        )
        .example("$0 spread --space Default --project 'Orders API' --apply --journal spread.json", "")
        .example("$0 spread --space Default --undo spread.json", "")
        .epilogue(
          "A sensitive variable that is scoped, or whose name is used more than once in the space, is renamed " +
            "to a unique name (Name.Owner.Scope) and unscoped; it keeps its value, which is never read. A regular " +
            "variable with the original name and scope and the value #{unique name} takes its place, so deployments " +
            "resolve the same values. Then `octoport export --spread-secrets` names each Terraform secret after it.",
        ),
    handler: async (args) => {
      const modes = [args["dry-run"], args.apply, args.undo !== undefined].filter(Boolean).length;
      if (modes !== 1)
        throw new UsageError("give exactly one of --dry-run, --apply --journal FILE, --undo FILE");
      if (args.apply && !args.journal)
        throw new UsageError("--apply needs --journal FILE, so the changes can be undone");
      if (args.force && args.undo === undefined) throw new UsageError("--force goes with --undo FILE");
      if (args.undo && (args.project?.length || args["library-set"]?.length))
        throw new UsageError(
          "--undo restores what the journal lists; --project and --library-set do not apply",
        );
      const progress = ctx.progress;
      const client = clientFrom(args, progress);
      if (args.undo) {
        const journal = await readJournal(args.undo);
        const spaceId = args.space ? (await client.resolveSpace(args.space)).Id : undefined;
        await undoSpread(
          client,
          args.undo,
          spaceId ?? journal.space.id,
          (set) => progress.update(`restored ${set.owner.kind} ${set.owner.name}`, true),
          { force: args.force },
        );
        progress.clear();
        ctx.stdout.write(undoSummary(journal));
        return;
      }
      progress.update(`resolving space ${args.space ?? ""}`, true);
      const space = await client.resolveSpace(args.space ?? "");
      progress.update(`reading the variables of ${space.Name}`, true);
      const plan = await planSpread(client, space, {
        projects: args.project,
        librarySets: args["library-set"],
      });
      progress.clear();
      for (const s of plan.skipped) progress.warn(s);
      ctx.stdout.write(describePlan(plan));
      if (args["dry-run"] || plan.sets.length === 0) {
        if (args["dry-run"]) ctx.stdout.write("Dry run: nothing was changed.\n");
        else ctx.stdout.write("Nothing to spread; no journal written.\n");
        return;
      }
      const journalFile = args.journal!;
      const stopped = await interruptible(
        progress,
        {
          first: `interrupted: undoing the variable sets this spread changed (interrupt again to stop at once, then run octoport spread --undo ${journalFile})`,
          second: `stopped; the spread is part way: undo it with octoport spread --undo ${journalFile}`,
        },
        async (signal) => {
          const journal = await applySpread(
            client,
            plan,
            journalFile,
            (set) => progress.update(`spread ${set.owner.kind} ${set.owner.name}`, true),
            () => signal.aborted,
          );
          if (journal.state === "applied") return undefined;
          await undoSpread(client, journalFile, plan.space.id, (set) =>
            progress.update(`restored ${set.owner.kind} ${set.owner.name}`, true),
          );
          return signal.reason;
        },
      );
      progress.clear();
      if (stopped)
        throw new OctoportError(
          `interrupted: the spread was undone, every variable set is as it was (journal ${journalFile})`,
          { exitCode: signalExitCode(stopped) },
        );
      ctx.stdout.write(
        `Spread ${count(plan)} variable(s) in ${plan.sets.length} variable set(s). Journal: ${args.journal} (undo with octoport spread --undo ${args.journal}).\n`,
      );
    },
  };
}

function count(plan: SpreadPlan): number {
  return plan.sets.reduce((n, s) => n + s.changes.length, 0);
}

function describeSet(set: SetChanges): string[] {
  const lines = [`${set.owner.kind} "${set.owner.name}":`];
  for (const c of set.changes) {
    const scope = c.scopeText ? ` [${c.scopeText}]` : " (unscoped)";
    lines.push(
      `  ${c.original.Name}${scope}: sensitive, renamed to ${c.spreadName} and unscoped`,
      `    + ${c.original.Name}${scope} = #{${c.spreadName}} (regular)`,
    );
  }
  return lines;
}

/** Every change, by variable set: the new name, the scope it leaves, the variable that takes its place. */
export function describePlan(plan: SpreadPlan): string {
  if (!plan.sets.length) return `No sensitive variable in space ${plan.space.name} needs spreading.\n`;
  const lines = [`Spreading in space ${plan.space.name}: ${count(plan)} sensitive variable(s)`, ""];
  for (const set of plan.sets) lines.push(...describeSet(set), "");
  return `${lines.join("\n")}`;
}

function undoSummary(journal: Journal): string {
  const n = journal.sets.reduce((k, s) => k + s.changes.length, 0);
  return `Restored ${n} variable(s) in ${journal.sets.length} variable set(s) of space ${journal.space.name}; the journal is marked undone.\n`;
}
