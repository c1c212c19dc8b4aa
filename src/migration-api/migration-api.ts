import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { OctopusClient } from "../octopus/client.js";
import { OctoportError } from "../util/errors.js";
import { registerSecret } from "../util/redact.js";

/**
 * The Octopus Server's Migration API (docs/migrate.md): POST /api/migrations/partialexport and
 * /api/migrations/import each queue a server task that runs the migrator on the server; we
 * poll /api/tasks/{id} until it completes and read its log from /api/tasks/{id}/raw.
 */

export interface PartialExportParams {
  password: string;
  projects: string[];
  /** The space the projects are in (an ID). */
  spaceId?: string;
  packageId?: string;
  packageVersion?: string;
  ignoreCertificates?: boolean;
  ignoreMachines?: boolean;
  ignoreDeployments?: boolean;
  ignoreTenants?: boolean;
  includeTaskLogs?: boolean;
  encryptPackage?: boolean;
  /** Base URL of the server whose built-in feed receives the package. */
  destinationPackageFeed?: string;
  destinationApiKey?: string;
  /** The space (ID) of the destination's built-in feed. */
  destinationPackageFeedSpaceId?: string;
  successCallbackUri?: string;
  failureCallbackUri?: string;
}

export interface ImportParams {
  password: string;
  packageId: string;
  packageVersion: string;
  /** The space (ID) whose built-in feed holds the package; the data names its own space. */
  destinationPackageFeedSpaceId?: string;
  isEncryptedPackage?: boolean;
  isDryRun?: boolean;
  overwriteExisting?: boolean;
  deletePackageOnCompletion?: boolean;
  successCallbackUri?: string;
  failureCallbackUri?: string;
}

const queuedSchema = z
  .object({ TaskId: z.string(), PackageId: z.string().nullish(), PackageVersion: z.string().nullish() })
  .passthrough();

export const taskSchema = z
  .object({
    Id: z.string(),
    State: z.string(),
    Description: z.string().nullish(),
    IsCompleted: z.boolean().nullish(),
    FinishedSuccessfully: z.boolean().nullish(),
    HasWarningsOrErrors: z.boolean().nullish(),
    ErrorMessage: z.string().nullish(),
  })
  .passthrough();
export type ServerTask = z.infer<typeof taskSchema>;

export const DEFAULT_PACKAGE_ID = "Octopus.Space.Migration";

/** A version for a package when none is given: SemVer, unique enough to never collide. */
export function generatedPackageVersion(): string {
  return `1.0.0-${randomBytes(4).toString("hex")}`;
}

/** Drops unset fields so the server applies its own defaults. */
function body(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== ""));
}

/** Queues a partial export; the task ID and the package it will make. */
export async function queuePartialExport(
  client: OctopusClient,
  p: PartialExportParams,
): Promise<{ taskId: string; packageId: string; packageVersion: string }> {
  registerSecret(p.password);
  registerSecret(p.destinationApiKey);
  if (p.projects.length === 0) throw new OctoportError("a partial export needs at least one project");
  const packageId = p.packageId || DEFAULT_PACKAGE_ID;
  const packageVersion = p.packageVersion || generatedPackageVersion();
  const res = await client.post(
    "/api/migrations/partialexport",
    body({
      Password: p.password,
      Projects: p.projects,
      SpaceId: p.spaceId,
      PackageId: packageId,
      PackageVersion: packageVersion,
      IgnoreCertificates: p.ignoreCertificates,
      IgnoreMachines: p.ignoreMachines,
      IgnoreDeployments: p.ignoreDeployments,
      IgnoreTenants: p.ignoreTenants,
      IncludeTaskLogs: p.includeTaskLogs,
      EncryptPackage: p.encryptPackage,
      DestinationApiKey: p.destinationApiKey,
      DestinationPackageFeed: p.destinationPackageFeed,
      DestinationPackageFeedSpaceId: p.destinationPackageFeedSpaceId,
      SuccessCallbackUri: p.successCallbackUri,
      FailureCallbackUri: p.failureCallbackUri,
    }),
    queuedSchema,
  );
  return {
    taskId: res.TaskId,
    packageId: res.PackageId ?? packageId,
    packageVersion: res.PackageVersion ?? packageVersion,
  };
}

/** Queues an import of a package in the server's built-in feed; the task ID. */
export async function queueImport(client: OctopusClient, p: ImportParams): Promise<string> {
  registerSecret(p.password);
  const res = await client.post(
    "/api/migrations/import",
    body({
      Password: p.password,
      PackageId: p.packageId,
      PackageVersion: p.packageVersion,
      DestinationPackageFeedSpaceId: p.destinationPackageFeedSpaceId,
      IsEncryptedPackage: p.isEncryptedPackage,
      IsDryRun: p.isDryRun,
      OverwriteExisting: p.overwriteExisting,
      DeletePackageOnCompletion: p.deletePackageOnCompletion,
      SuccessCallbackUri: p.successCallbackUri,
      FailureCallbackUri: p.failureCallbackUri,
    }),
    queuedSchema,
  );
  return res.TaskId;
}

export interface WaitOptions {
  /** Milliseconds between polls. */
  intervalMs?: number;
  /** Give up after this many milliseconds. */
  timeoutMs?: number;
  /** Called on every poll with the task. */
  onPoll?: (task: ServerTask, elapsedMs: number) => void;
}

/** Polls a task until it completes (or the timeout passes); the completed task. */
export async function waitForTask(
  client: OctopusClient,
  taskId: string,
  options: WaitOptions = {},
): Promise<ServerTask> {
  const interval = options.intervalMs ?? 5000;
  const timeout = options.timeoutMs ?? 3_600_000;
  const started = Date.now();
  for (;;) {
    const task = await client.get(`/api/tasks/${encodeURIComponent(taskId)}`, taskSchema);
    const elapsed = Date.now() - started;
    options.onPoll?.(task, elapsed);
    if (task.IsCompleted || ["Success", "Failed", "Canceled", "TimedOut"].includes(task.State)) return task;
    if (elapsed > timeout)
      throw new OctoportError(
        `task ${taskId} is still ${task.State} after ${Math.round(elapsed / 1000)} s; follow it in the Octopus web portal or raise --timeout`,
      );
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** The task's raw log. */
export async function taskLog(client: OctopusClient, taskId: string): Promise<string> {
  return client.getText(`/api/tasks/${encodeURIComponent(taskId)}/raw`);
}

/** Whether a completed task is one to stop on: failed, or finished with warnings or errors. */
export function taskProblem(task: ServerTask): string | undefined {
  if (task.State !== "Success" || task.FinishedSuccessfully === false)
    return `task ${task.Id} ${task.State === "Success" ? "did not finish successfully" : `ended ${task.State}`}${task.ErrorMessage ? `: ${task.ErrorMessage}` : ""}`;
  if (task.HasWarningsOrErrors) return `task ${task.Id} finished with warnings or errors; read its log`;
  return undefined;
}
