import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every file under `dir` (relative path -> text), to compare two trees whole. */
export function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of readdirSync(dir, { recursive: true }) as string[]) {
    const full = join(dir, rel);
    if (statSync(full).isFile()) out.set(rel.split("\\").join("/"), readFileSync(full, "utf8"));
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** What differs between two trees, as `+ path`, `- path`, `~ path`. */
export function treeDiff(a: Map<string, string>, b: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [p, t] of a)
    if (!b.has(p)) out.push(`- ${p}`);
    else if (b.get(p) !== t) out.push(`~ ${p}`);
  for (const p of b.keys()) if (!a.has(p)) out.push(`+ ${p}`);
  return out;
}
