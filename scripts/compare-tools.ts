/**
 * `npm run bench:compare`: what octoport and Octoterra each carry. Both export the generated
 * S space (seed 1) from a source sandbox; the real OpenTofu and Octopus provider apply each
 * export to an empty sandbox of its own; then each destination is compared with the source by
 * names (every document, every field, references by name, secrets by value), family by
 * family. Prints a table and writes bench/comparison.json.
 *
 * octoport's secret inputs get the source's values (through its manifest). Octoterra has no
 * such map, so it runs with -dummySecretVariableValues; a value that arrived as its dummy
 * ("Change Me!") is counted apart, as a secret value.
 *
 * Octoterra v1.19.15 writes for provider 1.19.2, and only 1.17.0 is served here: one construct
 * the older provider rejects is edited out of its output before applying, and recorded.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { generateSpace, SIZES } from "../src/sandbox/generate.js";
import { Sandbox } from "../src/sandbox/server.js";
import type { Manifest } from "../src/terraform/manifest.js";
import { emptyDestination, tfvars } from "../test/conformance/flow.js";
import { locateTools, TofuDir, type Tools } from "../test/conformance/harness.js";
import { differences, normaliseSpace } from "../test/helpers/compare.js";
import { octoterraBinary } from "./octoterra.js";

const ROOT = join(import.meta.dirname, "..");
/** The value Octoterra gives every secret with -dummySecretVariableValues. */
const OCTOTERRA_DUMMY = "Change Me!";
const exec = promisify(execFile);
const run = (cmd: string, args: string[]) => exec(cmd, args, { maxBuffer: 1 << 28 });

interface Family {
  family: string;
  source: number;
  octoport: Carried;
  octoterra: Carried;
}

interface Carried {
  /** Source documents with no document of that name in the destination. */
  missing: string[];
  /** Documents in the destination the source does not have. */
  extra: string[];
  /** Source documents that arrived with some field different. */
  differing: number;
  /** The fields (paths, indices left out) that differ, with how many documents. */
  fields: Record<string, number>;
  /** Values that arrived as Octoterra's dummy secret. */
  secretValues: number;
}

function family(key: string): string {
  return key.slice(0, key.indexOf(":"));
}

/** Groups a destination's differences from the source by document type. */
function carried(diffs: string[], keys: string[]): Map<string, Carried> {
  const out = new Map<string, Carried>();
  const get = (f: string) => {
    let c = out.get(f);
    if (!c) {
      c = { missing: [], extra: [], differing: 0, fields: {}, secretValues: 0 };
      out.set(f, c);
    }
    return c;
  };
  const differingDocs = new Map<string, Set<string>>();
  for (const d of diffs) {
    const only = /^(.*): only in the (source|destination)$/.exec(d);
    if (only) {
      const c = get(family(only[1]!));
      (only[2] === "source" ? c.missing : c.extra).push(only[1]!.slice(only[1]!.indexOf(":") + 1));
      continue;
    }
    const colon = d.indexOf(": ");
    const path = d.slice(0, colon);
    const f = family(path);
    const c = get(f);
    if (d.endsWith(` != ${JSON.stringify(OCTOTERRA_DUMMY)}`)) {
      c.secretValues++;
      continue;
    }
    // The document's key comes first; names hold dots too, so take the longest key that fits.
    const doc = keys.filter((k) => path.startsWith(`${k}.`)).sort((x, y) => y.length - x.length)[0] ?? f;
    const field = path.slice(doc.length + 1).replace(/\.\d+(?=\.|$)/g, "[]");
    c.fields[field] = (c.fields[field] ?? 0) + 1;
    const docs = differingDocs.get(f) ?? new Set<string>();
    docs.add(doc);
    differingDocs.set(f, docs);
  }
  for (const [f, docs] of differingDocs) get(f).differing = docs.size;
  return out;
}

/** Octoterra's output made to apply with provider 1.17.0; returns what was changed. */
async function adaptOctoterra(dir: string): Promise<string[]> {
  const edits: string[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".tf"))) {
    const text = await readFile(join(dir, file), "utf8");
    // 1.17.0 refuses a quantity for the Default retention strategy, which 1.19.2 accepts.
    const adapted = text.replace(
      /(retention_policy_with_strategy \{\n\s+strategy\s+= "Default"\n)\s+quantity_to_keep\s+= \d+\n\s+unit\s+= "\w+"\n/g,
      "$1",
    );
    if (adapted !== text) {
      edits.push(file);
      await writeFile(join(dir, file), adapted);
    }
  }
  return edits.length
    ? [
        `removed quantity_to_keep and unit from retention_policy_with_strategy blocks whose strategy is "Default" (provider 1.17.0 rejects them) in ${edits.length} files`,
      ]
    : [];
}

async function applyOctoport(tools: Tools, source: Sandbox, work: string): Promise<Sandbox> {
  const dest = join(work, "octoport");
  // Asynchronously: the source sandbox serves from this process.
  await run(process.execPath, [
    join(ROOT, "bin/octoport.js"),
    "export",
    "--server",
    source.url,
    "--api-key",
    source.apiKey,
    "--space",
    "Spaces-1",
    "--dest",
    dest,
    "-q",
  ]);
  const manifest = JSON.parse(await readFile(join(dest, "manifest.json"), "utf8")) as Manifest;
  const destination = await emptyDestination("Default");
  await writeFile(join(dest, "terraform.tfvars"), tfvars(source, destination, manifest), { mode: 0o600 });
  const tf = await TofuDir.at(tools, dest);
  await tf.must(["get"]);
  await tf.must(["apply", "-auto-approve", "-input=false", "-var-file=terraform.tfvars"]);
  return destination;
}

async function applyOctoterra(
  tools: Tools,
  bin: string,
  source: Sandbox,
  work: string,
): Promise<{ destination: Sandbox; edits: string[] }> {
  const dest = join(work, "octoterra");
  await mkdir(dest, { recursive: true });
  await run(bin, [
    "-url",
    source.url,
    "-apiKey",
    source.apiKey,
    "-space",
    "Spaces-1",
    "-dest",
    dest,
    "-dummySecretVariableValues",
  ]);
  const root = join(dest, "space_population");
  const edits = await adaptOctoterra(root);
  const destination = await emptyDestination("Default");
  const tf = await TofuDir.at(tools, root);
  await tf.must([
    "apply",
    "-auto-approve",
    "-input=false",
    `-var=octopus_server=${destination.url}`,
    `-var=octopus_apikey=${destination.apiKey}`,
    "-var=octopus_space_id=Spaces-1",
  ]);
  return { destination, edits };
}

async function main(): Promise<void> {
  const tools = locateTools();
  if (typeof tools === "string") throw new Error(tools);
  const octoterra = octoterraBinary();
  if (!octoterra.bin) throw new Error(`Octoterra is not available: ${octoterra.why}`);
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, stdio: "inherit" });
  const work = await mkdtemp(join(tmpdir(), "octoport-compare-"));
  const source = await new Sandbox({ seed: generateSpace(SIZES.S, 1) }).start();
  const opened: Sandbox[] = [source];
  try {
    console.error("octoport: export, apply");
    const a = await applyOctoport(tools, source, work);
    opened.push(a);
    console.error("Octoterra: export, apply");
    const b = await applyOctoterra(tools, octoterra.bin, source, work);
    opened.push(b.destination);

    const src = normaliseSpace(source, "Spaces-1");
    const raw = {
      octoport: differences(src, normaliseSpace(a, "Spaces-1")),
      octoterra: differences(src, normaliseSpace(b.destination, "Spaces-1")),
    };
    if (process.env.COMPARE_DIFFS) await writeFile(process.env.COMPARE_DIFFS, JSON.stringify(raw, null, 1));
    const byTool = {
      octoport: carried(raw.octoport, [...src.keys()]),
      octoterra: carried(raw.octoterra, [...src.keys()]),
    };
    const counts = new Map<string, number>();
    for (const key of src.keys()) counts.set(family(key), (counts.get(family(key)) ?? 0) + 1);
    const empty: Carried = { missing: [], extra: [], differing: 0, fields: {}, secretValues: 0 };
    const families: Family[] = [
      ...new Set([...counts.keys(), ...byTool.octoport.keys(), ...byTool.octoterra.keys()]),
    ]
      .sort()
      .map((f) => ({
        family: f,
        source: counts.get(f) ?? 0,
        octoport: byTool.octoport.get(f) ?? empty,
        octoterra: byTool.octoterra.get(f) ?? empty,
      }));
    const cell = (n: number, c: Carried) =>
      `${n - c.missing.length}/${n}${c.differing ? `, ${c.differing} differ` : ""}${c.extra.length ? `, +${c.extra.length}` : ""}`;
    const rows = [
      "| family | source | octoport: arrived, differing, extra | Octoterra: arrived, differing, extra |",
      "|---|---|---|---|",
      ...families.map(
        (f) =>
          `| ${f.family} | ${f.source} | ${cell(f.source, f.octoport)} | ${cell(f.source, f.octoterra)} |`,
      ),
    ];
    console.log(rows.join("\n"));
    for (const f of families) {
      for (const tool of ["octoport", "octoterra"] as const) {
        const c = f[tool];
        const fields = Object.entries(c.fields)
          .sort((x, y) => y[1] - x[1])
          .slice(0, 8)
          .map(([k, v]) => `${k} (${v})`);
        if (c.missing.length || fields.length || c.secretValues)
          console.log(
            `${f.family} ${tool}: ${c.missing.length ? `missing ${c.missing.slice(0, 3).join(", ")}${c.missing.length > 3 ? ", ..." : ""}; ` : ""}${fields.length ? `fields ${fields.join(", ")}; ` : ""}${c.secretValues ? `secret values ${c.secretValues}` : ""}`,
          );
      }
    }
    await mkdir(join(ROOT, "bench"), { recursive: true });
    await writeFile(
      join(ROOT, "bench/comparison.json"),
      `${JSON.stringify(
        {
          date: new Date().toISOString().slice(0, 10),
          space: "generated S, seed 1",
          octoterra: { version: octoterra.version, flags: ["-dummySecretVariableValues"], edits: b.edits },
          families,
        },
        null,
        2,
      )}\n`,
    );
    console.log("\nWritten to bench/comparison.json");
  } finally {
    await Promise.all(opened.map((s) => s.close()));
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`compare failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
