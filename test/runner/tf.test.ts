import { describe, expect, it } from "vitest";
import { countActions, firstError, planChanges } from "../../src/runner/tf.js";

describe("reading Terraform's output", () => {
  it("the first error in one line, without the source excerpt", () => {
    const output = [
      "data.octopusdeploy_projects.orders_api[0]: Reading...",
      "╷",
      "│ Error: Resource postcondition failed",
      "│ ",
      '│   on module/lookups.tf line 12, in data "octopusdeploy_projects" "orders_api":',
      "│   12:       condition     = length(self.projects) == 1",
      "│     ├────────────────",
      "│     │ self.projects is empty list of object",
      "│ ",
      '│ The project "Orders API" was not found in the destination space (apply',
      "│ projects/orders-api first).",
      "╵",
      "╷",
      "│ Error: Another one",
      "╵",
    ].join("\n");
    expect(firstError(output)).toBe(
      'Resource postcondition failed: The project "Orders API" was not found in the destination space (apply projects/orders-api first).',
    );
    expect(firstError("Plan: 1 to add, 0 to change, 0 to destroy.\n")).toBeUndefined();
  });

  it("changes and counts from show -json: replace counts as add and destroy, moves and imports are kept", () => {
    const plan = {
      resource_changes: [
        { address: "b.x", change: { actions: ["create"] } },
        { address: "a.y", change: { actions: ["delete", "create"] } },
        { address: "c.z", previous_address: "c.old", change: { actions: ["update"] } },
        { address: "d.w", previous_address: "d.old", change: { actions: ["no-op"] } },
        { address: "e.v", change: { actions: ["no-op"], importing: { id: "Environments-1" } } },
        { address: "f.u", change: { actions: ["update"], importing: { id: "Projects-1" } } },
        { address: "g.t", change: { actions: ["no-op"] } },
        { address: "h.s", change: { actions: ["read"] } },
      ],
    };
    const changes = planChanges(JSON.stringify(plan));
    expect(changes).toEqual([
      { address: "a.y", action: "replace" },
      { address: "b.x", action: "create" },
      { address: "c.z", action: "update", from: "c.old" },
      { address: "d.w", action: "move", from: "d.old" },
      { address: "e.v", action: "import" },
      { address: "f.u", action: "update" },
      { address: "f.u", action: "import" },
    ]);
    expect(countActions(changes)).toEqual({ add: 2, change: 3, destroy: 1, import: 2 });
  });
});
