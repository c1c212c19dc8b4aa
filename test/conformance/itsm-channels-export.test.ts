import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { RestSpace } from "../helpers/rest.js";
import { decoys } from "../helpers/scenarios.js";
import { applyWithVars, exportTo, pendingChanges, tfvars, unexplained } from "./flow.js";
import { locateTools, type Tools } from "./harness.js";

/**
 * A project's change control (ServiceNow, Jira Service Management) and an ephemeral
 * environment channel (its parent environment, name template and custom fields), built through
 * the REST API, exported and applied by the real provider into a space whose IDs decoys
 * shifted: equal by names, and a second plan is empty.
 */
const tools = locateTools();
const SEED = { spaces: [{ Name: "Default", IsDefault: true }] };

describe.skipIf(typeof tools === "string")(
  "project ITSM settings and ephemeral channels, with the real provider",
  () => {
    let source: Sandbox;
    let space: RestSpace;
    beforeAll(async () => {
      source = await new Sandbox({ seed: SEED }).start();
      space = await RestSpace.create(source, "Changes");
      const parent = await space.post("parentEnvironments", { Name: "Previews" });
      const group = await space.post("projectgroups", { Name: "Apps" });
      const lifecycle = await space.post("lifecycles", { Name: "Straight", Phases: [] });
      const project = await space.post("projects", {
        Name: "Web",
        ProjectGroupId: group.Id,
        LifecycleId: lifecycle.Id,
      });
      await space.update(`projects/${project.Id}`, (doc) => {
        doc.ExtensionSettings = [
          {
            ExtensionId: "servicenow-integration",
            Values: {
              ServiceNowChangeControlled: true,
              ServiceNowConnectionId: "servicenowconnections-1",
              StandardChangeTemplateName: "Deploy web",
              AutomaticStateTransition: true,
            },
          },
          {
            ExtensionId: "jiraservicemanagement-integration",
            Values: {
              JsmChangeControlled: true,
              JsmConnectionId: "jsmconnections-1",
              ServiceDeskProjectName: "OPS",
            },
          },
        ];
      });
      await space.post("channels", {
        Name: "Pull requests",
        ProjectId: project.Id,
        Type: "EphemeralEnvironment",
        ParentEnvironmentId: parent.Id,
        EphemeralEnvironmentNameTemplate: "pr-#{Octopus.Release.Number}",
        CustomFieldDefinitions: [{ FieldName: "Ticket", Description: "The change ticket" }],
      });
    });
    afterAll(() => source.close());

    it("arrives equal by names and plans clean", async () => {
      const destination = await new Sandbox({ seed: SEED }).start();
      try {
        await decoys(destination);
        const into = await RestSpace.create(destination, "Changes");
        const { dir, manifest } = await exportTo(source, "modules", {}, undefined, space.spaceId);
        expect(manifest.warnings.map((w) => w.message).filter((m) => m.includes("connection"))).toHaveLength(
          2,
        );
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
        const channel = await into.named("channels", "Pull requests");
        expect(channel.CustomFieldDefinitions).toEqual([
          { FieldName: "Ticket", Description: "The change ticket" },
        ]);
      } finally {
        await destination.close();
      }
    });
  },
);
