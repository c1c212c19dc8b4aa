import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESOURCE_DEFS } from "../../src/sandbox/resources/index.js";
import type { SeedFile } from "../../src/sandbox/seed.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { request } from "../helpers/http.js";

/**
 * The model binding of the types with a list of the server's fields (ResourceDef.fields,
 * src/sandbox/resources/fields.ts): what the server does not know is dropped on create and on
 * update, and nothing a real document holds is lost on the way.
 */

const EXAMPLES = ["acme.json", "edge-cases.json"].map(
  (f) => JSON.parse(readFileSync(new URL(`../../examples/spaces/${f}`, import.meta.url), "utf8")) as SeedFile,
);
const LISTED = RESOURCE_DEFS.filter((d) => d.fields && d.scope === "space" && d.creatable !== false);

describe("every field of the example spaces' documents is one the server knows", () => {
  for (const def of LISTED) {
    const docs = EXAMPLES.flatMap((s) => s.spaces.flatMap((sp) => sp.Documents?.[def.type as never] ?? []));
    it.skipIf(docs.length === 0)(`${def.type} (${docs.length} documents)`, () => {
      const known = new Set(["Id", "SpaceId", "Links", ...(def.fields ?? [])]);
      for (const doc of docs as Record<string, unknown>[])
        for (const key of Object.keys(doc))
          expect(known.has(key), `${def.type} ${doc.Id} field ${key}`).toBe(true);
    });
  }
});

let sandbox: Sandbox;
let space: string;
beforeAll(async () => {
  const [acme] = EXAMPLES as [SeedFile];
  sandbox = await new Sandbox({ seed: acme }).start();
  space = String(acme.spaces[0]?.Id ?? "Spaces-1");
});
afterAll(() => sandbox.close());

const api = (method: string, path: string, body?: unknown) => request(sandbox, method, path, body);

describe("a document served and written back unchanged stays the same", () => {
  for (const def of LISTED) {
    it(def.type, async () => {
      const ids = ((await api("GET", `/api/${space}/${def.collection}/all`)).json as { Id: string }[]).map(
        (d) => d.Id,
      );
      for (const id of ids) {
        const before = (await api("GET", `/api/${space}/${def.collection}/${id}`)).json;
        const put = await api("PUT", `/api/${space}/${def.collection}/${id}`, before);
        expect(put.status, JSON.stringify(put.json)).toBe(200);
        const after = (await api("GET", `/api/${space}/${def.collection}/${id}`)).json;
        expect(after).toEqual(before);
      }
    });
  }
});

describe("a field the server does not know", () => {
  it("is dropped on create and on update, for each listed type the example space holds", async () => {
    let checked = 0;
    for (const def of LISTED) {
      const all = (await api("GET", `/api/${space}/${def.collection}/all`)).json as Record<string, unknown>[];
      const [doc] = all;
      if (!doc) continue;
      const updated = await api("PUT", `/api/${space}/${def.collection}/${doc.Id}`, {
        ...doc,
        Colour: "blue",
      });
      expect(updated.status, `${def.type}: ${JSON.stringify(updated.json)}`).toBe(200);
      expect(updated.json, def.type).not.toHaveProperty("Colour");
      expect(sandbox.reveal(def.type, String(doc.Id), space), def.type).not.toHaveProperty("Colour");
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it("is dropped when a document is created", async () => {
    const env = await api("POST", `/api/${space}/environments`, { Name: "Colourful", Colour: "red" });
    expect(env.status).toBe(201);
    expect(env.json).not.toHaveProperty("Colour");
    const group = await api("POST", `/api/${space}/projectgroups`, {
      Name: "Tinted",
      Colour: "red",
      Description: "d",
    });
    expect(group.status).toBe(201);
    expect(group.json).not.toHaveProperty("Colour");
    expect(group.json.Description).toBe("d");
    const tagSet = await api("POST", `/api/${space}/tagsets`, { Name: "Hues", Colour: "red", Tags: [] });
    expect(tagSet.status).toBe(201);
    expect(tagSet.json).not.toHaveProperty("Colour");
  });
});
