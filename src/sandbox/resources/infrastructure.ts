import type { ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import type { JsonObject } from "../secrets.js";
import { fill, requireRef } from "./common.js";
import {
  LIFECYCLE_FIELDS,
  MACHINE_POLICY_FIELDS,
  PROJECT_GROUP_FIELDS,
  WORKER_POOL_FIELDS,
} from "./fields.js";

const retention = (): JsonObject => ({
  QuantityToKeep: 30,
  ShouldKeepForever: false,
  Unit: "Days",
  Strategy: "Count",
});

export const projectGroups: ResourceDef = {
  type: "ProjectGroups",
  fields: PROJECT_GROUP_FIELDS,
  collection: "projectgroups",
  idPrefix: "ProjectGroups",
  scope: "space",
  link: "ProjectGroups",
  required: ["Name"],
  slug: true,
  defaults: () => ({ Description: "", EnvironmentIds: [], RetentionPolicyId: null }),
  beforeDelete: (doc, ctx) => {
    if (ctx.engine.inSpace("Projects", ctx.spaceId).some((p) => p.ProjectGroupId === doc.Id)) {
      throw badRequest(`The project group '${String(doc.Name)}' still contains projects.`);
    }
  },
  links: (_doc, self) => ({ Projects: `${self}/projects{?skip,take}` }),
};

export const lifecycles: ResourceDef = {
  type: "Lifecycles",
  fields: LIFECYCLE_FIELDS,
  collection: "lifecycles",
  idPrefix: "Lifecycles",
  scope: "space",
  link: "Lifecycles",
  required: ["Name"],
  slug: true,
  defaults: () => ({
    Description: "",
    Phases: [],
    ReleaseRetentionPolicy: retention(),
    TentacleRetentionPolicy: retention(),
  }),
  normalise: (doc, ctx) => {
    const phases = Array.isArray(doc.Phases) ? (doc.Phases as JsonObject[]) : [];
    phases.forEach((phase, i) => {
      if (!phase || typeof phase !== "object" || typeof phase.Name !== "string" || !phase.Name) {
        throw badRequest(`Phase ${i + 1} needs a name.`);
      }
      phase.Id ||= `${String(doc.Id)}-phase-${i}`;
      phase.AutomaticDeploymentTargets ??= [];
      phase.OptionalDeploymentTargets ??= [];
      phase.MinimumEnvironmentsBeforePromotion ??= 0;
      phase.IsOptionalPhase ??= false;
      phase.IsPriorityPhase ??= false;
      phase.ReleaseRetentionPolicy ??= null;
      phase.TentacleRetentionPolicy ??= null;
      for (const field of ["AutomaticDeploymentTargets", "OptionalDeploymentTargets"]) {
        for (const env of (phase[field] as string[]) ?? [])
          requireRef(ctx, "Environments", env, `Phase '${phase.Name}' ${field}`);
      }
    });
    doc.Phases = phases;
  },
  beforeDelete: (doc, ctx) => {
    if (ctx.engine.inSpace("Projects", ctx.spaceId).some((p) => p.LifecycleId === doc.Id)) {
      throw badRequest(`The lifecycle '${String(doc.Name)}' is used by projects.`);
    }
  },
};

export const machinePolicies: ResourceDef = {
  type: "MachinePolicies",
  fields: MACHINE_POLICY_FIELDS,
  collection: "machinepolicies",
  idPrefix: "MachinePolicies",
  scope: "space",
  link: "MachinePolicies",
  required: ["Name"],
  defaults: () => machinePolicyTemplate(),
  normalise: (doc) => {
    fill(doc, machinePolicyTemplate());
    canonicalTimeSpans(doc);
  },
  beforeDelete: (doc) => {
    if (doc.IsDefault === true) throw badRequest("The default machine policy cannot be deleted.");
  },
};

/** What GET machinepolicies/template returns: a new policy with Octopus's defaults. */
export function machinePolicyTemplate(): JsonObject {
  return {
    Description: "",
    IsDefault: false,
    PollingRequestQueueTimeout: "00:02:00",
    PollingRequestMaximumMessageProcessingTimeout: "00:10:00",
    ConnectionRetrySleepInterval: "00:00:01",
    ConnectionRetryCountLimit: 5,
    ConnectionRetryTimeLimit: "00:05:00",
    ConnectionConnectTimeout: "00:01:00",
    MachineHealthCheckPolicy: {
      HealthCheckInterval: "1.00:00:00",
      HealthCheckCron: null,
      HealthCheckCronTimezone: "UTC",
      HealthCheckType: "RunScript",
      PowerShellHealthCheckPolicy: { RunType: "Inline", ScriptBody: "" },
      BashHealthCheckPolicy: { RunType: "Inline", ScriptBody: "" },
    },
    MachineConnectivityPolicy: { MachineConnectivityBehavior: "ExpectedToBeOnline" },
    MachineCleanupPolicy: {
      DeleteMachinesBehavior: "DoNotDelete",
      DeleteMachinesElapsedTimeSpan: "00:00:00",
    },
    MachineUpdatePolicy: {
      CalamariUpdateBehavior: "UpdateOnDeployment",
      TentacleUpdateBehavior: "NeverUpdate",
      KubernetesAgentUpdateBehavior: "Update",
      TentacleUpdateAccountId: null,
    },
    MachinePackageCacheRetentionPolicy: { Strategy: "Default" },
  };
}

/** .NET TimeSpan text as Octopus writes it: [d.]hh:mm:ss[.fffffff], no leading zeros on days. */
function canonicalTimeSpan(value: string): string {
  const m = /^(-)?(?:(\d+)\.)?(\d+):(\d+):(\d+)(\.\d+)?$/.exec(value);
  if (!m) return value;
  const [, neg, days, h, mi, s, frac] = m;
  const total = Number(days ?? 0) * 86400 + Number(h) * 3600 + Number(mi) * 60 + Number(s);
  const d = Math.floor(total / 86400);
  const rest = total % 86400;
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  const fraction = frac && /[1-9]/.test(frac) ? frac.replace(/0+$/, "") : "";
  return `${neg ?? ""}${d ? `${d}.` : ""}${time}${fraction}`;
}

/** Rewrites every TimeSpan-shaped string in the document in the canonical form. */
function canonicalTimeSpans(value: JsonObject): void {
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === "string" && /^-?(\d+\.)?\d+:\d\d:\d\d(\.\d+)?$/.test(v))
      value[key] = canonicalTimeSpan(v);
    else if (v && typeof v === "object" && !Array.isArray(v)) canonicalTimeSpans(v);
  }
}

export const workerPools: ResourceDef = {
  type: "WorkerPools",
  fields: WORKER_POOL_FIELDS,
  collection: "workerpools",
  idPrefix: "WorkerPools",
  scope: "space",
  link: "WorkerPools",
  required: ["Name"],
  slug: true,
  defaults: (doc, ctx) => ({
    Description: "",
    IsDefault: false,
    SortOrder: ctx.engine.inSpace("WorkerPools", ctx.spaceId).length,
    WorkerPoolType: "StaticWorkerPool",
    CanAddWorkers: doc.WorkerPoolType !== "DynamicWorkerPool",
  }),
  normalise: (doc, ctx) => {
    if (doc.WorkerPoolType === "DynamicWorkerPool" && !doc.WorkerType)
      throw badRequest("A dynamic worker pool needs a WorkerType.");
    doc.CanAddWorkers = doc.WorkerPoolType !== "DynamicWorkerPool";
    if (doc.IsDefault === true) {
      // One default pool per space: making this one default clears the flag elsewhere.
      for (const other of ctx.engine.inSpace("WorkerPools", ctx.spaceId)) {
        if (other.Id !== doc.Id && other.IsDefault === true)
          ctx.store.put("WorkerPools", { ...other, IsDefault: false });
      }
    }
  },
  filters: { workerPoolType: (d, v) => v.split(",").includes(String(d.WorkerPoolType)) },
  sort: (a, b) =>
    Number(a.SortOrder ?? 0) - Number(b.SortOrder ?? 0) || String(a.Name).localeCompare(String(b.Name)),
  beforeDelete: (doc) => {
    if (doc.IsDefault === true) throw badRequest("The default worker pool cannot be deleted.");
  },
  links: (_doc, self) => ({ Workers: `${self}/workers{?skip,take}` }),
};

export const proxies: ResourceDef = {
  type: "Proxies",
  collection: "proxies",
  idPrefix: "Proxies",
  scope: "space",
  link: "Proxies",
  required: ["Name", "Host"],
  defaults: () => ({ ProxyType: "HTTP", Port: 80, Username: null }),
};
