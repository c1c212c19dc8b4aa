import type { CommandModule } from "yargs";
import { type Destination, forDestination, readDestinations } from "../../runner/destinations.js";
import { readExport } from "../../runner/layout.js";
import { runExport } from "../../runner/runner.js";
import { findTfBin } from "../../runner/tf.js";
import { OctoportError, UsageError } from "../../util/errors.js";
import type { CliContext } from "../context.js";
import { type ConnectionArgs, clientFrom, connectionOptions } from "../options.js";
import { type ModuleStatus, type PlanStatus, planStatus } from "./run.js";

interface StatusArgs extends ConnectionArgs {
  dir?: string;
  destinations?: string;
  "tf-bin"?: string;
  parallelism: number;
  "var-file"?: string[];
  "backend-config"?: string[];
  json: boolean;
}

/** One destination's plan, or why it could not be planned. */
export interface DestinationStatus {
  name: string;
  server: string;
  space: string;
  inSync: boolean;
  modules: PlanStatus["modules"];
  /** Why nothing could be planned (no key, the server unreachable, no such space). */
  error?: string;
}

export interface FleetStatus {
  inSync: boolean;
  destinations: DestinationStatus[];
}

/** `octoport status DIR --destinations FILE`: plan an export against each destination. */
export function statusCommand(ctx: CliContext): CommandModule<object, StatusArgs> {
  return {
    command: "status <dir>",
    describe:
      "Plan an export against each destination of a destinations file and show, per destination and module, whether it is in sync, drifted, failing or waiting",
    builder: (y) =>
      connectionOptions(y)
        .positional("dir", { type: "string", describe: "the export directory (octoport export --dest)" })
        .option("destinations", {
          type: "string",
          describe:
            'a JSON array of { "name", "server", "space", "apiKeyEnv" }: each key is read from the environment variable apiKeyEnv (default OCTOPORT_DEST_API_KEY_<NAME>)',
        })
        .option("tf-bin", {
          type: "string",
          describe: "the tofu or terraform binary (name on PATH or a path)",
          defaultDescription: "tofu, else terraform, from PATH",
        })
        .option("parallelism", {
          type: "number",
          default: 4,
          describe: "modules planned at once, per destination (destinations are planned one after another)",
        })
        .option("var-file", {
          type: "string",
          array: true,
          describe: "a tfvars file for every module (repeatable)",
        })
        .option("backend-config", {
          type: "string",
          array: true,
          describe:
            "KEY=VALUE for init of each module; {module} in VALUE is the module's path, {destination} the destination's name (repeatable)",
        })
        .option("json", {
          type: "boolean",
          default: false,
          describe: "print, as JSON on stdout, each destination's modules with their status and changes",
        })
        .example(
          "$0 status ./octopus --destinations d.json --backend-config key={destination}/{module}",
          "one table: destination x module",
        )
        .epilogue(
          "Without --destinations, the connection options name one destination. Exit code: 0 when every module of every destination is in sync (an empty plan), 1 otherwise (drifted, failing or waiting), 2 for bad usage. Each destination needs its own state: give --backend-config with {destination} in it. See docs/bootstrap.md.",
        ) as never,
    handler: async (args) => {
      if (!args.dir) throw new UsageError("give the export directory: octoport status DIR");
      if (!Number.isInteger(args.parallelism) || args.parallelism < 1)
        throw new UsageError(`--parallelism must be a whole number of at least 1, not ${args.parallelism}`);
      for (const c of args["backend-config"] ?? [])
        if (!/^[^=]+=/.test(c)) throw new UsageError(`--backend-config ${c}: give KEY=VALUE`);
      const destinations: Destination[] = args.destinations
        ? await readDestinations(args.destinations)
        : [
            {
              name: args.server ?? "",
              server: args.server ?? "",
              space: args.space ?? "",
              apiKeyEnv: "OCTOPUS_API_KEY",
            },
          ];
      if (!args.destinations && (!args.server || !args.space))
        throw new UsageError("give --destinations FILE, or the destination: --server and --space");
      const backend = args["backend-config"] ?? [];
      if (destinations.length > 1 && !backend.some((c) => /\{(destination|tenant)\}/.test(c)))
        throw new UsageError(
          "each destination needs its own state: give --backend-config with {destination} in a value, e.g. key=octopus/{destination}/{module}.tfstate",
        );
      const { manifest } = await readExport(args.dir);
      const tfBin = await findTfBin(args["tf-bin"]);
      const all = manifest.modules.map((m) => m.path);
      const results: DestinationStatus[] = [];
      for (const d of destinations) {
        const key = args.destinations ? process.env[d.apiKeyEnv] : args.apiKey;
        const failing = (error: string): DestinationStatus => ({
          name: d.name,
          server: d.server,
          space: d.space,
          inSync: false,
          modules: all.map((module) => ({
            module: module || "(single module)",
            status: "failing" as ModuleStatus,
            counts: { add: 0, change: 0, destroy: 0, import: 0 },
            changes: [],
            reason: error,
          })),
          error,
        });
        if (!key) {
          results.push(failing(`no API key: set the environment variable ${d.apiKeyEnv}`));
          continue;
        }
        ctx.progress.update(`${d.name}: resolving space ${d.space} on ${d.server}`, true);
        let space: { Id: string; Name: string };
        const client = clientFrom({ ...args, server: d.server, apiKey: key }, ctx.progress);
        try {
          space = await client.resolveSpace(d.space);
        } catch (e) {
          results.push(failing((e as Error).message));
          continue;
        }
        let done = 0;
        const report = await runExport({
          dir: args.dir,
          mode: "plan",
          tfBin,
          parallelism: args.parallelism,
          destination: { server: client.server, apiKey: key, spaceId: space.Id },
          varFiles: args["var-file"],
          backendConfig: backend.map((c) => forDestination(c, d.name)),
          reconfigure: true,
          onEvent: (e) => {
            if (e.kind === "notice") ctx.progress.note(e.message);
            else if (e.kind === "done") {
              done++;
              ctx.progress.update(`${d.name}: ${done} of ${all.length} modules planned`, true);
            }
          },
        });
        const status = planStatus(report, client.server, space);
        results.push({
          name: d.name,
          server: d.server,
          space: d.space,
          inSync: status.inSync,
          modules: status.modules,
        });
      }
      ctx.progress.clear();
      const fleet: FleetStatus = { inSync: results.every((r) => r.inSync), destinations: results };
      ctx.stdout.write(args.json ? `${JSON.stringify(fleet, null, 2)}\n` : formatStatus(fleet));
      if (!fleet.inSync) {
        const off = results.filter((r) => !r.inSync).map((r) => r.name);
        throw new OctoportError(`not in sync: ${off.join(", ")}`);
      }
    },
  };
}

/** One table: a row per destination and module. */
export function formatStatus(fleet: FleetStatus): string {
  const rows = fleet.destinations.flatMap((d) =>
    d.modules.map((m) => [
      d.name,
      m.module,
      m.status,
      m.status === "drifted"
        ? `+${m.counts.add} ~${m.counts.change} -${m.counts.destroy}${m.counts.import ? ` <=${m.counts.import}` : ""}`
        : "",
      m.reason && m.status !== "in-sync" ? m.reason : "",
    ]),
  );
  const header = ["destination", "module", "status", "changes", "why"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const count = (s: ModuleStatus) =>
    fleet.destinations.reduce((n, d) => n + d.modules.filter((m) => m.status === s).length, 0);
  const n = fleet.destinations.length;
  const summary = `${n} destination${n === 1 ? "" : "s"}: ${count("in-sync")} in sync, ${count("drifted")} drifted, ${count("failing")} failing, ${count("waiting")} waiting`;
  return `${[line(header), ...rows.map(line), "", summary].join("\n")}\n`;
}
