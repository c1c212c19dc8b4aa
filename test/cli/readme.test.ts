import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, stat, symlink } from "node:fs/promises";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeProcess } from "../helpers/cli.js";
import { ROOT } from "../helpers/examples.js";

/**
 * Every example of README.md, run as written, in order, in one working directory, with the
 * bundled CLI on the PATH as `npm link` puts it there: each ```sh block is split into commands
 * (a line, its `\` continuations, its heredoc), each command runs in bash with the environment
 * the commands before it exported, and must exit 0 and have the effect checked below. A
 * command that ends in `&` (the sandboxes) runs in the background until the end. `npm`
 * commands are setup, not run here (npm test runs after npm ci). `octoport plan` and `apply`
 * need OpenTofu and the provider: they are skipped, saying why, when `npm run tools` has not
 * built them.
 */

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  env: NodeJS.ProcessEnv;
}

/** The shell commands of a markdown text, from its ```sh blocks, in order. */
function shellCommands(markdown: string): string[] {
  const out: string[] = [];
  for (const block of markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const lines = block[1]!.split("\n");
    for (let i = 0; i < lines.length; i++) {
      let command = lines[i]!;
      if (!command.trim() || command.trim().startsWith("#")) continue;
      while (command.endsWith("\\") && i + 1 < lines.length) command += `\n${lines[++i]}`;
      const heredoc = /<<-?\s*['"]?(\w+)['"]?/.exec(command);
      if (heredoc) {
        while (i + 1 < lines.length) {
          command += `\n${lines[++i]}`;
          if (lines[i]!.trim() === heredoc[1]) break;
        }
      }
      out.push(command);
    }
  }
  return out;
}

const README = readFileSync(join(ROOT, "README.md"), "utf8");
const SOURCE = "http://127.0.0.1:8065";
const DESTINATION = "http://127.0.0.1:8066";
const TOOLS = join(homedir(), ".cache/octoport-tools");

/** Why plan and apply cannot run here, or undefined when OpenTofu and the mirror are built. */
function toolsMissing(): string | undefined {
  const tofu = existsSync(TOOLS) && readdirSync(TOOLS).some((d) => existsSync(join(TOOLS, d, "tofu")));
  if (!tofu || !existsSync(join(TOOLS, "mirror")))
    return `OpenTofu and the provider mirror are not in ${TOOLS}: npm run tools builds them (with Go)`;
  return undefined;
}

/** The README's effect on the destination sandbox, read through its API. */
async function destinationProjects(env: NodeJS.ProcessEnv): Promise<string[]> {
  const key = { "X-Octopus-ApiKey": "API-DEMODEST" };
  const spaces = (await (await fetch(`${DESTINATION}/api/spaces`, { headers: key })).json()) as {
    Items: Array<{ Id: string; Name: string }>;
  };
  const space = spaces.Items.find((s) => s.Name === env.OCTOPUS_SPACE);
  if (!space) throw new Error(`the destination has no space ${env.OCTOPUS_SPACE}`);
  const projects = (await (
    await fetch(`${DESTINATION}/api/${space.Id}/projects`, { headers: key })
  ).json()) as {
    Items: Array<{ Name: string }>;
  };
  return projects.Items.map((p) => p.Name).sort();
}

let work: string;

/**
 * What each example must have done, by the command's start. Every octoport command needs one.
 * Each must exit 0, unless its check names another exit code (the README says why).
 */
const CHECKS: Array<[RegExp, (r: Ran) => void | Promise<void>, number?]> = [
  [
    /^octoport sandbox --seed examples\/spaces\/acme.json --port 8065 /,
    (r) => {
      expect(r.stdout).toContain(`Octopus sandbox listening on ${SOURCE}`);
    },
  ],
  [
    /^octoport sandbox --port 8066 .*--empty-space "Acme Retail"/,
    async (r) => {
      expect(r.stdout).toContain(`Octopus sandbox listening on ${DESTINATION}`);
      expect(await destinationProjects({ OCTOPUS_SPACE: "Acme Retail" })).toEqual([]);
    },
  ],
  [
    /^export OCTOPUS_URL=/,
    (r) => {
      expect([r.env.OCTOPUS_URL, r.env.OCTOPUS_SPACE]).toEqual([SOURCE, "Acme Retail"]);
    },
  ],
  [
    /^octoport inspect$/,
    (r) => {
      expect(r.stdout).toContain("Space Acme Retail (Spaces-1)");
      expect(r.stdout).toContain('Storefront -> Orders API  (step "Deploy the Orders API")');
    },
  ],
  [
    /^octoport export --dest \.\/octopus /,
    async () => {
      const manifest = JSON.parse(await readFile(join(work, "octopus/manifest.json"), "utf8"));
      expect(manifest.modules.map((m: { path: string }) => m.path).sort()).toEqual([
        "projects/orders-api",
        "projects/payments-service",
        "projects/storefront",
        "space",
        // Acme Corp's values of the library sets' templates: the tenant's, applied after the projects.
        "tenant-variables",
      ]);
    },
  ],
  [
    /^cat > mirror.tofurc <<EOF/,
    async () => {
      const rc = await readFile(join(work, "mirror.tofurc"), "utf8");
      expect(rc).toContain(`path = "${join(homedir(), ".cache/octoport-tools/mirror")}"`);
    },
  ],
  [
    /^export TF_CLI_CONFIG_FILE=/,
    (r) => {
      expect(r.env.TF_CLI_CONFIG_FILE).toBe(join(work, "mirror.tofurc"));
    },
  ],
  [
    /^octoport plan \.\/octopus --server http:\/\/127.0.0.1:8066 /,
    (r) => {
      expect(r.stdout).toContain("Plan for space Acme Retail:");
      expect(r.stdout).toMatch(/^space\s+\d+\s+0\s+0\s+0\s+[\d.]+s\s+planned$/m);
    },
  ],
  [
    /^octoport apply \.\/octopus --server http:\/\/127.0.0.1:8066 /,
    async (r) => {
      expect(r.stdout.split("\n").filter((l) => / applied$/.test(l))).toHaveLength(5);
      expect(await destinationProjects(r.env)).toEqual(["Orders API", "Payments Service", "Storefront"]);
    },
  ],
  [
    /^octoport status \.\/octopus --server http:\/\/127.0.0.1:8066 /,
    (r) => {
      // Just applied: every module's plan is empty.
      expect(r.stdout).toMatch(/^http:\/\/127\.0\.0\.1:8066\s+space\s+in-sync$/m);
      expect(r.stdout).toContain("1 destination: 5 in sync, 0 drifted, 0 failing, 0 waiting");
    },
  ],
  [
    /^octoport diff --dest-server http:\/\/127.0.0.1:8066 /,
    (r) => {
      // The placeholder certificate (--secret-defaults dummy) is the only document that differs.
      expect(r.stdout).toMatch(
        /^certificate "shop\.acme\.example TLS":\n {2}Thumbprint: "[0-9A-F]{40}" -> "[0-9A-F]{40}"\n$/,
      );
      expect(r.stderr).toContain("the spaces differ: 1 difference in 1 document");
    },
    1,
  ],
  [
    /^octoport spread --dry-run$/,
    (r) => {
      expect(r.stdout).toContain("Spreading in space Acme Retail: 4 sensitive variable(s)");
      expect(r.stdout).toContain("Dry run: nothing was changed.");
    },
  ],
  [
    /^octoport bootstrap \.\/octopus --out \.\/sync /,
    async (r) => {
      expect(r.stdout).toContain('wrote ./sync/main.tf: 5 runbooks "octoport: sync"');
      const root = await readFile(join(work, "sync/main.tf"), "utf8");
      expect(root).toContain('resource "octopusdeploy_step_template" "sync"');
      expect(root).not.toContain("API-DEMO");
    },
  ],
  [
    /^octoport bootstrap \.\/octopus --check$/,
    (r) => {
      expect(r.stdout.split("\n").filter((l) => l.startsWith("- "))).toHaveLength(14);
      expect(r.stdout).toContain("Octoport.Secret.feed_docker_hub_password");
      expect(r.stdout).toContain("octoport spread");
      expect(r.stderr).toContain("bootstrap --check: 14 to fix first");
    },
    1,
  ],
  [
    /^octoport secrets template --out secrets.json$/,
    async () => {
      const file = join(work, "secrets.json");
      expect(JSON.parse(await readFile(file, "utf8")).secrets.length).toBeGreaterThan(0);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    },
  ],
  [
    /^echo .* > pw.txt$/,
    async () => {
      expect((await readFile(join(work, "pw.txt"), "utf8")).trim().length).toBeGreaterThan(8);
    },
  ],
  [
    /^octoport snapshot export /,
    async (r) => {
      expect(r.stdout).toMatch(/Snapshot of space Acme Retail: \d+ documents/);
      expect(existsSync(join(work, "snapshot/metadata.json"))).toBe(true);
    },
  ],
  [
    /^octoport snapshot import \.\/snapshot --server http:\/\/127.0.0.1:8066 .*--dry-run$/,
    (r) => {
      expect(r.stdout).toMatch(/Dry run for space Acme Retail: .*nothing was written/);
    },
  ],
  [
    /^octoport migrate run --project "Orders API" .*--dry-run$/,
    (r) => {
      expect(`${r.stdout}${r.stderr}`).toContain(
        "Stopped after the dry run (--dry-run): nothing was imported",
      );
    },
  ],
];

const commands = shellCommands(README);
const background: ChildProcess[] = [];
let env: NodeJS.ProcessEnv;

/** Runs one command in bash, in the working directory, and returns the environment after it. */
function runCommand(command: string): Promise<Ran> {
  const envFile = join(work, ".readme-env");
  const script = `${command}\n__status=$?\nenv -0 > ${JSON.stringify(envFile)}\nexit $__status\n`;
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script], { cwd: work, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("close", (code) => {
      const after: NodeJS.ProcessEnv = {};
      for (const entry of readFileSync(envFile, "utf8").split("\0")) {
        const eq = entry.indexOf("=");
        if (eq > 0) after[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      resolve({ code: code ?? 1, stdout, stderr, env: after });
    });
  });
}

/** Starts a command that the README runs in the background; resolves once it has printed its first line. */
function startBackground(command: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", `exec ${command.replace(/\s*&\s*$/, "")}`], {
      cwd: work,
      env,
      detached: true,
    });
    background.push(child);
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(
      () => reject(new Error(`${command}: printed nothing in 30 s\n${stderr}`)),
      30_000,
    );
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes("Press Ctrl+C to stop.")) {
        clearTimeout(timer);
        resolve({ code: 0, stdout, stderr, env });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${command}: exited ${code} before it was ready\n${stdout}${stderr}`));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** The newest modification time under a directory. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

describe("reading the README's examples", () => {
  it("a command is a line with its continuations and its heredoc; comments are left out", () => {
    const md = [
      "text",
      "```sh",
      "# a comment",
      "one --flag   # says what",
      "two \\",
      "  --more",
      "cat > f <<EOF",
      "a",
      "  EOF-not-yet",
      "EOF",
      "```",
      "```json",
      "{}",
      "```",
      "```sh",
      "three &",
      "```",
    ].join("\n");
    expect(shellCommands(md)).toEqual([
      "one --flag   # says what",
      "two \\\n  --more",
      "cat > f <<EOF\na\n  EOF-not-yet\nEOF",
      "three &",
    ]);
  });
});

describe("links between README.md and docs/", () => {
  /** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
  const anchor = (heading: string) =>
    heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_\- ]/gu, "")
      .replaceAll(" ", "-");
  const files = ["README.md", ...readdirSync(join(ROOT, "docs")).map((f) => `docs/${f}`)];

  it("every relative link names a file of the repository, and a heading of it", () => {
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(link!)) continue;
        const [path, hash] = link!.split("#") as [string, string | undefined];
        const target = path ? join(dirname(join(ROOT, file)), path) : join(ROOT, file);
        if (!existsSync(target)) {
          broken.push(`${file}: ${link} (no such file)`);
          continue;
        }
        if (!hash) continue;
        const headings = [...readFileSync(target, "utf8").matchAll(/^#+ (.*)$/gm)].map((m) => anchor(m[1]!));
        if (!headings.includes(hash)) broken.push(`${file}: ${link} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
    expect(README.match(/\]\(docs\//g)?.length).toBeGreaterThan(10);
  });
});

describe("npm run demo", () => {
  const demo = async (cwd: string) => {
    const r = await nodeProcess(
      [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "scripts/demo.ts")],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    return r;
  };

  it("serves on the README's port with its key, and a second run changes no file", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "octoport-demo-"));
    const first = await demo(cwd);
    expect(first.stderr).toContain(`Sandbox serving examples/spaces/acme.json at ${SOURCE}`);
    expect(first.stdout).toMatch(/Files: \d+ added, 0 changed, 0 removed, 0 unchanged/);
    // What it tells the user to run next is the README's own source sandbox.
    const next = /octoport sandbox --seed examples\/spaces\/acme.json --port 8065 --api-key \S+/.exec(
      first.stdout,
    )?.[0];
    expect(next).toBeDefined();
    expect(commands).toContain(`${next} &`);
    const second = await demo(cwd);
    expect(second.stdout).toMatch(/Files: 0 added, 0 changed, 0 removed, \d+ unchanged/);
  }, 120_000);
});

describe("README.md's examples, run as written against the demo's sandbox", () => {
  beforeAll(async () => {
    const bundle = join(ROOT, "dist/octoport.mjs");
    // The README's `octoport` is the built CLI: build it when src/ is newer (npm ci builds it too).
    if (!existsSync(bundle) || statSync(bundle).mtimeMs < newest(join(ROOT, "src")))
      execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { cwd: ROOT, stdio: "ignore" });
    for (const port of [8065, 8066])
      if (!(await portFree(port)))
        throw new Error(
          `port ${port} is in use: the README's sandboxes need it (a demo or sandbox still running?)`,
        );
    work = await mkdtemp(join(tmpdir(), "octoport-readme-"));
    await symlink(join(ROOT, "examples"), join(work, "examples"));
    // What `npm link` does: octoport on the PATH, running bin/octoport.js.
    const bin = join(work, ".bin");
    await mkdir(bin);
    await symlink(join(ROOT, "bin/octoport.js"), join(bin, "octoport"));
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    for (const name of Object.keys(env))
      if (/^OCTOPUS_|^TF_CLI_CONFIG_FILE$|^TERRAFORM_CONFIG$/.test(name)) delete env[name];
  });

  afterAll(() => {
    for (const child of background)
      if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
  });

  it("has examples, and a check for each octoport command", () => {
    expect(commands.length).toBeGreaterThan(10);
    const unchecked = commands.filter((c) => c.startsWith("octoport ") && !CHECKS.some(([re]) => re.test(c)));
    expect(unchecked, "README examples with no check in CHECKS").toEqual([]);
  });

  const missing = toolsMissing();
  for (const command of commands) {
    const title = command.split("\n")[0]!;
    if (command.startsWith("npm ")) {
      it.skip(`${title} (setup, not run here)`, () => {});
      continue;
    }
    // diff compares with what apply made.
    const needsTools = /^octoport (plan|apply|status|diff)\b/.test(command);
    it.skipIf(needsTools && missing)(
      needsTools && missing ? `${title} (skipped: ${missing})` : title,
      async () => {
        const ran = command.trimEnd().endsWith("&")
          ? await startBackground(command)
          : await runCommand(command);
        const [, check, code = 0] = CHECKS.find(([re]) => re.test(command)) ?? [];
        expect(ran.code, `${command}\n${ran.stdout}\n${ran.stderr}`).toBe(code);
        env = ran.env;
        await check?.(ran);
      },
      300_000,
    );
  }
});
