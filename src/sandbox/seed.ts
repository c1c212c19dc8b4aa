import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { Engine } from "./engine.js";
import { ApiError } from "./errors.js";
import { withStableGuids } from "./resources/common.js";
import type { JsonObject } from "./secrets.js";

/**
 * A sandbox space file: spaces with their documents by type, in API shape, IDs given.
 * Sensitive values are written as {"HasValue": true, "NewValue": "..."} (or, for a
 * sensitive variable, its Value), as a client would write them.
 */
export interface SeedFile {
  format?: string;
  spaces: Array<JsonObject & { Name: string; Documents?: Record<string, JsonObject[]> }>;
}

export const SEED_FORMAT = "octoport-sandbox/v1";

const docSchema = z.looseObject({
  Id: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "an ID like Environments-1"),
});

const seedSchema = z.object({
  format: z.literal(SEED_FORMAT).optional(),
  spaces: z
    .array(
      z.looseObject({
        Id: z
          .string()
          .regex(/^Spaces-\d+$/, "an ID like Spaces-1")
          .optional(),
        Name: z.string().min(1),
        Documents: z.record(z.string(), z.array(docSchema)).optional(),
      }),
    )
    .min(1, "at least one space"),
});

/** A seed file that does not validate or load; the message says where. */
export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SeedError";
  }
}

export async function readSeedFile(path: string): Promise<SeedFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new SeedError(
      `cannot read seed file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SeedError(`seed file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return validateSeed(json, path);
}

export function validateSeed(json: unknown, source = "seed"): SeedFile {
  const parsed = seedSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path
      .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
      .join("")
      .replace(/^\./, "");
    throw new SeedError(`seed file ${source} is invalid at ${where || "(root)"}: ${issue.message}`);
  }
  return parsed.data as unknown as SeedFile;
}

/**
 * Loads a seed into the engine: each space is created (with its defaults), then its
 * documents in the order of the resource table; a document whose ID already exists
 * (a default, or one a side effect created) replaces it.
 */
export function loadSeed(engine: Engine, seed: SeedFile, source = "seed"): void {
  // Identifiers the server makes up (step and variable GUIDs) are the same on every load.
  withStableGuids(JSON.stringify(seed.spaces.map((s) => s.Name)), () => loadSpaces(engine, seed, source));
}

function loadSpaces(engine: Engine, seed: SeedFile, source: string): void {
  const known = [...engine.defs.keys()];
  for (const [si, spaceDoc] of seed.spaces.entries()) {
    const { Documents: documents = {}, ...spaceFields } = spaceDoc;
    for (const type of Object.keys(documents)) {
      if (!engine.defs.has(type) || engine.def(type).scope !== "space") {
        throw new SeedError(
          `seed file ${source}: spaces[${si}] has unknown document type "${type}"; known: ${known.join(", ")}`,
        );
      }
    }
    // Server-created documents (defaults, Default channels) take IDs after the seed's own.
    const seeded = new Set<string>();
    for (const type of Object.keys(documents)) {
      for (const doc of documents[type] ?? []) {
        seeded.add(String(doc.Id));
        engine.store.noteId(engine.def(type).idPrefix, String(doc.Id));
      }
    }
    const space = attempt(source, `space ${spaceFields.Name}`, () =>
      engine.create("Spaces", undefined, spaceFields as JsonObject, { keepId: Boolean(spaceFields.Id) }),
    );
    const spaceId = String(space.Id);
    for (const type of known) {
      for (const doc of documents[type] ?? []) {
        attempt(source, `${type}/${doc.Id}`, () => {
          const existing = engine.store.get(type, String(doc.Id), spaceId);
          if (existing) {
            // Replacing a server-created document: the seed's Version is not a concurrency token.
            const replacement = "Version" in existing ? { ...doc, Version: existing.Version ?? null } : doc;
            engine.update(type, spaceId, String(doc.Id), replacement);
            return;
          }
          // A seed document takes the place of the server-created one of the same name
          // (the Default Lifecycle, a project's Default channel), keeping the seed's ID.
          const twin = engine.nameClash(engine.def(type), spaceId, doc);
          if (twin && !seeded.has(String(twin.Id))) engine.store.delete(type, String(twin.Id), spaceId);
          engine.create(type, spaceId, doc, { keepId: true });
        });
      }
    }
  }
}

function attempt<T>(source: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ApiError)
      throw new SeedError(`seed file ${source}: ${what}: ${err.errors.join("; ") || err.message}`);
    throw err;
  }
}

/**
 * The engine's state as a seed file. With `secrets`, sensitive values are written in as a
 * client would send them, so loading the dump gives the same documents; without, they are
 * left as `{HasValue: true}` and do not survive a reload.
 */
export function dumpState(engine: Engine, options: { secrets?: boolean } = {}): SeedFile {
  const spaces = engine.docs("Spaces", undefined).map((space) => {
    const documents: Record<string, JsonObject[]> = {};
    for (const def of engine.defs.values()) {
      if (def.scope !== "space") continue;
      const docs = engine.docs(def.type, String(space.Id));
      if (docs.length) {
        documents[def.type] = options.secrets
          ? docs.map((d) => engine.store.reveal(def.type, String(d.Id), String(space.Id)) as JsonObject)
          : docs;
      }
    }
    return { ...space, Name: String(space.Name), Documents: documents };
  });
  return { format: SEED_FORMAT, spaces };
}
