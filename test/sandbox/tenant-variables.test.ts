// Tenant variables as the server holds them since scoped tenant variables (2025.2): the newer
// per-tenant endpoints (/tenants/{id}/commonvariables, /projectvariables; go-octopusdeploy
// pkg/tenants/tenant_service.go) and the older /tenants/{id}/variables document, one store
// behind both (src/sandbox/resources/tenant-variables.ts). The provider's own acceptance tests
// (TestAccTenantCommonVariable*, TestAccTenantProjectVariable*) drive the same endpoints.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { exampleSpace } from "../helpers/examples.js";
import { request } from "../helpers/http.js";

const SPACE = "/api/Spaces-1";
const DOMAIN = "f3a2d9e0-0000-4000-8000-000000000001";
const SMTP = "f3a2d9e0-0000-4000-8000-000000000002";
const REGION = "c1000000-0000-4000-8000-000000000001";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await new Sandbox({ seed: exampleSpace(), apiKey: "API-TENANTVARIABLES000001" }).start();
});
afterAll(() => sandbox.close());

const api = (method: string, path: string, body?: unknown) => request(sandbox, method, path, body);

interface V2Variable {
  Id: string;
  TemplateId: string;
  ProjectId?: string;
  LibraryVariableSetId?: string;
  Value: unknown;
  Scope: { EnvironmentIds: string[] };
  Template: { Name: string; DisplaySettings: Record<string, string> };
}

/** A V2 response's variables as the payload a client sends back. */
const payload = (vars: V2Variable[]) =>
  vars.map(({ Id, TemplateId, ProjectId, LibraryVariableSetId, Value, Scope }) => ({
    Id,
    TemplateId,
    ...(ProjectId ? { ProjectId } : { LibraryVariableSetId }),
    Value,
    Scope,
  }));

describe("tenant variables", () => {
  it("reports the scoping feature toggle on, so the provider uses the newer endpoints", async () => {
    const toggles = await api("GET", "/api/configuration/feature-toggles");
    expect(toggles.json.FeatureToggles).toContainEqual({
      Name: "CommonVariableScopingFeatureToggle",
      IsEnabled: true,
    });
  });

  it("serves a seed's values as variables with IDs and scopes, and what is missing on request", async () => {
    const common = (await api("GET", `${SPACE}/tenants/Tenants-1/commonvariables`)).json;
    expect(common.TenantId).toBe("Tenants-1");
    expect(common.MissingVariables).toBeUndefined();
    const byTemplate = new Map((common.Variables as V2Variable[]).map((v) => [v.TemplateId, v]));
    expect(byTemplate.get(DOMAIN)).toMatchObject({
      LibraryVariableSetId: "LibraryVariableSets-1",
      Value: "shop.acme.example",
      Scope: { EnvironmentIds: [] },
      Template: { Name: "Customer.Domain" },
    });
    expect(byTemplate.get(DOMAIN)!.Id).toMatch(/^TenantVariables-\d+$/);
    expect(byTemplate.get(SMTP)!.Value).toEqual({ HasValue: true, NewValue: null });
    expect(byTemplate.get(SMTP)!.Template.DisplaySettings["Octopus.ControlType"]).toBe("Sensitive");

    // Globex has a domain but no SMTP password: that template still wants a value.
    const globex = (
      await api("GET", `${SPACE}/tenants/Tenants-2/commonvariables?IncludeMissingVariables=true`)
    ).json;
    expect(globex.MissingVariables).toEqual([
      expect.objectContaining({ TemplateId: SMTP, Scope: { EnvironmentIds: ["Environments-4"] } }),
    ]);

    const project = (await api("GET", `${SPACE}/tenants/Tenants-1/projectvariables`)).json;
    expect(
      (project.Variables as V2Variable[]).map((v) => [
        v.ProjectId,
        v.TemplateId,
        v.Value,
        v.Scope.EnvironmentIds,
      ]),
    ).toEqual([
      // A template's variables are listed by their environments' names: Production, Staging.
      ["Projects-1", REGION, "eu", ["Environments-4"]],
      ["Projects-1", REGION, "eu-stage", ["Environments-3"]],
    ]);
  });

  it("a V2 save replaces the tenant's set: one variable for two environments, seen by V1 in both", async () => {
    const before = (await api("GET", `${SPACE}/tenants/Tenants-1/projectvariables`)).json
      .Variables as V2Variable[];
    const kept = before[0]!;
    const saved = await api("PUT", `${SPACE}/tenants/Tenants-1/projectvariables`, {
      Variables: [
        {
          ...payload([kept])[0],
          Value: "eu-all",
          Scope: { EnvironmentIds: ["Environments-3", "Environments-4"] },
        },
      ],
    });
    expect(saved.status).toBe(200);
    expect(saved.json.Variables).toHaveLength(1);
    expect(saved.json.Variables[0]).toMatchObject({ Id: kept.Id, Value: "eu-all" });
    const v1 = (await api("GET", `${SPACE}/tenants/Tenants-1/variables`)).json;
    expect(v1.ProjectVariables["Projects-1"].Variables).toEqual({
      "Environments-3": { [REGION]: "eu-all" },
      "Environments-4": { [REGION]: "eu-all" },
    });

    // A V1 save that changes one environment takes it out of the shared variable.
    v1.ProjectVariables["Projects-1"].Variables["Environments-3"][REGION] = "eu-stage-2";
    expect((await api("PUT", `${SPACE}/tenants/Tenants-1/variables`, v1)).status).toBe(200);
    const after = (await api("GET", `${SPACE}/tenants/Tenants-1/projectvariables`)).json
      .Variables as V2Variable[];
    expect(after.map((v) => [v.Id === kept.Id, v.Value, v.Scope.EnvironmentIds])).toEqual([
      [true, "eu-all", ["Environments-4"]],
      [false, "eu-stage-2", ["Environments-3"]],
    ]);
  });

  it("keeps a sensitive value sent back unchanged, through either endpoint", async () => {
    const secret = () =>
      JSON.stringify(sandbox.reveal("TenantVariables", "tenantvariables-Tenants-1")).includes(
        "acme-smtp-secret",
      );
    expect(secret()).toBe(true);
    const common = (await api("GET", `${SPACE}/tenants/Tenants-1/commonvariables`)).json
      .Variables as V2Variable[];
    const put = await api("PUT", `${SPACE}/tenants/Tenants-1/commonvariables`, {
      Variables: payload(common),
    });
    expect(put.status).toBe(200);
    expect(put.json.Variables.map((v: V2Variable) => v.Id).sort()).toEqual(common.map((v) => v.Id).sort());
    expect(secret()).toBe(true);
    const v1 = (await api("GET", `${SPACE}/tenants/Tenants-1/variables`)).json;
    expect((await api("PUT", `${SPACE}/tenants/Tenants-1/variables`, v1)).status).toBe(200);
    expect(secret()).toBe(true);
  });

  it("a scoped common variable is not the V1 document's value; the unscoped one is", async () => {
    const common = (await api("GET", `${SPACE}/tenants/Tenants-1/commonvariables`)).json
      .Variables as V2Variable[];
    const put = await api("PUT", `${SPACE}/tenants/Tenants-1/commonvariables`, {
      Variables: [
        ...payload(common),
        {
          LibraryVariableSetId: "LibraryVariableSets-1",
          TemplateId: DOMAIN,
          Value: "prod.acme.example",
          Scope: { EnvironmentIds: ["Environments-4"] },
        },
      ],
    });
    expect(put.status).toBe(200);
    const scoped = (put.json.Variables as V2Variable[]).find((v) => v.Value === "prod.acme.example");
    expect(scoped?.Id).toMatch(/^TenantVariables-\d+$/);
    const v1 = (await api("GET", `${SPACE}/tenants/Tenants-1/variables`)).json;
    expect(v1.LibraryVariables["LibraryVariableSets-1"].Variables[DOMAIN]).toBe("shop.acme.example");
  });

  it("refuses what the server refuses: overlapping scopes, unknown IDs, unconnected environments, foreign templates", async () => {
    const common = (await api("GET", `${SPACE}/tenants/Tenants-1/commonvariables`)).json
      .Variables as V2Variable[];
    const extra = (scope: string[]) => ({
      LibraryVariableSetId: "LibraryVariableSets-1",
      TemplateId: DOMAIN,
      Value: "x",
      Scope: { EnvironmentIds: scope },
    });
    const overlap = await api("PUT", `${SPACE}/tenants/Tenants-1/commonvariables`, {
      Variables: [...payload(common), extra(["Environments-4"])],
    });
    expect(overlap.status).toBe(400);
    expect(overlap.json.Errors[0]).toMatch(/more than one value for an environment/);
    const twoUnscoped = await api("PUT", `${SPACE}/tenants/Tenants-1/commonvariables`, {
      Variables: [...payload(common), extra([])],
    });
    expect(twoUnscoped.status).toBe(400);
    const unknownId = await api("PUT", `${SPACE}/tenants/Tenants-1/commonvariables`, {
      Variables: [{ ...extra([]), Id: "TenantVariables-999" }],
    });
    expect(unknownId.status).toBe(400);
    const unconnected = await api("PUT", `${SPACE}/tenants/Tenants-1/projectvariables`, {
      Variables: [
        {
          ProjectId: "Projects-1",
          TemplateId: REGION,
          Value: "dev",
          Scope: { EnvironmentIds: ["Environments-1"] },
        },
      ],
    });
    expect(unconnected.status).toBe(400);
    expect(unconnected.json.Errors[0]).toMatch(/not connected/);
    const foreign = await api("PUT", `${SPACE}/tenants/Tenants-2/projectvariables`, {
      Variables: [
        {
          ProjectId: "Projects-1",
          TemplateId: REGION,
          Value: "x",
          Scope: { EnvironmentIds: ["Environments-4"] },
        },
      ],
    });
    expect(foreign.status).toBe(400);
    // Nothing was written by the refused saves.
    const now = (await api("GET", `${SPACE}/tenants/Tenants-1/commonvariables`)).json.Variables;
    expect(now).toEqual(common);
  });

  it("keeps variable IDs and secrets across a dump and reload", async () => {
    const before = (await api("GET", `${SPACE}/tenants/Tenants-1/commonvariables`)).json
      .Variables as V2Variable[];
    const copy = await new Sandbox({ seed: sandbox.dump({ secrets: true }) }).start();
    try {
      const res = await fetch(`${copy.url}${SPACE}/tenants/Tenants-1/commonvariables`, {
        headers: { "X-Octopus-ApiKey": copy.apiKey },
      });
      const after = ((await res.json()) as { Variables: V2Variable[] }).Variables;
      expect(after.map((v) => [v.Id, v.Value])).toEqual(before.map((v) => [v.Id, v.Value]));
      expect(JSON.stringify(copy.reveal("TenantVariables", "tenantvariables-Tenants-1"))).toContain(
        "acme-smtp-secret",
      );
    } finally {
      await copy.close();
    }
  });
});
