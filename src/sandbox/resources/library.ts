import type { EngineContext, ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import type { JsonObject } from "../secrets.js";
import { guid, isObject } from "./common.js";
import { LIBRARY_VARIABLE_SET_FIELDS, TAG_SET_FIELDS } from "./fields.js";
import { createVariableSet } from "./variables.js";

/** Gives each template (a tenant variable or step template parameter) an Id when it has none. */
export function normaliseTemplates(doc: JsonObject, owner: string): void {
  const templates = Array.isArray(doc.Templates) ? doc.Templates : [];
  doc.Templates = templates.map((t, i) => {
    if (!isObject(t) || typeof t.Name !== "string" || !t.Name)
      throw badRequest(`${owner} template ${i + 1} needs a Name.`);
    return {
      ...t,
      Id: typeof t.Id === "string" && t.Id ? t.Id : guid(),
    };
  });
}

/** Library variable sets, and script modules (the same collection with ContentType ScriptModule). */
export const libraryVariableSets: ResourceDef = {
  type: "LibraryVariableSets",
  fields: LIBRARY_VARIABLE_SET_FIELDS,
  collection: "libraryvariablesets",
  idPrefix: "LibraryVariableSets",
  scope: "space",
  link: "LibraryVariables",
  required: ["Name"],
  defaults: () => ({ Description: "", ContentType: "Variables", Templates: [] }),
  normalise: (doc, _ctx, existing) => {
    // The Go client sends a script module's body and syntax on the set itself; Octopus
    // keeps them only as the two Octopus.Script.Module variables, so they are not stored.
    delete doc.scriptBody;
    delete doc.syntax;
    if (doc.ContentType !== "Variables" && doc.ContentType !== "ScriptModule") {
      throw badRequest(`ContentType must be Variables or ScriptModule, not '${String(doc.ContentType)}'.`);
    }
    if (existing) doc.VariableSetId = existing.VariableSetId ?? null;
    normaliseTemplates(doc, `Library variable set '${String(doc.Name)}'`);
  },
  afterCreate: (doc, ctx) => {
    ctx.store.put("LibraryVariableSets", { ...doc, VariableSetId: createVariableSet(ctx, String(doc.Id)) });
  },
  beforeDelete: (doc, ctx) => {
    for (const project of ctx.engine.inSpace("Projects", ctx.spaceId)) {
      const included = Array.isArray(project.IncludedLibraryVariableSetIds)
        ? project.IncludedLibraryVariableSetIds
        : [];
      if (included.includes(String(doc.Id))) {
        ctx.store.put("Projects", {
          ...project,
          IncludedLibraryVariableSetIds: included.filter((id) => id !== doc.Id),
        });
      }
    }
    ctx.store.delete("VariableSets", String(doc.VariableSetId));
  },
  filters: { contentType: (d, v) => String(d.ContentType) === v },
  links: (doc, self) => ({
    Variables: `/api/${String(doc.SpaceId)}/variables/${String(doc.VariableSetId)}`,
    Usages: `${self}/usages`,
  }),
};

export const tagSets: ResourceDef = {
  type: "TagSets",
  fields: TAG_SET_FIELDS,
  collection: "tagsets",
  idPrefix: "TagSets",
  scope: "space",
  link: "TagSets",
  required: ["Name"],
  // A sort order the client leaves out (the Go client omits 0) is 0, as a missing int is in Octopus.
  defaults: () => ({
    Description: "",
    SortOrder: 0,
    Tags: [],
    Scopes: ["Tenant"],
    Type: "MultiSelect",
  }),
  normalise: (doc, ctx, existing) => normaliseTags(doc, ctx, existing),
  afterUpdate: (doc, ctx, before) => renameCanonicalTags(ctx, before, doc),
  sort: (a, b) =>
    Number(a.SortOrder ?? 0) - Number(b.SortOrder ?? 0) || String(a.Name).localeCompare(String(b.Name)),
};

function normaliseTags(doc: JsonObject, _ctx: EngineContext, existing: JsonObject | undefined): void {
  const tags = Array.isArray(doc.Tags) ? doc.Tags : [];
  const used = new Set<string>();
  let next = 0;
  for (const t of [...tags, ...(Array.isArray(existing?.Tags) ? existing.Tags : [])]) {
    const m = isObject(t) && typeof t.Id === "string" ? /\/Tags-(\d+)$/.exec(t.Id) : null;
    if (m) next = Math.max(next, Number(m[1]));
  }
  const names = new Set<string>();
  const normalised = tags.map((t, i) => {
    if (!isObject(t) || typeof t.Name !== "string" || !t.Name) throw badRequest(`Tag ${i + 1} needs a Name.`);
    if (names.has(t.Name.toLowerCase()))
      throw badRequest(`The tag '${t.Name}' appears twice in this tag set.`);
    names.add(t.Name.toLowerCase());
    let id = typeof t.Id === "string" && t.Id.startsWith(`${String(doc.Id)}/`) ? t.Id : "";
    if (!id || used.has(id)) id = `${String(doc.Id)}/Tags-${++next}`;
    used.add(id);
    return {
      ...t,
      Id: id,
      CanonicalTagName: `${String(doc.Name)}/${t.Name}`,
      Color: typeof t.Color === "string" && t.Color ? t.Color : "#333333",
      Description: t.Description ?? "",
      SortOrder: typeof t.SortOrder === "number" ? t.SortOrder : 0,
    };
  });
  // Octopus lists tags by their sort order.
  doc.Tags = normalised
    .map((t, i) => ({ t, i }))
    .sort((a, b) => Number(a.t.SortOrder) - Number(b.t.SortOrder) || a.i - b.i)
    .map(({ t }) => t);
}

/** Renaming a tag set or a tag renames its canonical name wherever tenants and others use it. */
function renameCanonicalTags(ctx: EngineContext, before: JsonObject, after: JsonObject): void {
  const renames = new Map<string, string>();
  const afterById = new Map(
    (after.Tags as JsonObject[]).map((t) => [String(t.Id), String(t.CanonicalTagName)]),
  );
  for (const t of (before.Tags as JsonObject[]) ?? []) {
    const now = afterById.get(String(t.Id));
    if (now && now !== t.CanonicalTagName) renames.set(String(t.CanonicalTagName), now);
  }
  if (renames.size === 0) return;
  for (const type of ["Tenants", "Machines", "Accounts", "Certificates"]) {
    for (const doc of ctx.engine.inSpace(type, ctx.spaceId)) {
      if (!Array.isArray(doc.TenantTags)) continue;
      const tags = doc.TenantTags.map((t) => renames.get(String(t)) ?? t);
      ctx.store.put(type, { ...doc, TenantTags: tags });
    }
  }
}

/** Checks that canonical tag names ("Set/Tag") exist in the space. */
export function requireTags(ctx: EngineContext, tags: unknown, owner: string): void {
  if (!Array.isArray(tags)) return;
  const known = new Set<string>();
  for (const set of ctx.engine.inSpace("TagSets", ctx.spaceId)) {
    for (const t of (set.Tags as JsonObject[]) ?? []) known.add(String(t.CanonicalTagName));
  }
  for (const tag of tags) {
    if (!known.has(String(tag)))
      throw badRequest(`${owner} uses the tag '${String(tag)}', which does not exist.`);
  }
}
