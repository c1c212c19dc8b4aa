import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { docType } from "../../../src/registry/index.js";
import * as accounts from "../../../src/terraform/converters/accounts.js";
import * as governance from "../../../src/terraform/converters/governance.js";
import { CONVERTERS } from "../../../src/terraform/converters/index.js";
import * as library from "../../../src/terraform/converters/library.js";
import * as projects from "../../../src/terraform/converters/projects.js";
import * as space from "../../../src/terraform/converters/space.js";
import * as targets from "../../../src/terraform/converters/targets.js";
import * as templates from "../../../src/terraform/converters/templates.js";
import { ROOT } from "../../helpers/examples.js";

/**
 * Every converter has its converter tests. Each converter file has a test file of the same
 * name here, which ends with itWritesEveryResourceType: its tests must write every resource
 * type its converters' document types list in the registry. So a new converter, a new type or
 * a new resource in a type's descriptor fails until a test writes it.
 */

const MODULES: Record<string, Record<string, unknown>> = {
  accounts,
  governance,
  library,
  projects,
  space,
  targets,
  templates,
};
const DIR = join(ROOT, "src/terraform/converters");
const TESTS = join(ROOT, "test/terraform/converters");

describe("converter tests", () => {
  it("cover every converter file", () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith(".ts") && f !== "converter.ts" && f !== "index.ts")
      .map((f) => f.replace(/\.ts$/, ""))
      .sort();
    expect(files).toEqual(Object.keys(MODULES).sort());
  });

  it("cover every converter of CONVERTERS, each in the file that defines it", () => {
    const homes = CONVERTERS.map((c) => ({
      types: c.types.join(", "),
      files: Object.entries(MODULES)
        .filter(([, exports]) => Object.values(exports).includes(c))
        .map(([name]) => name),
    }));
    expect(homes.filter((h) => h.files.length !== 1)).toEqual([]);
  });

  it("have a test file per converter file that checks every resource type of its converters is written", () => {
    const problems: string[] = [];
    for (const name of Object.keys(MODULES)) {
      const path = join(TESTS, `${name}.test.ts`);
      if (!existsSync(path)) {
        problems.push(`no test/terraform/converters/${name}.test.ts`);
        continue;
      }
      const text = readFileSync(path, "utf8");
      const imported = new RegExp(
        `import \\* as (\\w+) from "\\.\\./\\.\\./\\.\\./src/terraform/converters/${name}\\.js"`,
      ).exec(text)?.[1];
      if (!imported || !text.includes(`itWritesEveryResourceType(${imported});`))
        problems.push(`${name}.test.ts does not end with itWritesEveryResourceType on ${name}.ts`);
    }
    expect(problems).toEqual([]);
  });

  it("have something to check: every converter's types list resources in the registry", () => {
    const without = CONVERTERS.flatMap((c) => c.types).filter(
      (t) => Object.keys(docType(t)?.resources ?? {}).length === 0,
    );
    expect(without).toEqual([]);
  });
});
