import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { RestSpace } from "../helpers/rest.js";
import { commonVariablesByName, decoys, scopedTenantValues } from "../helpers/scenarios.js";
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

describe.skipIf(typeof tools === "string")("scoped tenant common variables, with the real provider", () => {
  let source: Sandbox;
  let space: RestSpace;
  beforeAll(async () => {
    source = await new Sandbox({ seed: SEED }).start();
    space = await scopedTenantValues(source);
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
      expect(await commonVariablesByName(into)).toEqual(await commonVariablesByName(space));
      expect(await commonVariablesByName(into)).toHaveLength(4);
    } finally {
      await destination.close();
    }
  });
});
