import type { CommandModule } from "yargs";
import { compareSpaces, type Difference } from "../../graph/compare.js";
import { readSpace } from "../../graph/reader.js";
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

interface DiffArgs extends ConnectionArgs, DestinationArgs {
  json: boolean;
}

/** Longest value printed in a line; the rest is cut (`--json` has them whole). */
const SHOWN = 80;

export function diffCommand(ctx: CliContext): CommandModule<object, DiffArgs> {
  return {
    command: "diff",
    describe:
      "Compare a source space with a destination space over the API, by names: what a migration left different, or what drifted since",
    builder: (y) =>
      destinationOptions(connectionOptions(y), "Destination:", "to compare the source with")
        .option("json", {
          type: "boolean",
          default: false,
          describe: "print the differences as a JSON array on stdout",
        })
        .epilogue(
          "Documents are matched by name (within their project or owner), IDs are compared by what they name, " +
            "server bookkeeping (IDs, links, versions, health) is ignored, and sensitive values compare by whether " +
            "they are set. Exit code 0 when the spaces are equal, 1 when they differ.",
        )
        .example(
          "$0 diff --server https://old.example.com --space Default --dest-server https://new.example.com --dest-space Default",
          "",
        )
        .example("$0 diff --space 'Acme Retail' --dest-server http://127.0.0.1:8066 --json > drift.json", ""),
    handler: async (args) => {
      if (!args["dest-server"])
        throw new UsageError("diff needs the destination: pass --dest-server (or OCTOPUS_DEST_URL)");
      const progress = ctx.progress;
      const read = async (side: "source" | "destination") => {
        const client = side === "source" ? clientFrom(args, progress) : destinationClient(args, progress);
        const wanted = side === "source" ? args.space : (args["dest-space"] ?? args.space);
        const space = await client.resolveSpace(wanted ?? "");
        return readSpace(client, space, {
          onProgress: (p) =>
            progress.update(`reading the ${side} ${space.Name}: ${p.done}/${p.total} requests`),
          onWarning: (w) => progress.warn(`${side}: ${w}`),
        });
      };
      const [source, destination] = await Promise.all([read("source"), read("destination")]);
      progress.clear();
      const differences = compareSpaces(source, destination);
      ctx.stdout.write(
        args.json ? `${JSON.stringify(differences, null, 2)}\n` : formatDifferences(differences),
      );
      if (differences.length > 0) {
        const documents = new Set(differences.map((d) => d.document)).size;
        throw new OctoportError(
          `the spaces differ: ${differences.length} difference${differences.length === 1 ? "" : "s"} in ${documents} document${documents === 1 ? "" : "s"}`,
        );
      }
    },
  };
}

/** One line per difference, grouped under its document. */
export function formatDifferences(differences: readonly Difference[]): string {
  if (differences.length === 0) return "No differences: the destination matches the source.\n";
  const lines: string[] = [];
  let current: string | undefined;
  for (const d of differences) {
    if (d.kind !== "changed") {
      lines.push(`${d.document}: only in the ${d.kind === "only-in-source" ? "source" : "destination"}`);
      current = undefined;
      continue;
    }
    if (d.document !== current) {
      lines.push(`${d.document}:`);
      current = d.document;
    }
    const whole = (v: unknown) => typeof v === "object" && v !== null;
    if (d.source === undefined && whole(d.destination)) lines.push(`  ${d.path}: only in the destination`);
    else if (d.destination === undefined && whole(d.source)) lines.push(`  ${d.path}: only in the source`);
    else lines.push(`  ${d.path}: ${shown(d.source)} -> ${shown(d.destination)}`);
  }
  return `${lines.join("\n")}\n`;
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return "(none)";
  const text = JSON.stringify(value);
  return text.length > SHOWN ? `${text.slice(0, SHOWN - 1)}…` : text;
}
