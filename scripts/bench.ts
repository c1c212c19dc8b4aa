/**
 * `npm run bench`: octoport against Octoterra on generated spaces served by the sandbox with
 * 20 ms of latency per request. For each size, the two tools run alternately, 3 times each,
 * as separate processes under /usr/bin/time -v; we record wall time, requests (the sandbox's
 * counters) and peak RSS, print a table with the ratios, and write bench/results.json. Also
 * the no-network figure: graph -> HCL for the L space from a dumped graph.
 *
 *   npm run bench -- --sizes S,M --runs 1 --timeout 10
 *
 * Octoterra: $OCTOTERRA_BIN, else ~/.cache/octoport-tools/octoterra-<version>/octoterra, else
 * built by scripts/build-octoterra.sh from the Go module proxy. When none of these works, the
 * bench measures octoport alone and records why.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { SpaceGraph } from "../src/graph/graph.js";
import { REGISTRY } from "../src/registry/index.js";
import { generateSpace, SIZES } from "../src/sandbox/generate.js";
import { Sandbox } from "../src/sandbox/server.js";
import { buildExport, DEFAULT_PROVIDER_VERSION } from "../src/terraform/export.js";
import { validateHcl } from "../src/terraform/writer.js";
import { octoterraBinary } from "./octoterra.js";

const ROOT = join(import.meta.dirname, "..");
type Size = "S" | "M" | "L";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const sizes = arg("sizes", "S,M,L").split(",") as Size[];
const runs = Number(arg("runs", "3"));
const latency = Number(arg("latency", "20"));
const concurrency = arg("concurrency", "");
/** Minutes a run may take; a tool that runs over is stopped and not run again at that size. */
const timeoutMinutes = Number(arg("timeout", "10"));

interface Run {
  tool: "octoport" | "octoterra";
  size: Size;
  run: number;
  wallSeconds: number;
  requests: number;
  peakRssMb: number;
  exitCode: number;
  error?: string;
  /** Stopped after --timeout minutes: wall time is then a lower bound, RSS unknown. */
  timedOut?: boolean;
}

/** Runs a command under /usr/bin/time -v; wall time measured here, peak RSS from time. */
async function timed(
  command: string,
  args: string[],
): Promise<{ wall: number; rssMb: number; code: number; stderr: string; timedOut: boolean }> {
  const start = performance.now();
  const child = spawn("/usr/bin/time", ["-v", command, ...args], {
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
    if (stderr.length > 1_000_000) stderr = stderr.slice(-200_000);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid) process.kill(-child.pid, "SIGKILL");
  }, timeoutMinutes * 60_000);
  const code = await new Promise<number>((r) => child.on("close", (c) => r(c ?? 1)));
  clearTimeout(timer);
  const wall = (performance.now() - start) / 1000;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  return { wall, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN, code, stderr, timedOut };
}

/** The fewest requests the API allows for an export: one per collection (the API takes any
 * page size), the root and the space, plus the documents only readable one by one. */
function minimumRequests(seed: ReturnType<typeof generateSpace>): number {
  const docs = seed.spaces[0]!.Documents ?? {};
  const n = (t: string) => (docs[t] as unknown[] | undefined)?.length ?? 0;
  const collections = new Set(
    REGISTRY.flatMap((t) =>
      !t.snapshotOnly && (t.read.kind === "collection" || t.read.kind === "subset") ? [t.read.path] : [],
    ),
  ).size;
  const libSets = ((docs.LibraryVariableSets ?? []) as Array<{ VariableSetId?: string }>).filter(
    (l) => l.VariableSetId,
  ).length;
  return 2 + collections + 2 * n("Projects") + n("Runbooks") + n("Tenants") + libSets;
}

function total(counters: Map<string, number>): number {
  let sum = 0;
  for (const v of counters.values()) sum += v;
  return sum;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : Number.NaN;
}

/** Graph -> HCL with no network: the L space read once, dumped, and converted from the dump. */
async function offline(work: string): Promise<{ projects: number; seconds: number; files: number }> {
  const seed = generateSpace(SIZES.L, 1);
  const sandbox = await new Sandbox({ seed }).start();
  const dump = join(work, "graph-L.json");
  try {
    const { OctopusClient } = await import("../src/octopus/client.js");
    const { readSpace } = await import("../src/graph/reader.js");
    const client = new OctopusClient({ server: sandbox.url, apiKey: sandbox.apiKey, concurrency: 16 });
    const graph = await readSpace(client, await client.resolveSpace("Spaces-1"));
    await writeFile(
      dump,
      JSON.stringify({
        space: graph.space,
        version: graph.serverVersion,
        nodes: [...graph.nodes.values()].map((n) => [n.type, n.doc]),
      }),
    );
  } finally {
    await sandbox.close();
  }
  const start = performance.now();
  const saved = JSON.parse(await readFile(dump, "utf8")) as {
    space: ConstructorParameters<typeof SpaceGraph>[0];
    version: string;
    nodes: Array<[string, never]>;
  };
  const graph = new SpaceGraph(saved.space, saved.version);
  for (const [type, doc] of saved.nodes) graph.add(type, doc);
  graph.link();
  const result = buildExport(graph, {
    layout: "modules",
    secretDefaults: "none",
    providerVersion: DEFAULT_PROVIDER_VERSION,
    source: { server: "https://octopus.example.com" },
  });
  await validateHcl(result.files);
  return {
    projects: graph.ofType("Projects").length,
    seconds: (performance.now() - start) / 1000,
    files: result.files.size,
  };
}

async function main(): Promise<void> {
  console.error("building octoport (dist/octoport.mjs)");
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, stdio: "inherit" });
  const octoterra = octoterraBinary();
  if (!octoterra.bin) console.error(`Octoterra is not available, so octoport runs alone: ${octoterra.why}`);
  const work = await mkdtemp(join(tmpdir(), "octoport-bench-"));
  const results: Run[] = [];
  const minimum: Record<string, number> = {};
  try {
    for (const size of sizes) {
      const seed = generateSpace(SIZES[size], 1);
      minimum[size] = minimumRequests(seed);
      const sandbox = await new Sandbox({ seed, latencyMs: latency }).start();
      try {
        for (let run = 1; run <= runs; run++) {
          const tools = [
            {
              tool: "octoport" as const,
              cmd: process.execPath,
              args: [
                join(ROOT, "bin/octoport.js"),
                "export",
                "--server",
                sandbox.url,
                "--api-key",
                sandbox.apiKey,
                "--space",
                "Spaces-1",
                "--dest",
                join(work, `octoport-${size}-${run}`),
                ...(concurrency ? ["--concurrency", concurrency] : []),
              ],
            },
            ...(octoterra.bin
              ? [
                  {
                    tool: "octoterra" as const,
                    cmd: octoterra.bin,
                    args: [
                      "-url",
                      sandbox.url,
                      "-apiKey",
                      sandbox.apiKey,
                      "-space",
                      "Spaces-1",
                      "-dest",
                      join(work, `octoterra-${size}-${run}`),
                    ],
                  },
                ]
              : []),
          ];
          // Alternate which tool goes first, so neither always meets a warm sandbox.
          if (run % 2 === 0) tools.reverse();
          for (const t of tools) {
            if (results.some((r) => r.size === size && r.tool === t.tool && r.timedOut)) continue;
            // Each run writes to a directory of its own, and nothing is deleted until the end: on
            // this machine's disk, deleting the last run's thousands of files slowed the file
            // creation of the next run (whichever tool it was) by up to three times. And the
            // last run's writes reach the disk before the next is timed.
            await mkdir(join(work, `${t.tool}-${size}-${run}`), { recursive: true });
            execFileSync("sync");
            sandbox.counters.clear();
            console.error(`${size} run ${run}: ${t.tool}`);
            const r = await timed(t.cmd, t.args);
            const entry: Run = {
              tool: t.tool,
              size,
              run,
              wallSeconds: Number(r.wall.toFixed(2)),
              requests: total(sandbox.counters),
              peakRssMb: Number(r.rssMb.toFixed(1)),
              exitCode: r.code,
            };
            if (r.timedOut) {
              entry.timedOut = true;
              entry.error = `stopped after ${timeoutMinutes} min; not run again at ${size}`;
            } else if (r.code !== 0)
              entry.error = r.stderr
                .split("\n")
                .filter((l) => l && !/^\s+(Command being timed|.*: \d)/.test(l))
                .slice(-3)
                .join(" ");
            results.push(entry);
            console.error(
              `  ${entry.wallSeconds} s, ${entry.requests} requests, ${entry.peakRssMb} MB${entry.error ? `, failed: ${entry.error}` : ""}`,
            );
          }
        }
      } finally {
        await sandbox.close();
      }
    }
    if (sizes.includes("L")) console.error("no-network: graph -> HCL for L");
    const noNetwork = sizes.includes("L") ? await offline(work) : undefined;

    const rows: string[] = [];
    rows.push(
      "| size | tool | wall s (median) | requests | minimum | peak RSS MB | runs ok |",
      "|---|---|---|---|---|---|---|",
    );
    const summary: Record<string, unknown> = {};
    for (const size of sizes) {
      const per: Record<
        string,
        { wall: number; requests: number; rss: number; ok: number; timedOut?: boolean }
      > = {};
      for (const tool of ["octoport", "octoterra"] as const) {
        const rs = results.filter((r) => r.size === size && r.tool === tool);
        if (!rs.length) continue;
        const ok = rs.filter((r) => r.exitCode === 0 && !r.timedOut);
        const stopped = rs.find((r) => r.timedOut);
        per[tool] =
          ok.length || !stopped
            ? {
                wall: median(ok.map((r) => r.wallSeconds)),
                requests: median(ok.map((r) => r.requests)),
                rss: Math.max(...ok.map((r) => r.peakRssMb)),
                ok: ok.length,
              }
            : // Only a run that was stopped: its wall time is a lower bound.
              {
                wall: stopped.wallSeconds,
                requests: stopped.requests,
                rss: Number.NaN,
                ok: 0,
                timedOut: true,
              };
        const p = per[tool]!;
        const wall = p.timedOut ? `> ${p.wall.toFixed(0)} (stopped)` : p.wall.toFixed(1);
        const requests = p.timedOut ? `> ${p.requests}` : String(p.requests);
        const rss = Number.isNaN(p.rss) ? "-" : p.rss.toFixed(0);
        rows.push(
          `| ${size} | ${tool} | ${wall} | ${requests} | ${minimum[size]} | ${rss} | ${p.ok}/${rs.length} |`,
        );
      }
      const a = per.octoport;
      const b = per.octoterra;
      summary[size] = {
        ...per,
        minimumRequests: minimum[size],
        // Against a stopped Octoterra run, wall and requests ratios are upper bounds.
        ratios:
          a && b
            ? {
                wall: Number((a.wall / b.wall).toFixed(3)),
                requests: Number((a.requests / b.requests).toFixed(3)),
                rss: Number.isNaN(b.rss) ? null : Number((a.rss / b.rss).toFixed(3)),
                upperBounds: b.timedOut === true,
              }
            : null,
        octoportOverMinimum: a ? Number((a.requests / minimum[size]!).toFixed(3)) : null,
      };
    }
    const ratioRows = [
      "",
      "| size | wall octoport/Octoterra | requests | peak RSS | octoport requests / minimum |",
      "|---|---|---|---|---|",
    ];
    for (const size of sizes) {
      const s = summary[size] as {
        ratios: { wall: number; requests: number; rss: number | null; upperBounds: boolean } | null;
        octoportOverMinimum: number | null;
      };
      const bound = s.ratios?.upperBounds ? "< " : "";
      ratioRows.push(
        `| ${size} | ${s.ratios ? bound + s.ratios.wall : "-"} | ${s.ratios ? bound + s.ratios.requests : "-"} | ${s.ratios?.rss ?? "-"} | ${s.octoportOverMinimum ?? "-"} |`,
      );
    }
    const machine = `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
    const out = {
      date: new Date().toISOString().slice(0, 10),
      machine,
      latencyMs: latency,
      runs,
      octoterra: octoterra.bin ? { version: octoterra.version } : { unavailable: octoterra.why },
      summary,
      noNetwork,
      results,
    };
    await mkdir(join(ROOT, "bench"), { recursive: true });
    await writeFile(join(ROOT, "bench/results.json"), `${JSON.stringify(out, null, 2)}\n`);
    console.log([...rows, ...ratioRows].join("\n"));
    if (noNetwork)
      console.log(
        `\nNo network: graph -> HCL (checked by the HCL parser) for L (${noNetwork.projects} projects, ${noNetwork.files} files): ${noNetwork.seconds.toFixed(1)} s`,
      );
    console.log(
      `\n${machine}; ${latency} ms latency per request; ${out.date}. Written to bench/results.json`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
