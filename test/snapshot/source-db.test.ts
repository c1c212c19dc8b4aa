import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import net from "node:net";
import { cbc } from "@noble/ciphers/aes.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSpace } from "../../src/graph/reader.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { secretInventory, secretKey, selectDocuments } from "../../src/snapshot/export.js";
import { locate } from "../../src/snapshot/paths.js";
import {
  connectSqlServer,
  type DocumentRows,
  parseConnectionString,
  SECRET_TABLES,
  secretsFromDatabase,
} from "../../src/snapshot/source-db.js";
import { OctoportError } from "../../src/util/errors.js";
import { cli } from "../helpers/cli.js";
import { exampleSpace } from "../helpers/examples.js";
import { conn, workspace } from "../helpers/snapshot.js";
import { allSecrets, clientOf, join } from "../helpers/snapshot-lib.js";

/** What Octopus stores: AES-CBC under the master key, base64(ciphertext)|base64(iv). */
function encryptLikeOctopus(value: string, masterKey: Buffer): string {
  const iv = randomBytes(16);
  const c = cbc(masterKey, iv).encrypt(Buffer.from(value, "utf8"));
  return `${Buffer.from(c).toString("base64")}|${iv.toString("base64")}`;
}

/**
 * The source's documents as an Octopus database would hold them: one row of JSON per
 * document, in the table named after its type, each sensitive value encrypted in place.
 * No SQL Server runs on this machine, so the rows are in memory; the tedious query layer
 * is exercised below as far as a machine without a database allows.
 */
async function databaseOf(source: Sandbox, masterKey: Buffer) {
  const client = clientOf(source);
  const graph = await readSpace(client, await client.resolveSpace("Spaces-1"), { snapshot: true });
  const inventory = secretInventory(graph, selectDocuments(graph, {}));
  const plain = await allSecrets(source);
  const tables = new Map<string, Map<string, string>>();
  const docs = new Map<string, Record<string, unknown>>();
  for (const e of inventory) {
    const [type, file] = e.document.split("/") as [string, string];
    const id = file.replace(/\.json$/, "");
    const doc =
      docs.get(e.document) ?? (structuredClone(graph.nodes.get(id)!.doc) as Record<string, unknown>);
    docs.set(e.document, doc);
    const value = plain.get(secretKey(e.document, e.path));
    const spot = locate(doc as never, e.path);
    if (value === undefined || !spot) continue;
    spot.parent[spot.key] = encryptLikeOctopus(value, masterKey);
    const table = SECRET_TABLES[type]!;
    if (!tables.has(table)) tables.set(table, new Map());
    tables.get(table)!.set(id, JSON.stringify(doc));
  }
  const queries: string[] = [];
  const rows: DocumentRows = {
    async json(table, ids) {
      queries.push(table);
      const t = tables.get(table) ?? new Map<string, string>();
      return new Map(ids.filter((i) => t.has(i)).map((i) => [i, t.get(i)!]));
    },
    async close() {},
  };
  return { rows, inventory, tables, queries };
}

let source: Sandbox;
beforeAll(async () => {
  source = await new Sandbox({ seed: exampleSpace() }).start();
});
afterAll(() => source.close());

describe("sensitive values from the source database", () => {
  it("decrypts every secret the database holds, at the path the API reports it", async () => {
    for (const size of [16, 32]) {
      const masterKey = randomBytes(size);
      const { rows, inventory, queries } = await databaseOf(source, masterKey);
      const db = await secretsFromDatabase(rows, inventory, masterKey.toString("base64"));
      const expected = await allSecrets(source);
      expect(expected.size).toBeGreaterThan(5);
      expect(new Map([...db.values].filter(([k]) => expected.has(k)))).toEqual(expected);
      expect(db.notFound.filter((e) => e.hasValue && !expected.has(secretKey(e.document, e.path)))).toEqual(
        [],
      );
      expect(db.values.size).toBe(expected.size);
      // One query per table, never one per document.
      expect(queries.length).toBe(new Set(queries).size);
    }
  });

  it("reports secrets whose row is missing; a wrong master key is one clear error", async () => {
    const masterKey = randomBytes(32);
    const { rows, inventory, tables } = await databaseOf(source, masterKey);
    const [table, docs] = [...tables].find(([t]) => t === "Account")!;
    const gone = [...docs.keys()][0]!;
    docs.delete(gone);
    const db = await secretsFromDatabase(rows, inventory, masterKey.toString("base64"));
    const lost = inventory.filter((e) => e.document === `Accounts/${gone}.json`);
    expect(lost.length).toBeGreaterThan(0);
    expect(db.notFound).toEqual(expect.arrayContaining(lost));
    for (const e of lost) expect(db.values.has(secretKey(e.document, e.path))).toBe(false);
    expect(table).toBe("Account");
    await expect(secretsFromDatabase(rows, inventory, randomBytes(32).toString("base64"))).rejects.toThrow(
      /does not decrypt with this master key/,
    );
  });
});

describe("connection strings", () => {
  it("reads the ADO.NET forms Octopus's configuration uses", () => {
    expect(
      parseConnectionString(
        "Data Source=tcp:sql.example.com,1444;Initial Catalog=Octopus;User ID=octo;Password=p@ss;Encrypt=False",
      ),
    ).toEqual({
      server: "sql.example.com",
      port: 1444,
      database: "Octopus",
      userName: "octo",
      password: "p@ss",
      encrypt: false,
      trustServerCertificate: false,
    });
    expect(
      parseConnectionString(
        "Server=(local)\\SQLEXPRESS;Database=Octopus;UID=sa;PWD='it''s;secret';TrustServerCertificate=True",
      ),
    ).toMatchObject({
      server: "localhost",
      instanceName: "SQLEXPRESS",
      password: "it's;secret",
      trustServerCertificate: true,
    });
  });

  it("any password survives quoting", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (password) => {
        const quoted = `"${password.replace(/"/g, '""')}"`;
        const c = parseConnectionString(`Server=db;Database=Octopus;User Id=u;Password=${quoted}`);
        expect(c.password).toBe(password);
      }),
    );
  });

  it("refuses what it cannot use, in one line", () => {
    for (const [text, message] of [
      ["Server=db;Database=Octopus;Integrated Security=SSPI", "Windows authentication"],
      ["Server=db;Database=Octopus;User Id=u", "no Password"],
      ["Server=db,99999;Database=Octopus;User Id=u;Password=p", "not a port number"],
      ["just some text", "not Key=Value"],
      ["Database=Octopus;User Id=u;Password=p", "no Server"],
      ["Server=db;Database=Octopus;User Id=u;Password=p;Encrypt=maybe", "give true or false"],
    ] as const) {
      expect(() => parseConnectionString(text)).toThrow(message);
    }
  });
});

describe("the SQL Server query layer (tedious)", () => {
  it("a database that does not answer is one line naming the server, without the password", async () => {
    // A port that accepts and closes: tedious's real handshake fails against it.
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const config = parseConnectionString(
        `Server=127.0.0.1,${port};Database=Octopus;User Id=octo;Password=Sup3r-Secret!;Encrypt=false`,
      );
      const err = await connectSqlServer(config, 3000).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OctoportError);
      expect((err as Error).message).toMatch(/^cannot connect to the source database on 127\.0\.0\.1,\d+: /);
      expect((err as Error).message).not.toContain("Sup3r-Secret!");
      expect((err as Error).message).not.toContain("\n");

      const { dir, password } = await workspace();
      const keyFile = join(dir, "master.key");
      await writeFile(keyFile, `${randomBytes(32).toString("base64")}\n`);
      const res = await cli([
        "snapshot",
        "export",
        ...conn(source),
        "--password-file",
        password,
        "--out",
        join(dir, "snap"),
        "--source-db",
        `Server=127.0.0.1,${port};Database=Octopus;User Id=octo;Password=Sup3r-Secret!;Encrypt=false`,
        "--master-key-file",
        keyFile,
      ]);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^octoport: error: cannot connect to the source database/m);
      expect(res.stderr).not.toContain("Sup3r-Secret!");
      const half = await cli([
        "snapshot",
        "export",
        ...conn(source),
        "--password-file",
        password,
        "--out",
        join(dir, "snap"),
        "--master-key-file",
        keyFile,
      ]);
      expect(half.code).toBe(2);
    } finally {
      server.close();
    }
  });
});
