import { execFile } from "node:child_process";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SYNC_RUNBOOK } from "../../src/bootstrap/root.js";
import type { Sandbox } from "../../src/sandbox/server.js";
import { emptyDestination } from "./flow.js";
import { mirrorConfig, type Tools } from "./harness.js";

/**
 * What the bootstrap conformance tests share: a source built through the REST API, and a
 * runbook's script run as a worker would run it (its `#{Name}` substituted from the source's
 * stored values, sensitive ones revealed in-process, never over HTTP). What this simulates,
 * and what it does not, is in docs/bootstrap.md.
 */

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Values no shell may read: quotes, dollars, backticks, backslashes, a newline. */
export const DB_PASSWORD = `p'a"s$$(rm -rf /)\`x\\y\nz`;
export const TOKEN = "tok-#{not.a.variable}-$HOME";

export async function api(sandbox: Sandbox, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { "X-Octopus-ApiKey": sandbox.apiKey, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function setVariables(sandbox: Sandbox, setId: string, variables: unknown[]) {
  const set = await api(sandbox, "GET", `/api/Spaces-1/variables/${setId}`);
  await api(sandbox, "PUT", `/api/Spaces-1/variables/${setId}`, { ...set, Variables: variables });
}

/** A space with sensitive values in a library set and two projects, made through the API. */
export async function buildSource(): Promise<Sandbox> {
  const s = await emptyDestination("Shop");
  await api(s, "POST", "/api/Spaces-1/environments", { Name: "Production" });
  const lib = await api(s, "POST", "/api/Spaces-1/libraryvariablesets", {
    Name: "Shared",
    ContentType: "Variables",
  });
  await setVariables(s, lib.VariableSetId, [
    { Name: "Shared.Token", Type: "Sensitive", IsSensitive: true, Value: TOKEN },
    { Name: "Shared.Url", Type: "String", Value: "https://shared.example.com" },
  ]);
  const group = (await api(s, "GET", "/api/Spaces-1/projectgroups/all"))[0];
  const lifecycle = (await api(s, "GET", "/api/Spaces-1/lifecycles/all"))[0];
  for (const [name, variables] of [
    [
      "Orders",
      [
        { Name: "Db.Password", Type: "Sensitive", IsSensitive: true, Value: DB_PASSWORD },
        { Name: "Db.Host", Type: "String", Value: "db.internal" },
      ],
    ],
    ["Billing", [{ Name: "Api.Key", Type: "Sensitive", IsSensitive: true, Value: "billing-key-1" }]],
  ] as const) {
    const project = await api(s, "POST", "/api/Spaces-1/projects", {
      Name: name,
      ProjectGroupId: group.Id,
      LifecycleId: lifecycle.Id,
      IncludedLibraryVariableSetIds: [lib.Id],
    });
    await setVariables(s, project.VariableSetId, [...variables]);
  }
  return s;
}

/** The source's values a runbook of `projectId` sees, sensitive ones revealed: project, included sets. */
export function visibleVariables(sandbox: Sandbox, projectId: string): Map<string, string> {
  const out = new Map<string, string>();
  const project = sandbox.reveal("Projects", projectId, "Spaces-1") as Record<string, unknown>;
  const setIds = [
    ...((project.IncludedLibraryVariableSetIds as string[]) ?? []).map(
      (id) =>
        (sandbox.reveal("LibraryVariableSets", id, "Spaces-1") as Record<string, unknown>).VariableSetId,
    ),
    project.VariableSetId,
  ];
  for (const setId of setIds) {
    const set = sandbox.reveal("VariableSets", String(setId), "Spaces-1") as {
      Variables: Array<Record<string, unknown>>;
    };
    for (const v of set.Variables) out.set(String(v.Name), String(v.Value ?? ""));
  }
  return out;
}

/**
 * Octostache's plain `#{Name}`, as Octopus applies it to a script body: a known name is
 * replaced by its value, which is itself evaluated (a variable that refers to another); an
 * unknown one is left as it is.
 */
export function substitute(text: string, values: ReadonlyMap<string, string>, depth = 0): string {
  if (depth > 8) return text;
  return text.replace(/#\{([^}#]+)\}/g, (whole, name: string) => {
    const value = values.get(name.trim());
    return value === undefined ? whole : substitute(value, values, depth + 1);
  });
}

/**
 * The script a runbook's step runs, substituted as Octopus would, for the runbook `runbook` in
 * `project`: a step template's parameters (their defaults, then the step's values), or a
 * plain script step; `system` stands for Octopus's own variables (Octopus.Web.ServerUri...).
 */
export async function runbookScript(
  sandbox: Sandbox,
  project: string,
  options: { runbook?: string; overrides?: Record<string, string>; system?: Record<string, string> } = {},
): Promise<string> {
  const name = options.runbook ?? SYNC_RUNBOOK;
  const projects = (await api(sandbox, "GET", "/api/Spaces-1/projects/all")) as Array<Record<string, string>>;
  const p = projects.find((x) => x.Name === project);
  if (!p) throw new Error(`no project ${project}`);
  const runbooks = (await api(sandbox, "GET", `/api/Spaces-1/projects/${p.Id}/runbooks`)).Items as Array<
    Record<string, string>
  >;
  const runbook = runbooks.find((r) => r.Name === name);
  if (!runbook) throw new Error(`no runbook ${name} in ${project}`);
  const process = await api(sandbox, "GET", `/api/Spaces-1/runbookProcesses/${runbook.RunbookProcessId}`);
  const action = process.Steps[0].Actions[0] as { Properties: Record<string, string> };
  const values = visibleVariables(sandbox, p.Id as string);
  for (const [k, v] of Object.entries(options.system ?? {})) values.set(k, v);
  const templateId = action.Properties["Octopus.Action.Template.Id"];
  let body = action.Properties["Octopus.Action.Script.ScriptBody"] ?? "";
  if (templateId) {
    const template = sandbox.reveal("ActionTemplates", String(templateId), "Spaces-1") as {
      Properties: Record<string, string>;
      Parameters: Array<{ Name: string; DefaultValue: unknown }>;
    };
    for (const param of template.Parameters) {
      const d = param.DefaultValue;
      values.set(
        param.Name,
        typeof d === "string" ? d : String((d as { NewValue?: string } | null)?.NewValue ?? ""),
      );
    }
    body = template.Properties["Octopus.Action.Script.ScriptBody"] ?? "";
  }
  for (const [k, v] of Object.entries(action.Properties)) if (typeof v === "string") values.set(k, v);
  for (const [k, v] of Object.entries(options.overrides ?? {})) values.set(k, v);
  return substitute(body, values);
}

/** The add, change, destroy and import counts of a module's row in octoport apply's table. */
export function changeCount(stdout: string, module: string): number {
  const row = stdout.split("\n").find((l) => l.startsWith(`${module} `));
  if (!row) throw new Error(`no row for ${module} in:\n${stdout}`);
  const [, ...counts] = row.trim().split(/\s+/);
  return counts.slice(0, 4).reduce((n, c) => n + Number(c), 0);
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a script with bash as a worker would: octoport and tofu on the PATH. */
export async function runOnWorker(script: string, t: Tools, work: string): Promise<Run> {
  const bin = join(work, "bin");
  await mkdir(bin, { recursive: true });
  const octoport = join(bin, "octoport");
  await writeFile(
    octoport,
    `#!/bin/sh\nexec "${join(ROOT, "node_modules/.bin/tsx")}" "${join(ROOT, "src/cli/bin.ts")}" "$@"\n`,
  );
  await chmod(octoport, 0o755);
  const rc = await mirrorConfig(t);
  return new Promise((done) => {
    execFile(
      "bash",
      ["-c", script],
      {
        env: {
          PATH: `${bin}:${dirname(t.tofu)}:${process.env.PATH}`,
          HOME: work,
          TF_CLI_CONFIG_FILE: rc,
          TF_IN_AUTOMATION: "1",
          CHECKPOINT_DISABLE: "1",
          OCTOPORT_STATE_DIR: join(work, "state-dir"),
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) =>
        done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
