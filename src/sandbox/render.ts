import type { EngineContext, ResourceDef } from "./engine.js";
import { collectionLink } from "./links.js";
import type { Json, JsonObject } from "./secrets.js";

export const DEFAULT_TAKE = 30;

/** A stored document as served: its read-time view, and Links. */
export function renderDoc(def: ResourceDef, doc: JsonObject, prefix: string, ctx: EngineContext): JsonObject {
  const self = `${prefix}/${def.collection}/${String(doc.Id)}`;
  const view = def.view ? def.view(doc, ctx) : doc;
  return { ...view, Links: { Self: self, ...(def.links?.(doc, self) ?? {}) } };
}

/**
 * One page of a collection, as Octopus pages: skip/take (30 by default), totals, and
 * Links with Page.Next only when there is a next page.
 */
export function page(
  def: ResourceDef,
  docs: JsonObject[],
  query: URLSearchParams,
  path: string,
  template: string = collectionLink(def, path.replace(new RegExp(`/${def.collection}$`, "i"), "")),
): JsonObject {
  const skip = Math.max(0, Number.parseInt(query.get("skip") ?? "0", 10) || 0);
  const takeParam = Number.parseInt(query.get("take") ?? "", 10);
  const take = Number.isFinite(takeParam) && takeParam > 0 ? takeParam : DEFAULT_TAKE;
  const items = docs.slice(skip, skip + take);
  const total = docs.length;
  const pages = Math.max(1, Math.ceil(total / take));
  const at = (s: number) => {
    const q = new URLSearchParams(query);
    q.set("skip", String(s));
    q.set("take", String(take));
    return `${path}?${q.toString()}`;
  };
  const links: Record<string, string> = {
    Self: at(skip),
    Template: template,
    "Page.All": `${path}?skip=0&take=2147483647`,
    "Page.Current": at(skip),
    "Page.Last": at((pages - 1) * take),
  };
  if (skip + take < total) links["Page.Next"] = at(skip + take);
  if (skip > 0) links["Page.Previous"] = at(Math.max(0, skip - take));
  return {
    ItemType: def.type.replace(/ies$/, "y").replace(/s$/, ""),
    TotalResults: total,
    ItemsPerPage: take,
    NumberOfPages: pages,
    LastPageNumber: pages - 1,
    Items: items as Json[],
    Links: links,
  };
}
