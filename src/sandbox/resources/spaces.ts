import type { ResourceDef } from "../engine.js";
import type { JsonObject } from "../secrets.js";
import { BUILT_IN_FEED_ID, BUILT_IN_RELEASES_FEED_ID } from "./feeds.js";
import { createDefaultRetentionPolicies } from "./retention.js";
import { createSpaceManagers } from "./user-roles.js";

/** The documents Octopus creates with every new space; looked up by name, never exported. */
export const SPACE_DEFAULTS = {
  lifecycle: "Default Lifecycle",
  machinePolicy: "Default Machine Policy",
  workerPool: "Default Worker Pool",
  builtInFeed: "Octopus Server (built-in)",
  projectGroup: "Default Project Group",
} as const;

/** Octopus Cloud's hosted dynamic worker pools, and the image each uses. */
export const HOSTED_WORKER_POOLS = [
  ["Hosted Windows", "WindowsDefault"],
  ["Hosted Ubuntu", "UbuntuDefault"],
] as const;

export const spaces: ResourceDef = {
  type: "Spaces",
  collection: "spaces",
  idPrefix: "Spaces",
  scope: "system",
  link: "Spaces",
  required: ["Name"],
  slug: true,
  defaults: () => ({
    Description: "",
    IsDefault: false,
    TaskQueueStopped: false,
    SpaceManagersTeams: [],
    SpaceManagersTeamMembers: [],
    ExtensionSettings: [],
  }),
  afterCreate: (space, ctx) => {
    const spaceId = String(space.Id);
    const engine = ctx.engine;
    const others = engine.docs("Spaces", undefined, (s) => s.Id !== spaceId);
    if (others.length === 0 && space.IsDefault !== true)
      engine.store.put("Spaces", { ...space, IsDefault: true });
    engine.create("Lifecycles", spaceId, { Name: SPACE_DEFAULTS.lifecycle, Description: "" });
    engine.create("MachinePolicies", spaceId, { Name: SPACE_DEFAULTS.machinePolicy, IsDefault: true });
    engine.create("WorkerPools", spaceId, {
      Name: SPACE_DEFAULTS.workerPool,
      WorkerPoolType: "StaticWorkerPool",
      IsDefault: true,
    });
    // Octopus Cloud gives every new space a dynamic worker pool for the Ubuntu (default) image
    // and one for the Windows (default) image (OctopusDeploy/docs
    // src/pages/docs/infrastructure/workers/dynamic-worker-pools.md), named as below.
    if (engine.cloud)
      for (const [name, type] of HOSTED_WORKER_POOLS)
        engine.create("WorkerPools", spaceId, {
          Name: name,
          WorkerPoolType: "DynamicWorkerPool",
          WorkerType: type,
        });
    engine.create("Feeds", spaceId, builtInFeed(), { keepId: true });
    engine.create("Feeds", spaceId, releasesFeed(), { keepId: true });
    engine.create("ProjectGroups", spaceId, { Name: SPACE_DEFAULTS.projectGroup, Description: "" });
    createSpaceManagers(ctx, spaceId);
    createDefaultRetentionPolicies(ctx, spaceId);
  },
  beforeDelete: (space, ctx) => {
    for (const def of ctx.engine.defs.values()) {
      if (def.scope !== "space") continue;
      for (const doc of ctx.engine.docs(def.type, String(space.Id)))
        ctx.store.delete(def.type, String(doc.Id), String(space.Id));
    }
  },
  links: (_doc, self) => ({ SpaceHome: `/api/${self.split("/").pop()}` }),
};

/** The feed of releases that Deploy a release steps reference. */
function releasesFeed(): JsonObject {
  return {
    Id: BUILT_IN_RELEASES_FEED_ID,
    Name: "Octopus Server Releases (built-in)",
    FeedType: "OctopusProject",
    PackageAcquisitionLocationOptions: ["NotAcquired"],
  };
}

function builtInFeed(): JsonObject {
  return {
    Id: BUILT_IN_FEED_ID,
    Name: SPACE_DEFAULTS.builtInFeed,
    FeedType: "BuiltIn",
    IsBuiltInRepoSyncEnabled: false,
    DeleteUnreleasedPackagesAfterDays: 30,
    DownloadAttempts: 5,
    DownloadRetryBackoffSeconds: 10,
    PackageAcquisitionLocationOptions: ["Server", "ExecutionTarget", "NotAcquired"],
  };
}
