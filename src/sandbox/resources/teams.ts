import type { ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";

/** Users: server-wide, identified by Username. Teams, which hold them, are in user-roles.ts. */
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
