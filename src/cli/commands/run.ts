import type { CommandModule } from "yargs";
import { readExport } from "../../runner/layout.js";
import { type ModuleResult, type RunMode, type RunReport, runExport } from "../../runner/runner.js";
import { findTfBin } from "../../runner/tf.js";
import { OctoportError, UsageError } from "../../util/errors.js";
import { exitCodeOf } from "../../util/interrupt.js";
import type { CliContext } from "../context.js";
import { type ConnectionArgs, clientFrom, connectionOptions } from "../options.js";

interface RunArgs extends ConnectionArgs {
  dir?: string;
  "tf-bin"?: string;
  parallelism: number;
  "var-file"?: string[];
  "backend-config"?: string[];
  module?: string[];
  force?: boolean;
  json?: boolean;
}

const DESCRIBE: Record<RunMode, string> = {
  plan: "Plan every module of an export against the destination, in order, and show what would change",
  apply: "Apply every module of an export to the destination, in order, resuming where the last run stopped",
};

/** `octoport plan DIR` and `octoport apply DIR`. */
export function runCommand(ctx: CliContext, mode: RunMode): CommandModule<object, RunArgs> {
  return {
    command: `${mode} <dir>`,
    describe: DESCRIBE[mode],
    builder: (y) => {
      let b = connectionOptions(y)
        .positional("dir", { type: "string", describe: "the export directory (octoport export --dest)" })
        .option("tf-bin", {
          type: "string",
          describe: "the tofu or terraform binary (name on PATH or a path)",
          defaultDescription: "tofu, else terraform, from PATH",
        })
        .option("parallelism", {
          type: "number",
          default: 4,
          describe: "modules run at once (a module starts when the modules it depends on are done)",
        })
        .option("var-file", {
          type: "string",
          array: true,
          describe: "a tfvars file for every module, e.g. the secrets (repeatable)",
        })
        .option("backend-config", {
          type: "string",
          array: true,
          describe: "KEY=VALUE for init of each module; {module} in VALUE is the module's path (repeatable)",
        })
        .option("module", {
          type: "string",
          array: true,
          describe: "only these modules, e.g. space or projects/orders-api (repeatable)",
        });
      if (mode === "plan") {
        b = b.option("json", {
          type: "boolean",
          default: false,
          describe:
            "print, as JSON on stdout, each module's status (in-sync, drifted, failing, waiting) with its changes: for dashboards and drift checks",
        });
      }
      if (mode === "apply") {
        b = b.option("force", {
          type: "boolean",
          default: false,
          describe: "apply modules that are unchanged since their last successful apply too",
        });
      }
      return b
        .example(
          `$0 ${mode} ./octopus --server https://new.octopus.app --api-key API-XXXX --space Default --var-file secrets.tfvars`,
          mode === "plan" ? "what applying would change, module by module" : "apply the whole export",
        )
        .example(
          `$0 ${mode} ./octopus --space Default --module space --module projects/orders-api`,
          "incremental: the space module, then one project",
        )
        .example(
          `$0 ${mode} ./octopus --space Default --backend-config bucket=tf-state --backend-config key=octopus/{module}.tfstate`,
          "with the s3 backend the export was given (export --backend s3)",
        )
        .epilogue(
          "Connection options name the destination. Each module keeps its own state in its directory (or the backend); logs are in DIR/.octoport/logs.",
        ) as never;
    },
    handler: async (args) => {
      if (!args.dir) throw new UsageError(`give the export directory: octoport ${mode} DIR`);
      if (!Number.isInteger(args.parallelism) || args.parallelism < 1)
        throw new UsageError(`--parallelism must be a whole number of at least 1, not ${args.parallelism}`);
      for (const c of args["backend-config"] ?? []) {
        if (!/^[^=]+=/.test(c)) throw new UsageError(`--backend-config ${c}: give KEY=VALUE`);
      }
      const progress = ctx.progress;
      // Checked first, before anything runs or is created.
      await readExport(args.dir);
      const tfBin = await findTfBin(args["tf-bin"]);
      if (!args.apiKey) throw new UsageError("give the destination's API key: --api-key or OCTOPUS_API_KEY");
      const client = clientFrom(args, progress);
      progress.update(`resolving space ${args.space ?? ""}`, true);
      const space = await client.resolveSpace(args.space ?? "");
      const running = new Map<string, string>();
      let done = 0;
      const report = await runExport({
        dir: args.dir,
        mode,
        tfBin,
        parallelism: args.parallelism,
        destination: { server: client.server, apiKey: args.apiKey, spaceId: space.Id },
        varFiles: args["var-file"],
        backendConfig: args["backend-config"],
        only: args.module,
        force: args.force,
        onEvent: (e) => {
          if (e.kind === "notice") {
            progress.note(e.message);
            return;
          }
          if (e.kind === "start") running.set(e.module, e.step);
          else {
            running.delete(e.result.module);
            done++;
            if (e.result.outcome === "failed")
              progress.warn(`${e.result.module || "module"}: ${e.result.reason}; see ${e.result.log}`);
          }
          const now = [...running.entries()].map(([m, s]) => `${m || "module"} (${s})`).join(", ");
          progress.update(`${mode}: ${done} done${now ? `; running ${now}` : ""}`, true);
        },
      });
      progress.clear();
      ctx.stdout.write(
        args.json
          ? `${JSON.stringify(planStatus(report, client.server, space), null, 2)}\n`
          : formatReport(report, space.Name),
      );
      if (report.interrupted) {
        const stopped = report.results.filter((r) => r.outcome === "failed").map((r) => r.module || "module");
        throw new OctoportError(
          `interrupted: ${stopped.length ? `OpenTofu stopped ${stopped.join(", ")} after what was under way and saved its state; ` : ""}run ${mode} again to finish (finished modules are not redone)`,
          { exitCode: exitCodeOf(report.interrupted) },
        );
      }
      if (!report.ok) {
        const failed = report.results.filter((r) => r.outcome === "failed").map((r) => r.module || "module");
        throw new OctoportError(
          `${mode} failed for ${failed.join(", ")}; see the logs above, fix, and run again (finished modules are not redone)`,
        );
      }
    },
  };
}

/** Where a module stands against a destination, from its plan. */
export type ModuleStatus = "in-sync" | "drifted" | "failing" | "waiting";

export interface PlanStatus {
  server: string;
  space: { id: string; name: string };
  /** Every module in sync. */
  inSync: boolean;
  modules: Array<{
    module: string;
    status: ModuleStatus;
    counts: ModuleResult["counts"];
    changes: ModuleResult["changes"];
    reason?: string;
  }>;
}

/** `plan --json`: each module in sync (an empty plan), drifted, failing, or waiting for a dependency. */
export function planStatus(
  report: RunReport,
  server: string,
  space: { Id: string; Name: string },
): PlanStatus {
  const modules = report.results.map((r) => ({
    module: r.module || "(single module)",
    status: (r.outcome === "failed"
      ? "failing"
      : r.outcome === "waiting" || r.outcome === "skipped"
        ? "waiting"
        : r.changes.length > 0
          ? "drifted"
          : "in-sync") as ModuleStatus,
    counts: r.counts,
    changes: r.changes,
    ...(r.reason ? { reason: r.reason } : {}),
  }));
  return {
    server,
    space: { id: space.Id, name: space.Name },
    inSync: modules.every((m) => m.status === "in-sync"),
    modules,
  };
}

const OUTCOME: Record<ModuleResult["outcome"], string> = {
  applied: "applied",
  planned: "planned",
  unchanged: "unchanged",
  failed: "FAILED",
  skipped: "skipped",
  waiting: "waiting",
};

const SYMBOL: Record<string, string> = {
  create: "+",
  update: "~",
  delete: "-",
  replace: "-/+",
  import: "<=",
  move: "->",
};

/** The summary table, and for a plan each change by address. */
export function formatReport(report: RunReport, space: string): string {
  const rows = report.results.map((r) => [
    r.module || "(single module)",
    String(r.counts.add),
    String(r.counts.change),
    String(r.counts.destroy),
    String(r.counts.import),
    `${r.seconds.toFixed(1)}s`,
    OUTCOME[r.outcome] + (r.reason ? `: ${r.reason}` : ""),
  ]);
  const header = ["module", "add", "change", "destroy", "import", "time", "result"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        i === cells.length - 1 ? c : i >= 1 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!),
      )
      .join("  ");
  const out: string[] = [];
  if (report.mode === "plan") {
    for (const r of report.results.filter((x) => x.changes.length)) {
      out.push(`${r.module || "(single module)"}:`);
      for (const c of r.changes)
        out.push(`  ${SYMBOL[c.action]} ${c.address}${c.from ? ` (from ${c.from})` : ""} ${c.action}`);
    }
    if (out.length) out.push("");
  }
  out.push(`${report.mode === "plan" ? "Plan" : "Apply"} for space ${space}:`, line(header));
  for (const row of rows) out.push(line(row));
  const total = report.results.reduce((n, r) => n + r.changes.length, 0);
  if (report.mode === "plan" && total === 0 && report.ok)
    out.push("", "No changes: the destination matches the export.");
  return `${out.join("\n")}\n`;
}
