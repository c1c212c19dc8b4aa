import type { ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import type { Json, JsonObject } from "../secrets.js";
import { isObject, requireRef } from "./common.js";

/**
 * Event subscriptions of a space: notifications by email or webhook when events match a
 * filter. Shape from go-octopusdeploy pkg/subscriptions; defaults and the write-only header
 * value from the provider's resource_subscription.go (see docs/sandbox-governance.md).
 */

/** Fields the server fills when a client leaves them empty (the provider sends "" for them). */
const NOTIFICATION_DEFAULTS: Record<string, string> = {
  EmailFrequencyPeriod: "01:00:00",
  EmailPriority: "Normal",
  EmailShowDatesInTimeZoneId: "UTC",
  WebhookTimeout: "00:00:10",
};

const FILTER_LISTS = [
  "DocumentTypes",
  "EventAgents",
  "EventCategories",
  "EventGroups",
  "Environments",
  "ProjectGroups",
  "Projects",
  "Tags",
  "Tenants",
  "Users",
] as const;

/** Filter lists that name documents of the space, and what they must be. */
const FILTER_REFS: Partial<Record<(typeof FILTER_LISTS)[number], string>> = {
  Environments: "Environments",
  ProjectGroups: "ProjectGroups",
  Projects: "Projects",
  Tenants: "Tenants",
};

const HEADER_VALUE = "EventNotificationSubscription.WebhookHeaderValue";

/** A .NET TimeSpan as Octopus writes it: [d.]hh:mm:ss. */
const TIMESPAN = /^(\d+\.)?\d{1,2}:\d{2}:\d{2}(\.\d+)?$/;

function list(value: Json | undefined, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
    throw badRequest(`${what} must be a list of strings.`);
  return value as string[];
}

export const subscriptions: ResourceDef = {
  type: "Subscriptions",
  collection: "subscriptions",
  idPrefix: "Subscriptions",
  scope: "space",
  link: "Subscriptions",
  required: ["Name"],
  defaults: () => ({ Type: "Event", IsDisabled: false }),
  normalise: (doc, ctx) => {
    const name = String(doc.Name);
    if (doc.Type !== "Event") throw badRequest(`Subscription '${name}': Type must be Event.`);
    const n: JsonObject = isObject(doc.EventNotificationSubscription)
      ? doc.EventNotificationSubscription
      : {};
    for (const [field, value] of Object.entries(NOTIFICATION_DEFAULTS))
      if (typeof n[field] !== "string" || n[field] === "") n[field] = value;
    if (!["Low", "Normal", "High"].includes(String(n.EmailPriority)))
      throw badRequest(`Subscription '${name}': EmailPriority must be Low, Normal or High.`);
    for (const field of ["EmailFrequencyPeriod", "WebhookTimeout"])
      if (!TIMESPAN.test(String(n[field])))
        throw badRequest(
          `Subscription '${name}': ${field} '${String(n[field])}' is not a time span like 00:10:00.`,
        );
    const uri = typeof n.WebhookURI === "string" ? n.WebhookURI : "";
    if (uri && !/^https?:\/\/[^\s/]+/i.test(uri))
      throw badRequest(`Subscription '${name}': WebhookURI '${uri}' is not an http or https address.`);
    n.WebhookURI = uri;
    n.WebhookHeaderKey = typeof n.WebhookHeaderKey === "string" ? n.WebhookHeaderKey : "";
    for (const field of ["EmailTeams", "WebhookTeams"]) {
      const ids = list(n[field], `Subscription '${name}' ${field}`);
      for (const id of ids) {
        const team = ctx.store.get("Teams", id);
        if (!team || (team.SpaceId && team.SpaceId !== doc.SpaceId))
          throw badRequest(
            `Subscription '${name}' ${field} refers to '${id}', which is not a team of this space.`,
          );
      }
      n[field] = ids;
    }
    const f: JsonObject = isObject(n.Filter) ? n.Filter : {};
    for (const field of FILTER_LISTS) {
      const values = list(f[field], `Subscription '${name}' filter ${field}`);
      const type = FILTER_REFS[field];
      if (type) for (const id of values) requireRef(ctx, type, id, `Subscription '${name}' filter ${field}`);
      if (field === "Users")
        for (const id of values)
          if (!ctx.store.get("Users", id))
            throw badRequest(`Subscription '${name}' filter Users refers to '${id}', which is not a user.`);
      f[field] = values;
    }
    n.Filter = f;
    doc.EventNotificationSubscription = n;
  },
  // The webhook's header value is write-only: kept here, never served.
  extractSecrets: (doc, previous) => {
    const secrets = new Map<string, string>();
    const n = doc.EventNotificationSubscription as JsonObject;
    const value = n.WebhookHeaderValue;
    if (!n.WebhookHeaderKey) {
      // No header, nothing to send with it.
    } else if (typeof value === "string" && value !== "") secrets.set(HEADER_VALUE, value);
    else if (previous.has(HEADER_VALUE)) secrets.set(HEADER_VALUE, previous.get(HEADER_VALUE)!);
    n.WebhookHeaderValue = null;
    return secrets;
  },
};
