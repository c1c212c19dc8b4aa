import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeString, heredoc } from "../../src/terraform/hcl/escape.js";
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
  object,
  ref,
  str,
  template,
  tuple,
} from "../../src/terraform/hcl/model.js";
import { HclParseError, parseHcl, unescapeJsonSyntax } from "../../src/terraform/hcl/parse.js";
import { printFile } from "../../src/terraform/hcl/print.js";

/** Prints `value` as attribute v of a resource, parses it back, and returns what the parser read. */
async function roundTrip(value: unknown): Promise<unknown> {
  const text = printFile({ items: [block("resource", ["t", "x"], [attr("v", fromJson(value))])] });
  const json = (await parseHcl("t.tf", text)) as { resource: { t: { x: Array<{ v: unknown }> } } };
  return decode(json.resource.t.x[0]!.v);
}

function decode(value: unknown): unknown {
  if (typeof value === "string") return unescapeJsonSyntax(value);
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [unescapeJsonSyntax(k), decode(v)]));
  }
  return value;
}

// Strings Octopus documents can hold: any code points, control characters included, but
// well-formed (a lone surrogate cannot be written in UTF-8 at all).
const anyString = fc.string({ unit: "binary", maxLength: 60 });
const hostile = fc.constantFrom(
  "${",
  "%{",
  "$${",
  "%%{",
  "#{Octopus.Action}",
  '"',
  "\\",
  "\n",
  "\r\n",
  "\t",
  "EOT",
  "é",
  "日本",
  "🚀",
  "\u0000",
  "\u2028",
);
const tricky = fc.array(fc.oneof(anyString, hostile), { maxLength: 8 }).map((parts) => parts.join(""));

// HCL, and every string Terraform holds (cty), is Unicode NFC: a string survives exactly when
// it is NFC already, and otherwise arrives as its NFC form (the exporter warns about those).
describe("strings survive print -> parse unchanged (up to Unicode NFC)", () => {
  it("any string", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyString, tricky), async (s) => (await roundTrip(s)) === s.normalize("NFC")),
      { numRuns: 300 },
    );
  });

  it("multi-line scripts, written as heredocs where exact", async () => {
    const script = fc
      .array(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          hostile.filter((h) => !h.includes("\r") && h !== "\u0000" && h !== "\u2028"),
        ),
        {
          minLength: 3,
          maxLength: 10,
        },
      )
      .map((lines) => `${lines.join("\n")}\n`);
    await fc.assert(
      fc.asyncProperty(script, async (s) => (await roundTrip(s)) === s.normalize("NFC")),
      { numRuns: 200 },
    );
  });

  it("any nested map and list value", async () => {
    const json = fc.jsonValue({ maxDepth: 4 }).filter((v) => JSON.stringify(v).length < 4000);
    await fc.assert(
      fc.asyncProperty(json, async (v) => {
        expect(await roundTrip(v)).toEqual(normaliseNumbers(v));
      }),
      { numRuns: 200 },
    );
  });
});

/** -0 is written as 0; strings and keys are NFC. */
function normaliseNumbers(v: unknown): unknown {
  if (typeof v === "number") return Object.is(v, -0) ? 0 : v;
  if (typeof v === "string") return v.normalize("NFC");
  if (Array.isArray(v)) return v.map(normaliseNumbers);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.normalize("NFC"), normaliseNumbers(x)]));
  }
  return v;
}

describe("whole files the model can express parse with the real parser (property)", () => {
  // What the printer is given in an export: names are identifiers; labels, comments and strings
  // can be anything a document holds.
  const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/);
  const text = fc.oneof(anyString, tricky);
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }).map(fromJson),
    text.map(str),
    fc.array(text, { minLength: 2, maxLength: 4 }).map((lines) => str(`${lines.join("\n")}\n`)),
    fc.tuple(text, name, text).map(([a, v, b]) => template(a, ref("var", v), b)),
    fc
      .tuple(name, text)
      .map(([n, v]) =>
        call(
          "try",
          index(ref("var", "octoport_ids"), str(v)),
          call(
            "one",
            forList("d", ref("data", "t", n), index(ref("d", "items"), 0), eq(ref("d", "name"), str(v))),
          ),
        ),
      ),
  );
  const items = (depth: number): fc.Arbitrary<BodyItem[]> =>
    fc
      .tuple(
        fc.uniqueArray(fc.tuple(name, value), { maxLength: 5, selector: ([n]) => n }),
        depth > 0 ? fc.array(fc.tuple(name, items(depth - 1)), { maxLength: 2 }) : fc.constant([]),
        fc.array(fc.oneof(text.map(comment), fc.constant(blank)), { maxLength: 3 }),
      )
      .map(([attrs, blocks, extras]) => [
        ...extras,
        ...attrs.map(([n, v]) => attr(n, v)),
        ...blocks.map(([t, body]) => block(t, [], body)),
      ]);
  const file = fc.uniqueArray(fc.tuple(name, text, items(2)), {
    minLength: 1,
    maxLength: 3,
    selector: ([type, label]) => `${type}\u0000${label.normalize("NFC")}`,
  });

  it("and each block comes back under its labels", async () => {
    await fc.assert(
      fc.asyncProperty(file, fc.option(text), async (blocks, note) => {
        const printed = printFile({
          items: [
            ...(note === null ? [] : [comment(note)]),
            ...blocks.map(([type, label, body]) => block("resource", [type, label], body)),
          ],
        });
        const json = (await parseHcl("f.tf", printed)) as {
          resource: Record<string, Record<string, unknown>>;
        };
        const found = Object.entries(json.resource).flatMap(([type, byLabel]) =>
          // Labels come back as they are (only strings keep their `$${` escapes), up to Unicode NFC.
          Object.keys(byLabel).map((label) => `${type}/${label.normalize("NFC")}`),
        );
        expect(found.sort()).toEqual(
          blocks.map(([type, label]) => `${type}/${label.normalize("NFC")}`).sort(),
        );
      }),
      { numRuns: 150 },
    );
  });
});

describe("escaping", () => {
  it("escapes template markers, quotes, backslashes and control characters", () => {
    expect(escapeString('a ${b} %{c} "d" \\e')).toBe('a $${b} %%{c} \\"d\\" \\\\e');
    expect(escapeString("$${")).toBe("$$${");
    expect(escapeString("line\nnext\r\ttab\u0001")).toBe("line\\nnext\\r\\ttab\\u0001");
    expect(escapeString("#{Octopus.Release.Number} é 🚀")).toBe("#{Octopus.Release.Number} é 🚀");
  });

  it("uses a heredoc only when it is exact, with a marker no line uses", () => {
    expect(heredoc("no trailing newline")).toBeUndefined();
    expect(heredoc("windows\r\nline\r\n")).toBeUndefined();
    expect(heredoc("echo ${x}\nEOT\n")).toEqual({ marker: "EOT1", lines: ["echo $${x}", "EOT"] });
  });
});

describe("the printer", () => {
  it("writes a reviewed layout", () => {
    const text = printFile({
      items: [
        comment("Environments"),
        block(
          "resource",
          ["octopusdeploy_environment", "production"],
          [
            attr("name", str("Production")),
            attr("use_guided_failure", fromJson(true)),
            attr("tenant_tags", tuple([str("Tier/Gold")])),
            attr(
              "properties",
              object([
                ["Octopus.Action.RunOnServer", str("true")],
                ["x", str("y")],
              ]),
            ),
            attr("space_id", ref("var", "octopus_space_id")),
            attr("description", template("Deployed by ", ref("var", "owner"))),
            block("phase", [], [attr("name", str("Test"))]),
          ],
        ),
      ],
    });
    expect(text).toBe(`# Environments
resource "octopusdeploy_environment" "production" {
  name               = "Production"
  use_guided_failure = true
  tenant_tags        = ["Tier/Gold"]
  properties = {
    "Octopus.Action.RunOnServer" = "true"
    "x"                          = "y"
  }
  space_id    = var.octopus_space_id
  description = "Deployed by \${var.owner}"

  phase {
    name = "Test"
  }
}
`);
  });

  it("a file the parser rejects is a bug naming the file and line", async () => {
    const err = await parseHcl("space/broken.tf", 'resource "a" "b" {\n  x = \n}\n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HclParseError);
    expect((err as Error).message).toMatch(
      /^generated space\/broken\.tf does not parse \(space\/broken\.tf:2,.*\); this is a bug/,
    );
  });
});
