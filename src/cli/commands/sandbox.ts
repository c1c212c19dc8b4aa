import type { CommandModule } from "yargs";
import { generateSpace, SIZES } from "../../sandbox/generate.js";
import { readSeedFile, SeedError } from "../../sandbox/seed.js";
import { Sandbox } from "../../sandbox/server.js";
import { OctoportError, UsageError } from "../../util/errors.js";
import type { CliContext } from "../context.js";

interface SandboxArgs {
  seed?: string;
  generate?: string;
  port: number;
  "api-key"?: string;
  latency: number;
  "fail-rate": number;
  throttle: number;
  "error-rate": number;
  "reset-rate": number;
  "throttle-rate": number;
  "fault-seed": number;
  "empty-space"?: string[];
  cloud: boolean;
}

export function sandboxCommand(ctx: CliContext): CommandModule<object, SandboxArgs> {
  return {
    command: "sandbox",
    describe: "Serve an Octopus Server API simulator on loopback, seeded from a space file",
    builder: (y) =>
      y
        .option("seed", {
          type: "string",
          describe:
            "space file to load (see examples/spaces/); with --generate, the generator's seed (a number)",
        })
        .option("generate", {
          type: "string",
          choices: Object.keys(SIZES),
          describe:
            "serve a generated space instead: S (20 projects), M (200), L (2,000); XS is a small one with hostile names. The same size and --seed give the same space",
        })

        .option("port", { type: "number", default: 0, describe: "port on 127.0.0.1 (0 picks a free one)" })
        .option("api-key", {
          type: "string",
          describe: "the API key clients must send (random when not given)",
        })
        .option("latency", { type: "number", default: 0, describe: "milliseconds added to every response" })
        .option("fail-rate", {
          type: "number",
          default: 0,
          describe: "share of requests (0..1) failing with 5xx or a reset",
        })
        .option("throttle", {
          type: "number",
          default: 0,
          describe: "requests per second allowed; more get 429",
        })
        .option("error-rate", {
          type: "number",
          default: 0,
          describe: "share of requests (0..1) answered 500, 502, 503 or 504",
        })
        .option("reset-rate", {
          type: "number",
          default: 0,
          describe: "share of requests (0..1) whose connection is reset",
        })
        .option("throttle-rate", {
          type: "number",
          default: 0,
          describe: "share of requests (0..1) answered 429 with Retry-After: 1",
        })
        .option("fault-seed", { type: "number", default: 1, describe: "seed for the failure dice" })
        .option("cloud", {
          type: "boolean",
          default: false,
          describe: "behave as Octopus Cloud: every space also has the hosted worker pools",
        })
        .option("empty-space", {
          type: "string",
          array: true,
          describe: "also serve an empty space of this name, e.g. a destination to migrate into (repeatable)",
        })
        .example("$0 sandbox --seed examples/spaces/acme.json --port 8065", "serve the example space")
        .example(
          "$0 sandbox --seed examples/spaces/acme.json --latency 20 --fail-rate 0.05",
          "a slow, flaky server",
        )
        .example(
          "$0 sandbox --generate S --error-rate 0.1 --throttle-rate 0.05 --reset-rate 0.02",
          "the fault suite's mix: 10% 5xx, 5% 429, 2% resets",
        )
        .example("$0 sandbox --generate M --seed 7 --latency 20", "a generated space of 200 projects")
        .example('$0 sandbox --port 8066 --empty-space "Acme Retail"', "a destination for the example space"),
    handler: async (args) => {
      for (const share of ["fail-rate", "error-rate", "reset-rate", "throttle-rate"] as const)
        if (!(args[share] >= 0 && args[share] <= 1))
          throw new UsageError(`--${share} must be between 0 and 1`);
      if (args["error-rate"] + args["reset-rate"] + args["throttle-rate"] > 1)
        throw new UsageError("--error-rate, --reset-rate and --throttle-rate add up to more than 1");
      if (!(args.latency >= 0)) throw new UsageError("--latency must be 0 or more");
      if (!(args.throttle >= 0)) throw new UsageError("--throttle must be 0 or more");
      if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
        throw new UsageError("--port must be 0..65535");
      const generatorSeed = args.generate ? Number(args.seed ?? "1") : 0;
      if (args.generate && !Number.isInteger(generatorSeed))
        throw new UsageError(`with --generate, --seed is a whole number, not ${args.seed}`);
      let sandbox: Sandbox;
      try {
        const seed = args.generate
          ? generateSpace(SIZES[args.generate as keyof typeof SIZES], generatorSeed)
          : args.seed
            ? await readSeedFile(args.seed)
            : { spaces: [{ Name: "Default", IsDefault: true }] };
        for (const name of args["empty-space"] ?? []) {
          if (seed.spaces.some((s) => s.Name.toLowerCase() === name.toLowerCase()))
            throw new UsageError(`--empty-space ${name}: the sandbox already has a space of that name`);
          seed.spaces.push({ Name: name });
        }
        sandbox = new Sandbox({
          seed,
          port: args.port,
          apiKey: args["api-key"],
          latencyMs: args.latency,
          failRate: args["fail-rate"],
          throttle: args.throttle,
          errorRate: args["error-rate"],
          resetRate: args["reset-rate"],
          throttleRate: args["throttle-rate"],
          faultSeed: args["fault-seed"],
          cloud: args.cloud,
        });
      } catch (err) {
        if (err instanceof SeedError) throw new OctoportError(err.message);
        throw err;
      }
      try {
        await sandbox.start();
      } catch (err) {
        throw new OctoportError(
          `cannot listen on 127.0.0.1:${args.port} (${(err as NodeJS.ErrnoException).code ?? err}); pick another --port`,
        );
      }
      ctx.stdout.write(`Octopus sandbox listening on ${sandbox.url}\n`);
      ctx.stdout.write(`API key: ${sandbox.apiKey}\n`);
      ctx.stdout.write(`export OCTOPUS_URL=${sandbox.url} OCTOPUS_API_KEY=${sandbox.apiKey}\n`);
      ctx.stdout.write("Press Ctrl+C to stop.\n");
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await sandbox.close();
    },
  };
}
