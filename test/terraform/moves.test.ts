import { describe, expect, it } from "vitest";
import { movesSince, type TrackedResource } from "../../src/terraform/moves.js";
import { validateHcl } from "../../src/terraform/writer.js";
import { exampleSpace } from "../helpers/examples.js";
import { exportSeed } from "../helpers/export.js";
import { schemaProblems } from "../helpers/schema.js";

const step = (local: string, part: string, module = "projects/app"): TrackedResource => ({
  sourceId: "deploymentprocess-Projects-1",
  sourcePart: part,
  type: "octopusdeploy_process_step",
  module,
  local: `octopusdeploy_process_step.${local}`,
});

describe("moves between exports", () => {
  it("a resource that is the same source thing under a new name moves", () => {
    const before = [step("deploy", "Steps[Id=a]"), step("notify", "Steps[Id=b]")];
    const after = [step("deploy", "Steps[Id=a]"), step("notify_team", "Steps[Id=b]")];
    expect(movesSince({ resources: before }, after)).toEqual([
      {
        module: "projects/app",
        from: "octopusdeploy_process_step.notify",
        to: "octopusdeploy_process_step.notify_team",
      },
    ]);
    expect(movesSince(undefined, after)).toEqual([]);
    expect(movesSince({ resources: after }, after)).toEqual([]);
  });

  it("carries earlier moves forward, collapsing chains onto the current name", () => {
    const first = [step("a", "Steps[Id=1]")];
    const second = [step("b", "Steps[Id=1]")];
    const third = [step("c", "Steps[Id=1]")];
    const moved = movesSince({ resources: first }, second);
    expect(movesSince({ resources: second, moved }, third).map((m) => `${m.from}->${m.to}`)).toEqual([
      "octopusdeploy_process_step.a->octopusdeploy_process_step.c",
      "octopusdeploy_process_step.b->octopusdeploy_process_step.c",
    ]);
  });

  it("never moves onto or away from an address something else now holds, nor across modules or types", () => {
    // Two steps swap names: moving either would take the other's state.
    const before = [step("x", "Steps[Id=1]"), step("y", "Steps[Id=2]")];
    const after = [step("y", "Steps[Id=1]"), step("x", "Steps[Id=2]")];
    expect(movesSince({ resources: before }, after)).toEqual([]);
    expect(
      movesSince({ resources: [step("x", "Steps[Id=1]", "space")] }, [step("y", "Steps[Id=1]")]),
    ).toEqual([]);
    const templated = { ...step("y", "Steps[Id=1]"), type: "octopusdeploy_process_templated_step" };
    expect(movesSince({ resources: [step("x", "Steps[Id=1]")] }, [templated])).toEqual([]);
  });

  it("ignores identities several resources share (a document with several of a type and no parts)", () => {
    const tag = (local: string): TrackedResource => ({
      sourceId: "TagSets-1",
      type: "octopusdeploy_tag",
      module: "space",
      local: `octopusdeploy_tag.${local}`,
    });
    expect(movesSince({ resources: [tag("a"), tag("b")] }, [tag("c"), tag("d")])).toEqual([]);
  });

  it("a renamed step in a re-export gets a moved block the provider schema accepts", async () => {
    const first = await exportSeed(exampleSpace());
    const seed = JSON.parse(
      JSON.stringify(exampleSpace()).replaceAll('"Notify status page"', '"Tell the status page"'),
    );
    const second = await exportSeed(seed, { previous: first.manifest });
    const moved = second.files.get("projects/orders-api/module/moved.tf")!;
    expect(moved).toMatch(
      /moved \{\n\s+from = octopusdeploy_process_step\.deployment_notify_status_page\n\s+to\s+= octopusdeploy_process_step\.deployment_tell_the_status_page\n\}/,
    );
    expect(second.manifest.moved).toHaveLength(1);
    expect(second.manifest.files).toContain("projects/orders-api/module/moved.tf");
    await validateHcl(second.files);
    expect(await schemaProblems(second.files)).toEqual([]);
    // Another space's manifest is not a previous export of this one.
    const other = { ...first.manifest, source: { ...first.manifest.source, spaceId: "Spaces-9" } };
    expect((await exportSeed(seed, { previous: other })).manifest.moved).toEqual([]);
  });
});
