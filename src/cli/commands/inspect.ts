import type { CommandModule } from "yargs";
import { readSpace } from "../../graph/reader.js";
import { formatSummary, summarise } from "../../graph/summary.js";
import type { CliContext } from "../context.js";
import { type ConnectionArgs, clientFrom, connectionOptions } from "../options.js";

interface InspectArgs extends ConnectionArgs {
  json: boolean;
}

export function inspectCommand(ctx: CliContext): CommandModule<object, InspectArgs> {
  return {
    command: "inspect",
    describe: "Read a whole space and report what it holds: counts per type, classes, project apply order",
    builder: (y) =>
      connectionOptions(y)
        .option("json", { type: "boolean", default: false, describe: "print the report as JSON on stdout" })
        .example("$0 inspect --server https://octopus.example.com --api-key API-XXXX --space Default", "")
        .example("OCTOPUS_URL=... OCTOPUS_API_KEY=... $0 inspect --space Spaces-2 --json > space.json", ""),
    handler: async (args) => {
      const progress = ctx.progress;
      const client = clientFrom(args, progress);
      progress.update(`resolving space ${args.space ?? ""}`, true);
      const space = await client.resolveSpace(args.space ?? "");
      const graph = await readSpace(client, space, {
        onProgress: (p) => progress.update(`reading ${space.Name}: ${p.done}/${p.total} requests`),
        onWarning: (w) => progress.warn(w),
      });
      progress.clear();
      const summary = summarise(graph);
      ctx.stdout.write(args.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    },
  };
}
