import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSpace } from "../../src/graph/reader.js";
import { OctopusApiError } from "../../src/octopus/client.js";
import type { Sandbox } from "../../src/sandbox/server.js";
import { clientFor, startSandbox } from "../helpers/sandbox.js";
import { configAsCode } from "../helpers/scenarios.js";

/**
 * A Config-as-Code project's variables and deployment settings are read from its default
 * branch, its sensitive variables from the database set (src/graph/reader.ts); the sandbox
 * keeps them apart as the server does (src/sandbox/resources/version-control.ts).
 */
describe("reading a Config-as-Code project", () => {
  let sandbox: Sandbox;
  let spaceId: string;
  let projectId: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    const built = await configAsCode(sandbox);
    spaceId = built.space.spaceId;
    projectId = built.project.Id;
  });
  afterAll(() => sandbox.close());

  async function read(failBranch = false) {
    const client = clientFor(sandbox);
    if (failBranch) {
      // A server that cannot reach the repository answers the branch's routes with an error
      // (the process too, but a project without its process is not exported: that still fails).
      const get = client.get.bind(client);
      client.get = ((path: string, schema?: never) =>
        /\/refs%2Fheads%2Fmain\/(variables|deploymentsettings)$/.test(path)
          ? Promise.reject(
              new OctopusApiError("the repository could not be reached", 502, "GET", path, undefined),
            )
          : get(path, schema)) as typeof client.get;
    }
    const warnings: string[] = [];
    const graph = await readSpace(client, await client.resolveSpace(spaceId), {
      onWarning: (w) => warnings.push(w),
    });
    return { graph, warnings };
  }

  it("joins the branch's variables and the database's sensitive ones, and takes the branch's settings", async () => {
    const { graph, warnings } = await read();
    expect(warnings).toEqual([]);
    const project = graph.get(projectId)!.doc as Record<string, unknown>;
    const set = graph.get(String(project.VariableSetId))!.doc as unknown as {
      OwnerId: string;
      Variables: Array<{ Name: string; Value: string | null; IsSensitive: boolean }>;
    };
    expect(set.OwnerId).toBe(projectId);
    expect(set.Variables.map((v) => [v.Name, v.IsSensitive ? "(sensitive)" : v.Value])).toEqual([
      ["Greeting", "hello"],
      ["Greeting", "hello, production"],
      ["Added.On.Branch", "from git"],
      ["Api.Key", "(sensitive)"],
    ]);
    expect(project.ReleaseNotesTemplate).toBe("notes held on the branch");
    expect(project.DefaultGuidedFailureMode).toBe("On");
    // The process is the branch's too, and the graph links the set to its project.
    expect(graph.ofType("DeploymentProcesses").map((n) => n.projectId)).toContain(projectId);
    expect(graph.ofType("VariableSets").find((n) => n.id === project.VariableSetId)?.projectId).toBe(
      projectId,
    );
  });

  it("warns, naming the project, and reads the database documents when the branch cannot be read", async () => {
    const { graph, warnings } = await read(true);
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^project "Git App" keeps its non-sensitive variables on git ref refs\/heads\/main, which could not be read \(502\)/,
      ),
    );
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^project "Git App" keeps its deployment settings on git ref refs\/heads\/main, which could not be read \(502\)/,
      ),
    );
    const project = graph.get(projectId)!.doc as Record<string, unknown>;
    const set = graph.get(String(project.VariableSetId))!.doc as unknown as {
      Variables: Array<{ Name: string }>;
    };
    expect(set.Variables.map((v) => v.Name)).toEqual(["Api.Key"]);
    expect(project.ReleaseNotesTemplate).toBe("notes held in the database");
  });
});
