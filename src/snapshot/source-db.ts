import { readFile } from "node:fs/promises";
import { OctoportError } from "../util/errors.js";
import { registerSecret } from "../util/redact.js";
import { decryptMasterKeyValue } from "./crypto.js";
import { type SecretEntry, secretKey } from "./export.js";
import { isObject, type Json, locate } from "./paths.js";

/**
 * Sensitive values read from the source Octopus Server's SQL Server database and decrypted
 * with its master key. Octopus keeps each document as JSON in a `[JSON]` column of a table
 * named after the document type; a sensitive value in it is `base64(ciphertext)|base64(iv)`,
 * AES-CBC under the master key. For each secret the API reports, we read its document's row
 * and decrypt the value at the same path.
 */

/** Document type (API collection) -> table. */
export const SECRET_TABLES: Readonly<Record<string, string>> = {
  Accounts: "Account",
  Feeds: "Feed",
  Certificates: "Certificate",
  GitCredentials: "GitCredential",
  VariableSets: "VariableSet",
  Machines: "Machine",
  Workers: "Worker",
  DeploymentProcesses: "DeploymentProcess",
  RunbookProcesses: "RunbookProcess",
  ActionTemplates: "ActionTemplate",
  Projects: "Project",
  LibraryVariableSets: "LibraryVariableSet",
  Tenants: "Tenant",
  TenantVariables: "TenantVariable",
  ProjectTriggers: "ProjectTrigger",
};

/** Reads documents' JSON by ID from one table. */
export interface DocumentRows {
  json(table: string, ids: readonly string[]): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export interface DbSecrets {
  values: Map<string, string>;
  /** Secrets the database did not give (no row, no value at the path, or not encrypted). */
  notFound: SecretEntry[];
}

const ENCRYPTED = /^[A-Za-z0-9+/]+={0,2}\|[A-Za-z0-9+/]+={0,2}$/;

/** The stored (encrypted) value at a path of a database document. */
function storedValue(doc: Json, path: string): string | undefined {
  const spot = locate(doc, path);
  if (!spot) return undefined;
  let value = spot.parent[spot.key];
  if (isObject(value)) value = value.NewValue ?? value.Value ?? null;
  return typeof value === "string" && ENCRYPTED.test(value) ? value : undefined;
}

/** Decrypts every secret of the inventory that the database holds. */
export async function secretsFromDatabase(
  rows: DocumentRows,
  inventory: readonly SecretEntry[],
  masterKey: string,
): Promise<DbSecrets> {
  // `<Type>/<Id>.json`
  const typeOf = (e: SecretEntry) => e.document.slice(0, e.document.indexOf("/"));
  const idOf = (e: SecretEntry) => e.document.slice(e.document.indexOf("/") + 1).replace(/\.json$/, "");
  const byType = new Map<string, SecretEntry[]>();
  for (const e of inventory) {
    const list = byType.get(typeOf(e));
    if (list) list.push(e);
    else byType.set(typeOf(e), [e]);
  }
  const values = new Map<string, string>();
  const notFound: SecretEntry[] = [];
  for (const [type, entries] of [...byType].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const table = SECRET_TABLES[type];
    if (!table) {
      notFound.push(...entries);
      continue;
    }
    const found = await rows.json(table, [...new Set(entries.map(idOf))]);
    for (const e of entries) {
      const text = found.get(idOf(e));
      let stored: string | undefined;
      if (text !== undefined) {
        try {
          stored = storedValue(JSON.parse(text) as Json, e.path);
        } catch {
          throw new OctoportError(
            `the database row of ${e.document} is not JSON; is this an Octopus database?`,
          );
        }
      }
      if (stored === undefined) notFound.push(e);
      else {
        const plain = decryptMasterKeyValue(stored, masterKey);
        registerSecret(plain);
        values.set(secretKey(e.document, e.path), plain);
      }
    }
  }
  return { values, notFound };
}

/** The master key from its file: base64, surrounding white space ignored. */
export async function readMasterKey(file: string): Promise<string> {
  let text: string;
  try {
    text = (await readFile(file, "utf8")).trim();
  } catch (err) {
    throw new OctoportError(
      `cannot read the master key file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text))
    throw new OctoportError(`${file} does not hold a base64 master key (Octopus Manager > View Master Key)`);
  registerSecret(text);
  return text;
}

// ---- SQL Server ----------------------------------------------------------------------------

export interface SqlServerConfig {
  server: string;
  port?: number;
  instanceName?: string;
  database: string;
  userName: string;
  password: string;
  encrypt: boolean;
  trustServerCertificate: boolean;
}

const KEYS: Record<string, keyof SqlServerConfig | "integrated"> = {
  server: "server",
  "data source": "server",
  address: "server",
  addr: "server",
  "network address": "server",
  database: "database",
  "initial catalog": "database",
  "user id": "userName",
  uid: "userName",
  user: "userName",
  "user name": "userName",
  password: "password",
  pwd: "password",
  encrypt: "encrypt",
  trustservercertificate: "trustServerCertificate",
  "trust server certificate": "trustServerCertificate",
  "integrated security": "integrated",
  trusted_connection: "integrated",
};

function bool(key: string, value: string): boolean {
  const v = value.toLowerCase();
  if (["true", "yes", "sspi", "mandatory", "strict"].includes(v)) return true;
  if (["false", "no", "optional"].includes(v)) return false;
  throw new OctoportError(`the connection string's ${key} is "${value}"; give true or false`);
}

/**
 * An ADO.NET connection string (`Server=host,1433;Database=Octopus;User Id=u;Password=p`),
 * as Octopus's own configuration holds it. SQL authentication only.
 */
export function parseConnectionString(text: string): SqlServerConfig {
  const out: Partial<SqlServerConfig> = { encrypt: true, trustServerCertificate: false };
  // Values may be quoted ("..." or '...') to hold ';'; a doubled quote is a literal one.
  const re = /\s*([^=;]+?)\s*=\s*("(?:[^"]|"")*"|'(?:[^']|'')*'|[^;]*)\s*(?:;|$)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  for (;;) {
    m = re.exec(text);
    if (!m || m[0] === "") break;
    end = re.lastIndex;
    const key = m[1]!.toLowerCase().replace(/\s+/g, " ");
    let value = m[2]!.trim();
    if (/^".*"$/s.test(value)) value = value.slice(1, -1).replace(/""/g, '"');
    else if (/^'.*'$/s.test(value)) value = value.slice(1, -1).replace(/''/g, "'");
    const field = KEYS[key];
    if (field === "integrated") {
      if (bool(m[1]!, value))
        throw new OctoportError(
          "the connection string asks for Windows authentication; give a SQL login (User Id and Password)",
        );
    } else if (field === "encrypt" || field === "trustServerCertificate") out[field] = bool(m[1]!, value);
    else if (field === "server") {
      const server = value.replace(/^tcp:/i, "");
      const [hostPart, port] = server.split(",");
      const [host, instance] = hostPart!.split("\\");
      out.server = host === "." || host?.toLowerCase() === "(local)" ? "localhost" : host;
      if (instance) out.instanceName = instance;
      if (port !== undefined) {
        const n = Number(port);
        if (!Number.isInteger(n) || n < 1 || n > 65535)
          throw new OctoportError(`the connection string's port "${port}" is not a port number`);
        out.port = n;
      }
    } else if (field) out[field] = value as never;
  }
  if (end < text.trim().length) throw new OctoportError("the connection string is not Key=Value;Key=Value");
  for (const [field, name] of [
    ["server", "Server"],
    ["database", "Database"],
    ["userName", "User Id"],
    ["password", "Password"],
  ] as const)
    if (!out[field]) throw new OctoportError(`the connection string has no ${name}`);
  registerSecret(out.password);
  return out as SqlServerConfig;
}

/** Rows from a SQL Server through tedious: parameterised reads of `[JSON]` by `Id`. */
export async function connectSqlServer(config: SqlServerConfig, timeoutMs = 15_000): Promise<DocumentRows> {
  const { Connection, Request, TYPES } = await import("tedious");
  const connection = new Connection({
    server: config.server,
    authentication: { type: "default", options: { userName: config.userName, password: config.password } },
    options: {
      database: config.database,
      port: config.instanceName ? undefined : (config.port ?? 1433),
      instanceName: config.instanceName,
      encrypt: config.encrypt,
      trustServerCertificate: config.trustServerCertificate,
      connectTimeout: timeoutMs,
      rowCollectionOnRequestCompletion: true,
    },
  });
  await new Promise<void>((resolve, reject) => {
    connection.on("connect", (err) => (err ? reject(err) : resolve()));
    connection.connect();
  }).catch((err: Error) => {
    throw new OctoportError(
      `cannot connect to the source database on ${config.server}${config.port ? `,${config.port}` : ""}: ${err.message.split("\n")[0]}; check --source-db`,
    );
  });
  const query = (table: string, ids: readonly string[]) =>
    new Promise<Map<string, string>>((resolve, reject) => {
      const names = ids.map((_, i) => `@id${i}`);
      const request = new Request(
        `SELECT [Id], [JSON] FROM [dbo].[${table}] WHERE [Id] IN (${names.join(", ")})`,
        (err, _count, rows) => {
          if (err)
            reject(new OctoportError(`reading ${table} from the source database failed: ${err.message}`));
          else
            resolve(
              new Map(
                (rows ?? []).map((r: Array<{ value: unknown }>) => [
                  String(r[0]!.value),
                  String(r[1]!.value),
                ]),
              ),
            );
        },
      );
      ids.forEach((id, i) => {
        request.addParameter(`id${i}`, TYPES.NVarChar, id);
      });
      connection.execSql(request);
    });
  return {
    async json(table, ids) {
      if (!/^[A-Za-z]+$/.test(table)) throw new OctoportError(`not a table name: ${table}`);
      const out = new Map<string, string>();
      // One statement at a time on a connection; at most 500 parameters each.
      for (let i = 0; i < ids.length; i += 500)
        for (const [k, v] of await query(table, ids.slice(i, i + 500))) out.set(k, v);
      return out;
    },
    async close() {
      connection.close();
    },
  };
}
