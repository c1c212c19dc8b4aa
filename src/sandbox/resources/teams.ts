import type { ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";

/** Users: server-wide, identified by Username. */
export const users: ResourceDef = {
  type: "Users",
  collection: "users",
  idPrefix: "Users",
  scope: "system",
  link: "Users",
  required: ["Username"],
  uniqueName: false,
  defaults: (doc) => ({
    DisplayName: doc.Username ?? "",
    EmailAddress: "",
    IsService: false,
    IsActive: true,
    IsRequestor: false,
    CanPasswordBeEdited: true,
    Identities: [],
  }),
  normalise: (doc, ctx) => {
    delete doc.Password;
    const name = String(doc.Username).toLowerCase();
    const clash = ctx.engine
      .inSpace("Users", undefined)
      .find((u) => u.Id !== doc.Id && String(u.Username).toLowerCase() === name);
    if (clash) throw badRequest(`A user with the username '${String(doc.Username)}' already exists.`);
  },
  filters: {
    filter: (d, v) =>
      [d.Username, d.DisplayName, d.EmailAddress].some((f) =>
        String(f ?? "")
          .toLowerCase()
          .includes(v.toLowerCase()),
      ),
  },
  sort: (a, b) => String(a.Username).localeCompare(String(b.Username)),
};

/** Teams of a space; members are users (by ID). */
export const teams: ResourceDef = {
  type: "Teams",
  collection: "teams",
  idPrefix: "Teams",
  scope: "space",
  link: "Teams",
  required: ["Name"],
  defaults: () => ({
    Description: "",
    MemberUserIds: [],
    ExternalSecurityGroups: [],
    CanBeDeleted: true,
    CanBeRenamed: true,
    CanChangeRoles: true,
    CanChangeMembers: true,
  }),
  normalise: (doc, ctx) => {
    const members = Array.isArray(doc.MemberUserIds) ? doc.MemberUserIds : [];
    for (const id of members)
      if (!ctx.engine.store.get("Users", String(id)))
        throw badRequest(`The team '${String(doc.Name)}' has a member '${String(id)}' that is not a user.`);
  },
};
