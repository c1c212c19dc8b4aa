import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { cli } from "../helpers/cli.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { exampleSpace } from "../helpers/examples.js";
import { conn, filledSecrets, workspace } from "../helpers/snapshot.js";

let source: Sandbox;
beforeAll(async () => {
  source = await new Sandbox({ seed: exampleSpace() }).start();
});
afterAll(() => source.close());

function emptyDestination(): Promise<Sandbox> {
  return new Sandbox({ seed: { spaces: [{ Name: "Acme Retail", IsDefault: true }] } }).start();
}

describe("snapshot round trip", () => {
  it("export with secrets, import into an empty space: equal by names, sensitive values included", async () => {
    const { dir, password } = await workspace();
    const secrets = await filledSecrets(source, dir);
    const out = join(dir, "snap");
    const exported = await cli([
      "snapshot",
      "export",
      ...conn(source),
      "--password-file",
      password,
      "--out",
      out,
      "--secrets",
      secrets,
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const destination = await emptyDestination();
    try {
      const imported = await cli([
        "snapshot",
        "import",
        out,
        ...conn(destination),
        "--password-file",
        password,
      ]);
      expect(imported.code, imported.stderr + imported.stdout).toBe(0);
      const diffs = differences(normaliseSpace(source, "Spaces-1"), normaliseSpace(destination, "Spaces-1"));
      expect(diffs).toEqual([]);
    } finally {
      await destination.close();
    }
  });
});
