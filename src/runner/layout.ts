import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { OctoportError } from "../util/errors.js";

/** What the runner needs from an export's manifest.json. */
const ManifestSchema = z.looseObject({
  format: z.string().startsWith("octoport-export/"),
  layout: z.enum(["modules", "single"]),
  source: z.looseObject({ spaceName: z.string() }),
  modules: z.array(z.object({ path: z.string(), title: z.string(), dependsOn: z.array(z.string()) })),
  applyOrder: z.array(z.array(z.string())),
});

export type ExportManifest = z.infer<typeof ManifestSchema>;

/** One module of an export: a directory with its own root `main.tf` and its own state. */
export interface RunModule {
  /** The module's path in the manifest: "space", "projects/orders-api", or "" for the single layout. */
  path: string;
  /** Its directory on disk. */
  root: string;
  dependsOn: string[];
}

/** Reads an export directory's manifest and lists its modules in apply order. */
export async function readExport(dir: string): Promise<{ manifest: ExportManifest; modules: RunModule[] }> {
  let text: string;
  try {
    text = await readFile(join(dir, "manifest.json"), "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OctoportError(
      code === "ENOENT" || code === "ENOTDIR"
        ? `${dir} is not an octoport export (no manifest.json); run octoport export --dest ${dir} first`
        : `cannot read ${join(dir, "manifest.json")}: ${(err as Error).message}`,
    );
  }
  let parsed: ExportManifest;
  try {
    parsed = ManifestSchema.parse(JSON.parse(text));
  } catch {
    throw new OctoportError(
      `${join(dir, "manifest.json")} is not an octoport export manifest; export into ${dir} again`,
    );
  }
  const byPath = new Map(parsed.modules.map((m) => [m.path, m]));
  const modules: RunModule[] = [];
  for (const level of parsed.applyOrder) {
    for (const path of level) {
      const m = byPath.get(path);
      if (!m)
        throw new OctoportError(
          `${join(dir, "manifest.json")} lists ${path} in its order but not as a module`,
        );
      modules.push({ path, root: path ? join(dir, path) : dir, dependsOn: m.dependsOn });
    }
  }
  return { manifest: parsed, modules };
}

/**
 * A hash of what a module's apply depends on: every file of its directory (but Terraform's
 * own: state, .terraform, lock file, plans), and whatever else the caller adds (inputs, the
 * destination). Unchanged since a successful apply means there is nothing to do.
 */
export async function fingerprint(mod: RunModule, extra: string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const e of extra) hash.update(`${e}\0`);
  const skipDirs =
    mod.path === ""
      ? new Set([
          "space",
          "projects",
          "space_creation",
          "tenant-variables",
          "deployment-freezes",
          "teams",
          "subscriptions",
        ])
      : new Set<string>();
  for (const file of await walk(mod.root, "", skipDirs)) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(mod.root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

async function walk(root: string, rel: string, skipDirs: Set<string>): Promise<string[]> {
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith(".") || e.name.includes(".tfstate")) continue;
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!(rel === "" && skipDirs.has(e.name))) out.push(...(await walk(root, path, skipDirs)));
    } else if (e.isFile()) out.push(path);
  }
  return out;
}
