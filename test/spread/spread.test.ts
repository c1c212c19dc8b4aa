import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { cli } from "../helpers/cli.js";
import { resolvedVariables, spreadSeed } from "../helpers/spread.js";

const SECRETS = [
  "nonprod-db-secret",
  "prod-db-secret",
  "pay-key-nonprod",
  "pay-key-prod",
  "token-storefront",
  "token-payments",
];

let source: Sandbox;
let dir: string;
beforeEach(async () => {
  source = await new Sandbox({ seed: spreadSeed() }).start();
  dir = await mkdtemp(join(tmpdir(), "octoport-spread-"));
});
afterEach(() => source.close());

const conn = () => ["--server", source.url, "--api-key", source.apiKey, "--space", "Acme Retail"];

/** Every variable set of the space with secrets revealed, without the version counter. */
function variableSets(sandbox: Sandbox): unknown[] {
  return sandbox.engine.docs("VariableSets", "Spaces-1").map((d) => {
    const {
      Version: _v,
      ScopeValues: _s,
      ...rest
    } = sandbox.reveal("VariableSets", String(d.Id)) as Record<string, unknown>;
    return rest;
  });
}

type Var = {
  Name: string;
  Value: unknown;
  Scope: Record<string, string[]>;
  IsSensitive: boolean;
  Id: string;
};
const varsOf = (id: string) => (source.reveal("VariableSets", id) as { Variables: Var[] }).Variables;

describe("octoport spread", () => {
  it("--dry-run prints every change (variable, scope, new name) and writes nothing", async () => {
    const before = variableSets(source);
    const result = await cli(["spread", ...conn(), "--dry-run"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Spreading in space Acme Retail: 6 sensitive variable(s)");
    expect(result.stdout).toContain(
      "  Database.Password [Development, Test]: sensitive, renamed to Database.Password.SharedSettings.DevelopmentTest and unscoped\n" +
        "    + Database.Password [Development, Test] = #{Database.Password.SharedSettings.DevelopmentTest} (regular)",
    );
    expect(result.stdout).toContain(
      "Api.Token (unscoped): sensitive, renamed to Api.Token.Storefront and unscoped",
    );
    expect(result.stdout).toContain(
      "Api.Token (unscoped): sensitive, renamed to Api.Token.PaymentsService and unscoped",
    );
    expect(result.stdout).toContain("Dry run: nothing was changed.");
    expect(result.stderr).toContain('variable "Deploy.Password" is prompted');
    for (const s of SECRETS) expect(result.stdout + result.stderr).not.toContain(s);
    expect(variableSets(source)).toEqual(before);
  });

  it("--apply writes the journal, then spreads: unique unscoped secrets, regular variables in their place", async () => {
    const resolvedBefore = resolvedVariables(source);
    const journal = join(dir, "spread.json");
    const result = await cli(["spread", ...conn(), "--apply", "--journal", journal]);
    expect(result.code, result.stderr).toBe(0);
    expect((await stat(journal)).mode & 0o777).toBe(0o600);
    const text = await readFile(journal, "utf8");
    for (const s of SECRETS) expect(text + result.stdout).not.toContain(s);
    expect(JSON.parse(text).state).toBe("applied");

    const orders = varsOf("variableset-Projects-1").filter((v) => v.Name.startsWith("Orders.PaymentsKey"));
    expect(orders.map((v) => [v.Name, v.IsSensitive, v.Value, v.Scope.Environment ?? []])).toEqual([
      ["Orders.PaymentsKey.OrdersAPI.DevelopmentStagingTest", true, "pay-key-nonprod", []],
      [
        "Orders.PaymentsKey",
        false,
        "#{Orders.PaymentsKey.OrdersAPI.DevelopmentStagingTest}",
        ["Environments-1", "Environments-2", "Environments-3"],
      ],
      ["Orders.PaymentsKey.OrdersAPI.Production", true, "pay-key-prod", []],
      ["Orders.PaymentsKey", false, "#{Orders.PaymentsKey.OrdersAPI.Production}", ["Environments-4"]],
    ]);
    // The sensitive variable kept its ID (and so its value); the prompted one is untouched.
    expect(
      varsOf("variableset-Projects-3").find((v) => v.Id === "5e000000-0000-4000-8000-000000000002")?.Name,
    ).toBe("Api.Token.PaymentsService");
    expect(varsOf("variableset-Projects-3").find((v) => v.Name === "Deploy.Password")?.Scope).toEqual({
      Environment: ["Environments-4"],
    });
    // Every deployment sees the same values as before.
    expect(resolvedVariables(source)).toEqual(resolvedBefore);
  });

  it("spreading twice changes nothing the second time", async () => {
    expect((await cli(["spread", ...conn(), "--apply", "--journal", join(dir, "one.json")])).code).toBe(0);
    const after = variableSets(source);
    const again = await cli(["spread", ...conn(), "--apply", "--journal", join(dir, "two.json")]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("No sensitive variable in space Acme Retail needs spreading.");
    expect(variableSets(source)).toEqual(after);
  });

  it("--undo restores the variables exactly: values, scopes, prompts, descriptions, sensitive flags", async () => {
    const before = variableSets(source);
    const journal = join(dir, "spread.json");
    expect((await cli(["spread", ...conn(), "--apply", "--journal", journal])).code).toBe(0);
    expect(variableSets(source)).not.toEqual(before);
    const undo = await cli(["spread", ...conn(), "--undo", journal]);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toContain("Restored 6 variable(s) in 4 variable set(s)");
    expect(variableSets(source)).toEqual(before);
    expect(JSON.parse(await readFile(journal, "utf8")).state).toBe("undone");
  });

  it("--undo refuses when a replacement was edited since, naming it; --force undoes anyway", async () => {
    const before = variableSets(source);
    const journal = join(dir, "spread.json");
    expect((await cli(["spread", ...conn(), "--apply", "--journal", journal])).code).toBe(0);
    const recorded = JSON.parse(await readFile(journal, "utf8")) as {
      sets: Array<{ variableSetId: string; changes: Array<{ replacementId: string }> }>;
    };
    const set = recorded.sets[0]!;
    const url = `${source.url}/api/Spaces-1/variables/${set.variableSetId}`;
    const headers = { "X-Octopus-ApiKey": source.apiKey, "Content-Type": "application/json" };
    const doc = (await (await fetch(url, { headers })).json()) as { Variables: Var[] };
    const replacement = doc.Variables.find((v) => v.Id === set.changes[0]!.replacementId)!;
    replacement.Value = "#{Something.Else}";
    expect((await fetch(url, { method: "PUT", headers, body: JSON.stringify(doc) })).ok).toBe(true);
    const edited = variableSets(source);

    const refused = await cli(["spread", ...conn(), "--undo", journal]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^octoport: error: 1 replacement variable\\(s\\) were edited since the spread.*"${replacement.Name.replace(/\./g, "\\.")}" value now "#\\{Something\\.Else\\}".*--force; nothing was changed\n$`,
      ),
    );
    expect(variableSets(source)).toEqual(edited);
    expect(JSON.parse(await readFile(journal, "utf8")).state).toBe("applied");

    const forced = await cli(["spread", ...conn(), "--undo", journal, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(variableSets(source)).toEqual(before);
    expect((await cli(["spread", ...conn(), "--dry-run", "--force"])).code).toBe(2);
  });

  it("--project and --library-set spread only those", async () => {
    const result = await cli(["spread", ...conn(), "--dry-run", "--library-set", "Shared settings"]);
    expect(result.stdout).toContain('library set "Shared settings":');
    expect(result.stdout).not.toContain("project ");
    const unknown = await cli(["spread", ...conn(), "--dry-run", "--project", "Nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no project "Nope" in the space; there are: Orders API, .*Storefront/);
  });
});

describe("octoport spread, bad input: one line, exit 1, nothing changed", () => {
  it("a journal already undone", async () => {
    const journal = join(dir, "spread.json");
    await cli(["spread", ...conn(), "--apply", "--journal", journal]);
    await cli(["spread", ...conn(), "--undo", journal]);
    const before = variableSets(source);
    const again = await cli(["spread", ...conn(), "--undo", journal]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `octoport: error: ${journal} has already been undone (nothing to restore); nothing was changed\n`,
    );
    expect(variableSets(source)).toEqual(before);
  });

  it("a journal of another server or another space", async () => {
    const journal = join(dir, "spread.json");
    await cli(["spread", ...conn(), "--apply", "--journal", journal]);
    const other = await new Sandbox({ seed: spreadSeed() }).start();
    try {
      const before = variableSets(other);
      const wrongServer = await cli([
        "spread",
        "--server",
        other.url,
        "--api-key",
        other.apiKey,
        "--undo",
        journal,
      ]);
      expect(wrongServer.code).toBe(1);
      expect(wrongServer.stderr).toContain(
        `is a journal of ${source.url}, not ${other.url}; nothing was changed`,
      );
      expect(variableSets(other)).toEqual(before);
    } finally {
      await other.close();
    }
    const spread = variableSets(source);
    const parsed = JSON.parse(await readFile(journal, "utf8"));
    parsed.space = { id: "Spaces-7", name: "Elsewhere" };
    await writeFile(journal, JSON.stringify(parsed));
    const wrongSpace = await cli(["spread", ...conn(), "--undo", journal]);
    expect(wrongSpace.code).toBe(1);
    expect(wrongSpace.stderr).toContain(
      "is a journal of space Elsewhere (Spaces-7), not Spaces-1; nothing was changed",
    );
    expect(variableSets(source)).toEqual(spread);
  });

  it("a file that is not a journal, an existing journal file, and missing modes", async () => {
    const junk = join(dir, "junk.json");
    await writeFile(junk, "{}");
    const notJournal = await cli(["spread", ...conn(), "--undo", junk]);
    expect(notJournal.code).toBe(1);
    expect(notJournal.stderr).toBe(
      `octoport: error: ${junk} is not an octoport spread journal; nothing was changed\n`,
    );
    const before = variableSets(source);
    const exists = await cli(["spread", ...conn(), "--apply", "--journal", junk]);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain("already exists; give a new journal file");
    expect(variableSets(source)).toEqual(before);
    expect((await cli(["spread", ...conn()])).code).toBe(2);
    expect((await cli(["spread", ...conn(), "--apply"])).code).toBe(2);
  });
});
