import { chmod, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/settings.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { cli } from "../helpers/cli.js";
import { exampleSpace } from "../helpers/examples.js";

/**
 * Options from a config file (--config, OCTOPORT_CONFIG) and OCTOPORT_<OPTION> variables:
 * the command line wins, then the environment, then the file; a key that is no option is an
 * error naming it; values are typed and validated like the command line's.
 */
describe("options from a config file and OCTOPORT_* variables", () => {
  let source: Sandbox;
  let dir: string;
  beforeAll(async () => {
    source = await new Sandbox({ seed: exampleSpace() }).start();
    dir = await mkdtemp(join(tmpdir(), "octoport-settings-"));
  });
  afterAll(() => source.close());
  afterEach(() => {
    for (const name of Object.keys(process.env))
      if (name.startsWith("OCTOPORT_") && name !== "OCTOPORT_STATE_DIR") delete process.env[name];
  });

  let n = 0;
  const config = async (content: unknown, mode = 0o600) => {
    const file = join(dir, `config-${++n}.json`);
    await writeFile(file, typeof content === "string" ? content : JSON.stringify(content));
    await chmod(file, mode);
    return file;
  };
  const connection = () => ({ server: source.url, "api-key": source.apiKey, space: "Acme Retail" });

  it("takes shared options from the top and a command's from its section", async () => {
    const file = await config({ ...connection(), inspect: { json: true } });
    const r = await cli(["inspect", "--config", file, "--quiet"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).space.name).toBe("Acme Retail");
  });

  it("lets the command line win over the environment, and the environment over the file", async () => {
    const file = await config({ ...connection(), space: "No such space", inspect: { json: true } });
    process.env.OCTOPORT_SPACE = "Also not a space";
    const cliWins = await cli([
      "inspect",
      "--config",
      file,
      "--space",
      "Acme Retail",
      "--no-json",
      "--quiet",
    ]);
    expect(cliWins.code, cliWins.stderr).toBe(0);
    expect(cliWins.stdout).toContain("Space Acme Retail (Spaces-1)");
    const envWins = await cli(["inspect", "--config", file, "--quiet"]);
    expect(envWins.code).toBe(1);
    expect(envWins.stderr).toContain("Also not a space");
  });

  it("reads OCTOPORT_CONFIG and typed OCTOPORT_<OPTION> variables, lists as JSON", async () => {
    process.env.OCTOPORT_CONFIG = await config(connection());
    process.env.OCTOPORT_PROJECT = '["Orders API"]';
    process.env.OCTOPORT_SECRET_DEFAULTS = "dummy";
    process.env.OCTOPORT_LOOKUP_DEPENDENCIES = "true";
    const out = join(dir, "export-env");
    const r = await cli(["export", "--dest", out, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    // One project, its space-level dependencies looked up rather than written.
    expect((await readdir(join(out, "projects"))).sort()).toEqual(["orders-api"]);
    expect(await readdir(out)).not.toContain("space");
  });

  it("takes every kind of filter from the file and the environment: a family's four, a tag list, a switch", async () => {
    process.env.OCTOPORT_CONFIG = await config({
      ...connection(),
      export: { "exclude-steps": ["Notify status page"], "exclude-invalid-channels": true },
    });
    process.env.OCTOPORT_EXCLUDE_TENANT_TAGS = '["Region/EU"]';
    process.env.OCTOPORT_EXCLUDE_ALL_TENANT_VARIABLES = "true";
    process.env.OCTOPORT_EXCLUDE_STEPS_REGEX = '["^Run database"]';
    const out = join(dir, "export-filters");
    const r = await cli(["export", "--dest", out, "--quiet", "--layout", "single"]);
    expect(r.code, r.stderr).toBe(0);
    const files = (await readdir(out, { recursive: true })).filter((f) => f.endsWith(".tf"));
    const main = (await Promise.all(files.map((f) => readFile(join(out, f), "utf8")))).join("\n");
    expect(main).toMatch(/name\s+= "Deploy Orders API"/);
    expect(main).not.toContain('"Notify status page"');
    expect(main).not.toContain('"Run database migrations"');
    expect(main).not.toMatch(/resource "octopusdeploy_tag" "region_eu"/);
    expect(main).toMatch(/resource "octopusdeploy_tag" "region_us"/);
    expect(main).not.toContain("octopusdeploy_tenant_project_variable");
    const warnings = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")).warnings.map(
      (w: { message: string }) => w.message,
    );
    expect(warnings).toContain(
      'step "Notify status page" of deployment process is left out by --exclude-steps',
    );
  });

  it("refuses a key that is no option, naming it and where it is", async () => {
    const typoTop = await config({ ...connection(), sever: "x" });
    const a = await cli(["inspect", "--config", typoTop]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain(
      `the config file ${typoTop}: "sever" is neither an option every command shares nor a command`,
    );
    const typoSection = await config({ ...connection(), inspect: { jsn: true } });
    const b = await cli(["inspect", "--config", typoSection]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('"jsn" is not an option of octoport inspect');
    // Another command's section is not this command's business.
    const other = await config({ ...connection(), export: { layout: "single" }, inspect: { json: true } });
    expect((await cli(["inspect", "--config", other, "--quiet"])).code).toBe(0);
  });

  it("checks values as the command line's are", async () => {
    const badNumber = await config({ ...connection(), concurrency: "many" });
    const a = await cli(["inspect", "--config", badNumber]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('concurrency must be a number, not "many"');
    const badChoice = await config({ ...connection(), export: { layout: "flat" } });
    const b = await cli(["export", "--config", badChoice, "--dest", join(dir, "never")]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/layout.*flat/);
    process.env.OCTOPORT_JSON = "maybe";
    const c = await cli(["inspect", "--config", await config(connection())]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('OCTOPORT_JSON: json must be true or false, not "maybe"');
    const notJson = await config("{ server: ");
    const d = await cli(["inspect", "--config", notJson]);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain(`the config file ${notJson} is not valid JSON`);
    const missing = await cli(["inspect", "--config", join(dir, "absent.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read the config file");
  });

  it("warns, without the key, when a file others can read holds an API key", async () => {
    const open = await config({ ...connection(), inspect: { json: true } }, 0o644);
    const r = await cli(["inspect", "--config", open]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${open} holds an API key and others may read it: chmod 600 ${open}`);
    expect(r.stderr).not.toContain(source.apiKey);
    const closed = await config({ ...connection(), inspect: { json: true } }, 0o600);
    expect((await cli(["inspect", "--config", closed])).stderr).not.toContain("holds an API key");
  });

  it("knows a section for every command there is", async () => {
    const help = (await cli(["--help"])).stdout;
    const top = [...help.matchAll(/^ {2}octoport (\S+)/gm)].map((m) => m[1]);
    expect([...new Set(COMMANDS.map((c) => c.split(" ")[0]))].sort()).toEqual([...top].sort());
    for (const command of COMMANDS) {
      const r = await cli([...command.split(" "), "--help"]);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toContain(`octoport ${command}`);
    }
  });
});
