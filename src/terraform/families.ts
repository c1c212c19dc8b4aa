import type { Argv } from "yargs";
import { REGISTRY } from "../registry/index.js";
import { UsageError } from "../util/errors.js";

/**
 * Resource families, for filters: one per document type that names a family in the registry,
 * and three that are parts of documents: `variables` (variable names in projects and library
 * variable sets), `steps` (step names in deployment and runbook processes) and
 * `tenant-variables` (tenants' values, by the name of their project or library template). Each
 * family gets four options: --exclude-<family> NAME, --exclude-<family>-regex RE,
 * --exclude-<family>-except NAME and --exclude-all-<family>. `types` are the document types a
 * family covers.
 */
export interface Family {
  name: string;
  label: string;
  types: readonly string[];
}

export const FAMILIES: readonly Family[] = [
  ...REGISTRY.flatMap((t) =>
    t.family ? [{ name: t.family.name, label: t.family.label ?? t.label, types: [t.type] }] : [],
  ),
  { name: "variables", label: "variables (by name, in projects and library sets)", types: [] },
  { name: "steps", label: "steps of deployment and runbook processes", types: [] },
  { name: "tenant-variables", label: "tenants' values of project and library templates", types: [] },
];

export interface FamilyFilter {
  names: string[];
  regexes: RegExp[];
  except: string[] | undefined;
  all: boolean;
}

export type Filters = ReadonlyMap<string, FamilyFilter>;

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Adds the four options of every family to a yargs command. */
export function filterOptions<T>(y: Argv<T>): Argv<T> {
  // The options are many and uniform; their values are read back by filtersFrom.
  let out = y as unknown as Argv;
  for (const f of FAMILIES) {
    const group = "Filters:";
    out = out
      .option(`exclude-${f.name}`, {
        type: "string",
        array: true,
        describe: `leave out these ${f.label} (by name)`,
        group,
      })
      .option(`exclude-${f.name}-regex`, {
        type: "string",
        array: true,
        describe: `leave out ${f.label} whose name matches`,
        group,
      })
      .option(`exclude-${f.name}-except`, {
        type: "string",
        array: true,
        describe: `leave out all ${f.label} except these`,
        group,
      })
      .option(`exclude-all-${f.name}`, {
        type: "boolean",
        describe: `leave out every one of the ${f.label}`,
        group,
      });
  }
  return out as unknown as Argv<T>;
}

/** Reads the filter options back from parsed arguments; a bad regex is a usage error. */
export function filtersFrom(args: Record<string, unknown>): Filters {
  const list = (key: string): string[] => {
    const v = args[camel(key)] ?? args[key];
    return Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : [];
  };
  const filters = new Map<string, FamilyFilter>();
  for (const f of FAMILIES) {
    const regexes = list(`exclude-${f.name}-regex`).map((source) => {
      try {
        return new RegExp(source);
      } catch (err) {
        throw new UsageError(
          `--exclude-${f.name}-regex: invalid regular expression ${JSON.stringify(source)} (${(err as Error).message})`,
        );
      }
    });
    const except = list(`exclude-${f.name}-except`);
    const filter: FamilyFilter = {
      names: list(`exclude-${f.name}`),
      regexes,
      except: except.length ? except : undefined,
      all: Boolean(args[camel(`exclude-all-${f.name}`)] ?? args[`exclude-all-${f.name}`]),
    };
    if (filter.names.length || filter.regexes.length || filter.except || filter.all)
      filters.set(f.name, filter);
  }
  return filters;
}

/** Whether a filter leaves out something of this name. */
export function excludes(filter: FamilyFilter | undefined, name: string): boolean {
  if (!filter) return false;
  if (filter.all) return true;
  if (filter.except && !filter.except.includes(name)) return true;
  if (filter.names.includes(name)) return true;
  return filter.regexes.some((re) => re.test(name));
}

const FAMILY_BY_TYPE = new Map(FAMILIES.flatMap((f) => f.types.map((t) => [t, f] as const)));

export function familyOf(type: string): Family | undefined {
  return FAMILY_BY_TYPE.get(type);
}
