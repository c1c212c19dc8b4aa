import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSpace } from "../../src/graph/reader.js";
import { OctopusClient } from "../../src/octopus/client.js";
import { generateSpace, SIZES } from "../../src/sandbox/generate.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { DUMMY_CERTIFICATE } from "../../src/terraform/dummies.js";
import { buildExport, DEFAULT_PROVIDER_VERSION } from "../../src/terraform/export.js";
import type { Manifest } from "../../src/terraform/manifest.js";
import { writeExport } from "../../src/terraform/writer.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { exampleSpace } from "../helpers/examples.js";
import { releaseCreation } from "../helpers/scenarios.js";
import { emptyDestination, exportTo, tfvars, unexplained } from "./flow.js";
import { locateTools, TofuDir, type Tools } from "./harness.js";

/**
 * The Terraform path end to end with the real tools: a seeded source sandbox, octoport
 * export, tofu apply into an empty destination sandbox, then the destination must equal the
 * source by names (settings, references, scopes, step properties, variable values, and
 * secrets equal to what the tfvars supplied), and a plan afterwards must show no changes.
 */
const tools = locateTools();

/** Applies one directory (big bang root, or a module's own root) and checks the plan after is clean. */
async function applyDir(dir: string, varFile: string): Promise<void> {
  const tf = await TofuDir.at(tools as Tools, dir);
  // Modules only: with dev_overrides the provider needs no installing (and no registry is reachable).
  await tf.must(["get"]);
  await tf.must(["apply", "-auto-approve", "-input=false", `-var-file=${varFile}`]);
  const plan = await tf.planActions([`-var-file=${varFile}`]);
  expect(
    [...plan.entries()].filter(([, a]) => a.join() !== "no-op"),
    `plan after applying ${dir}`,
  ).toEqual([]);
}

/** Applies an export into the destination and compares it with the source by names. */
async function applyAndCompare(
  source: Sandbox,
  destination: Sandbox,
  dir: string,
  manifest: Manifest,
  expected: RegExp[] = [],
): Promise<void> {
  const vars = join(dir, "terraform.tfvars");
  await writeFile(vars, tfvars(source, destination, manifest), { mode: 0o600 });
  await applyDir(dir, vars);
  const diffs = differences(normaliseSpace(source, "Spaces-1"), normaliseSpace(destination, "Spaces-1"));
  if (process.env.ROUNDTRIP_DIFFS) await writeFile(process.env.ROUNDTRIP_DIFFS, `${diffs.join("\n")}\n`);
  expect(unexplained(diffs).filter((d) => !expected.some((re) => re.test(d)))).toEqual([]);
  for (const re of expected)
    expect(diffs, `an expected difference ${re}`).toContainEqual(expect.stringMatching(re));
}

describe.skipIf(typeof tools === "string")("round trip through Terraform", () => {
  let source: Sandbox;
  beforeAll(async () => {
    source = await new Sandbox({ seed: exampleSpace() }).start();
  });
  afterAll(() => source.close());

  it.each(["modules", "single"] as const)("the example space, %s layout, big bang", async (layout) => {
    const destination = await emptyDestination("Acme Retail");
    try {
      const { dir, manifest } = await exportTo(source, layout);
      await applyAndCompare(source, destination, dir, manifest);
    } finally {
      await destination.close();
    }
  });

  it.each(["modules", "single"] as const)(
    "the edge-case space (step templates, new-framework and disabled steps, Config-as-Code, hostile text), %s layout, big bang",
    async (layout) => {
      const edge = await new Sandbox({ seed: exampleSpace("edge-cases") }).start();
      const destination = await emptyDestination("Edge Cases");
      try {
        const { dir, manifest } = await exportTo(edge, layout);
        const warnings = manifest.warnings.map((w) => `${w.subject} ${w.message}`).join("\n");
        expect(warnings).toMatch(
          /uses the new step framework \(azure-web-app\), which the provider cannot express; it is skipped/,
        );
        expect(warnings).toMatch(
          /"Old smoke test" of deployment process is disabled; it is exported disabled/,
        );
        expect(warnings).toMatch(/"Legacy Git App" is a Config-as-Code project/);
        await applyAndCompare(edge, destination, dir, manifest);
      } finally {
        await destination.close();
        await edge.close();
      }
    },
  );

  it("the edge-case space with --detach-step-templates: the step keeps the template's script but not its link", async () => {
    const edge = await new Sandbox({ seed: exampleSpace("edge-cases") }).start();
    const destination = await emptyDestination("Edge Cases");
    try {
      const { dir, manifest } = await exportTo(edge, "modules", { detachStepTemplates: true });
      await applyAndCompare(edge, destination, dir, manifest, [
        /^DeploymentProcesses:.*\.Steps\.Notify the team\.Actions\.Notify the team\.Properties\.Octopus\.Action\.Template\.Id:/,
        /^DeploymentProcesses:.*\.Steps\.Notify the team\.Actions\.Notify the team\.Properties\.Octopus\.Action\.Template\.Version:/,
      ]);
    } finally {
      await destination.close();
      await edge.close();
    }
  });

  it.each(["modules", "single"] as const)(
    "release creation (versions from a package, automatic releases from the built-in feed, git triggers), %s layout",
    async (layout) => {
      const built = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
      const destination = await emptyDestination("Release Creation");
      try {
        const space = await releaseCreation(built);
        const { dir, manifest } = await exportTo(built, layout, {}, undefined, space.spaceId);
        expect(manifest.warnings).toEqual([]);
        const vars = join(dir, "terraform.tfvars");
        await writeFile(vars, tfvars(built, destination, manifest), { mode: 0o600 });
        await applyDir(dir, vars);
        const source = normaliseSpace(built, space.spaceId);
        const diffs = differences(source, normaliseSpace(destination, "Spaces-1"));
        expect(unexplained(diffs)).toEqual([]);
        // What is compared holds the settings, not empty ones on both sides.
        const project = source.get("Projects:Web") as Record<string, unknown>;
        expect(project.AutoCreateRelease).toBe(true);
        expect(project.ReleaseCreationStrategy).toMatchObject({
          ReleaseCreationPackageStepId: "@step Run migrations",
        });
        expect(source.get("ProjectTriggers:Web/Paused")).toMatchObject({ IsDisabled: true });
      } finally {
        await destination.close();
        await built.close();
      }
    },
  );

  it("the example space, incremental: space/, then each project module alone, in manifest order", async () => {
    const destination = await emptyDestination("Acme Retail");
    try {
      const { dir, manifest } = await exportTo(source, "modules");
      const vars = join(dir, "terraform.tfvars");
      await writeFile(vars, tfvars(source, destination, manifest), { mode: 0o600 });
      for (const level of manifest.applyOrder) {
        for (const module of level) await applyDir(join(dir, module), vars);
      }
      expect(
        unexplained(differences(normaliseSpace(source, "Spaces-1"), normaliseSpace(destination, "Spaces-1"))),
      ).toEqual([]);
    } finally {
      await destination.close();
    }
  });

  it("out of order, a project module stops naming the dependency that is missing", async () => {
    const destination = await emptyDestination("Acme Retail");
    try {
      const { dir, manifest } = await exportTo(source, "modules");
      const vars = join(dir, "terraform.tfvars");
      await writeFile(vars, tfvars(source, destination, manifest), { mode: 0o600 });
      await applyDir(join(dir, "space"), vars);
      const tf = await TofuDir.at(tools as Tools, join(dir, "projects/storefront"));
      await tf.must(["get"]);
      const result = await tf.run(["apply", "-auto-approve", "-input=false", `-var-file=${vars}`]);
      expect(result.code).not.toBe(0);
      expect(result.stderr.replace(/\s+/g, " ")).toContain(
        'The project "Orders API" was not found in the destination space (apply projects/orders-api first).',
      );
    } finally {
      await destination.close();
    }
  });

  it("with --secret-defaults dummy, the export applies before any secret is known", async () => {
    const destination = await emptyDestination("Acme Retail");
    try {
      const client = new OctopusClient({ server: source.url, apiKey: source.apiKey });
      const graph = await readSpace(client, await client.resolveSpace("Spaces-1"));
      const result = buildExport(graph, {
        layout: "single",
        secretDefaults: "dummy",
        providerVersion: DEFAULT_PROVIDER_VERSION,
        source: { server: source.url },
      });
      const dir = join(await mkdtemp(join(tmpdir(), "octoport-export-")), "out");
      await writeExport(dir, result.files);
      const vars = join(dir, "terraform.tfvars");
      await writeFile(
        vars,
        `octopus_server = ${JSON.stringify(destination.url)}\noctopus_apikey = ${JSON.stringify(destination.apiKey)}\noctopus_space_id = "Spaces-1"\n`,
      );
      await applyDir(dir, vars);
      const cert = destination.engine.docs("Certificates", "Spaces-1")[0]!;
      const data = (
        destination.reveal("Certificates", String(cert.Id)) as { CertificateData: { NewValue: string } }
      ).CertificateData.NewValue;
      expect(data).toBe(DUMMY_CERTIFICATE);
    } finally {
      await destination.close();
    }
  });

  it.each(["modules", "single"] as const)(
    "a generated space (fixed seed, hostile names), %s layout, big bang",
    async (layout) => {
      const generated = await new Sandbox({ seed: generateSpace(SIZES.XS, 20261122, "Generated") }).start();
      const destination = await emptyDestination("Generated");
      try {
        const { dir, manifest } = await exportTo(generated, layout);
        const vars = join(dir, "terraform.tfvars");
        await writeFile(vars, tfvars(generated, destination, manifest), { mode: 0o600 });
        await applyDir(dir, vars);
        const diffs = differences(
          normaliseSpace(generated, "Spaces-1"),
          normaliseSpace(destination, "Spaces-1"),
        );
        if (process.env.ROUNDTRIP_DIFFS)
          await writeFile(process.env.ROUNDTRIP_DIFFS, `${diffs.join("\n")}\n`);
        expect(unexplained(diffs)).toEqual([]);
      } finally {
        await destination.close();
        await generated.close();
      }
    },
  );
});
