import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type SeedFile, validateSeed } from "../../src/sandbox/seed.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** An example space file from examples/spaces/, validated. */
export function exampleSpace(name = "acme"): SeedFile {
  const path = join(ROOT, "examples/spaces", `${name}.json`);
  return validateSeed(JSON.parse(readFileSync(path, "utf8")), path);
}
