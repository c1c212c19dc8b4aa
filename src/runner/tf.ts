import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { OctoportError } from "../util/errors.js";
import { redact } from "../util/redact.js";

/**
 * The Terraform binary to run: the one given, or `tofu`, else `terraform`, from PATH.
 * A name without a slash is looked up on PATH; a path must be executable.
 */
export async function findTfBin(given?: string): Promise<string> {
  const candidates = given ? [given] : ["tofu", "terraform"];
  for (const name of candidates) {
    const found = await which(name);
    if (found) return found;
  }
  throw new OctoportError(
    given
      ? `--tf-bin ${given} is not an executable file; install OpenTofu or Terraform, or pass its path`
      : "neither tofu nor terraform is on PATH; install OpenTofu (or Terraform) or pass --tf-bin PATH",
  );
}

async function which(name: string): Promise<string | undefined> {
  const paths = name.includes("/")
    ? [name]
    : (process.env.PATH ?? "").split(delimiter).map((d) => join(d, name));
  for (const p of paths) {
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface TfRun {
  code: number;
  stdout: string;
  /** The end of what it printed (stderr, and stdout unless captured), secrets redacted. */
  output: string;
  /** The first error Terraform reported, in one line (when it failed). */
  error?: string;
}

/**
 * Runs the Terraform binary in a directory. Its output is appended to the log (with anything
 * registered as secret redacted); stdout is also returned (for `show -json`).
 */
export function runTf(
  bin: string,
  args: string[],
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    log: (text: string) => void;
    captureStdout?: boolean;
    /**
     * Aborted on Ctrl-C or SIGTERM: Terraform is sent one SIGINT, on which it finishes the
     * operations under way, saves its state and stops. It runs in a process group of its own,
     * so a Ctrl-C at a terminal reaches it only this way: a second SIGINT would make it stop
     * at once, without saving.
     */
    signal?: AbortSignal;
  },
): Promise<TfRun> {
  return new Promise((resolve) => {
    options.log(`$ ${bin.split("/").pop()} ${args.join(" ")}\n`);
    const child = spawn(bin, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const interrupt = () => {
      options.log(`(interrupted: ${bin.split("/").pop()} asked to stop)\n`);
      child.kill("SIGINT");
    };
    if (options.signal?.aborted) interrupt();
    else options.signal?.addEventListener("abort", interrupt, { once: true });
    const chunks: Buffer[] = [];
    let tail = "";
    const keep = (text: string) => {
      tail = (tail + text).slice(-65536);
    };
    child.stdout.on("data", (d: Buffer) => {
      if (options.captureStdout) chunks.push(d);
      else {
        const text = redact(d.toString("utf8"));
        options.log(text);
        keep(text);
      }
    });
    child.stderr.on("data", (d: Buffer) => {
      const text = redact(d.toString("utf8"));
      options.log(text);
      keep(text);
    });
    child.on("error", (err) => {
      options.log(`could not start ${bin}: ${err.message}\n`);
      resolve({ code: 127, stdout: "", output: "" });
    });
    child.on("close", (code, signal) => {
      options.signal?.removeEventListener("abort", interrupt);
      if (signal) options.log(`${bin} stopped by ${signal}\n`);
      options.log(`(exit ${code ?? signal})\n\n`);
      const result: TfRun = { code: code ?? 1, stdout: Buffer.concat(chunks).toString("utf8"), output: tail };
      if (result.code !== 0) {
        const error = firstError(tail);
        if (error) result.error = error;
      }
      resolve(result);
    });
  });
}

/**
 * The first diagnostic of Terraform's output as one line: its summary and its detail, without
 * the source excerpt (`Error: Resource postcondition failed: The project "X" was not found ...`).
 */
export function firstError(output: string): string | undefined {
  const lines = output.split("\n");
  const start = lines.findIndex((l) => /^\s*(│\s*)?Error: /.test(l));
  if (start < 0) return undefined;
  const summary = lines[start]!.replace(/^\s*(│\s*)?Error: /, "").trim();
  const detail: string[] = [];
  for (const raw of lines.slice(start + 1)) {
    const line = raw.replace(/^\s*│/, "").trimEnd();
    if (/^\s*(Error|Warning): /.test(line) || line.trim() === "╵") break;
    if (!line.trim() || /^\s+on .* line \d+/.test(line) || /^\s*\d+:/.test(line) || /^\s*[├│]/.test(line))
      continue;
    detail.push(line.trim());
    if (detail.join(" ").length > 300) break;
  }
  const text = [summary, detail.join(" ")].filter(Boolean).join(": ");
  return text.length > 400 ? `${text.slice(0, 399)}…` : text;
}

/** Resource changes of a saved plan, from `show -json`. */
export interface PlanChange {
  address: string;
  action: "create" | "update" | "delete" | "replace" | "import" | "move";
  /** For moves, where it was. */
  from?: string;
}

export interface ActionCounts {
  add: number;
  change: number;
  destroy: number;
  import: number;
}

/** Reads the changes out of `show -json` of a plan. No-ops and reads are left out. */
export function planChanges(json: string): PlanChange[] {
  const plan = JSON.parse(json) as {
    resource_changes?: Array<{
      address: string;
      previous_address?: string;
      change: { actions: string[]; importing?: unknown };
    }>;
  };
  const out: PlanChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const a = rc.change.actions.join(",");
    const from = rc.previous_address && rc.previous_address !== rc.address ? rc.previous_address : undefined;
    const action: PlanChange["action"] | undefined =
      a === "create"
        ? "create"
        : a === "update"
          ? "update"
          : a === "delete"
            ? "delete"
            : a === "delete,create" || a === "create,delete"
              ? "replace"
              : rc.change.importing
                ? "import"
                : from
                  ? "move"
                  : undefined;
    if (action) out.push({ address: rc.address, action, ...(from ? { from } : {}) });
    if (rc.change.importing && action !== "import") out.push({ address: rc.address, action: "import" });
  }
  return out.sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
}

export function countActions(changes: PlanChange[]): ActionCounts {
  const c: ActionCounts = { add: 0, change: 0, destroy: 0, import: 0 };
  for (const ch of changes) {
    if (ch.action === "create") c.add++;
    else if (ch.action === "update" || ch.action === "move") c.change++;
    else if (ch.action === "delete") c.destroy++;
    else if (ch.action === "replace") {
      c.add++;
      c.destroy++;
    } else if (ch.action === "import") c.import++;
  }
  return c;
}
