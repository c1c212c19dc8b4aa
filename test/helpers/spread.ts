import type { SeedFile } from "../../src/sandbox/seed.js";
import type { Sandbox } from "../../src/sandbox/server.js";
import { exampleSpace } from "./examples.js";

/**
 * The example space plus what spreading must handle: a sensitive variable under one name in
 * two projects (unscoped in each), and a prompted sensitive variable (left alone). The
 * library set already holds one name scoped to two environment pairs.
 */
export function spreadSeed(): SeedFile {
  const seed = exampleSpace();
  const sets = seed.spaces[0]!.Documents!.VariableSets as Array<{ Id: string; Variables: unknown[] }>;
  const set = (id: string) => sets.find((s) => s.Id === id)!;
  set("variableset-Projects-2").Variables.push({
    Id: "5e000000-0000-4000-8000-000000000001",
    Name: "Api.Token",
    Value: "token-storefront",
    Type: "Sensitive",
    IsSensitive: true,
    Scope: {},
  });
  set("variableset-Projects-3").Variables.push(
    {
      Id: "5e000000-0000-4000-8000-000000000002",
      Name: "Api.Token",
      Value: "token-payments",
      Type: "Sensitive",
      IsSensitive: true,
      Description: "the payments token",
      Scope: {},
    },
    {
      Id: "5e000000-0000-4000-8000-000000000003",
      Name: "Deploy.Password",
      Value: "prompt-default",
      Type: "Sensitive",
      IsSensitive: true,
      Scope: { Environment: ["Environments-4"] },
      Prompt: { Label: "Password", Description: "", Required: true, DisplaySettings: {} },
    },
  );
  return seed;
}

interface Variable {
  Name: string;
  Value: string | null;
  Scope?: Record<string, string[]>;
}

/**
 * Every variable a deployment of each project sees, by project, name and scope (by names),
 * with `#{Other}` references to other variables it sees resolved: what spreading must keep
 * the same. Test-only: reads secrets through the sandbox's reveal hook.
 */
export function resolvedVariables(sandbox: Sandbox, spaceId = "Spaces-1"): Record<string, string> {
  const engine = sandbox.engine;
  const names = new Map<string, string>();
  for (const type of ["Environments", "Channels", "Machines", "Tenants"])
    for (const d of engine.docs(type, spaceId)) names.set(String(d.Id), String(d.Name));
  const setOf = (id: unknown) =>
    (
      (sandbox.reveal("VariableSets", String(id)) as { Variables?: Variable[] } | undefined)?.Variables ?? []
    ).map((v) => ({ ...v, Value: typeof v.Value === "object" && v.Value ? null : v.Value }));
  const libraries = new Map(
    engine.docs("LibraryVariableSets", spaceId).map((l) => [String(l.Id), setOf(l.VariableSetId)]),
  );
  const out: Record<string, string> = {};
  for (const project of engine.docs("Projects", spaceId)) {
    const seen: Variable[] = [
      ...setOf(project.VariableSetId),
      ...((project.IncludedLibraryVariableSetIds ?? []) as string[]).flatMap((id) => libraries.get(id) ?? []),
    ];
    const scopeText = (v: Variable) =>
      Object.entries(v.Scope ?? {})
        .filter(([, values]) => values.length)
        .map(
          ([k, values]) =>
            `${k}=${values
              .map((x) => names.get(x) ?? x)
              .sort()
              .join("+")}`,
        )
        .sort()
        .join(";");
    const resolve = (value: string | null, depth = 0): string | null => {
      if (value === null || depth > 5) return value;
      const m = /^#\{([^}]+)\}$/.exec(value);
      if (!m) return value;
      const targets = seen.filter((v) => v.Name === m[1]);
      return targets.length === 1 ? resolve(targets[0]!.Value, depth + 1) : value;
    };
    for (const v of seen) {
      // Spread variables are the unique, unscoped holders: what matters is what the original names resolve to.
      if (seen.some((o) => o !== v && o.Value === `#{${v.Name}}`)) continue;
      // No value and an empty one are the same to a deployment.
      out[`${String(project.Name)} | ${v.Name} | ${scopeText(v)}`] = resolve(v.Value) ?? "";
    }
  }
  return out;
}
