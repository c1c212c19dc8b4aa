import { describe, expect, it } from "vitest";
import { convert, type Documents } from "../helpers/convert.js";

/**
 * `export --ignore-changes`: the resources each choice covers get a lifecycle ignore_changes
 * (all, or the attributes named), merged with a lifecycle block a converter wrote; nothing else
 * changes.
 */

const SPACE: Documents = {
  Environments: [{ Id: "Environments-1", Name: "Production" }],
  Lifecycles: [{ Id: "Lifecycles-1", Name: "Default Lifecycle", Phases: [] }],
  ProjectGroups: [{ Id: "ProjectGroups-2", Name: "Apps" }],
  Projects: [
    {
      Id: "Projects-1",
      Name: "Web",
      LifecycleId: "Lifecycles-1",
      ProjectGroupId: "ProjectGroups-2",
      VariableSetId: "variableset-Projects-1",
    },
  ],
  VariableSets: [
    {
      Id: "variableset-Projects-1",
      OwnerId: "Projects-1",
      Variables: [{ Id: "v-1", Name: "Site.Url", Value: "https://web" }],
    },
  ],
};

const lifecycle = (body: Record<string, unknown>) =>
  body.lifecycle as Array<Record<string, unknown>> | undefined;

describe("export --ignore-changes", () => {
  it("writes nothing of the kind by default", async () => {
    const out = convert(SPACE, { layout: "modules" });
    expect(lifecycle(await out.resource("octopusdeploy_project"))).toBeUndefined();
    expect(lifecycle(await out.resource("octopusdeploy_variable"))).toBeUndefined();
  });

  it("project-names: the project's name only", async () => {
    const out = convert(SPACE, { layout: "modules", ignoreChanges: ["project-names"] });
    expect(lifecycle(await out.resource("octopusdeploy_project"))).toEqual([{ ignore_changes: ["${name}"] }]);
    expect(lifecycle(await out.resource("octopusdeploy_variable"))).toBeUndefined();
    expect(lifecycle(await out.resource("octopusdeploy_project_group"))).toBeUndefined();
  });

  it("project-variables and project-groups: all of each", async () => {
    const out = convert(SPACE, { layout: "modules", ignoreChanges: ["project-variables", "project-groups"] });
    expect(lifecycle(await out.resource("octopusdeploy_variable"))).toEqual([{ ignore_changes: "${all}" }]);
    expect(lifecycle(await out.resource("octopusdeploy_project_group"))).toEqual([
      { ignore_changes: "${all}" },
    ]);
    expect(lifecycle(await out.resource("octopusdeploy_project"))).toBeUndefined();
    expect(lifecycle(await out.resource("octopusdeploy_environment"))).toBeUndefined();
  });

  it("projects: every resource of the project's module; space: every resource of the space module", async () => {
    const out = convert(SPACE, { layout: "modules", ignoreChanges: ["projects"] });
    expect(lifecycle(await out.resource("octopusdeploy_project"))).toEqual([{ ignore_changes: "${all}" }]);
    expect(lifecycle(await out.resource("octopusdeploy_variable"))).toEqual([{ ignore_changes: "${all}" }]);
    expect(lifecycle(await out.resource("octopusdeploy_environment"))).toBeUndefined();
    const space = convert(SPACE, { layout: "modules", ignoreChanges: ["space"] });
    expect(lifecycle(await space.resource("octopusdeploy_environment"))).toEqual([
      { ignore_changes: "${all}" },
    ]);
    expect(lifecycle(await space.resource("octopusdeploy_project"))).toBeUndefined();
    expect(await space.schemaProblems()).toEqual([]);
  });
});
