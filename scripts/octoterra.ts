/**
 * Where the bench scripts find Octoterra: $OCTOTERRA_BIN, else
 * ~/.cache/octoport-tools/octoterra-<version>/octoterra, else scripts/build-octoterra.sh builds
 * the version pinned in tools/octoterra/go.mod from the Go module proxy. Returns why not when
 * none of these works.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");

export function octoterraBinary(): { bin?: string; why?: string; version?: string } {
  if (process.env.OCTOTERRA_BIN) return { bin: process.env.OCTOTERRA_BIN, version: "from $OCTOTERRA_BIN" };
  const cache = process.env.OCTOPORT_TOOLS_CACHE ?? join(homedir(), ".cache/octoport-tools");
  const dirs = existsSync(cache) ? readdirSync(cache).filter((d) => d.startsWith("octoterra-")) : [];
  for (const d of dirs.sort()) {
    const bin = join(cache, d, "octoterra");
    if (existsSync(bin)) return { bin, version: d.slice("octoterra-".length) };
  }
  try {
    const out = execFileSync(join(ROOT, "scripts/build-octoterra.sh"), { encoding: "utf8", stdio: "pipe" });
    const bin = out.trim().split("\n").at(-1)!;
    return { bin, version: bin.split("/").at(-2)?.slice("octoterra-".length) };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { why: (e.stderr || e.message).trim().split("\n").slice(-2).join(" ") };
  }
}
