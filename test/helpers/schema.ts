import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseHcl } from "../../src/terraform/hcl/parse.js";
import { ROOT } from "./examples.js";

/**
 * Test-only: checks generated HCL against the pinned provider's schema
 * (test/fixtures/provider-schema.json, saved by the conformance suite): every resource and
 * data source type exists, every attribute and nested block exists with a value of the right
 * shape, nothing computed-only is set, and every required attribute and block is there.
 */

type SchemaType = string | [string, unknown] | [string, unknown, unknown];
interface SchemaAttribute {
  type?: SchemaType;
  nested_type?: { attributes: Record<string, SchemaAttribute>; nesting_mode: string };
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
}
interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<
    string,
    { nesting_mode: string; block: SchemaBlock; min_items?: number; max_items?: number }
  >;
}

const META = new Set(["count", "for_each", "depends_on", "lifecycle", "provider"]);

let cached:
  | { resources: Record<string, { block: SchemaBlock }>; data: Record<string, { block: SchemaBlock }> }
  | undefined;

function schema() {
  if (!cached) {
    const json = JSON.parse(readFileSync(join(ROOT, "test/fixtures/provider-schema.json"), "utf8"));
    const provider = Object.values(
      json.provider_schemas as Record<string, { resource_schemas: never; data_source_schemas: never }>,
    )[0]!;
    cached = { resources: provider.resource_schemas, data: provider.data_source_schemas };
  }
  return cached;
}

const isExpression = (v: unknown) => typeof v === "string" && /^\$\{[\s\S]*\}$/.test(v);

function checkValue(type: SchemaType, value: unknown, where: string, out: string[]): void {
  if (isExpression(value)) return; // a reference or function: typed by Terraform itself
  if (typeof type === "string") {
    const ok =
      (type === "string" && typeof value === "string") ||
      (type === "number" && typeof value === "number") ||
      (type === "bool" && typeof value === "boolean") ||
      type === "dynamic";
    if (!ok) out.push(`${where}: expected ${type}, got ${JSON.stringify(value)?.slice(0, 60)}`);
    return;
  }
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") {
    if (!Array.isArray(value)) out.push(`${where}: expected a ${kind}`);
    else {
      value.forEach((v, i) => {
        checkValue(inner as SchemaType, v, `${where}[${i}]`, out);
      });
    }
  } else if (kind === "map") {
    if (!value || typeof value !== "object" || Array.isArray(value)) out.push(`${where}: expected a map`);
    else
      for (const [k, v] of Object.entries(value)) checkValue(inner as SchemaType, v, `${where}["${k}"]`, out);
  } else if (kind === "object") {
    if (!value || typeof value !== "object" || Array.isArray(value)) out.push(`${where}: expected an object`);
    else {
      const fields = inner as Record<string, SchemaType>;
      for (const [k, v] of Object.entries(value)) {
        if (!(k in fields)) out.push(`${where}.${k}: no such field`);
        else checkValue(fields[k]!, v, `${where}.${k}`, out);
      }
    }
  }
}

function checkNested(attr: SchemaAttribute, value: unknown, where: string, out: string[]): void {
  const nested = attr.nested_type!;
  const checkOne = (v: unknown, at: string) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) {
      out.push(`${at}: expected an object`);
      return;
    }
    checkAttributes(nested.attributes, v as Record<string, unknown>, at, out);
  };
  if (isExpression(value)) return;
  if (nested.nesting_mode === "single") checkOne(value, where);
  else if (nested.nesting_mode === "map")
    for (const [k, v] of Object.entries(value as object)) checkOne(v, `${where}["${k}"]`);
  else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      checkOne(v, `${where}[${i}]`);
    });
  } else out.push(`${where}: expected a list`);
}

function checkAttributes(
  attrs: Record<string, SchemaAttribute>,
  body: Record<string, unknown>,
  where: string,
  out: string[],
): void {
  for (const [k, v] of Object.entries(body)) {
    const a = attrs[k];
    if (!a) out.push(`${where}.${k}: no such attribute`);
    else if (a.computed && !a.optional && !a.required)
      out.push(`${where}.${k}: computed only, cannot be set`);
    else if (a.nested_type) checkNested(a, v, `${where}.${k}`, out);
    else if (a.type) checkValue(a.type, v, `${where}.${k}`, out);
  }
  for (const [k, a] of Object.entries(attrs))
    if (a.required && !(k in body)) out.push(`${where}: required attribute ${k} is missing`);
}

function checkBlock(block: SchemaBlock, body: Record<string, unknown>, where: string, out: string[]): void {
  const attrs = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  const plain: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (META.has(k)) continue;
    const b = blocks[k];
    if (b) {
      const items = Array.isArray(v) ? v : [v];
      if (b.max_items && items.length > b.max_items)
        out.push(`${where}.${k}: at most ${b.max_items} block(s)`);
      for (const [i, item] of items.entries()) {
        checkBlock(b.block, item as Record<string, unknown>, `${where}.${k}[${i}]`, out);
      }
    } else {
      plain[k] = v;
    }
  }
  checkAttributes(attrs, plain, where, out);
  for (const [k, b] of Object.entries(blocks)) {
    if ((b.min_items ?? 0) > 0 && !(k in body)) out.push(`${where}: required block ${k} is missing`);
  }
}

/** Problems with the resources and data sources of these files (path -> HCL text). */
export async function schemaProblems(files: ReadonlyMap<string, string>): Promise<string[]> {
  const s = schema();
  const out: string[] = [];
  for (const [path, text] of files) {
    if (!path.endsWith(".tf")) continue;
    const json = (await parseHcl(path, text)) as Record<
      string,
      Record<string, Record<string, Array<Record<string, unknown>>>>
    >;
    for (const [kind, table] of [
      ["resource", s.resources],
      ["data", s.data],
    ] as const) {
      for (const [type, byName] of Object.entries(json[kind] ?? {})) {
        if (!type.startsWith("octopusdeploy_")) continue;
        const def = table[type];
        if (!def) {
          out.push(`${path}: ${kind} type ${type} does not exist in the provider`);
          continue;
        }
        for (const [name, bodies] of Object.entries(byName)) {
          for (const body of bodies) checkBlock(def.block, body, `${path} ${kind}.${type}.${name}`, out);
        }
      }
    }
  }
  return out;
}
