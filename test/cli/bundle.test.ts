import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { type CliResult, nodeProcess } from "../helpers/cli.js";
import { exampleSpace, ROOT } from "../helpers/examples.js";

/** The CLI as installed: bin/octoport.js and the bundle `npm run build` makes (npm ci runs it). */
function octoport(args: string[]): Promise<CliResult> {
  return nodeProcess([join(ROOT, "bin/octoport.js"), ...args], { cwd: tmpdir() });
}

describe("the bundled CLI (bin/octoport.js)", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    if (!existsSync(join(ROOT, "dist/octoport.mjs")))
      throw new Error("dist/octoport.mjs is missing: run npm run build (npm ci does)");
    sandbox = await new Sandbox({ seed: exampleSpace() }).start();
  });
  afterAll(() => sandbox?.close());

  it("starts, and its help lists every command", async () => {
    const help = await octoport(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["export", "inspect", "plan", "apply", "snapshot", "migrate", "sandbox"])
      expect(help.stdout).toContain(`octoport ${command}`);
    expect((await octoport(["--bogus"])).code).toBe(2);
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect((await octoport(["--version"])).stdout).toBe(`${version}\n`);
  });

  it("exports a space: --verify finds its worker and parser, and the README its template, from the bundle", async () => {
    const dest = join(mkdtempSync(join(tmpdir(), "octoport-bundle-")), "out");
    const result = await octoport([
      "export",
      "--server",
      sandbox.url,
      "--api-key",
      sandbox.apiKey,
      "--space",
      "Acme Retail",
      "--dest",
      dest,
      "--verify",
    ]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Exported space Acme Retail");
    expect(readFileSync(join(dest, "README.md"), "utf8")).toContain("Acme Retail");
    expect(readdirSync(join(dest, "projects")).length).toBe(3);
  });

  it("with --debug, names the source files in a stack trace", async () => {
    const result = await octoport([
      "inspect",
      "--server",
      "http://127.0.0.1:1",
      "--api-key",
      "API-EXAMPLE",
      "--space",
      "Default",
      "--debug",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/src\/octopus\/client\.ts:\d+/);
  });
});
