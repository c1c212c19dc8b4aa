import { execFile, execFileSync } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface Tools {
  tofu: string;
  providerDir: string;
  /** The provider laid out as a filesystem mirror, for a real `tofu init`. */
  mirror: string;
}

/**
 * Builds (once, cached) and locates OpenTofu and the Octopus provider. Returns a reason
 * string instead when they cannot be had here (no Go).
 */
export function locateTools(): Tools | string {
  try {
    const out = execFileSync(join(ROOT, "scripts/build-tools.sh"), {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [tofu, provider, mirror] = out.trim().split("\n");
    if (!tofu || !provider || !mirror) return "scripts/build-tools.sh printed no tool paths";
    return { tofu, providerDir: dirname(provider), mirror };
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 3) return "Go is not installed, so OpenTofu and the Octopus provider cannot be built";
    throw err;
  }
}

/**
 * A CLI configuration that installs the provider from the local mirror, so `tofu init` works
 * as it would against the registry (lock file included), with no network.
 */
export async function mirrorConfig(tools: Tools): Promise<string> {
  const rcDir = await mkdtemp(join(tmpdir(), "octoport-tofurc-"));
  const rc = join(rcDir, "tofurc");
  await writeFile(
    rc,
    `provider_installation {\n  filesystem_mirror {\n    path    = "${tools.mirror}"\n    include = ["registry.opentofu.org/octopusdeploy/octopusdeploy", "registry.terraform.io/octopusdeploy/octopusdeploy"]\n  }\n}\n`,
  );
  return rc;
}

export interface TofuResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A working directory for one Terraform configuration, run with the real tofu. */
export class TofuDir {
  private constructor(
    readonly dir: string,
    private readonly tools: Tools,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(tools: Tools, files: Record<string, string>): Promise<TofuDir> {
    const dir = await mkdtemp(join(tmpdir(), "octoport-tofu-"));
    for (const [name, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), content);
    }
    return TofuDir.at(tools, dir);
  }

  /** Runs tofu in an existing directory (an export), with the provider override beside it. */
  static async at(tools: Tools, dir: string): Promise<TofuDir> {
    const rcDir = await mkdtemp(join(tmpdir(), "octoport-tofurc-"));
    const rc = join(rcDir, "tofurc");
    await writeFile(
      rc,
      `provider_installation {\n  dev_overrides {\n    "octopusdeploy/octopusdeploy" = "${tools.providerDir}"\n  }\n  direct {}\n}\n`,
    );
    const env = {
      ...process.env,
      TF_CLI_CONFIG_FILE: rc,
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
    };
    return new TofuDir(dir, tools, env);
  }

  async write(name: string, content: string): Promise<void> {
    await writeFile(join(this.dir, name), content);
  }

  run(args: string[]): Promise<TofuResult> {
    return new Promise((resolveRun) => {
      execFile(
        this.tools.tofu,
        [...args, "-no-color"],
        { cwd: this.dir, env: this.env, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? ((err as { code?: number }).code ?? 1) : 0;
          resolveRun({ code: typeof code === "number" ? code : 1, stdout, stderr });
        },
      );
    });
  }

  /** Runs a command and throws with its output when the exit code is not one of `ok`. */
  async must(args: string[], ok: number[] = [0]): Promise<TofuResult> {
    const result = await this.run(args);
    if (!ok.includes(result.code)) {
      throw new Error(`tofu ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  }

  /** Plans and returns the actions of every resource change (e.g. ["update"]) by address. */
  async planActions(vars: string[] = []): Promise<Map<string, string[]>> {
    await this.must(["plan", "-input=false", "-out=plan.bin", ...vars]);
    const show = await this.must(["show", "-json", "plan.bin"]);
    const plan = JSON.parse(show.stdout) as {
      resource_changes?: Array<{ address: string; change: { actions: string[] } }>;
    };
    const out = new Map<string, string[]>();
    for (const rc of plan.resource_changes ?? []) out.set(rc.address, rc.change.actions);
    return out;
  }
}
