import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { unzipSync, zipSync } from "fflate";
import type { Engine } from "./engine.js";
import { ApiError, badRequest } from "./errors.js";
import { isObject } from "./resources/common.js";
import { RESOURCE_DEFS } from "./resources/index.js";
import type { Json, JsonObject } from "./secrets.js";

/**
 * The Migration API (docs/migrate.md): POST /api/migrations/partialexport queues a task that
 * exports projects with their dependencies into a package (sensitive values encrypted with
 * the password, optionally the whole package too) and pushes it to a destination server's
 * built-in feed; POST /api/migrations/import queues a task that imports such a package from
 * this server's built-in feed, matching by name, skipping or overwriting, in one
 * all-or-nothing step. The server is in maintenance mode while a task runs. Callbacks are
 * called with GET. Tasks are served at /api/tasks, their logs at /api/tasks/{id}/raw.
 *
 * This is the sandbox's own implementation of a migrator: it shares no code with octoport's.
 */

const PACKAGE_MAGIC = Buffer.from("SANDBOX-MIGRATION-PACKAGE\n");

interface ExportRequest {
  Password?: string;
  Projects?: string[];
  PackageId?: string;
  PackageVersion?: string;
  IgnoreCertificates?: boolean;
  IgnoreMachines?: boolean;
  IgnoreDeployments?: boolean;
  IgnoreTenants?: boolean;
  IncludeTaskLogs?: boolean;
  EncryptPackage?: boolean;
  DestinationApiKey?: string;
  DestinationPackageFeed?: string;
  DestinationPackageFeedSpaceId?: string;
  SuccessCallbackUri?: string;
  FailureCallbackUri?: string;
  SpaceId?: string;
}

interface ImportRequest {
  Password?: string;
  PackageId?: string;
  PackageVersion?: string;
  DestinationPackageFeedSpaceId?: string;
  IsEncryptedPackage?: boolean;
  IsDryRun?: boolean;
  OverwriteExisting?: boolean;
  DeletePackageOnCompletion?: boolean;
  SuccessCallbackUri?: string;
  FailureCallbackUri?: string;
}

/** Types in the order an import writes them (each only refers to types before it). */
const ORDER = RESOURCE_DEFS.filter((d) => d.scope === "space" && d.type !== "Packages").map((d) => d.type);
/** Owned by another document: written into the one its owner got. */
const OWNED: Record<string, { owner: string; field: string }> = {
  VariableSets: { owner: "OwnerId", field: "VariableSetId" },
  DeploymentProcesses: { owner: "ProjectId", field: "DeploymentProcessId" },
  RunbookProcesses: { owner: "RunbookId", field: "RunbookProcessId" },
};

export class MigrationService {
  maintenance = false;
  private readonly logs = new Map<string, string[]>();
  private readonly packageBytes = new Map<string, Uint8Array>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly engine: Engine,
    private readonly version: string,
    private readonly stepMs = 30,
  ) {}

  /** POST /api/migrations/partialexport */
  partialExport(body: JsonObject | undefined): JsonObject {
    const req = (body ?? {}) as ExportRequest;
    if (!req.Password) throw badRequest("Password is required.");
    if (!Array.isArray(req.Projects) || req.Projects.length === 0)
      throw badRequest("At least one project is required.");
    const spaceId = req.SpaceId ?? this.defaultSpace();
    const packageId = req.PackageId || "Octopus.Space.Migration";
    const packageVersion = req.PackageVersion || `1.0.0-${randomBytes(4).toString("hex")}`;
    const task = this.createTask("Migration", `Partial export of ${req.Projects.join(", ")}`, spaceId);
    this.schedule(
      task,
      async (log) => {
        const pkg = this.exportPackage(spaceId, req, log);
        if (req.DestinationPackageFeed) {
          await pushPackage(req, packageId, packageVersion, pkg);
          log(`Pushed ${packageId}.${packageVersion}.zip to ${req.DestinationPackageFeed}`);
        } else {
          this.storePackage(spaceId, packageId, packageVersion, pkg);
          log(`Stored ${packageId}.${packageVersion}.zip in this server's built-in feed`);
        }
      },
      { success: req.SuccessCallbackUri, failure: req.FailureCallbackUri, packageId, packageVersion },
    );
    return {
      ...req,
      Password: null,
      DestinationApiKey: null,
      PackageId: packageId,
      PackageVersion: packageVersion,
      TaskId: task,
    };
  }

  /** POST /api/migrations/import */
  import(body: JsonObject | undefined): JsonObject {
    const req = (body ?? {}) as ImportRequest;
    if (!req.Password) throw badRequest("Password is required.");
    if (!req.PackageId || !req.PackageVersion) throw badRequest("PackageId and PackageVersion are required.");
    const feedSpace = req.DestinationPackageFeedSpaceId ?? this.defaultSpace();
    const task = this.createTask(
      "Migration",
      `Import of ${req.PackageId}.${req.PackageVersion}${truthy(req.IsDryRun) ? " (dry run)" : ""}`,
      feedSpace,
    );
    this.schedule(
      task,
      async (log) => {
        const id = packageDocId(req.PackageId!, req.PackageVersion!);
        const bytes = this.packageBytes.get(`${feedSpace}/${id}`);
        if (!bytes)
          throw new Error(
            `Package ${req.PackageId} ${req.PackageVersion} is not in the built-in feed of ${feedSpace}.`,
          );
        const files = openPackage(bytes, req.Password!, truthy(req.IsEncryptedPackage));
        this.importPackage(files, req.Password!, truthy(req.IsDryRun), truthy(req.OverwriteExisting), log);
        if (truthy(req.DeletePackageOnCompletion) && !truthy(req.IsDryRun)) {
          this.packageBytes.delete(`${feedSpace}/${id}`);
          this.engine.store.delete("Packages", id);
          log(`Deleted the package ${req.PackageId} ${req.PackageVersion}`);
        }
      },
      {
        success: req.SuccessCallbackUri,
        failure: req.FailureCallbackUri,
        packageId: req.PackageId,
        packageVersion: req.PackageVersion,
      },
    );
    return { ...req, Password: null, TaskId: task };
  }

  /** The raw log of a task. */
  log(taskId: string): string {
    const lines = this.logs.get(taskId);
    if (!lines) throw new ApiError(404, `The resource '${taskId}' was not found.`);
    return `${lines.join("\n")}\n`;
  }

  /** POST /api/{space}/packages/raw: a package uploaded into the built-in feed. */
  async upload(spaceId: string, contentType: string, raw: Buffer): Promise<JsonObject> {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
    } catch {
      throw badRequest("The request is not a multipart/form-data upload.");
    }
    const entries: unknown[] = [];
    form.forEach((v) => {
      entries.push(v);
    });
    const file = entries.find((v): v is File => typeof v === "object" && v !== null);
    if (!file) throw badRequest("No package file was uploaded.");
    const m = /^(.+?)\.(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)\.zip$/.exec(file.name);
    if (!m) throw badRequest(`The file name ${file.name} is not <PackageId>.<Version>.zip.`);
    return this.storePackage(spaceId, m[1]!, m[2]!, new Uint8Array(await file.arrayBuffer()));
  }

  private storePackage(spaceId: string, packageId: string, version: string, bytes: Uint8Array): JsonObject {
    const id = packageDocId(packageId, version);
    if (this.packageBytes.has(`${spaceId}/${id}`))
      throw badRequest(`The package ${packageId} ${version} already exists.`);
    this.packageBytes.set(`${spaceId}/${id}`, bytes);
    return this.engine.store.put("Packages", {
      Id: id,
      SpaceId: spaceId,
      PackageId: packageId,
      Version: version,
      FeedId: "feeds-builtin",
      Title: packageId,
      PackageSizeBytes: bytes.length,
      Published: new Date().toISOString(),
    });
  }

  private defaultSpace(): string {
    const spaces = this.engine.store.all("Spaces");
    return String((spaces.find((s) => s.IsDefault === true) ?? spaces[0])?.Id ?? "Spaces-1");
  }

  private createTask(name: string, description: string, spaceId: string): string {
    const id = this.engine.store.nextId("ServerTasks");
    this.engine.store.put("Tasks", {
      Id: id,
      Name: name,
      Description: description,
      SpaceId: spaceId,
      State: "Queued",
      QueueTime: new Date().toISOString(),
      StartTime: null,
      CompletedTime: null,
      IsCompleted: false,
      FinishedSuccessfully: false,
      HasWarningsOrErrors: false,
      ErrorMessage: "",
      Duration: "",
    });
    this.logs.set(id, [`Task ${id} queued: ${description}`]);
    return id;
  }

  private update(id: string, fields: JsonObject): void {
    const task = this.engine.store.get("Tasks", id)!;
    this.engine.store.put("Tasks", { ...task, ...fields });
  }

  /** Runs a task after the ones before it, in maintenance mode, and calls back. */
  private schedule(
    id: string,
    work: (log: (line: string) => void) => Promise<void>,
    callbacks: { success?: string; failure?: string; packageId?: string; packageVersion?: string },
  ): void {
    const log = (line: string) => this.logs.get(id)!.push(line);
    this.queue = this.queue.then(async () => {
      await new Promise((r) => setTimeout(r, this.stepMs));
      this.update(id, { State: "Executing", StartTime: new Date().toISOString() });
      this.maintenance = true;
      log("The server is in maintenance mode while the migration runs");
      let ok = true;
      try {
        await new Promise((r) => setTimeout(r, this.stepMs));
        await work(log);
      } catch (err) {
        ok = false;
        const message = err instanceof Error ? err.message : String(err);
        log(`Error: ${message}`);
        this.update(id, { ErrorMessage: message });
      } finally {
        this.maintenance = false;
        log("The server left maintenance mode");
      }
      this.update(id, {
        State: ok ? "Success" : "Failed",
        IsCompleted: true,
        FinishedSuccessfully: ok,
        HasWarningsOrErrors: !ok,
        CompletedTime: new Date().toISOString(),
      });
      const uri = ok ? callbacks.success : callbacks.failure;
      if (uri) {
        const query = ok
          ? `packageId=${encodeURIComponent(callbacks.packageId ?? "")}&packageVersion=${encodeURIComponent(callbacks.packageVersion ?? "")}`
          : "";
        const target = query ? `${uri}${uri.includes("?") ? "&" : "?"}${query}` : uri;
        try {
          await fetch(target);
          log(`Called ${ok ? "success" : "failure"} callback ${uri}`);
        } catch (err) {
          log(`The ${ok ? "success" : "failure"} callback ${uri} failed: ${(err as Error).message}`);
        }
      }
    });
  }

  // ---- export ------------------------------------------------------------------------------

  private exportPackage(spaceId: string, req: ExportRequest, log: (line: string) => void): Uint8Array {
    const store = this.engine.store;
    const space = store.get("Spaces", spaceId);
    if (!space) throw new Error(`Space ${spaceId} does not exist.`);
    const projects = this.engine.docs("Projects", spaceId);
    const start = (req.Projects ?? []).map((name) => {
      const p = projects.find((x) => x.Name === name || x.Id === name);
      if (!p) throw new Error(`Project '${name}' was not found in space ${String(space.Name)}.`);
      return p;
    });
    const skip = new Set<string>();
    if (truthy(req.IgnoreCertificates)) skip.add("Certificates");
    if (truthy(req.IgnoreMachines)) for (const t of ["Machines", "Workers"]) skip.add(t);
    if (truthy(req.IgnoreTenants)) for (const t of ["Tenants", "TenantVariables"]) skip.add(t);
    if (truthy(req.IgnoreDeployments)) for (const t of ["Releases", "Deployments"]) skip.add(t);
    const tagSets = new Map(this.engine.docs("TagSets", spaceId).map((t) => [String(t.Name), String(t.Id)]));
    const chosen = new Map<string, { type: string; doc: JsonObject }>();
    const queue = start.map((p) => String(p.Id));
    const typed = (id: string) => {
      for (const type of ORDER) {
        const doc = store.get(type, id, spaceId);
        if (doc && doc.SpaceId === spaceId) return { type, doc };
      }
      return undefined;
    };
    while (queue.length) {
      const id = queue.pop()!;
      if (chosen.has(id)) continue;
      const found = typed(id);
      if (!found || skip.has(found.type)) continue;
      chosen.set(id, found);
      walkStrings(found.doc, (s) => {
        if (!chosen.has(s) && typed(s)) queue.push(s);
        // Tags are referred to by canonical name, "Tag set/Tag".
        const slash = s.indexOf("/");
        const tagSet = slash > 0 ? tagSets.get(s.slice(0, slash)) : undefined;
        if (tagSet) queue.push(tagSet);
      });
      if (found.type === "Projects") {
        for (const type of ["Channels", "Runbooks", "ProjectTriggers", "Releases", "Deployments"]) {
          for (const d of this.engine.docs(type, spaceId)) if (d.ProjectId === id) queue.push(String(d.Id));
        }
        if (!skip.has("Tenants"))
          for (const t of this.engine.docs("Tenants", spaceId))
            if (isObject(t.ProjectEnvironments) && id in t.ProjectEnvironments) queue.push(String(t.Id));
      }
      if (found.type === "Runbooks" && typeof found.doc.RunbookProcessId === "string")
        queue.push(found.doc.RunbookProcessId);
      if (found.type === "Tenants") {
        const tv = store.all("TenantVariables").find((v) => v.TenantId === id);
        if (tv && !skip.has("TenantVariables"))
          chosen.set(String(tv.Id), { type: "TenantVariables", doc: tv });
      }
    }
    const files: Record<string, Uint8Array> = {};
    const secrets: Record<string, Record<string, string>> = {};
    for (const [id, { type }] of chosen) {
      const revealed = store.reveal(type, id, spaceId) as JsonObject;
      const { doc, found } = withoutSecrets(revealed);
      files[`${type}/${id}.json`] = Buffer.from(JSON.stringify(doc, null, 2));
      if (Object.keys(found).length) secrets[`${type}/${id}`] = found;
      log(`Exported ${type} ${String(doc.Name ?? id)}`);
    }
    const metadata = {
      ServerVersion: this.version,
      SpaceName: space.Name ?? null,
      Projects: req.Projects ?? [],
      IncludeTaskLogs: truthy(req.IncludeTaskLogs),
    };
    files["metadata.json"] = Buffer.from(JSON.stringify(metadata, null, 2));
    files["secrets.bin"] = encrypt(Buffer.from(JSON.stringify(secrets)), req.Password!);
    const zip = zipSync(files);
    log(`Exported ${chosen.size} documents`);
    return truthy(req.EncryptPackage) ? Buffer.concat([PACKAGE_MAGIC, encrypt(zip, req.Password!)]) : zip;
  }

  // ---- import ------------------------------------------------------------------------------

  private importPackage(
    files: Map<string, string>,
    password: string,
    dryRun: boolean,
    overwrite: boolean,
    log: (line: string) => void,
  ): void {
    const metadata = JSON.parse(files.get("metadata.json") ?? "{}") as {
      ServerVersion?: string;
      SpaceName?: string;
    };
    if (metadata.ServerVersion !== this.version)
      throw new Error(
        `The package is from Octopus ${metadata.ServerVersion}; this server runs ${this.version}. Both must run the same version.`,
      );
    const space = this.engine.store.all("Spaces").find((s) => s.Name === metadata.SpaceName);
    if (!space) throw new Error(`This server has no space named '${metadata.SpaceName}' to import into.`);
    const spaceId = String(space.Id);
    const secretsText = files.get("secrets.bin");
    const secrets = secretsText
      ? (JSON.parse(decrypt(Buffer.from(secretsText, "latin1"), password).toString("utf8")) as Record<
          string,
          Record<string, string>
        >)
      : {};
    const docs: Array<{ type: string; id: string; doc: JsonObject }> = [];
    for (const [path, text] of files) {
      const m = /^([A-Za-z]+)\/(.+)\.json$/.exec(path);
      if (m) docs.push({ type: m[1]!, id: m[2]!, doc: JSON.parse(text) as JsonObject });
    }
    docs.sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type) || a.id.localeCompare(b.id));
    const restore = this.engine.store.checkpoint();
    const ids = new Map<string, string>();
    const created = new Set<string>();
    const names = new Map<string, string>();
    for (const d of docs) names.set(d.id, String(d.doc.Name ?? d.id));
    try {
      for (const { type, id, doc } of docs) {
        if (type === "Deployments" || (type === "TenantVariables" && !ids.has(String(doc.TenantId))))
          continue;
        const full = withSecrets(doc, secrets[`${type}/${id}`] ?? {});
        const body = remap(full, ids) as JsonObject;
        delete body.Id;
        delete body.Links;
        body.SpaceId = spaceId;
        const owned = OWNED[type];
        if (owned) {
          const ownerId = ids.get(String(doc[owned.owner]));
          const owner = ownerId
            ? (this.engine.store.find(ownerId)?.doc as JsonObject | undefined)
            : undefined;
          const targetId = owner?.[owned.field];
          if (typeof targetId !== "string") continue;
          ids.set(id, targetId);
          const current = this.engine.store.find(targetId)?.doc as JsonObject;
          const ownerCreated = created.has(String(ownerId));
          if (!ownerCreated && !overwrite) {
            log(`Skipped ${type} of ${names.get(String(doc[owned.owner])) ?? ""} (exists)`);
            continue;
          }
          let variables = body.Variables;
          if (type === "VariableSets" && !ownerCreated) {
            // Variable sets are merged: variables only this server has are kept.
            const incoming = (Array.isArray(body.Variables) ? body.Variables : []) as JsonObject[];
            const key = (v: JsonObject) => `${String(v.Name)}|${JSON.stringify(v.Scope ?? {})}`;
            const seen = new Set(incoming.map(key));
            variables = [
              ...incoming,
              ...((current.Variables ?? []) as JsonObject[]).filter((v) => !seen.has(key(v))),
            ];
          }
          this.engine.update(type, spaceId, targetId, {
            ...body,
            ...(variables ? { Variables: variables } : {}),
            Id: targetId,
            Version: current.Version ?? null,
            [owned.owner]: current[owned.owner] ?? null,
          });
          log(
            `${ownerCreated ? "Wrote" : "Overwrote"} ${type} of ${names.get(String(doc[owned.owner])) ?? ""}`,
          );
          continue;
        }
        if (type === "TenantVariables") {
          const tenantId = ids.get(String(doc.TenantId))!;
          const current = this.engine.store.all("TenantVariables").find((v) => v.TenantId === tenantId);
          if (current)
            this.engine.update(type, spaceId, String(current.Id), {
              ...body,
              Id: current.Id ?? null,
              TenantId: tenantId,
            });
          continue;
        }
        const match = this.counterpart(type, doc, spaceId, ids);
        if (match) {
          ids.set(id, String(match.Id));
          // Made along with a project this import created (its Default channel): part of it.
          const withNewOwner = typeof doc.ProjectId === "string" && created.has(ids.get(doc.ProjectId) ?? "");
          if (!overwrite && !withNewOwner) {
            log(`Skipped ${type} ${names.get(id)} (exists)`);
            continue;
          }
          this.engine.update(type, spaceId, String(match.Id), {
            ...body,
            Id: match.Id ?? null,
            Version: match.Version ?? null,
          });
          log(`Overwrote ${type} ${names.get(id)}`);
          continue;
        }
        const made = this.engine.create(type, spaceId, body);
        ids.set(id, String(made.Id));
        created.add(String(made.Id));
        log(`Created ${type} ${names.get(id)}`);
      }
    } catch (err) {
      restore();
      throw new Error(
        `The import was rolled back: ${err instanceof ApiError ? err.errors.join("; ") || err.message : (err as Error).message}`,
      );
    }
    if (dryRun) {
      restore();
      log("Dry run: nothing was committed");
    } else {
      log("Committed the import");
    }
  }

  /** The document here that `doc` of the package is: by name, within its project or tenant. */
  private counterpart(
    type: string,
    doc: JsonObject,
    spaceId: string,
    ids: Map<string, string>,
  ): JsonObject | undefined {
    const candidates = this.engine.docs(type, spaceId);
    if (type === "Releases")
      return candidates.find(
        (d) => d.ProjectId === ids.get(String(doc.ProjectId)) && d.Version === doc.Version,
      );
    if (typeof doc.ProjectId === "string" && ["Channels", "Runbooks", "ProjectTriggers"].includes(type))
      return candidates.find((d) => d.ProjectId === ids.get(String(doc.ProjectId)) && d.Name === doc.Name);
    return candidates.find((d) => d.Name === doc.Name);
  }
}

function truthy(v: unknown): boolean {
  return v === true || v === "true" || v === "True";
}

function packageDocId(packageId: string, version: string): string {
  return `packages-${packageId}.${version}`;
}

function walkStrings(value: Json, visit: (s: string) => void): void {
  if (typeof value === "string") visit(value);
  else if (Array.isArray(value)) for (const v of value) walkStrings(v, visit);
  else if (isObject(value))
    for (const [k, v] of Object.entries(value)) {
      visit(k);
      walkStrings(v, visit);
    }
}

/** A revealed document with its secrets taken out (by path), as the package keeps them apart. */
function withoutSecrets(doc: JsonObject): { doc: JsonObject; found: Record<string, string> } {
  const found: Record<string, string> = {};
  const strip = (value: Json, path: string): Json => {
    if (isObject(value) && "HasValue" in value && typeof value.NewValue === "string") {
      found[path] = value.NewValue;
      return { HasValue: true, NewValue: null };
    }
    if (Array.isArray(value))
      return value.map((v, i) => {
        const seg = isObject(v) && typeof v.Id === "string" ? `[Id=${v.Id}]` : `[${i}]`;
        if (isObject(v) && v.IsSensitive === true && typeof v.Value === "string") {
          found[`${path}${seg}.Value`] = v.Value;
          return strip({ ...v, Value: null }, `${path}${seg}`);
        }
        return strip(v, `${path}${seg}`);
      });
    if (isObject(value)) {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) out[k] = strip(v, path ? `${path}.${k}` : k);
      return out;
    }
    return value;
  };
  return { doc: strip(doc, "") as JsonObject, found };
}

/** Puts the secrets back, in the form a client writes them. */
function withSecrets(doc: JsonObject, secrets: Record<string, string>): JsonObject {
  const put = (value: Json, path: string): Json => {
    if (isObject(value) && "HasValue" in value && path in secrets)
      return { HasValue: true, NewValue: secrets[path]! };
    if (Array.isArray(value))
      return value.map((v, i) => {
        const seg = isObject(v) && typeof v.Id === "string" ? `[Id=${v.Id}]` : `[${i}]`;
        if (isObject(v) && `${path}${seg}.Value` in secrets)
          return { ...v, Value: secrets[`${path}${seg}.Value`]! };
        return put(v, `${path}${seg}`);
      });
    if (isObject(value)) {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) out[k] = put(v, path ? `${path}.${k}` : k);
      return out;
    }
    return value;
  };
  return put(doc, "") as JsonObject;
}

function remap(value: Json, ids: Map<string, string>): Json {
  if (typeof value === "string") return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => remap(v, ids));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[ids.get(k) ?? k] = remap(v, ids);
    return out;
  }
  return value;
}

function encrypt(data: Buffer | Uint8Array, password: string): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = scryptSync(password, salt, 32);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(data), cipher.final()]);
  return Buffer.concat([salt, iv, cipher.getAuthTag(), body]);
}

function decrypt(data: Buffer, password: string): Buffer {
  const key = scryptSync(password, data.subarray(0, 16), 32);
  const decipher = createDecipheriv("aes-256-gcm", key, data.subarray(16, 28));
  decipher.setAuthTag(data.subarray(28, 44));
  try {
    return Buffer.concat([decipher.update(data.subarray(44)), decipher.final()]);
  } catch {
    throw new Error("The password does not open the package (or the package is damaged).");
  }
}

function openPackage(bytes: Uint8Array, password: string, encrypted: boolean): Map<string, string> {
  let zip: Uint8Array = Buffer.from(bytes);
  const sealed = Buffer.from(zip.subarray(0, PACKAGE_MAGIC.length)).equals(PACKAGE_MAGIC);
  if (sealed && !encrypted) throw new Error("The package is encrypted; set IsEncryptedPackage.");
  if (sealed) zip = decrypt(Buffer.from(zip.subarray(PACKAGE_MAGIC.length)), password);
  const entries = unzipSync(zip);
  return new Map(
    Object.entries(entries).map(([k, v]) => [
      k,
      Buffer.from(v).toString(k.endsWith(".bin") ? "latin1" : "utf8"),
    ]),
  );
}

async function pushPackage(
  req: ExportRequest,
  packageId: string,
  version: string,
  pkg: Uint8Array,
): Promise<void> {
  const space = req.DestinationPackageFeedSpaceId ?? "Spaces-1";
  const form = new FormData();
  form.append("fileToUpload", new Blob([new Uint8Array(pkg)]), `${packageId}.${version}.zip`);
  const res = await fetch(`${req.DestinationPackageFeed!.replace(/\/+$/, "")}/api/${space}/packages/raw`, {
    method: "POST",
    headers: { "X-Octopus-ApiKey": req.DestinationApiKey ?? "" },
    body: form,
  });
  if (!res.ok) throw new Error(`The destination refused the package: HTTP ${res.status} ${await res.text()}`);
}
