import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkBootstrap } from "../../src/bootstrap/check.js";
import { type BootstrapOptions, bootstrapRoot, syncRunbooks } from "../../src/bootstrap/root.js";
import { applyAllScript, secretLines, valueLines } from "../../src/bootstrap/script.js";
import { parseDestinations } from "../../src/runner/destinations.js";
import { parseHcl } from "../../src/terraform/hcl/parse.js";
import { printFile } from "../../src/terraform/hcl/print.js";
import type { Manifest } from "../../src/terraform/manifest.js";

const OPTIONS: BootstrapOptions = {
  providerVersion: "1.17.0",
  sourceServer: "https://old.example.com",
  destinationServer: "https://new.example.com",
  destinationSpace: "Default",
  syncProject: "octoport sync",
  projectGroup: "Default Project Group",
  lifecycle: "Default Lifecycle",
  exportOptions: [],
  applyOptions: [],
};

function manifest(secrets: Manifest["secrets"], layout: Manifest["layout"] = "modules"): Manifest {
  return {
    format: "octoport-export/v1",
    source: {
      server: "https://old.example.com",
      spaceId: "Spaces-1",
      spaceName: "Shop",
      serverVersion: "2025.4",
    },
    layout,
    providerVersion: "1.17.0",
    modules: [
      { path: "space", title: "space Shop", dependsOn: [] },
      { path: "projects/orders", title: "project Orders", dependsOn: ["space"] },
    ],
    applyOrder: [["space"], ["projects/orders"]],
    projectDependencies: [],
    resources: [
      {
        sourceId: "Projects-1",
        sourceType: "Projects",
        name: "Orders",
        type: "octopusdeploy_project",
        module: "projects/orders",
        address: "octopusdeploy_project.orders",
      },
      {
        sourceId: "LibraryVariableSets-1",
        sourceType: "LibraryVariableSets",
        name: "Shared",
        type: "octopusdeploy_library_variable_set",
        module: "space",
        address: "octopusdeploy_library_variable_set.shared",
      },
    ],
    secrets,
    warnings: [],
    notes: [],
    spaceCreation: false,
    moved: [],
    files: [],
  };
}

const secret = (variable: string, module: string, sourceId: string, sourceVariable?: string) => ({
  variable,
  sourceId,
  field: "x",
  path: "x",
  description: `secret ${variable}`,
  modules: [module],
  ...(sourceVariable ? { sourceVariable } : {}),
});

describe("octoport bootstrap's runbooks", () => {
  it("put the space module's runbook in the sync project, with the library sets its secrets come from", () => {
    const m = manifest([
      secret("shared_token", "space", "variableset-LibraryVariableSets-1", "Shared.Token"),
      secret("orders_db", "projects/orders", "variableset-Projects-1", "Db.Password"),
    ]);
    expect(syncRunbooks(m, "octoport sync").map((r) => [r.module, r.project, r.librarySets])).toEqual([
      ["space", "octoport sync", ["Shared"]],
      ["projects/orders", "Orders", []],
    ]);
  });

  it("write a root the real HCL parser reads, with no secret in it", async () => {
    const m = manifest([secret("orders_db", "projects/orders", "variableset-Projects-1", "Db.Password")]);
    const text = printFile(bootstrapRoot(m, OPTIONS));
    const parsed = (await parseHcl("main.tf", text)) as Record<string, Record<string, unknown>>;
    expect(Object.keys(parsed.resource ?? {}).sort()).toEqual([
      "octopusdeploy_process",
      "octopusdeploy_process_step",
      "octopusdeploy_process_templated_step",
      "octopusdeploy_project",
      "octopusdeploy_runbook",
      "octopusdeploy_step_template",
      "octopusdeploy_variable",
    ]);
    expect(text).toContain("#{Db.Password}");
    expect(text).toContain("(octoport bootstrap)");
  });

  it("with many destinations, make each module's runbook and an apply-all runbook per destination", async () => {
    const m = manifest([secret("orders_db", "projects/orders", "variableset-Projects-1", "Db.Password")]);
    const text = printFile(
      bootstrapRoot(m, {
        ...OPTIONS,
        destinations: [
          { name: "eu", server: "https://eu.example.com", space: "Shop" },
          { name: "us", server: "https://us.example.com", space: "Shop US" },
        ],
      }),
    );
    const parsed = (await parseHcl("main.tf", text)) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    const runbooks = parsed.resource?.octopusdeploy_runbook ?? {};
    expect(Object.keys(runbooks).sort()).toEqual([
      "sync_eu_all",
      "sync_eu_projects_orders",
      "sync_eu_space",
      "sync_us_all",
      "sync_us_projects_orders",
      "sync_us_space",
    ]);
    expect(Object.keys(parsed.variable ?? {})).toContain("destination_api_keys");
    expect(Object.keys(parsed.variable ?? {})).not.toContain("destination_api_key");
    // The key is a reference to the destination's sensitive template parameter, never a value.
    expect(text).toContain("#{Octoport.Destination.ApiKey.us}");
    expect(text).toContain('var.destination_api_keys["us"]');
  });

  it("schedule the apply-all runbook of each destination (continual sync in order), not each module", async () => {
    const m = manifest([]);
    const text = printFile(
      bootstrapRoot(m, {
        ...OPTIONS,
        schedule: { cron: "0 * * * *", environment: "Production" },
        destinations: [
          { name: "eu", server: "https://eu.example.com", space: "Shop" },
          { name: "us", server: "https://us.example.com", space: "Shop" },
        ],
      }),
    );
    const parsed = (await parseHcl("main.tf", text)) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    expect(Object.keys(parsed.resource?.octopusdeploy_project_scheduled_trigger ?? {}).sort()).toEqual([
      "sync_eu_all",
      "sync_us_all",
    ]);
  });

  it("run the modules in apply order from the apply-all runbook", () => {
    const script = applyAllScript(
      [
        { module: "space", project: "octoport sync", runbook: "octoport: sync to eu" },
        { module: "projects/orders", project: "Orders", runbook: "octoport: sync to eu" },
      ],
      "eu",
    );
    const runs = /const runs = (.*);/.exec(script)?.[1];
    expect(JSON.parse(runs ?? "[]").map((r: { module: string }) => r.module)).toEqual([
      "space",
      "projects/orders",
    ]);
    execFileSync("bash", ["-n", "-c", script]);
  });
});

describe("a destinations file", () => {
  it("names each destination, its server and space, and where its key is read from", () => {
    expect(
      parseDestinations(
        JSON.stringify([
          { name: "eu", server: "https://eu.example.com", space: "Shop" },
          { name: "us-east", server: "https://us.example.com", space: "Shop", apiKeyEnv: "US_KEY" },
        ]),
        "d.json",
      ),
    ).toEqual([
      { name: "eu", server: "https://eu.example.com", space: "Shop", apiKeyEnv: "OCTOPORT_DEST_API_KEY_EU" },
      { name: "us-east", server: "https://us.example.com", space: "Shop", apiKeyEnv: "US_KEY" },
    ]);
  });

  it.each([
    ["{}", "must be a JSON array"],
    ['[{"name":"EU","server":"https://x","space":"S"}]', "lower-case"],
    ['[{"name":"eu","server":"x","space":"S"}]', "http(s) URL"],
    ['[{"name":"eu","server":"https://x","space":"S","apiKey":"API-X"}]', 'unknown field "apiKey"'],
    [
      '[{"name":"eu","server":"https://x","space":"S"},{"name":"eu","server":"https://y","space":"S"}]',
      "twice",
    ],
  ])("refuses %s", (text, message) => {
    expect(() => parseDestinations(text, "d.json")).toThrow(message);
  });
});

describe("bootstrap --check", () => {
  it("lists a secret no variable holds, with the variable to add and where", () => {
    const findings = checkBootstrap(
      manifest([secret("account_deployer_password", "space", "Accounts-1")]),
      OPTIONS,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain("Octoport.Secret.account_deployer_password");
    expect(findings[0]?.message).toContain('project "octoport sync"');
  });

  it("says to spread a sensitive variable with several values", () => {
    const findings = checkBootstrap(
      manifest([
        secret("orders_db_production", "projects/orders", "variableset-Projects-1", "Db.Password"),
        secret("orders_db_test", "projects/orders", "variableset-Projects-1", "Db.Password"),
      ]),
      OPTIONS,
    );
    expect(findings.map((f) => f.message).join()).toContain("octoport spread");
  });

  it("refuses a single-root export, and names what the source lacks", () => {
    const findings = checkBootstrap(
      manifest([], "single"),
      { ...OPTIONS, workerPool: "Linux" },
      {
        projects: new Set(["Orders"]),
        workerPools: new Set(["Windows"]),
        feeds: new Set(),
        environments: new Set(),
        projectGroups: new Set(["Default Project Group"]),
        lifecycles: new Set(["Default Lifecycle"]),
      },
    );
    expect(findings.map((f) => `${f.subject} ${f.message}`)).toEqual([
      expect.stringContaining("--layout modules"),
      expect.stringContaining('no worker pool "Linux"'),
    ]);
  });
});

describe("the sync script's values", () => {
  it("reach the shell byte for byte, whatever they hold (here-documents, not shell words)", () => {
    fc.assert(
      fc.property(
        fc
          .string({ unit: "grapheme-ascii", maxLength: 40 })
          .filter(
            (v) =>
              !v.includes("\0") &&
              !v.split("\n").includes("OCTOPORT_VALUE") &&
              !v.endsWith("\n") &&
              !v.startsWith("#{"),
          ),
        (value) => {
          const script = [
            "octoport_need() { :; }",
            ...valueLines("v", "X").map((l) => (l === "#{X}" ? value : l)),
            'printf %s "$v"',
          ].join("\n");
          expect(execFileSync("bash", ["-c", script], { encoding: "utf8" })).toBe(value);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("export each secret as TF_VAR_ from its variable, or from Octoport.Secret.<input>", () => {
    const lines = secretLines([{ variable: "a", sourceVariable: "Db.Password" }, { variable: "b" }]);
    expect(lines).toContain("#{Db.Password}");
    expect(lines).toContain("#{Octoport.Secret.b}");
    expect(lines).toContain("export TF_VAR_a");
    expect(lines).toContain("export TF_VAR_b");
  });
});
