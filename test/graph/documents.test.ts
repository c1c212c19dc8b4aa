import { describe, expect, it } from "vitest";
import { DOCUMENT_SCHEMAS, typedDoc } from "../../src/graph/documents.js";
import { readSpace } from "../../src/graph/reader.js";
import { generateSpace, SIZES } from "../../src/sandbox/generate.js";
import type { SeedFile } from "../../src/sandbox/seed.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { exampleSpace } from "../helpers/examples.js";
import { clientFor } from "../helpers/sandbox.js";

/**
 * The documents converters read typed (src/graph/documents.ts): the reader checks each one
 * against its type's schema, warns of one that does not fit, and keeps it.
 */

async function read(seed: SeedFile, space: string) {
  const sandbox = await new Sandbox({ seed }).start();
  try {
    const client = clientFor(sandbox);
    const warnings: string[] = [];
    const graph = await readSpace(client, await client.resolveSpace(space), {
      onWarning: (w) => warnings.push(w),
    });
    return { graph, warnings };
  } finally {
    await sandbox.close();
  }
}

describe("typed documents", () => {
  it("fit the example space's documents of every typed type, with no warning", async () => {
    const { graph, warnings } = await read(exampleSpace(), "Acme Retail");
    expect(warnings).toEqual([]);
    // The example space has documents of most typed types, so the schemas met real ones.
    const met = Object.keys(DOCUMENT_SCHEMAS).filter((t) => graph.ofType(t).length > 0);
    expect(met.length).toBeGreaterThanOrEqual(5);
  });

  it("fit a generated space's documents (hostile names included), with no warning", async () => {
    const { warnings } = await read(generateSpace(SIZES.XS!, 7), "Generated");
    expect(warnings).toEqual([]);
  });

  it("warn of a document not in the expected form, and keep it as it is", async () => {
    const { graph, warnings } = await read(
      {
        spaces: [
          {
            Name: "Odd",
            Documents: {
              Lifecycles: [{ Id: "Lifecycles-1", Name: "Default Lifecycle" }],
              Environments: [{ Id: "Environments-1", Name: "Odd", Description: ["not", "text"] }],
            },
          },
        ],
      },
      "Odd",
    );
    const odd = warnings.filter((w) => w.includes('"Odd"'));
    expect(odd).toHaveLength(1);
    expect(odd[0]).toMatch(
      /^Environments "Odd" \(Environments-1\) is not in the form octoport expects \(Description: .+\); it is read as it is$/,
    );
    const node = graph.get("Environments-1");
    expect(node).toBeDefined();
    expect(typedDoc(node!, "Environments").Description).toEqual(["not", "text"]);
  });
});
