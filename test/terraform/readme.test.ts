import { describe, expect, it } from "vitest";
import { dependencyDiagram, MAX_DIAGRAM_MODULES } from "../../src/terraform/readme.js";

/** The generated README's Mermaid diagram of the modules' dependencies. */
const mod = (path: string, dependsOn: string[] = []) => ({ path, title: path, dependsOn });

describe("the modules' dependency diagram", () => {
  it("draws each module once and an arrow per dependency no other arrow implies", () => {
    const diagram = dependencyDiagram([
      mod("space"),
      mod("projects/orders-api", ["space"]),
      mod("projects/storefront", ["projects/orders-api", "space"]),
      mod("tenant-variables", ["projects/orders-api", "projects/storefront", "space"]),
    ]);
    expect(diagram).toBe(
      [
        "flowchart LR",
        '  m0["space"]',
        '  m1["projects/orders-api"]',
        '  m2["projects/storefront"]',
        '  m3["tenant-variables"]',
        "  m0 --> m1",
        "  m1 --> m2",
        "  m2 --> m3",
      ].join("\n"),
    );
  });

  it("keeps arrows two independent paths need", () => {
    const diagram = dependencyDiagram([
      mod("space"),
      mod("projects/a", ["space"]),
      mod("projects/b", ["space"]),
      mod("projects/c", ["projects/a", "projects/b", "space"]),
    ])!;
    expect(diagram.split("\n").filter((l) => l.includes("-->"))).toEqual([
      "  m0 --> m1",
      "  m0 --> m2",
      "  m1 --> m3",
      "  m2 --> m3",
    ]);
  });

  it("is left out for a single module and for more than the renderers manage", () => {
    expect(dependencyDiagram([mod("space")])).toBeUndefined();
    const many = [
      mod("space"),
      ...Array.from({ length: MAX_DIAGRAM_MODULES }, (_, i) => mod(`projects/p${i}`, ["space"])),
    ];
    expect(dependencyDiagram(many)).toBeUndefined();
    expect(dependencyDiagram(many.slice(0, MAX_DIAGRAM_MODULES))).toContain("flowchart LR");
  });
});
