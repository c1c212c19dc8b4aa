import type { DocType } from "./descriptor.js";

/**
 * What only snapshots carry: releases and deployments (history the API cannot recreate by
 * writing documents), and the members of teams (users are server-wide; a snapshot carries the
 * members of its teams, read one by one; an export with --include-teams reads them to look
 * each member up by username). Teams themselves are in governance.ts.
 */

export const users: DocType = {
  type: "Users",
  label: "users",
  singular: "user",
  klass: "space",
  read: {
    kind: "by-reference",
    from: [{ type: "Teams", field: "MemberUserIds[]" }],
    path: "users/{id}",
    scope: "server",
  },
  identity: "username",
  snapshotOnly: true,
  includeTeams: { read: true },
};

export const releases: DocType = {
  type: "Releases",
  label: "releases",
  singular: "release",
  klass: "project",
  read: { kind: "collection", path: "releases", scope: "space" },
  identity: "version-in-project",
  snapshotOnly: true,
  ignoredBy: "ignoreDeployments",
  ids: [
    { path: "ProjectId", to: "Projects" },
    { path: "ChannelId", to: "Channels" },
  ],
};

export const deployments: DocType = {
  type: "Deployments",
  label: "deployments",
  singular: "deployment",
  klass: "project",
  read: { kind: "collection", path: "deployments", scope: "space" },
  identity: "none",
  snapshotOnly: true,
  ignoredBy: "ignoreDeployments",
  ids: [
    { path: "ProjectId", to: "Projects" },
    { path: "ReleaseId", to: "Releases" },
    { path: "EnvironmentId", to: "Environments" },
    { path: "ChannelId", to: "Channels" },
    { path: "TenantId", to: "Tenants" },
  ],
};
