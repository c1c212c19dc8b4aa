import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { kdfProblem } from "../../src/snapshot/crypto.js";
import { cli } from "../helpers/cli.js";
import { exampleSpace } from "../helpers/examples.js";
import { conn, PASSWORD, workspace } from "../helpers/snapshot.js";
import { join, snapshotTo } from "../helpers/snapshot-lib.js";

/** Snapshots from outside are refused in one line before they cost memory or time. */

let source: Sandbox;
let dir: string;
let password: string;
beforeAll(async () => {
  source = await new Sandbox({ seed: exampleSpace() }).start();
  ({ dir, password } = await workspace());
});
afterAll(() => source.close());

/** `snapshot import` of `src` against no server: the snapshot is checked before anything is sent. */
async function refused(src: string, pw = password): Promise<string> {
  const r = await cli([
    "snapshot",
    "import",
    src,
    "--server",
    "http://127.0.0.1:9",
    "--api-key",
    "API-NONE0000000000000000",
    "--space",
    "Default",
    "--password-file",
    pw,
  ]);
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/internal error/);
  return r.stderr;
}

/** Rewrites the declared (uncompressed) size of every entry in a zip's central directory. */
function declare(zip: Uint8Array, size: (name: string, compressed: number) => number): Uint8Array {
  const out = Buffer.from(zip);
  for (let i = 0; i + 46 <= out.length; i++) {
    if (out.readUInt32LE(i) !== 0x02014b50) continue;
    const nameLength = out.readUInt16LE(i + 28);
    const name = out.subarray(i + 46, i + 46 + nameLength).toString("utf8");
    out.writeUInt32LE(size(name, out.readUInt32LE(i + 20)), i + 24);
  }
  return out;
}

describe("untrusted snapshots", () => {
  it("zip bombs are refused from their declared sizes, before anything is inflated", async () => {
    const small = zipSync({
      "metadata.json": new Uint8Array(10),
      "Projects/Projects-1.json": new Uint8Array(10),
    });
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ["entry.zip", declare(small, () => 400 * 2 ** 20), /inflates to 400 MiB \(at most 128 MiB\)/],
      [
        "ratio.zip",
        declare(zipSync({ "a.json": new Uint8Array(4 * 2 ** 20) }), () => 4 * 2 ** 20),
        /inflates \d+ times its size \(at most 200\)/,
      ],
      [
        // Each entry within the ratio and the entry cap; together over the total.
        "total.zip",
        declare(
          zipSync(
            Object.fromEntries(
              Array.from({ length: 9 }, (_, i) => [`Projects/p${i}.json`, randomBytes(700 * 1024)]),
            ),
          ),
          () => 120 * 2 ** 20,
        ),
        /its files inflate to over 1024 MiB/,
      ],
    ];
    for (const [name, bytes, why] of cases) {
      await writeFile(join(dir, name), bytes);
      expect(await refused(join(dir, name)), name).toMatch(why);
    }
    // A size declared smaller than the entry inflates to only truncates it: its hash then fails.
    await snapshotTo(source, join(dir, "real.zip"), { password: PASSWORD });
    const real = await readFile(join(dir, "real.zip"));
    await writeFile(
      join(dir, "lying.zip"),
      declare(real, (n, c) => (n.startsWith("Projects/") ? Math.max(1, c - 1) : c * 50)),
    );
    expect(await refused(join(dir, "lying.zip"))).toMatch(/changed after export|not a complete zip|refused/);
  }, 60_000);

  it("hostile key-derivation parameters are refused before scrypt runs", async () => {
    await snapshotTo(source, join(dir, "snap"), { password: PASSWORD });
    const meta = join(dir, "snap", "metadata.json");
    const text = await readFile(meta, "utf8");
    for (const [N, why] of [
      [3, /scrypt N=3 is outside what octoport accepts \(a power of two from 2\^10 to 2\^18\)/],
      [2 ** 20, /scrypt N=1048576 is outside/],
      ["1e9", /scrypt N=1e9 is outside/],
    ] as const) {
      const parsed = JSON.parse(text);
      parsed.kdf.N = N;
      await writeFile(meta, JSON.stringify(parsed));
      expect(await refused(join(dir, "snap"))).toMatch(why);
    }
    const parsed = JSON.parse(text);
    parsed.kdf.r = 64;
    await writeFile(meta, JSON.stringify(parsed));
    expect(await refused(join(dir, "snap"))).toMatch(/scrypt r=64 is outside/);
    await writeFile(meta, "null");
    expect(await refused(join(dir, "snap"))).toMatch(/is not an octoport snapshot/);
    await writeFile(meta, text);

    // A sealed package's header is read before the password opens anything.
    await snapshotTo(source, join(dir, "sealed.zip"), { password: PASSWORD, seal: true });
    const sealed = await readFile(join(dir, "sealed.zip"), "latin1");
    await writeFile(join(dir, "sealed.zip"), sealed.replace(/"N":\d+/, `"N":${2 ** 20}`), "latin1");
    expect(await refused(join(dir, "sealed.zip"))).toMatch(/scrypt N=1048576 is outside/);
    expect(
      kdfProblem({ name: "scrypt", N: 2 ** 17, r: 8, p: 1, salt: "AAAAAAAAAAAAAAAAAAAAAA==" }),
    ).toBeUndefined();
    expect(kdfProblem({ name: "scrypt", N: 2 ** 18, r: 16, p: 1, salt: "AAAAAAAAAAAAAAAAAAAAAA==" })).toMatch(
      /512 MiB, more than the 256 MiB/,
    );
  }, 60_000);

  it("a weak password is refused for a new snapshot, and a malformed secrets file never echoes a secret", async () => {
    const weak = join(dir, "weak.txt");
    await writeFile(weak, "hunter2\n");
    const r = await cli([
      "snapshot",
      "export",
      ...conn(source),
      "--password-file",
      weak,
      "--out",
      join(dir, "w"),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /the password is 7 character\(s\) long; a snapshot's password must have at least 12/,
    );

    const secrets = join(dir, "bad-secrets.json");
    await writeFile(
      secrets,
      '{"format":"octoport-secrets/v1","secrets":[{"document":"Accounts/Accounts-1.json","path":"Password","value":"tops3cret-value-XYZ}]}',
    );
    const s = await cli([
      "snapshot",
      "export",
      ...conn(source),
      "--password-file",
      password,
      "--out",
      join(dir, "s"),
      "--secrets",
      secrets,
    ]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/the secrets file .* is not valid JSON/);
    expect(s.stderr).not.toMatch(/tops3cret|XYZ/);
  });

  it("credentials in --server reach no message and no file", async () => {
    const withCreds = source.url.replace("http://", "http://admin:Pa55-in-url@");
    const out = join(dir, "creds");
    const r = await cli([
      "snapshot",
      "export",
      "--server",
      withCreds,
      "--api-key",
      source.apiKey,
      "--space",
      "Spaces-1",
      "--password-file",
      password,
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain("Pa55-in-url");
    expect(await readFile(join(out, "metadata.json"), "utf8")).not.toContain("Pa55-in-url");
    const bad = await cli([
      "snapshot",
      "export",
      "--server",
      "http://admin:Pa55-in-url@ bad host/",
      "--api-key",
      "x",
      "--password-file",
      password,
      "--out",
      join(dir, "never"),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("invalid server URL");
    expect(bad.stderr).not.toContain("Pa55-in-url");
  });
});
