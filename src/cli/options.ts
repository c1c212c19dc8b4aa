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
  requestTimeout?: number;
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
    })
    .option("request-timeout", {
      type: "number",
      describe:
        "seconds to wait for the server to answer one request; one that gets no answer is tried once more, then the command stops",
      default: 60,
      group: "Connection:",
    }) as Argv<T & ConnectionArgs>;
}

/** A client from the connection options; retries show on the progress line. */
export function clientFrom(args: ConnectionArgs, progress?: Progress): OctopusClient {
  if (args.concurrency !== undefined && (!Number.isInteger(args.concurrency) || args.concurrency < 1)) {
    throw new UsageError(`--concurrency must be a whole number of at least 1, not ${args.concurrency}`);
  }
  if (args.requestTimeout !== undefined && !(args.requestTimeout > 0)) {
    throw new UsageError(`--request-timeout must be more than 0 seconds, not ${args.requestTimeout}`);
  }
  return new OctopusClient({
    server: args.server ?? "",
    apiKey: args.apiKey,
    accessToken: args.apiKey ? undefined : process.env.OCTOPUS_ACCESS_TOKEN,
    insecureTls: args.insecureTls,
    concurrency: args.concurrency,
    timeoutMs: args.requestTimeout === undefined ? undefined : args.requestTimeout * 1000,
    onRetry: (r) => {
      const what = `${r.method} ${r.path.split("?")[0]}`;
      // A server that does not answer is said on its own line, whether or not stderr is a terminal.
      if (r.kind === "timeout") progress?.warn(`${r.reason} to ${what}; trying once more`);
      else if (r.kind === "throttled")
        progress?.update(
          `the server is throttling: waiting ${Math.ceil(r.delayMs / 1000)} s before ${what}`,
          true,
        );
      else progress?.update(`retrying ${what} (${r.reason}, attempt ${r.attempt})`, true);
    },
  });
}

/** The options naming a second, destination server (env OCTOPUS_DEST_*). */
export interface DestinationArgs {
  "dest-server"?: string;
  "dest-api-key"?: string;
  "dest-space"?: string;
}

export function destinationOptions<T>(y: Argv<T>, group: string, purpose: string): Argv<T & DestinationArgs> {
  return y
    .option("dest-server", {
      type: "string",
      describe: `the destination server, ${purpose} (env OCTOPUS_DEST_URL)`,
      default: process.env.OCTOPUS_DEST_URL,
      defaultDescription: "$OCTOPUS_DEST_URL",
      group,
    })
    .option("dest-api-key", {
      type: "string",
      describe: "the destination's API key (env OCTOPUS_DEST_API_KEY)",
      default: process.env.OCTOPUS_DEST_API_KEY,
      defaultDescription: "$OCTOPUS_DEST_API_KEY",
      group,
    })
    .option("dest-space", {
      type: "string",
      describe: "the destination space, by name or ID (env OCTOPUS_DEST_SPACE)",
      default: process.env.OCTOPUS_DEST_SPACE,
      defaultDescription: "$OCTOPUS_DEST_SPACE",
      group,
    }) as Argv<T & DestinationArgs>;
}

/** A client for the destination server, with the source's TLS and concurrency settings. */
export function destinationClient(
  args: ConnectionArgs & DestinationArgs,
  progress?: Progress,
): OctopusClient {
  return clientFrom(
    {
      server: args["dest-server"],
      apiKey: args["dest-api-key"],
      insecureTls: args.insecureTls,
      concurrency: args.concurrency,
      requestTimeout: args.requestTimeout,
    },
    progress,
  );
}
