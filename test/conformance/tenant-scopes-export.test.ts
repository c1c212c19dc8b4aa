import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { type Doc, RestSpace } from "../helpers/rest.js";
import { decoys } from "../helpers/scenarios.js";
import { applyWithVars, exportTo, pendingChanges, tfvars, unexplained } from "./flow.js";
import { locateTools, type Tools } from "./harness.js";

/**
 * A tenant's common variables scoped to environments (Octopus 2025.2): several values of one
 * library template, each with its environments, and a sensitive one, built through the REST
 * API's newer endpoint (/tenants/{id}/commonvariables), exported and applied by the real
 * provider into an empty space of another sandbox whose IDs decoys shifted: the destination holds
 * the same values with the same scopes (by names), secrets included, and a second plan is empty.
 */
const tools = locateTools();
const SEED = { spaces: [{ Name: "Default", IsDefault: true }] };
const HOST = "0c000000-0000-4000-8000-00000000000c";
const PASSWORD = "0d000000-0000-4000-8000-00000000000d";

describe.skipIf(typeof tools === "string")("scoped tenant common variables, with the real provider", () => {
  let source: Sandbox;
  let space: RestSpace;
  beforeAll(async () => {
    source = await new Sandbox({ seed: SEED }).start();
    space = await RestSpace.create(source, "Scopes");
    const lifecycle = await space.named("lifecycles", "Default Lifecycle");
    const group = await space.named("projectgroups", "Default Project Group");
    const env = (Name: string) => space.post("environments", { Name });
    const production = await env("Production");
    const staging = await env("Staging");
    const test = await env("Test");
    const library = await space.post("libraryvariablesets", { Name: "Mail", ContentType: "Variables" });
    await space.update(`libraryvariablesets/${library.Id}`, (d) => {
      d.Templates = [
        {
          Id: HOST,
          Name: "Smtp.Host",
          Label: "SMTP host",
          DisplaySettings: { "Octopus.ControlType": "SingleLineText" },
        },
        {
          Id: PASSWORD,
          Name: "Smtp.Password",
          Label: "SMTP password",
          DisplaySettings: { "Octopus.ControlType": "Sensitive" },
        },
      ];
    });
    const project = await space.post("projects", {
      Name: "Web",
      LifecycleId: lifecycle.Id,
      ProjectGroupId: group.Id,
      IncludedLibraryVariableSetIds: [library.Id],
      TenantedDeploymentMode: "Tenanted",
    });
    const tenant = await space.post("tenants", {
      Name: "Acme",
      ProjectEnvironments: { [project.Id]: [production.Id, staging.Id, test.Id] },
    });
    const variable = (TemplateId: string, Value: unknown, EnvironmentIds: string[]): Doc =>
      ({ LibraryVariableSetId: library.Id, TemplateId, Value, Scope: { EnvironmentIds } }) as unknown as Doc;
    await space.put(`tenants/${tenant.Id}/commonvariables`, {
      TenantId: tenant.Id,
      Variables: [
        variable(HOST, "smtp.example.com", []),
        variable(HOST, "smtp.test.example.com", [staging.Id, test.Id]),
        variable(PASSWORD, { HasValue: true, NewValue: "prod-secret" }, [production.Id]),
        variable(PASSWORD, { HasValue: true, NewValue: "other-secret" }, [staging.Id]),
      ],
    });
  });
  afterAll(() => source.close());

  it("arrives with each value and its scope, secrets included, and plans clean", async () => {
    const destination = await new Sandbox({ seed: SEED }).start();
    try {
      await decoys(destination);
      const into = await RestSpace.create(destination, "Scopes");
      const { dir, manifest } = await exportTo(source, "modules", {}, undefined, space.spaceId);
      expect(manifest.warnings).toEqual([]);
      expect(
        manifest.resources
          .filter((r) => r.type === "octopusdeploy_tenant_common_variable")
          .map((r) => r.name)
          .sort(),
      ).toEqual([
        "Acme Mail Smtp.Host",
        "Acme Mail Smtp.Host Staging Test",
        "Acme Mail Smtp.Password Production",
        "Acme Mail Smtp.Password Staging",
      ]);
      expect(manifest.secrets.map((s) => s.variable).sort()).toEqual([
        "tenant_acme_mail_smtp_password_production",
        "tenant_acme_mail_smtp_password_staging",
      ]);
      const vars = await applyWithVars(
        tools as Tools,
        dir,
        manifest,
        tfvars(source, destination, manifest, into.spaceId),
      );
      expect(await pendingChanges(tools as Tools, dir, manifest, vars)).toEqual({});
      const want = normaliseSpace(source, space.spaceId);
      const got = normaliseSpace(destination, into.spaceId);
      expect(unexplained(differences(want, got))).toEqual([]);
      expect(got.size).toBe(want.size);

      // Read back through the newer endpoint: the same values with the same scopes, by names.
      const byNames = async (s: RestSpace) => {
        const tenant = await s.named("tenants", "Acme");
        const envs = new Map((await s.list("environments")).map((e) => [e.Id, String(e.Name)]));
        const common = (await s.get(`tenants/${tenant.Id}/commonvariables`)) as unknown as {
          Variables: Array<{
            Template: { Name: string };
            Value: unknown;
            Scope: { EnvironmentIds: string[] };
          }>;
        };
        return common.Variables.map(
          (v) =>
            `${v.Template.Name} ${JSON.stringify(v.Value)} ${v.Scope.EnvironmentIds.map((id) => envs.get(id))
              .sort()
              .join(",")}`,
        ).sort();
      };
      expect(await byNames(into)).toEqual(await byNames(space));
      expect(await byNames(into)).toHaveLength(4);
    } finally {
      await destination.close();
    }
  });
});
