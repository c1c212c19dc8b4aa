import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { locateTools, TofuDir, type Tools } from "./harness.js";

/**
 * The fidelity gate: for each of our HCL fixtures, the real Octopus provider through the
 * real OpenTofu creates, reads, updates and deletes against a fresh sandbox, and a plan
 * after each apply shows no changes.
 *
 * A fixture declares `variable "rev"` and uses it in at least one attribute that updates
 * in place, and lists the sandbox document types it must create in a `# covers:` line.
 */

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
const tools = locateTools();
if (typeof tools === "string") console.warn(`conformance skipped: ${tools}`);

function providerBlock(sandbox: Sandbox): string {
  return `terraform {
  required_providers {
    octopusdeploy = { source = "octopusdeploy/octopusdeploy" }
  }
}

provider "octopusdeploy" {
  address  = "${sandbox.url}"
  api_key  = "${sandbox.apiKey}"
  space_id = "Spaces-1"
}
`;
}

function counts(sandbox: Sandbox): Map<string, number> {
  const out = new Map<string, number>();
  for (const type of sandbox.store.typeNames()) out.set(type, sandbox.store.all(type).length);
  return out;
}

const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".tf"))
  .sort();

describe.skipIf(typeof tools === "string")("the real provider against the sandbox", () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it.each(fixtures)("%s: apply, plan clean, update in place, plan clean, destroy", async (fixture) => {
    const source = readFileSync(join(FIXTURES, fixture), "utf8");
    const covers =
      /^# covers: (.+)$/m
        .exec(source)?.[1]
        ?.split(",")
        .map((s) => s.trim()) ?? [];
    expect(covers.length, `${fixture} needs a "# covers:" line`).toBeGreaterThan(0);

    sandbox = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
    const before = counts(sandbox);
    const tf = await TofuDir.create(tools as Tools, {
      "provider.tf": providerBlock(sandbox),
      "main.tf": source,
    });

    await tf.must(["apply", "-auto-approve", "-input=false", "-var", "rev=1"]);
    const afterApply = counts(sandbox);
    for (const type of covers) {
      expect(afterApply.get(type) ?? 0, `${type} documents created`).toBeGreaterThan(before.get(type) ?? 0);
    }

    const clean = await tf.planActions(["-var", "rev=1"]);
    expect(changed(clean), "plan after apply").toEqual([]);

    const update = await tf.planActions(["-var", "rev=2"]);
    const actions = [...update.values()].flat();
    expect(actions, "a changed attribute updates in place").toContain("update");
    expect(changed(update).filter(([, a]) => a.includes("delete") || a.includes("create"))).toEqual([]);

    await tf.must(["apply", "-auto-approve", "-input=false", "-var", "rev=2"]);
    expect(changed(await tf.planActions(["-var", "rev=2"])), "plan after update").toEqual([]);

    await tf.must(["destroy", "-auto-approve", "-input=false", "-var", "rev=2"]);
    const afterDestroy = counts(sandbox);
    for (const type of covers)
      expect(afterDestroy.get(type) ?? 0, `${type} left after destroy`).toBe(before.get(type) ?? 0);
  });
});

function changed(plan: Map<string, string[]>): Array<[string, string[]]> {
  return [...plan.entries()].filter(([, actions]) => !(actions.length === 1 && actions[0] === "no-op"));
}
