import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { type Doc, RestSpace, serverCall } from "../helpers/rest.js";
import { decoys, installCommunityTemplate, templateStep } from "../helpers/scenarios.js";
import { applyWithVars, exportTo, pendingChanges, tfvars, unexplained } from "./flow.js";
import { locateTools, type Tools } from "./harness.js";

/**
 * A step template installed from the community library, and a project step that uses it, built
 * through the REST API: exported as octopusdeploy_community_step_template (the destination's
 * library template found by name), applied by the real provider into an empty space of another
 * sandbox whose IDs decoys shifted: the destination's template is installed from its own
 * library (CommunityActionTemplateId its own), the step uses it, and a second plan is empty.
 */
const tools = locateTools();
const SEED = { spaces: [{ Name: "Default", IsDefault: true }] };
const NAME = "Amazon Chime - Post Message";

describe.skipIf(typeof tools === "string")("community step templates, with the real provider", () => {
  let source: Sandbox;
  let space: RestSpace;
  beforeAll(async () => {
    source = await new Sandbox({ seed: SEED }).start();
    space = await RestSpace.create(source, "Community");
    const template = await installCommunityTemplate(source, space);
    const lifecycle = await space.named("lifecycles", "Default Lifecycle");
    const group = await space.named("projectgroups", "Default Project Group");
    const project = await space.post("projects", {
      Name: "Web",
      LifecycleId: lifecycle.Id,
      ProjectGroupId: group.Id,
    });
    await space.update(`deploymentprocesses/${String(project.DeploymentProcessId)}`, (d) => {
      d.Steps = [
        templateStep("Tell the team", template, {
          acpm_WebHookURL: "https://hooks.chime.example/1",
          acpm_ContentPayload: "Deployed #{Octopus.Release.Number}",
        }),
      ];
    });
  });
  afterAll(() => source.close());

  it("installs the template from the destination's library, the step uses it, and plans clean", async () => {
    const destination = await new Sandbox({ seed: SEED }).start();
    try {
      await decoys(destination);
      const into = await RestSpace.create(destination, "Community");
      const { dir, manifest } = await exportTo(source, "modules", {}, undefined, space.spaceId);
      expect(manifest.warnings).toEqual([]);
      expect(manifest.resources.filter((r) => r.sourceType === "ActionTemplates").map((r) => r.type)).toEqual(
        ["octopusdeploy_community_step_template"],
      );
      const vars = await applyWithVars(
        tools as Tools,
        dir,
        manifest,
        tfvars(source, destination, manifest, into.spaceId),
      );
      expect(await pendingChanges(tools as Tools, dir, manifest, vars)).toEqual({});

      const got = await into.named("actiontemplates", NAME);
      const library = (await serverCall(
        destination,
        "GET",
        "communityactiontemplates?take=100",
      )) as unknown as {
        Items: Doc[];
      };
      expect(got.CommunityActionTemplateId).toBe(library.Items.find((t) => t.Name === NAME)?.Id);
      const web = await into.named("projects", "Web");
      const process = await into.get(`deploymentprocesses/${String(web.DeploymentProcessId)}`);
      const action = ((process.Steps as Doc[])[0]!.Actions as Doc[])[0]!;
      expect((action.Properties as Record<string, string>)["Octopus.Action.Template.Id"]).toBe(got.Id);

      const want = normaliseSpace(source, space.spaceId);
      const have = normaliseSpace(destination, into.spaceId);
      expect(unexplained(differences(want, have))).toEqual([]);
      expect(have.size).toBe(want.size);
    } finally {
      await destination.close();
    }
  });
});
