import { readFile } from "node:fs/promises";
import { UsageError } from "../util/errors.js";

/**
 * One downstream space a source is kept in sync with, from a destinations file (a JSON array):
 * `octoport bootstrap --destinations` makes its runbooks for each, `octoport status
 * --destinations` plans against each. The file holds no key: `status` reads each
 * destination's API key from the environment variable `apiKeyEnv`.
 */
export interface Destination {
  /** A short name: in runbook names, `{destination}` in backend keys, the status table. */
  name: string;
  server: string;
  /** The space, by name. */
  space: string;
  /** The environment variable holding its API key (default OCTOPORT_DEST_API_KEY_<NAME>). */
  apiKeyEnv: string;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** The environment variable a destination's key is read from when the file names none. */
export function defaultKeyEnv(name: string): string {
  return `OCTOPORT_DEST_API_KEY_${name.toUpperCase().replaceAll("-", "_")}`;
}

/** Checks a destinations file's contents: an array of { name, server, space, apiKeyEnv? }. */
export function parseDestinations(text: string, file: string): Destination[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`the destinations file ${file} is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(data) || data.length === 0)
    throw new UsageError(
      `the destinations file ${file} must be a JSON array of { "name", "server", "space" }, at least one`,
    );
  const seen = new Set<string>();
  return data.map((entry, i) => {
    const at = `the destinations file ${file}, entry ${i + 1}`;
    if (!entry || typeof entry !== "object" || Array.isArray(entry))
      throw new UsageError(`${at}: give an object { "name", "server", "space" }`);
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e))
      if (!["name", "server", "space", "apiKeyEnv"].includes(key))
        throw new UsageError(
          `${at}: unknown field "${key}" (name, server, space, apiKeyEnv; no keys in this file)`,
        );
    const text = (key: string) => {
      const v = e[key];
      if (typeof v !== "string" || !v.trim()) throw new UsageError(`${at}: "${key}" must be a string`);
      return v.trim();
    };
    const name = text("name");
    if (!NAME.test(name))
      throw new UsageError(
        `${at}: the name "${name}" must be lower-case letters, digits and dashes (at most 40)`,
      );
    if (seen.has(name)) throw new UsageError(`${at}: the name "${name}" is given twice`);
    seen.add(name);
    const server = text("server");
    if (!/^https?:\/\/[^\s]+$/.test(server))
      throw new UsageError(`${at}: "server" must be an http(s) URL, not ${server}`);
    const apiKeyEnv = e.apiKeyEnv === undefined ? defaultKeyEnv(name) : text("apiKeyEnv");
    return { name, server, space: text("space"), apiKeyEnv };
  });
}

export async function readDestinations(file: string): Promise<Destination[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the destinations file ${file}: ${(e as Error).message}`);
  }
  return parseDestinations(text, file);
}

/** A backend-config value for one destination: `{destination}` (or `{tenant}`) becomes its name. */
export function forDestination(value: string, name: string): string {
  return value.replaceAll("{destination}", name).replaceAll("{tenant}", name);
}
