import type { Argv } from "yargs";
import { DEFAULT_CONCURRENCY, OctopusClient } from "../octopus/client.js";
import { UsageError } from "../util/errors.js";
import type { Progress } from "../util/progress.js";

/** The options every command that talks to an Octopus Server takes, read from the environment too. */
export interface ConnectionArgs {
  server?: string;
  apiKey?: string;
  space?: string;
  insecureTls?: boolean;
  concurrency?: number;
}

export function connectionOptions<T>(y: Argv<T>): Argv<T & ConnectionArgs> {
  return y
    .option("server", {
      type: "string",
      describe: "Octopus Server URL (env OCTOPUS_URL)",
      default: process.env.OCTOPUS_URL,
      defaultDescription: "$OCTOPUS_URL",
      group: "Connection:",
    })
    .option("api-key", {
      type: "string",
      describe: "API key (env OCTOPUS_API_KEY); OCTOPUS_ACCESS_TOKEN is used when no key is given",
      default: process.env.OCTOPUS_API_KEY,
      defaultDescription: "$OCTOPUS_API_KEY",
      group: "Connection:",
    })
    .option("space", {
      type: "string",
      describe: "space name or ID (env OCTOPUS_SPACE)",
      default: process.env.OCTOPUS_SPACE,
      defaultDescription: "$OCTOPUS_SPACE",
      group: "Connection:",
    })
    .option("insecure-tls", {
      type: "boolean",
      describe: "skip TLS certificate verification (only for servers you trust)",
      default: false,
      group: "Connection:",
    })
    .option("concurrency", {
      type: "number",
      describe: "requests in flight at once",
      default: DEFAULT_CONCURRENCY,
      group: "Connection:",
    }) as Argv<T & ConnectionArgs>;
}

/** A client from the connection options; retries show on the progress line. */
export function clientFrom(args: ConnectionArgs, progress?: Progress): OctopusClient {
  if (args.concurrency !== undefined && (!Number.isInteger(args.concurrency) || args.concurrency < 1)) {
    throw new UsageError(`--concurrency must be a whole number of at least 1, not ${args.concurrency}`);
  }
  return new OctopusClient({
    server: args.server ?? "",
    apiKey: args.apiKey,
    accessToken: args.apiKey ? undefined : process.env.OCTOPUS_ACCESS_TOKEN,
    insecureTls: args.insecureTls,
    concurrency: args.concurrency,
    onRetry: (r) =>
      progress?.update(
        `retrying ${r.method} ${r.path.split("?")[0]} (${r.reason}, attempt ${r.attempt})`,
        true,
      ),
  });
}
