import { readdir, readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { queuePartialExport, waitForTask } from "../../src/migration-api/migration-api.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { cli } from "../helpers/cli.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { exampleSpace } from "../helpers/examples.js";
import { conn, PASSWORD, workspace } from "../helpers/snapshot.js";
import { clientOf, emptyDestination } from "../helpers/snapshot-lib.js";

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function sandboxes(taskStepMs = 20): Promise<{ source: Sandbox; dest: Sandbox }> {
  const source = await new Sandbox({ seed: exampleSpace(), taskStepMs }).start();
  const dest = await emptyDestination();
  open.push(source, dest);
  return { source, dest };
}

/** A tiny web server that records the URLs the Octopus Server calls back. */
async function callbackServer(): Promise<{ url: string; calls: string[] }> {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    calls.push(req.url ?? "");
    res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  open.push({ close: () => new Promise((r) => server.close(r)) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

const dest = (s: Sandbox) => [
  "--dest-server",
  s.url,
  "--dest-api-key",
  s.apiKey,
  "--dest-space",
  "Acme Retail",
];
const fast = ["--poll-interval", "0.02"];
const state = (s: Sandbox) => JSON.stringify(s.dump({ secrets: true }));

describe("migrate (the server's Migration API)", () => {
  it("run migrates two projects between two servers, secrets included, and the callbacks fire", async () => {
    const { source, dest: target } = await sandboxes();
    const hooks = await callbackServer();
    const { password } = await workspace();
    const res = await cli([
      "migrate",
      "run",
      ...conn(source),
      ...dest(target),
      "--project",
      "Orders API",
      "--project",
      "Payments Service",
      "--password-file",
      password,
      "--package-version",
      "2.0.0",
      "--encrypt-package",
      "--delete-package",
      "--success-callback",
      `${hooks.url}/ok`,
      "--failure-callback",
      `${hooks.url}/failed`,
      ...fast,
    ]);
    expect(res.stderr).not.toContain(PASSWORD);
    expect(res.stdout).not.toContain(PASSWORD);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain("2/3 dry-run import");
    expect(res.stdout).toContain("Created Projects Orders API");
    expect(res.stderr).toMatch(/partial export \(ServerTasks-\d+\): Executing/);
    expect(res.stderr).toMatch(/import \(ServerTasks-\d+\): Success/);
    // Export, dry run, import: three successes, each with the package.
    expect(hooks.calls).toEqual([
      "/ok?packageId=Octopus.Space.Migration&packageVersion=2.0.0",
      "/ok?packageId=Octopus.Space.Migration&packageVersion=2.0.0",
      "/ok?packageId=Octopus.Space.Migration&packageVersion=2.0.0",
    ]);
    const after = normaliseSpace(target, "Spaces-1");
    const projects = [...after.keys()].filter((k) => k.startsWith("Projects:"));
    expect(projects).toEqual(expect.arrayContaining(["Projects:Orders API", "Projects:Payments Service"]));
    // Everything the destination got equals the source's, sensitive values included.
    const wrong = differences(normaliseSpace(source, "Spaces-1"), after).filter(
      (d) => !d.endsWith("only in the source"),
    );
    expect(wrong).toEqual([]);
    const sensitive = [...after.entries()]
      .filter(([k]) => k.startsWith("VariableSets:"))
      .flatMap(([, v]) => v.Variables as Array<{ IsSensitive?: boolean; Value?: unknown }>)
      .filter((v) => v.IsSensitive);
    expect(sensitive.length).toBeGreaterThan(0);
    for (const v of sensitive) expect(v.Value).toMatch(/./);
  });

  it("a --dest-space the Migration API would not import into is refused before anything is exported", async () => {
    const source = await new Sandbox({ seed: exampleSpace(), taskStepMs: 20 }).start();
    const target = await emptyDestination("Acme Retail", {
      spaces: [{ Name: "Acme Retail", IsDefault: true }, { Name: "Elsewhere" }],
    });
    const nameless = await emptyDestination("Another Name");
    open.push(source, target, nameless);
    const { password } = await workspace();
    const run = (d: Sandbox, space: string) =>
      cli([
        "migrate",
        "run",
        ...conn(source),
        "--dest-server",
        d.url,
        "--dest-api-key",
        d.apiKey,
        "--dest-space",
        space,
        "--project",
        "Orders API",
        "--password-file",
        password,
        ...fast,
      ]);
    const wrong = await run(target, "Elsewhere");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /--dest-space "Elsewhere" is not the space the Migration API imports into: it imports into the space named like the source \("Acme Retail"\)/,
    );
    const none = await run(nameless, "Another Name");
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /imports into the space named like the source \("Acme Retail"\), and .* has none/,
    );
    // Nothing was queued on the source.
    expect(source.store.all("Tasks")).toEqual([]);
    const ok = await run(target, "Acme Retail");
    expect(ok.code, ok.stderr).toBe(0);
    // A project that was not asked for is named, with what brought it.
    for (const line of ok.stderr.split("\n").filter((l) => l.startsWith("also exported"))) {
      expect(line).toMatch(/^also exported: project ".+" \(through .+\)$/);
    }
  });

  it("a dry run changes nothing on the destination", async () => {
    const { source, dest: target } = await sandboxes();
    const { password } = await workspace();
    const before = state(target);
    const res = await cli([
      "migrate",
      "run",
      ...conn(source),
      ...dest(target),
      "--project",
      "Orders API",
      "--password-file",
      password,
      "--dry-run",
      ...fast,
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain("Dry run: nothing was committed");
    expect(res.stdout).toContain("Stopped after the dry run");
    // Only the package in the feed differs.
    const withoutPackages = (text: string) => {
      const dump = JSON.parse(text) as { spaces: Array<{ Documents?: Record<string, unknown> }> };
      for (const space of dump.spaces) delete space.Documents?.Packages;
      return dump;
    };
    const after = withoutPackages(state(target));
    const was = withoutPackages(before);
    expect(after).toEqual(was);
    expect(target.store.all("Packages")).toHaveLength(1);
  });

  it("partial-export then import as two steps; a wrong password fails the task, exit 1, failure callback", async () => {
    const { source, dest: target } = await sandboxes();
    const hooks = await callbackServer();
    const { dir, password } = await workspace();
    const exported = await cli([
      "migrate",
      "partial-export",
      ...conn(source),
      ...dest(target),
      "--project",
      "Storefront",
      "--password-file",
      password,
      "--package-id",
      "Shop",
      "--package-version",
      "1.0.0",
      ...fast,
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(target.store.all("Packages").map((p) => p.PackageId)).toEqual(["Shop"]);
    const importShop = (passwordFile: string, ...extra: string[]) =>
      cli([
        "migrate",
        "import",
        ...conn(target, "Acme Retail"),
        "--package-id",
        "Shop",
        "--package-version",
        "1.0.0",
        "--password-file",
        passwordFile,
        ...extra,
        ...fast,
      ]);
    const wrong = `${dir}/wrong.txt`;
    await import("node:fs/promises").then((fs) => fs.writeFile(wrong, "not the password\n"));
    const before = state(target);
    const failed = await importShop(wrong, "--failure-callback", `${hooks.url}/failed`);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /^octoport: error: import failed: task ServerTasks-\d+ ended Failed: The password/m,
    );
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    expect(hooks.calls).toEqual(["/failed"]);
    const afterFail = state(target);
    expect(afterFail).toEqual(before);
    const ok = await importShop(password, "--delete-package", "--show-log");
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("Created Projects Storefront");
    expect(target.store.all("Packages")).toEqual([]);
    // Importing the same package again: it is gone from the feed.
    const again = await importShop(password);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("is not in the built-in feed");
  });

  it("the server is in maintenance mode while a task runs", async () => {
    const { source } = await sandboxes(300);
    const client = clientOf(source);
    const queued = await queuePartialExport(client, {
      password: PASSWORD,
      projects: ["Orders API"],
      spaceId: "Spaces-1",
    });
    const post = () =>
      fetch(`${source.url}/api/Spaces-1/environments`, {
        method: "POST",
        headers: { "X-Octopus-ApiKey": source.apiKey, "Content-Type": "application/json" },
        body: JSON.stringify({ Name: `During ${Math.random()}` }),
      });
    const status = async () =>
      ((await client.get("/api/serverstatus")) as { IsInMaintenanceMode: boolean }).IsInMaintenanceMode;
    const seen: string[] = [];
    await waitForTask(client, queued.taskId, { intervalMs: 50, onPoll: (t) => seen.push(t.State) });
    expect(seen).toEqual(expect.arrayContaining(["Queued", "Executing", "Success"]));
    // Once more, probing while it executes.
    const second = await queuePartialExport(client, {
      password: PASSWORD,
      projects: ["Orders API"],
      spaceId: "Spaces-1",
    });
    let probed = false;
    for (let i = 0; i < 100 && !probed; i++) {
      const task = (await client.get(`/api/tasks/${second.taskId}`)) as { State: string };
      if (task.State === "Executing") {
        expect(await status()).toBe(true);
        const res = await post();
        expect(res.status).toBe(503);
        expect(await res.text()).toContain("maintenance mode");
        probed = true;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(probed).toBe(true);
    await waitForTask(client, second.taskId, { intervalMs: 50 });
    expect(await status()).toBe(false);
    expect((await post()).status).toBe(201);
  });

  it("snapshot export --include-task-logs carries the space's tasks and logs; import keeps them as history", async () => {
    const { source, dest: target } = await sandboxes();
    const { dir, password } = await workspace();
    const client = clientOf(source);
    const queued = await queuePartialExport(client, { password: PASSWORD, projects: ["Storefront"] });
    await waitForTask(client, queued.taskId, { intervalMs: 20 });
    const out = join(dir, "with-logs");
    const res = await cli([
      "snapshot",
      "export",
      ...conn(source),
      "--password-file",
      password,
      "--include-task-logs",
      "--out",
      out,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const task = JSON.parse(await readFile(join(out, `ServerTasks/${queued.taskId}.json`), "utf8"));
    expect(task).toMatchObject({ Id: queued.taskId, State: "Success" });
    const log = await readFile(join(out, `TaskLogs/${queued.taskId}.log.txt`), "utf8");
    expect(log).toContain("Exported Projects Storefront");
    expect(log).not.toContain(PASSWORD);
    const imported = await cli(["snapshot", "import", out, ...conn(target), "--password-file", password]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain("1 task(s) and their logs are history kept in the snapshot");
    // Without the flag there are none.
    const plain = join(dir, "plain");
    expect(
      (await cli(["snapshot", "export", ...conn(source), "--password-file", password, "--out", plain])).code,
    ).toBe(0);
    await expect(readdir(join(plain, "ServerTasks"))).rejects.toThrow();
  });

  it("bad usage: no project, half a destination, no password file", async () => {
    const { source, dest: target } = await sandboxes();
    const { password } = await workspace();
    const noProject = await cli(["migrate", "partial-export", ...conn(source), "--password-file", password]);
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toContain("--project is required");
    const half = await cli([
      "migrate",
      "run",
      ...conn(source),
      "--dest-server",
      target.url,
      "--project",
      "Orders API",
      "--password-file",
      password,
    ]);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain("--dest-server and --dest-api-key go together");
    const noPw = await cli(["migrate", "import", ...conn(target), "--package-version", "1.0.0"]);
    expect(noPw.code).toBe(2);
    expect(noPw.stderr).toContain("--password-file is required");
  });
});
