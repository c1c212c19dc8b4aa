import type { ResourceDef } from "../engine.js";

/** Server tasks (the migration API queues them), served at /api/tasks. */
export const tasks: ResourceDef = {
  type: "Tasks",
  collection: "tasks",
  idPrefix: "ServerTasks",
  scope: "system",
  link: "Tasks",
  uniqueName: false,
  creatable: false,
  deletable: false,
  filters: {
    spaces: (d, v) => v.split(",").includes(String(d.SpaceId)),
    states: (d, v) => v.split(",").includes(String(d.State)),
  },
  sort: (a, b) =>
    String(b.QueueTime).localeCompare(String(a.QueueTime)) || String(b.Id).localeCompare(String(a.Id)),
};

/** Packages in the built-in feed (uploaded to /api/{space}/packages/raw). */
export const packages: ResourceDef = {
  type: "Packages",
  collection: "packages",
  idPrefix: "packages",
  scope: "space",
  uniqueName: false,
  creatable: false,
  filters: { packageId: (d, v) => d.PackageId === v },
};
