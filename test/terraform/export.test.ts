import { describe, expect, it } from "vitest";
import { readSpace } from "../../src/graph/reader.js";
import { OctopusClient } from "../../src/octopus/client.js";
import { generateSpace, SIZES } from "../../src/sandbox/generate.js";
import type { SeedFile } from "../../src/sandbox/seed.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { buildExport, DEFAULT_PROVIDER_VERSION } from "../../src/terraform/export.js";
import { parseHcl } from "../../src/terraform/hcl/parse.js";
import type { Manifest } from "../../src/terraform/manifest.js";
import { validateHcl } from "../../src/terraform/writer.js";
import { exampleSpace } from "../helpers/examples.js";
import { exportFrom, exportSeed } from "../helpers/export.js";
import { schemaProblems } from "../helpers/schema.js";

const SECRETS = [
  "dckr_pat_example",
  "ghp_exampletoken",
  "db-p@ssw0rd",
  "status-token-123",
  "aws-secret-key",
  "azure-client-secret",
  "key-passphrase",
  "ghp_gitcredential",
  "nonprod-db-secret",
  "prod-db-secret",
  "smtp-api-key",
  "pay-key-prod",
  "cdn-secret",
  "whsec_example",
  "acme-smtp-secret",
];

describe.each(["modules", "single"] as const)("exporting the example space, %s layout", (layout) => {
  it("writes HCL the real parser reads and the provider schema accepts", async () => {
    const { files } = await exportSeed(exampleSpace(), { layout });
    await validateHcl(files);
    expect(await schemaProblems(files)).toEqual([]);
  });

  it("is byte-identical every time", async () => {
    const a = await exportSeed(exampleSpace(), { layout });
    const b = await exportSeed(exampleSpace(), { layout });
    expect([...a.files.keys()]).toEqual([...b.files.keys()]);
    for (const [path, text] of a.files) expect(b.files.get(path), path).toBe(text);
  });

  it("never writes a secret, only variables for them", async () => {
    const { files, manifest } = await exportSeed(exampleSpace(), { layout });
    const all = [...files.values()].join("\n");
    for (const s of SECRETS) expect(all).not.toContain(s);
    expect(manifest.secrets.length).toBeGreaterThanOrEqual(SECRETS.length - 1);
    for (const s of manifest.secrets) {
      expect(all).toMatch(new RegExp(`variable "${s.variable}" \\{[^}]*sensitive\\s+= true`, "s"));
    }
  });
});

describe("the source server's URL", () => {
  it("stays out of the Terraform files: the same space served at another URL gives the same .tf bytes", async () => {
    // Two servers holding the same space at different ports, as two runs of the demo would be.
    const exports = [];
    for (let i = 0; i < 2; i++) {
      const sandbox = await new Sandbox({ seed: exampleSpace() }).start();
      try {
        exports.push({
          url: sandbox.url,
          ...(await exportFrom(sandbox, { source: { server: sandbox.url } })),
        });
      } finally {
        await sandbox.close();
      }
    }
    const [a, b] = exports as [(typeof exports)[0], (typeof exports)[0]];
    expect(a.url).not.toBe(b.url);
    // Only the manifest and the README say where the files came from.
    expect(a.manifest.source.server).toBe(a.url);
    const tf = [...a.files.keys()].filter((p) => p.endsWith(".tf"));
    expect(tf.length).toBeGreaterThan(10);
    for (const path of tf) {
      expect(a.files.get(path), path).not.toContain(a.url);
      expect(b.files.get(path), path).toBe(a.files.get(path));
    }
  });
});

describe("the modules layout", () => {
  it("puts space-level resources in space/ and each project in projects/<slug>/", async () => {
    const { files, manifest } = await exportSeed(exampleSpace());
    expect(manifest.modules.map((m) => m.path)).toEqual([
      "space",
      "projects/orders-api",
      "projects/payments-service",
      "projects/storefront",
      "tenant-variables",
    ]);
    expect(files.has("space/module/environments.tf")).toBe(true);
    expect(files.get("projects/orders-api/module/project.tf")).toMatch(
      /resource "octopusdeploy_project" "orders_api"/,
    );
    expect(manifest.applyOrder).toEqual([
      ["space"],
      ["projects/orders-api", "projects/payments-service"],
      ["projects/storefront"],
      // Tenants' values of library sets apply once the projects have connected the tenants.
      ["tenant-variables"],
    ]);
    expect(manifest.modules.find((m) => m.path === "projects/storefront")?.dependsOn).toEqual([
      "projects/orders-api",
      "space",
    ]);
    // The root module orders the modules the same way: IDs flow from what each one uses. No
    // depends_on on a whole module, even one whose release it deploys: that would defer the
    // module's data sources, and show in-place updates, whenever the other changes.
    const root = (await parseHcl("main.tf", files.get("main.tf")!)) as {
      module: Record<string, Array<{ depends_on?: string[]; octoport_ids?: string }>>;
    };
    expect(root.module.project_storefront?.[0]?.depends_on).toBeUndefined();
    // Tenants' values of library sets apply after the tenants' connections, whose IDs they are passed.
    expect(root.module.tenant_variables?.[0]?.depends_on).toBeUndefined();
    expect(files.get("projects/storefront/module/outputs.tf")).toMatch(
      /"TenantProjects:Acme Corp\/Storefront"\s+= octopusdeploy_tenant_project\.\w+\.id/,
    );
    expect(root.module.project_storefront?.[0]?.octoport_ids).toBe(
      "${merge(module.project_orders_api.ids, module.space.ids)}",
    );
    expect(root.module.project_orders_api?.[0]?.depends_on).toBeUndefined();
    expect(root.module.project_orders_api?.[0]?.octoport_ids).toBe("${module.space.ids}");
    // Storefront deploys a release of Orders API: it looks the project up by name.
    expect(files.get("projects/storefront/module/lookups.tf")).toMatch(
      /data "octopusdeploy_projects" "orders_api" \{[^}]*name\s+= "Orders API"/s,
    );
  });

  it("looks defaults up instead of creating them", async () => {
    const { files, manifest } = await exportSeed(exampleSpace());
    const all = [...files.values()].join("\n");
    expect(all).not.toMatch(/resource "octopusdeploy_lifecycle" "default_lifecycle"/);
    expect(all).not.toMatch(/resource "octopusdeploy_machine_policy" "default_machine_policy"/);
    expect(all).toMatch(
      /data "octopusdeploy_feeds" "octopus_server_built_in" \{[^}]*feed_type\s+= "BuiltIn"/s,
    );
    expect(manifest.resources.some((r) => r.name === "Default")).toBe(false);
  });

  it("lists every resource in the manifest with its address, in the order of the addresses", async () => {
    const { manifest, files } = await exportSeed(exampleSpace());
    const written = JSON.parse(files.get("manifest.json")!) as Manifest;
    const env = written.resources.find((r) => r.sourceId === "Environments-4");
    expect(env).toEqual({
      sourceId: "Environments-4",
      sourceType: "Environments",
      name: "Production",
      type: "octopusdeploy_environment",
      module: "space",
      address: "module.space.octopusdeploy_environment.production",
    });
    expect(manifest.resources.find((r) => r.sourceId === "Environments-4")?.address).toBe(env?.address);
    const addresses = written.resources.map((r) => r.address);
    expect(new Set(addresses.map((a) => a.split(".")[1])).size).toBeGreaterThan(2);
    expect(addresses).toEqual([...addresses].sort());
    expect(manifest.resources.map((r) => r.address)).toEqual(addresses);
  });
});

describe("what a module looks up", () => {
  it("says in each postcondition what to apply first, or why it is already there", async () => {
    const { files } = await exportSeed(exampleSpace(), {
      projects: ["Storefront"],
      lookupDependencies: true,
    });
    const lookups = files.get("projects/storefront/module/lookups.tf")!.replace(/\\"/g, '"');
    // Another project's, outside this export: which module to apply first.
    expect(lookups).toContain(
      'The project "Orders API" was not found in the destination space (it is outside this export: export project "Orders API" (--project) and apply its module first).',
    );
    // Space-level, looked up (--lookup-dependencies).
    expect(lookups).toContain(
      'The environment "Production" was not found in the destination space (it is outside this export: apply the space module of an export that writes it first).',
    );
    // Built in.
    expect(lookups).toContain(
      'The feed "Octopus Server (built-in)" was not found in the destination space (every space has it).',
    );
    expect(lookups).not.toContain("every space has it, or it is outside this export");
  });
});

describe("names", () => {
  it("keeps two resources whose names sanitise alike", async () => {
    const { files } = await exportSeed({
      spaces: [
        {
          Name: "Names",
          Documents: {
            Feeds: [
              { Id: "Feeds-1", Name: "Docker Hub", FeedType: "Docker", FeedUri: "https://a" },
              { Id: "Feeds-2", Name: "docker_hub", FeedType: "Docker", FeedUri: "https://b" },
            ],
          },
        },
      ],
    });
    const feeds = files.get("space/module/feeds.tf")!;
    expect(feeds).toMatch(
      /resource "octopusdeploy_docker_container_registry" "docker_hub" \{\n[^}]*"docker_hub"/,
    );
    expect(feeds).toMatch(
      /resource "octopusdeploy_docker_container_registry" "docker_hub_[0-9a-f]{4}" \{\n[^}]*"Docker Hub"/,
    );
  });
});

describe("secrets of modules whose names collide across the export", () => {
  // Two projects whose names sanitise alike, each with a secret of the same name: the roots
  // tell them apart, while each module names its own input plainly, from what is in it alone.
  const project = (n: number, name: string) => ({
    Id: `Projects-${n}`,
    Name: name,
    ProjectGroupId: "ProjectGroups-1",
    LifecycleId: "Lifecycles-1",
    VariableSetId: `variableset-Projects-${n}`,
  });
  const variables = (n: number) => ({
    Id: `variableset-Projects-${n}`,
    OwnerId: `Projects-${n}`,
    Variables: [
      {
        Id: `5e000000-0000-4000-8000-00000000000${n}`,
        Name: "Db.Password",
        Value: `secret-${n}`,
        Type: "Sensitive",
        IsSensitive: true,
        Scope: {},
      },
    ],
  });
  const seed = {
    spaces: [
      {
        Name: "Collisions",
        Documents: {
          ProjectGroups: [{ Id: "ProjectGroups-1", Name: "Default Project Group" }],
          Lifecycles: [{ Id: "Lifecycles-1", Name: "Default Lifecycle", Phases: [] }],
          Projects: [project(1, "Orders API"), project(2, "orders-api")],
          VariableSets: [variables(1), variables(2)],
        },
      },
    ],
  };

  it("passes each root variable into its module's own input", async () => {
    const { files, manifest } = await exportSeed(seed as never);
    await validateHcl(files);
    const roots = manifest.secrets.map((s) => s.variable).sort();
    expect(roots).toHaveLength(2);
    for (const name of roots) expect(name).toMatch(/_[0-9a-f]{4,}$/);
    const inner = [...files].filter(([path]) => /^projects\/[^/]+\/module\/variables\.tf$/.test(path));
    expect(inner).toHaveLength(2);
    for (const [path, text] of inner) {
      const inputs = [...text.matchAll(/variable "([^"]+)"/g)].map((m) => m[1]);
      expect(inputs, path).toEqual(["octopus_space_id", "octoport_ids", expect.any(String)]);
      const input = inputs[2]!;
      expect(input, path).not.toMatch(/_[0-9a-f]{4,}$/);
      const dir = path.replace(/\/module\/variables\.tf$/, "");
      const secret = manifest.secrets.find((s) => s.modules.includes(dir))!;
      // The standalone root and the root of all modules both pass it in under its root name.
      expect(files.get(`${dir}/main.tf`)).toMatch(new RegExp(`\\b${input}\\s+= var\\.${secret.variable}\\b`));
      expect(files.get(`${dir}/variables.tf`)).toContain(`variable "${secret.variable}"`);
      expect(files.get("main.tf")).toMatch(new RegExp(`\\b${input}\\s+= var\\.${secret.variable}\\b`));
    }
  });
});

describe("project names too long for a directory", () => {
  it("give a short directory (beginning and hash), distinct for names alike at the start", async () => {
    const seed = exampleSpace();
    const projects = seed.spaces[0]!.Documents!.Projects! as Array<{ Name: string }>;
    const long = (tail: string) => `${"Very long project name ".repeat(13)}${tail}`;
    projects[0]!.Name = long("one");
    projects[1]!.Name = long("two");
    const { files } = await exportSeed(seed);
    const dirs = new Set(
      [...files.keys()].filter((f) => f.startsWith("projects/")).map((f) => f.split("/")[1]!),
    );
    const longDirs = [...dirs].filter((d) => d.startsWith("very-long-project-name"));
    expect(longDirs).toHaveLength(2);
    for (const d of longDirs) expect(d).toMatch(/^very-long-project-name-[a-z-]+-[0-9a-f]{8}$/);
    for (const d of longDirs) expect(d.length).toBeLessThanOrEqual(120);
  });
});

describe("the README", () => {
  it("explains the layout, the order, and the manual steps after migration", async () => {
    const { files } = await exportSeed(exampleSpace());
    const readme = files.get("README.md")!;
    expect(readme).toContain(
      "| `projects/storefront/` | project Storefront | `projects/orders-api`, `space` |",
    );
    expect(readme).toContain("Storefront deploys a release of Orders API");
    expect(readme).toContain("teams and user roles unless exported with --include-teams");
    expect(readme).toMatch(
      /1\. `space`\n2\. `projects\/orders-api`, `projects\/payments-service`\n3\. `projects\/storefront`/,
    );
  });
});

describe("secret defaults", () => {
  it("none: every secret is a required input", async () => {
    const { files } = await exportSeed(exampleSpace(), { secretDefaults: "none" });
    expect(files.get("variables.tf")).not.toMatch(
      /variable "account_orders_database_password" \{[^}]*default/s,
    );
  });

  it("dummy: placeholders valid for their field (a PFX for certificates, a key for SSH)", async () => {
    const { files } = await exportSeed(exampleSpace(), { secretDefaults: "dummy" });
    const vars = files.get("variables.tf")!;
    expect(vars).toMatch(/variable "account_orders_database_password" \{[^}]*default\s+= "CHANGE_ME"/s);
    const pfx = /variable "certificate_shop_acme_example_tls_data" \{[^}]*default\s+= "([^"]+)"/s.exec(
      vars,
    )?.[1];
    expect(Buffer.from(pfx ?? "", "base64")[0]).toBe(0x30); // a DER SEQUENCE: PKCS#12
    const key = /variable "account_deploy_ssh_key_private_key" \{[^}]*default\s+= "([^"]+)"/s.exec(vars)?.[1];
    expect(Buffer.from(key ?? "", "base64").toString()).toContain("BEGIN OPENSSH PRIVATE KEY");
  });

  it("octostache: #{Name}, so a runbook in Octopus can supply the values", async () => {
    const { files } = await exportSeed(exampleSpace(), { secretDefaults: "octostache" });
    const vars = files.get("variables.tf")!;
    expect(vars).toMatch(
      /variable "orders_api_orders_paymentskey_production" \{[^}]*default\s+= "#\{Orders\.PaymentsKey\}"/s,
    );
    expect(vars).toMatch(
      /variable "account_orders_database_password" \{[^}]*default\s+= "#\{account_orders_database_password\}"/s,
    );
  });
});

describe("options that shape the output", () => {
  it("--create-space writes space_creation/, which creates a space like the source", async () => {
    const { files, manifest } = await exportSeed(exampleSpace(), { createSpace: true });
    expect(manifest.spaceCreation).toBe(true);
    const main = files.get("space_creation/main.tf")!;
    expect(main).toMatch(/resource "octopusdeploy_space" "space" \{/);
    expect(main).toMatch(/output "octopus_space_id"/);
    expect(files.get("space_creation/variables.tf")).toMatch(
      /variable "octopus_space_name" \{[^}]*default\s+= "Acme Retail"/s,
    );
    expect(await schemaProblems(new Map([["space_creation/main.tf", main]]))).toEqual([]);
    expect(files.get("README.md")).toContain("## Creating the destination space");
  });

  it("--backend adds an empty backend block to each root, --provider-version the constraint", async () => {
    const { files } = await exportSeed(exampleSpace(), { backend: "s3", providerVersion: "= 1.17.0" });
    for (const root of ["main.tf", "space/main.tf", "projects/orders-api/main.tf"]) {
      expect(files.get(root), root).toMatch(/backend "s3" \{\n\s*\}/);
      expect(files.get(root), root).toContain('"version" = "= 1.17.0"');
    }
    expect(files.get("space/module/versions.tf")).not.toContain("backend");
  });
});

describe("--spread-secrets", () => {
  it("names an unscoped, uniquely named secret after the variable, and warns about the others", async () => {
    const { files, manifest } = await exportSeed(exampleSpace(), { spreadSecrets: true });
    const variables = files.get("variables.tf")!;
    // Smtp.ApiKey is unscoped and the only one of its name: its input is named after it alone.
    expect(variables).toMatch(/variable "smtp_apikey" \{/);
    expect(manifest.warnings.map((w) => w.message)).toContainEqual(
      'sensitive variable "Orders.PaymentsKey" of Orders API is scoped, so it cannot be passed in by name; run octoport spread on the source first',
    );
    const usual = await exportSeed(exampleSpace());
    expect(usual.files.get("variables.tf")).not.toMatch(/variable "smtp_apikey" \{/);
  });
});

describe("step templates", () => {
  it("a step that uses a template is a templated step referring to the exported template", async () => {
    const { files } = await exportSeed(exampleSpace("edge-cases"));
    expect(files.get("space/module/step_templates.tf")).toMatch(
      /resource "octopusdeploy_step_template" "notify_slack"/,
    );
    const process = files.get("projects/edge-cases-app/module/process.tf")!;
    expect(process).toMatch(/resource "octopusdeploy_process_templated_step" "deployment_notify_the_team"/);
    expect(process).toMatch(/"Slack.Message"\s+= "Shipped #\{Octopus.Release.Number\}/);
  });

  it("--detach-step-templates: the step becomes a plain step with the template's script and defaults", async () => {
    // The step leaves one parameter unset, so it takes the template's default.
    const seed = exampleSpace("edge-cases");
    const text = JSON.stringify(seed).replace(
      '"Slack.Message":"Shipped #{Octopus.Release.Number} to #{Octopus.Environment.Name}"',
      '"Octopus.Action.Script.Timeout":"60"',
    );
    expect(text).not.toContain("Shipped");
    const { files, manifest } = await exportSeed(JSON.parse(text), { detachStepTemplates: true });
    const process = files.get("projects/edge-cases-app/module/process.tf")!;
    expect(process).not.toContain("octopusdeploy_process_templated_step");
    expect(process).not.toContain("Octopus.Action.Template");
    const step = process.slice(
      process.indexOf('resource "octopusdeploy_process_step" "deployment_notify_the_team"'),
    );
    expect(step).toMatch(/^resource "octopusdeploy_process_step"/);
    expect(step).toMatch(/type\s+= "Octopus.Script"/);
    expect(step).toMatch(/"Octopus.Action.Script.ScriptBody"\s+= <<EOT\ncurl -X POST/);
    expect(step).toMatch(/"Slack.Message"\s+= "Deployed #\{Octopus.Release.Number\}"/);
    expect(step).toMatch(/"Slack.Webhook"\s+= "#\{Slack.Webhook\}"/);
    expect(manifest.warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(/uses step template "Notify Slack"; it is detached/),
    );
    expect(await schemaProblems(files)).toEqual([]);
  });
});

describe("text Terraform cannot keep exactly", () => {
  it("warns about text that is not Unicode NFC", async () => {
    const { manifest } = await exportSeed({
      spaces: [{ Name: "NFC", Documents: { Environments: [{ Id: "Environments-1", Name: "Cafe\u0301" }] } }],
    });
    expect(manifest.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/not Unicode NFC/));
  });
});

describe("an export that owns its graph (releaseGraph)", () => {
  const cases: Array<[string, SeedFile, "modules" | "single"]> = [
    ["the example space", exampleSpace(), "modules"],
    ["the example space, one module", exampleSpace(), "single"],
    ["the edge cases", exampleSpace("edge-cases"), "modules"],
    ["a generated space with hostile names", generateSpace(SIZES.XS, 7), "modules"],
    ["a generated space of 20 projects", generateSpace(SIZES.S, 3), "modules"],
  ];
  for (const [what, seed, layout] of cases) {
    it(`writes the same files as one that does not, and lets go of each project's documents: ${what}`, async () => {
      const sandbox = await new Sandbox({ seed }).start();
      try {
        const read = async () => {
          const client = new OctopusClient({ server: sandbox.url, apiKey: sandbox.apiKey });
          return readSpace(client, await client.resolveSpace("Spaces-1"));
        };
        const options = {
          layout,
          secretDefaults: "none" as const,
          providerVersion: DEFAULT_PROVIDER_VERSION,
          source: { server: "https://octopus.example.com" },
        };
        const kept = buildExport(await read(), options);
        const graph = await read();
        const released = buildExport(graph, { ...options, releaseGraph: true });
        expect([...released.files.keys()]).toEqual([...kept.files.keys()]);
        for (const [path, text] of kept.files) expect(released.files.get(path), path).toBe(text);
        expect(graph.references).toEqual([]);
        const projectLevel = [...graph.nodes.values()].filter(
          (n) =>
            n.klass === "project" &&
            n.type !== "Projects" &&
            released.manifest.resources.some((r) => r.sourceId === n.id),
        );
        expect(projectLevel.length).toBeGreaterThan(0);
        for (const node of projectLevel) {
          if (layout === "single") expect(() => JSON.stringify(node.doc)).not.toThrow();
          else expect(() => JSON.stringify(node.doc), node.id).toThrow(/was read after it was released/);
        }
        for (const node of graph.ofType("Projects")) expect(() => JSON.stringify(node.doc)).not.toThrow();
      } finally {
        await sandbox.close();
      }
    });
  }
});
