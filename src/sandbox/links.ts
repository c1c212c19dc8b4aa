import type { Engine, ResourceDef } from "./engine.js";
import type { JsonObject } from "./secrets.js";

/** The URI template of a collection, as Octopus writes it in Links. */
export function collectionLink(def: ResourceDef, prefix: string): string {
  const params = ["skip", "take", "ids", "partialName", "name", ...Object.keys(def.filters ?? {})];
  return `${prefix}/${def.collection}{/id}{?${[...new Set(params)].join(",")}}`;
}

/** Links the Go client reads from /api that are not collections of our table. */
const SYSTEM_LINKS: Record<string, string> = {
  SpaceHome: "/api/{spaceId}",
  CurrentUser: "/api/users/me",
  ServerStatus: "/api/serverstatus",
  ServerHealthStatus: "/api/serverstatus/health",
  MigrationsPartialExport: "/api/migrations/partialexport",
  MigrationsImport: "/api/migrations/import",
};

/** Space-level links that are not collections of our table. */
function spaceExtraLinks(prefix: string): Record<string, string> {
  return {
    LibraryVariables: `${prefix}/libraryvariablesets{/id}{?skip,contentType,take,ids,partialName}`,
    MachinePolicyTemplate: `${prefix}/machinepolicies/template`,
    TenantVariables: `${prefix}/tenantvariables/all{?projectId}`,
    VariableNames: `${prefix}/variables/names{?project,runbook,projectEnvironmentsFilter}`,
    VariablePreview: `${prefix}/variables/preview{?project,runbook,environment,channel,tenant,action,machine,role}`,
    ScheduledProjectTriggers: `${prefix}/scheduledprojecttriggers{/id}`,
  };
}

export function rootDocument(engine: Engine, version: string): JsonObject {
  const links: Record<string, string> = { Self: "/api", ...SYSTEM_LINKS };
  for (const def of engine.defs.values()) {
    if (def.link) links[def.link] = collectionLink(def, "/api");
  }
  Object.assign(links, spaceExtraLinks("/api"));
  return {
    Application: "Octopus Deploy",
    Version: version,
    ApiVersion: "3.0.0",
    InstallationId: "00000000-0000-4000-8000-00000000abcd",
    IsEarlyAccessProgram: false,
    HasLongTermSupport: false,
    Links: links,
  };
}

export function spaceRootDocument(engine: Engine, spaceId: string): JsonObject {
  const prefix = `/api/${spaceId}`;
  const links: Record<string, string> = { Self: prefix, SpaceHome: prefix };
  for (const def of engine.defs.values()) {
    if (def.link && def.scope === "space") links[def.link] = collectionLink(def, prefix);
  }
  Object.assign(links, spaceExtraLinks(prefix));
  return { Links: links };
}
