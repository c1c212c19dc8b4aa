import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Sandbox } from "../../src/sandbox/server.js";
import type { SecretsFile } from "../../src/snapshot/export.js";
import { cli } from "./cli.js";
import { secretValue } from "./compare.js";

export const PASSWORD = "correct horse battery staple";

/** A scratch directory with a password file. */
export async function workspace(): Promise<{ dir: string; password: string }> {
  const dir = await mkdtemp(join(tmpdir(), "octoport-snapshot-"));
  const password = join(dir, "password.txt");
  await writeFile(password, `${PASSWORD}\n`, { mode: 0o600 });
  return { dir, password };
}

export const conn = (s: Sandbox, space = "Spaces-1") => [
  "--server",
  s.url,
  "--api-key",
  s.apiKey,
  "--space",
  space,
];

/**
 * `octoport secrets template`, then every value filled in from the sandbox's stored secrets
 * (test-only reveal hook), as a user would from their password manager.
 */
export async function filledSecrets(
  source: Sandbox,
  dir: string,
  extra: string[] = [],
  space = "Spaces-1",
): Promise<string> {
  const file = join(dir, `secrets-${Math.random().toString(36).slice(2)}.json`);
  const made = await cli(["secrets", "template", ...conn(source, space), "--out", file, ...extra]);
  if (made.code !== 0) throw new Error(made.stderr);
  const template = JSON.parse(await readFile(file, "utf8")) as SecretsFile;
  for (const s of template.secrets) {
    const id = s.document.slice(s.document.indexOf("/") + 1).replace(/\.json$/, "");
    s.value = secretValue(source, id, s.path) ?? "";
  }
  await writeFile(file, JSON.stringify(template), { mode: 0o600 });
  return file;
}
