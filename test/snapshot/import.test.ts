import { cp, readdir, readFile, stat, truncate, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSpace, SIZES } from "../../src/sandbox/generate.js";
import type { SeedFile } from "../../src/sandbox/seed.js";
import { Sandbox } from "../../src/sandbox/server.js";
import { canonicalJson } from "../../src/snapshot/format.js";
import { cli } from "../helpers/cli.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { exampleSpace } from "../helpers/examples.js";
import { releaseCreation } from "../helpers/scenarios.js";
import { conn, filledSecrets, workspace } from "../helpers/snapshot.js";
import { clientOf, emptyDestination, importInto, join, snapshotTo } from "../helpers/snapshot-lib.js";

/** The example space with history: a release of Orders API and a deployment of it. */
function withHistory(): SeedFile {
  const seed = exampleSpace();
  const docs = seed.spaces[0]!.Documents!;
  docs.Releases = [
    {
      Id: "Releases-1",
      ProjectId: "Projects-1",
      Version: "1.4.2",
      ChannelId: "Channels-1",
      Assembled: "2026-11-01T10:00:00.000Z",
    },
  ];
  docs.Deployments = [
    {
      Id: "Deployments-1",
      ReleaseId: "Releases-1",
      EnvironmentId: "Environments-1",
      Created: "2026-11-01T11:00:00.000Z",
    },
  ];
  return seed;
}

const state = (s: Sandbox) => JSON.stringify(s.dump({ secrets: true }));

let source: Sandbox;
beforeAll(async () => {
  source = await new Sandbox({ seed: withHistory() }).start();
});
afterAll(() => source.close());

describe("snapshot import", () => {
  it("carries releases and steps the Terraform provider cannot express; deployments stay history", async () => {
    const { dir } = await workspace();
    const edge = await new Sandbox({ seed: exampleSpace("edge-cases") }).start();
    const edgeDest = await emptyDestination("Edge Cases");
    try {
      await snapshotTo(edge, join(dir, "edge"));
      const edgeReport = await importInto(edgeDest, join(dir, "edge"));
      expect(edgeReport.warnings).toContainEqual(
        expect.stringMatching(
          /^project "Legacy Git App" is a Config-as-Code project: it is imported as a database project/,
        ),
      );
      // What the API cannot create: the Config-as-Code project arrives as a database project.
      expect(
        differences(normaliseSpace(edge, "Spaces-1"), normaliseSpace(edgeDest, "Spaces-1")).filter(
          (d) => !/^Projects:Legacy Git App\.(IsVersionControlled|PersistenceSettings)/.test(d),
        ),
      ).toEqual([]);
      expect(
        edgeDest.engine.docs("Projects", "Spaces-1").find((p) => p.Name === "Legacy Git App")
          ?.PersistenceSettings,
      ).toEqual({ Type: "Database" });
    } finally {
      await edge.close();
      await edgeDest.close();
    }
    const destination = await emptyDestination();
    try {
      await snapshotTo(source, join(dir, "acme"));
      const report = await importInto(destination, join(dir, "acme"));
      expect(report.warnings).toContainEqual(
        expect.stringMatching(/^1 deployment\(s\) are history kept in the snapshot/),
      );
      const diffs = differences(normaliseSpace(source, "Spaces-1"), normaliseSpace(destination, "Spaces-1"));
      expect(diffs.filter((d) => !d.startsWith("Deployments:"))).toEqual([]);
      expect(destination.engine.docs("Releases", "Spaces-1").map((r) => r.Version)).toEqual(["1.4.2"]);
    } finally {
      await destination.close();
    }
  });

  it("carries release creation: versions from a package, automatic releases with their step, git triggers", async () => {
    const { dir } = await workspace();
    const built = await emptyDestination("Release Creation");
    const destination = await emptyDestination("Release Creation");
    try {
      await releaseCreation(built, "Spaces-1");
      await snapshotTo(built, join(dir, "releases"));
      await importInto(destination, join(dir, "releases"));
      expect(differences(normaliseSpace(built, "Spaces-1"), normaliseSpace(destination, "Spaces-1"))).toEqual(
        [],
      );
      const project = destination.engine.docs("Projects", "Spaces-1")[0]!;
      const process = destination.engine.get(
        "DeploymentProcesses",
        "Spaces-1",
        String(project.DeploymentProcessId),
      );
      const migrations = (process.Steps as Array<{ Id: string; Name: string }>).find(
        (s) => s.Name === "Run migrations",
      );
      expect(project.ReleaseCreationStrategy).toMatchObject({ ReleaseCreationPackageStepId: migrations!.Id });
    } finally {
      await built.close();
      await destination.close();
    }
  });

  it("importing again with the defaults changes nothing", async () => {
    const { dir } = await workspace();
    const destination = await emptyDestination();
    try {
      await snapshotTo(source, join(dir, "snap"));
      await importInto(destination, join(dir, "snap"));
      const before = state(destination);
      const again = await importInto(destination, join(dir, "snap"));
      expect(again.writes).toBe(0);
      expect(new Set(again.actions.map((a) => a.kind))).toEqual(new Set(["skip"]));
      expect(state(destination)).toBe(before);
    } finally {
      await destination.close();
    }
  });

  it("--overwrite replaces a project's steps wholly, while destination-only variables stay", async () => {
    const { dir } = await workspace();
    const destination = await emptyDestination();
    try {
      await snapshotTo(source, join(dir, "snap"));
      await importInto(destination, join(dir, "snap"));
      const api = clientOf(destination);
      const project = (await api.get("/api/Spaces-1/projects/orders-api")) as {
        DeploymentProcessId: string;
        VariableSetId: string;
      };
      const processPath = `/api/Spaces-1/deploymentprocesses/${project.DeploymentProcessId}`;
      const process = (await api.get(processPath)) as { Steps: unknown[] };
      const steps = process.Steps.length;
      process.Steps.push({
        Name: "Only here",
        Actions: [{ Name: "Only here", ActionType: "Octopus.Script", Properties: {} }],
      });
      await api.put(processPath, process);
      const varsPath = `/api/Spaces-1/variables/${project.VariableSetId}`;
      const vars = (await api.get(varsPath)) as { Variables: Array<Record<string, unknown>> };
      vars.Variables.push({ Name: "Destination.Only", Value: "keep me", Type: "String", Scope: {} });
      const replica = vars.Variables.find((v) => v.Name === "Orders.ReplicaCount")!;
      replica.Value = "99";
      await api.put(varsPath, vars);

      const report = await importInto(destination, join(dir, "snap"), { overwrite: true });
      const after = (await api.get(processPath)) as { Steps: Array<{ Name: string }> };
      expect(after.Steps).toHaveLength(steps);
      expect(after.Steps.map((s) => s.Name)).not.toContain("Only here");
      const merged = (await api.get(varsPath)) as { Variables: Array<{ Name: string; Value: string }> };
      expect(merged.Variables.find((v) => v.Name === "Destination.Only")?.Value).toBe("keep me");
      expect(
        merged.Variables.filter((v) => v.Name === "Orders.ReplicaCount")
          .map((v) => v.Value)
          .sort(),
      ).toEqual(["1", "3"]);
      const processAction = report.actions.find((a) => a.what === "DeploymentProcesses of Orders API");
      expect(processAction?.kind).toBe("update");
      expect(report.actions.find((a) => a.what === "VariableSets of Orders API")?.kind).toBe("merge");
    } finally {
      await destination.close();
    }
  });

  it("--dry-run prints create / update / skip with the fields that change, and writes nothing", async () => {
    const { dir, password } = await workspace();
    const destination = await emptyDestination();
    try {
      const out = join(dir, "snap");
      expect(
        (await cli(["snapshot", "export", ...conn(source), "--password-file", password, "--out", out])).code,
      ).toBe(0);
      await cli(["snapshot", "import", out, ...conn(destination), "--password-file", password]);
      const dev = destination.engine.docs("Environments", "Spaces-1").find((e) => e.Name === "Development")!;
      await clientOf(destination).put(`/api/Spaces-1/environments/${String(dev.Id)}`, {
        ...((await clientOf(destination).get(`/api/Spaces-1/environments/${String(dev.Id)}`)) as object),
        Description: "changed on the destination",
      });
      const before = state(destination);
      destination.resetCounters();
      const dry = await cli([
        "snapshot",
        "import",
        out,
        ...conn(destination),
        "--password-file",
        password,
        "--dry-run",
        "--overwrite",
      ]);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(
        /^update Environments "Development"\n\s+Description: "changed on the destination" -> "/m,
      );
      expect(dry.stdout).toMatch(/^skip {3}Environments "Production" \(unchanged\)/m);
      expect(dry.stdout).toContain("nothing was written");
      expect([...destination.counters.keys()].filter((k) => !k.startsWith("GET"))).toEqual([]);
      expect(state(destination)).toBe(before);
      const fresh = await emptyDestination();
      try {
        const plan = await cli([
          "snapshot",
          "import",
          out,
          ...conn(fresh),
          "--password-file",
          password,
          "--dry-run",
        ]);
        expect(plan.stdout).toMatch(/^create Projects "Orders API"$/m);
        expect(plan.stdout).toMatch(/^update DeploymentProcesses of Orders API\n\s+\(new, with its owner\)/m);
      } finally {
        await fresh.close();
      }
    } finally {
      await destination.close();
    }
  });

  it("rolls back on a failure at every tenth write of a large import: the destination ends as it was", async () => {
    const { dir } = await workspace();
    const big = await new Sandbox({ seed: generateSpace(SIZES.S, 7, "Generated") }).start();
    try {
      await snapshotTo(big, join(dir, "big"));
      const probe = await emptyDestination("Generated");
      const total = (await importInto(probe, join(dir, "big"))).writes;
      await probe.close();
      expect(total).toBeGreaterThan(100);
      for (let n = 10; n < total; n += 10) {
        const destination = await emptyDestination("Generated");
        try {
          const before = state(destination);
          destination.faults.failWrite(n);
          await expect(importInto(destination, join(dir, "big")), `failing write ${n}`).rejects.toThrow(
            /the import failed \(.*Injected write failure.*\); all \d+ change\(s\) were rolled back/,
          );
          expect(state(destination), `after a failure at write ${n}`).toBe(before);
        } finally {
          await destination.close();
        }
      }
    } finally {
      await big.close();
    }
    // Some 20 imports: about 17 s on an idle 2-core machine, over 30 s beside a Go build.
  }, 120_000);
});

describe("teams", () => {
  it("carry their members; an existing team is skipped, or with --overwrite merged keeping its own members", async () => {
    const { dir } = await workspace();
    const src = await new Sandbox({ seed: exampleSpace() }).start();
    const dst = await emptyDestination();
    try {
      const s = clientOf(src);
      const alice = (await s.post("/api/users", { Username: "alice", DisplayName: "Alice" })) as {
        Id: string;
      };
      const bob = (await s.post("/api/users", { Username: "bob", DisplayName: "Bob" })) as { Id: string };
      await s.post("/api/Spaces-1/teams", { Name: "Release managers", MemberUserIds: [alice.Id, bob.Id] });
      await s.post("/api/Spaces-1/teams", { Name: "Auditors", MemberUserIds: [bob.Id] });
      // The destination knows bob (under another ID) and has its own release manager, carol.
      const d = clientOf(dst);
      await d.post("/api/users", { Username: "someone-else" });
      const bob2 = (await d.post("/api/users", { Username: "BOB" })) as { Id: string };
      const carol = (await d.post("/api/users", { Username: "carol" })) as { Id: string };
      const team = (await d.post("/api/Spaces-1/teams", {
        Name: "Release managers",
        MemberUserIds: [carol.Id],
      })) as { Id: string };
      await snapshotTo(src, join(dir, "teams"));
      const byName = () =>
        Object.fromEntries(
          dst.engine
            .docs("Teams", "Spaces-1")
            .map((t) => [
              t.Name,
              (t.MemberUserIds as string[])
                .map((id) => String(dst.store.get("Users", id)?.Username).toLowerCase())
                .sort(),
            ]),
        );
      const first = await importInto(dst, join(dir, "teams"));
      expect(first.actions.filter((a) => a.type === "Users").map((a) => `${a.kind} ${a.what}`)).toEqual([
        'create Users "alice"',
        'skip Users "bob"',
      ]);
      // Every space has its built-in Space Managers team, on both sides: matched by name, left alone.
      expect(byName()).toEqual({ Auditors: ["bob"], "Release managers": ["carol"], "Space Managers": [] });
      // The destination's own bob (under its ID), not a copy.
      expect(dst.engine.docs("Teams", "Spaces-1").find((t) => t.Name === "Auditors")?.MemberUserIds).toEqual([
        bob2.Id,
      ]);
      await importInto(dst, join(dir, "teams"), { overwrite: true });
      expect(byName()).toEqual({
        Auditors: ["bob"],
        "Release managers": ["alice", "bob", "carol"],
        "Space Managers": [],
      });
      expect(dst.store.all("Users").filter((u) => String(u.Username).toLowerCase() === "bob")).toHaveLength(
        1,
      );
      expect(dst.store.get("Teams", team.Id)).toBeTruthy();
    } finally {
      await src.close();
      await dst.close();
    }
  });
});

describe("snapshot files", () => {
  it("--reproducible with the same password gives byte-identical files; another password other ciphertexts, the same structure", async () => {
    const { dir, password } = await workspace();
    const secrets = await filledSecrets(source, dir);
    const other = join(dir, "other.txt");
    await writeFile(other, "another password\n");
    const run = async (out: string, pw: string, ...extra: string[]) => {
      const r = await cli([
        "snapshot",
        "export",
        ...conn(source),
        "--password-file",
        pw,
        "--out",
        out,
        "--secrets",
        secrets,
        ...extra,
      ]);
      expect(r.code, r.stderr).toBe(0);
    };
    await run(join(dir, "a"), password);
    // --reproducible takes the salt of the snapshot it replaces: b starts as a copy of a.
    await cp(join(dir, "a"), join(dir, "b"), { recursive: true });
    await run(join(dir, "b"), password, "--reproducible");
    await run(join(dir, "c"), other);
    await run(join(dir, "a.zip"), password);
    await cp(join(dir, "a.zip"), join(dir, "b.zip"));
    await run(join(dir, "b.zip"), password, "--reproducible");
    // Without it, each export draws a new random salt.
    await run(join(dir, "fresh"), password);
    const salt = async (d: string) =>
      JSON.parse(await readFile(join(dir, d, "metadata.json"), "utf8")).kdf.salt;
    expect(await salt("fresh")).not.toBe(await salt("a"));
    expect(await salt("b")).toBe(await salt("a"));
    const files = async (d: string) =>
      (await readdir(d, { recursive: true })).filter((f) => f.endsWith(".json")).sort();
    const a = await files(join(dir, "a"));
    expect(await files(join(dir, "b"))).toEqual(a);
    expect(await files(join(dir, "c"))).toEqual(a);
    let sealedDiffer = 0;
    for (const f of a) {
      const text = await readFile(join(dir, "a", f), "utf8");
      expect(await readFile(join(dir, "b", f), "utf8"), f).toBe(text);
      const c = await readFile(join(dir, "c", f), "utf8");
      if (text.includes('"Sealed') && f !== "metadata.json") {
        expect(c).not.toBe(text);
        sealedDiffer++;
        expect(c.replace(/v1:[A-Za-z0-9+/=]+/g, "v1:…")).toBe(text.replace(/v1:[A-Za-z0-9+/=]+/g, "v1:…"));
      }
      expect(text.endsWith("\n")).toBe(true);
    }
    expect(sealedDiffer).toBeGreaterThan(3);
    expect(await readFile(join(dir, "b.zip"))).toEqual(await readFile(join(dir, "a.zip")));
    // Keys sorted, two-space indent; no secret in the clear anywhere.
    const account = await readFile(join(dir, "a", "Accounts", "Accounts-1.json"), "utf8");
    expect(canonicalJson(JSON.parse(account))).toBe(account);
    expect(account.split("\n")[1]).toMatch(/^ {2}"AccountType"/);
    for (const f of a)
      expect(await readFile(join(dir, "a", f), "utf8")).not.toMatch(
        /prod-db-secret|ghp_gitcredential|dckr_pat_example/,
      );
    expect((await stat(join(dir, "a.zip"))).mode & 0o777).toBe(0o600);
  });

  it("wrong password, tampered file, truncated zip, unknown format: one clear line, nothing imported", async () => {
    const { dir, password } = await workspace();
    const wrong = join(dir, "wrong.txt");
    await writeFile(wrong, "not it, a wrong one\n");
    const out = join(dir, "snap");
    await cli(["snapshot", "export", ...conn(source), "--password-file", password, "--out", out]);
    await cli([
      "snapshot",
      "export",
      ...conn(source),
      "--password-file",
      password,
      "--out",
      join(dir, "s.zip"),
      "--encrypt-package",
    ]);
    await cli([
      "snapshot",
      "export",
      ...conn(source),
      "--password-file",
      password,
      "--out",
      join(dir, "p.zip"),
    ]);
    const destination = await emptyDestination();
    try {
      const before = state(destination);
      const attempt = async (src: string, pw = password) => {
        const r = await cli(["snapshot", "import", src, ...conn(destination), "--password-file", pw]);
        expect(r.code).toBe(1);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(state(destination)).toBe(before);
        return r.stderr;
      };
      expect(await attempt(out, wrong)).toMatch(/wrong password for .*nothing was imported/);
      expect(await attempt(join(dir, "s.zip"), wrong)).toMatch(
        /does not open: wrong password, or the file was changed or truncated/,
      );

      const env = join(out, "Environments", "Environments-1.json");
      const original = await readFile(env, "utf8");
      await writeFile(env, original.replace("Development", "Developmint"));
      expect(await attempt(out)).toContain("Environments/Environments-1.json was changed after export");
      await writeFile(env, original);

      const meta = join(out, "metadata.json");
      const metaText = await readFile(meta, "utf8");
      await writeFile(
        meta,
        metaText.replace('"format": "octoport-snapshot/v1"', '"format": "octoport-snapshot/v9"'),
      );
      expect(await attempt(out)).toContain(
        "is a snapshot of format octoport-snapshot/v9; this octoport reads octoport-snapshot/v1",
      );
      await writeFile(meta, metaText.replace('"ignoreTenants": false', '"ignoreTenants": true'));
      expect(await attempt(out)).toContain("metadata.json was changed after export");
      await writeFile(meta, metaText);

      const zip = join(dir, "p.zip");
      await truncate(zip, (await stat(zip)).size - 100);
      expect(await attempt(zip)).toContain("is not a complete zip (truncated or damaged)");
      const sealed = join(dir, "s.zip");
      await truncate(sealed, (await stat(sealed)).size - 5);
      expect(await attempt(sealed)).toMatch(
        /does not open: wrong password, or the file was changed or truncated/,
      );
    } finally {
      await destination.close();
    }
  });

  it("a destination on another Octopus version needs --allow-version-mismatch", async () => {
    const { dir, password } = await workspace();
    const out = join(dir, "snap");
    await cli(["snapshot", "export", ...conn(source), "--password-file", password, "--out", out]);
    const newer = await new Sandbox({
      seed: { spaces: [{ Name: "Acme Retail", IsDefault: true }] },
      version: "2026.1.1",
    }).start();
    try {
      const refused = await cli(["snapshot", "import", out, ...conn(newer), "--password-file", password]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /the snapshot is from Octopus 2025\.4\.10000 and the destination runs 2026\.1\.1/,
      );
      const allowed = await cli([
        "snapshot",
        "import",
        out,
        ...conn(newer),
        "--password-file",
        password,
        "--allow-version-mismatch",
      ]);
      expect(allowed.code, allowed.stderr).toBe(0);
    } finally {
      await newer.close();
    }
  });
});
