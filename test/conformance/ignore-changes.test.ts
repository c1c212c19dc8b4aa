import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { RestSpace } from "../helpers/rest.js";
import { decoys } from "../helpers/scenarios.js";
import { applyEveryModule, applyWithVars, exportTo, pendingChanges, tfvars } from "./flow.js";
import { locateTools, type Tools } from "./harness.js";

/**
 * `export --ignore-changes project-names project-variables`, with the real provider: after the
 * first apply, a destination that renames the project and edits its variable keeps its edits
 * (the next plan is empty), while an edit to what is not ignored (the description) is planned
 * and put back.
 */
const tools = locateTools();
const SEED = { spaces: [{ Name: "Default", IsDefault: true }] };

describe.skipIf(typeof tools === "string")("export --ignore-changes, with the real provider", () => {
  let source: Sandbox;
  let space: RestSpace;
  beforeAll(async () => {
    source = await new Sandbox({ seed: SEED }).start();
    space = await RestSpace.create(source, "Downstream");
    const group = await space.post("projectgroups", { Name: "Apps" });
    const lifecycle = await space.post("lifecycles", { Name: "Straight", Phases: [] });
    const project = await space.post("projects", {
      Name: "Web",
      Description: "the site",
      ProjectGroupId: group.Id,
      LifecycleId: lifecycle.Id,
    });
    await space.update(`variables/${String(project.VariableSetId)}`, (set) => {
      set.Variables = [{ Name: "Site.Url", Value: "https://web.example.com", Type: "String" }];
    });
  });
  afterAll(() => source.close());

  it("leaves the destination's edits of what it ignores, and puts back the rest", async () => {
    const destination = await new Sandbox({ seed: SEED }).start();
    try {
      await decoys(destination);
      const into = await RestSpace.create(destination, "Downstream");
      const { dir, manifest } = await exportTo(
        source,
        "modules",
        { ignoreChanges: ["project-names", "project-variables"] },
        undefined,
        space.spaceId,
      );
      const vars = await applyWithVars(
        tools as Tools,
        dir,
        manifest,
        tfvars(source, destination, manifest, into.spaceId),
      );
      expect(await pendingChanges(tools as Tools, dir, manifest, vars)).toEqual({});

      const web = await into.named("projects", "Web");
      await into.update(`projects/${web.Id}`, (doc) => {
        doc.Name = "Web (downstream)";
      });
      await into.update(`variables/${String(web.VariableSetId)}`, (set) => {
        (set.Variables as Array<Record<string, unknown>>)[0]!.Value = "https://downstream.example.com";
      });
      expect(await pendingChanges(tools as Tools, dir, manifest, vars)).toEqual({});

      await into.update(`projects/${web.Id}`, (doc) => {
        doc.Description = "edited downstream";
      });
      const changed = await pendingChanges(tools as Tools, dir, manifest, vars);
      expect(
        Object.values(changed)
          .flat()
          .map(([address, actions]) => `${address} ${actions.join()}`),
      ).toEqual([expect.stringMatching(/(^|\.)octopusdeploy_project\.web update$/)]);
      await applyEveryModule(tools as Tools, dir, manifest, vars);
      const after = await into.get(`projects/${web.Id}`);
      expect([after.Name, after.Description]).toEqual(["Web (downstream)", "the site"]);
    } finally {
      await destination.close();
    }
  });
});
