import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  attr,
  type BodyItem,
  blank,
  block,
  call,
  comment,
  eq,
  forList,
  fromJson,
  index,
  num,
  ref,
  str,
  template,
} from "../../src/terraform/hcl/model.js";
import { printFile } from "../../src/terraform/hcl/print.js";
import { locateTools, type Tools } from "./harness.js";

/**
 * The printer's output is what `tofu fmt` makes of it: random files, printed, then run
 * through the real `tofu fmt -`, must come back unchanged.
 */
const tools = locateTools();

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,24}$/);
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map(fromJson),
  fc.string({ maxLength: 40 }).map(str),
  fc
    .array(fc.string({ maxLength: 20 }), { minLength: 2, maxLength: 6 })
    .map((lines) => str(`${lines.join("\n")}\n`)),
  fc.tuple(name, name).map(([a, b]) => ref("octopusdeploy_environment", a, b)),
  fc.tuple(fc.string({ maxLength: 10 }), name).map(([s, v]) => template(s, ref("var", v))),
  // The expressions lookups are made of.
  fc
    .tuple(name, fc.string({ maxLength: 12 }))
    .map(([n, v]) =>
      call(
        "try",
        index(ref("var", "octoport_ids"), str(v)),
        call(
          "one",
          forList("d", ref("data", "octopusdeploy_environments", n), index(ref("d", "environments"), 0)),
        ),
      ),
    ),
  fc.tuple(name, fc.string({ maxLength: 12 })).map(([n, v]) => ({
    kind: "conditional" as const,
    condition: call("contains", call("keys", ref("var", n)), str(v)),
    whenTrue: num(0),
    whenFalse: num(1),
  })),
  fc
    .tuple(name, fc.string({ maxLength: 12 }))
    .map(([n, v]) =>
      eq(call("length", forList("x", ref("self", n), ref("x"), eq(ref("x", "name"), str(v)))), num(1)),
    ),
);
const attribute = fc.tuple(name, value).map(([n, v]) => attr(n, v));
const leaf = fc
  .uniqueArray(attribute, { maxLength: 8, selector: (a) => a.name })
  .chain((attrs) =>
    fc
      .array(fc.boolean(), { minLength: attrs.length, maxLength: attrs.length })
      .map((gaps) => attrs.flatMap((a, i): BodyItem[] => (gaps[i] && i > 0 ? [blank, a] : [a]))),
  );
const nested = fc.tuple(name, leaf).map(([t, body]) => block(t, [], body));
const body = fc
  .tuple(
    leaf,
    fc.array(nested, { maxLength: 3 }),
    fc.option(fc.string({ maxLength: 30 }).filter((s) => !s.includes("\n") && !s.includes("\r"))),
  )
  .map(([attrs, blocks, note]): BodyItem[] => [
    ...(note === null ? [] : [comment(note)]),
    ...attrs,
    ...blocks,
  ]);
const file = fc.array(
  fc.tuple(name, name, body).map(([t, n, b]) => block("resource", [t, n], b)),
  { minLength: 1, maxLength: 3 },
);

describe.skipIf(typeof tools === "string")("printer output equals tofu fmt", () => {
  it("for random files", () => {
    fc.assert(
      fc.property(file, (blocks) => {
        // Leading/trailing blanks inside a body are cosmetic choices fmt leaves alone, as are
        // consecutive blanks; keep the generated bodies free of them.
        const text = printFile({ items: blocks });
        const formatted = execFileSync((tools as Tools).tofu, ["fmt", "-"], {
          input: text,
          encoding: "utf8",
          env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" },
        });
        expect(formatted).toBe(text);
      }),
      { numRuns: 120, seed: 20261122 },
    );
  });
});
