import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Namespace, sanitise, slug } from "../../src/terraform/naming.js";

const IDENT = /^[a-z_][a-z0-9_]*$/;
const names = fc.uniqueArray(
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.constantFrom(
      "Docker Hub",
      "docker_hub",
      "Docker-Hub",
      "docker hub",
      "",
      "1st",
      "Ünïcode",
      "日本",
      "${x}",
    ),
  ),
  { maxLength: 30 },
);

function assign(list: string[], reserved: string[] = []): Map<string, string> {
  const ns = new Namespace().reserve(...reserved);
  for (const n of list) ns.claim(n);
  return new Map(list.map((n) => [n, ns.get(n)]));
}

describe("sanitise", () => {
  it("makes readable identifiers", () => {
    expect(sanitise("Orders API")).toBe("orders_api");
    expect(sanitise("1st environment")).toBe("_1st_environment");
    expect(sanitise("Ünïcode Café")).toBe("unicode_cafe");
    expect(sanitise("  --Prod--  ")).toBe("prod");
    expect(sanitise("日本")).toMatch(/^_[0-9a-f]{8}$/);
    expect(sanitise("")).toMatch(/^_[0-9a-f]{8}$/);
  });

  it("always gives a valid Terraform identifier", () => {
    fc.assert(fc.property(fc.string(), (s) => IDENT.test(sanitise(s))));
  });
});

describe("Namespace", () => {
  it("keeps both of two names that sanitise alike", () => {
    const ids = assign(["Docker Hub", "docker_hub"]);
    expect(ids.get("docker_hub")).toBe("docker_hub");
    expect(ids.get("Docker Hub")).toMatch(/^docker_hub_[0-9a-f]{4}$/);
  });

  it("gives every name a distinct valid identifier", () => {
    fc.assert(
      fc.property(names, (list) => {
        const ids = [...assign(list).values()];
        return ids.every((id) => IDENT.test(id)) && new Set(ids).size === list.length;
      }),
    );
  });

  it("does not depend on the order names are claimed in", () => {
    fc.assert(
      fc.property(names, fc.integer(), (list, seed) => {
        const shuffled = [...list].sort(
          (a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7),
        );
        expect(assign(shuffled)).toEqual(assign(list));
      }),
    );
  });

  it("does not rename a name when others that do not collide with it come and go", () => {
    fc.assert(
      fc.property(names, names, (a, b) => {
        const base = assign(a);
        const more = assign([...new Set([...a, ...b])]);
        for (const n of a) {
          const collides =
            b.some((x) => x !== n && sanitise(x) === sanitise(n)) ||
            a.some((x) => x !== n && sanitise(x) === sanitise(n));
          if (!collides) expect(more.get(n)).toBe(base.get(n));
        }
      }),
    );
  });

  it("never hands out a reserved identifier", () => {
    const ids = assign(["Octopus Space Id", "octopus_space_id"], ["octopus_space_id"]);
    expect([...ids.values()]).not.toContain("octopus_space_id");
    expect(new Set(ids.values()).size).toBe(2);
  });
});

describe("Namespace.pin", () => {
  it("gives a renamed thing the identifier it had, and nothing new takes it", () => {
    const ns = new Namespace();
    ns.pin("Orders Service", "orders_api");
    for (const n of ["Orders Service", "Orders API"]) ns.claim(n);
    expect(ns.get("Orders Service")).toBe("orders_api");
    // The new name that would sanitise to the pinned identifier gets another one.
    expect(ns.get("Orders API")).toMatch(/^orders_api_[0-9a-f]{4}$/);
  });

  it("keeps identifiers distinct whatever is pinned, and the first pin of an identifier wins", () => {
    const pins = fc.array(fc.tuple(fc.nat(40), fc.constantFrom("a", "b", "orders_api", "docker_hub")), {
      maxLength: 10,
    });
    fc.assert(
      fc.property(names, pins, (list, chosen) => {
        const ns = new Namespace().reserve("b");
        const pinned = new Map<string, string>();
        for (const [i, id] of chosen) {
          const key = list[i % Math.max(list.length, 1)];
          if (key === undefined) continue;
          ns.pin(key, id);
          if (id !== "b" && ![...pinned.values()].includes(id) && !pinned.has(key)) pinned.set(key, id);
        }
        for (const n of list) ns.claim(n);
        const ids = list.map((n) => ns.get(n));
        expect(new Set(ids).size).toBe(list.length);
        expect(ids).not.toContain("b");
        for (const [key, id] of pinned) expect(ns.get(key)).toBe(id);
      }),
    );
  });

  it("ignores a pin for a key nobody claims, leaving its identifier free", () => {
    const ns = new Namespace();
    ns.pin("Gone", "web");
    ns.claim("Web");
    expect(ns.get("Web")).toBe("web");
  });
});

describe("slug", () => {
  it("makes directory names", () => {
    expect(slug("Orders API")).toBe("orders-api");
    expect(slug("1st")).toBe("1st");
    fc.assert(fc.property(fc.string(), (s) => /^[a-z0-9][a-z0-9-]*$/.test(slug(s))));
  });
});
