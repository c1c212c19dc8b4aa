import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Provider development overrides (`dev_overrides` in a `provider_installation` block of the
 * CLI configuration) make OpenTofu and Terraform load a provider from a local directory.
 * `init` is not needed then, and without a registry it fails: it still asks the registry for
 * the overridden provider's versions ("Skip tofu init when using provider development
 * overrides"). The runner installs the modules with `get` instead.
 */

/** What init prints when overrides are in effect (OpenTofu and Terraform alike). */
export const DEV_OVERRIDES_WARNING = /Provider development overrides are in effect/;

/**
 * The CLI configuration files the binary reads, as OpenTofu finds them
 * (internal/command/cliconfig in OpenTofu 1.12; Terraform reads ~/.terraformrc the same way):
 * TF_CLI_CONFIG_FILE (or TERRAFORM_CONFIG) alone when set; otherwise ~/.tofurc or
 * ~/.terraformrc (or $XDG_CONFIG_HOME/opentofu/tofurc when neither exists) and the *.tfrc
 * files of ~/.terraform.d (or $XDG_CONFIG_HOME/opentofu).
 */
export async function cliConfigFiles(env: NodeJS.ProcessEnv): Promise<string[]> {
  const override = env.TF_CLI_CONFIG_FILE || env.TERRAFORM_CONFIG;
  if (override) return [override];
  const home = env.HOME;
  if (!home) return [];
  const xdg = env.XDG_CONFIG_HOME;
  const files = [join(home, ".tofurc"), join(home, ".terraformrc")];
  if (xdg) files.push(join(xdg, "opentofu", "tofurc"));
  for (const dir of [join(home, ".terraform.d"), ...(xdg ? [join(xdg, "opentofu")] : [])]) {
    try {
      for (const name of (await readdir(dir)).sort()) {
        if (name.endsWith(".tfrc") || name.endsWith(".tfrc.json")) files.push(join(dir, name));
      }
    } catch {
      // no such directory
    }
  }
  return files;
}

/** The first CLI configuration file that sets dev_overrides, if any. */
export async function devOverridesFile(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const file of await cliConfigFiles(env)) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      continue;
    }
    if (setsDevOverrides(text)) return file;
  }
  return undefined;
}

/** Whether a CLI configuration (HCL or JSON) has a dev_overrides block, comments aside. */
export function setsDevOverrides(text: string): boolean {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n")
    .map((line) => line.replace(/^\s*(#|\/\/).*$/, ""))
    .join("\n");
  return /(^|[\s{,])"?dev_overrides"?\s*[{:=]/m.test(code);
}

/** Whether a module's root declares a backend (which only init can set up). */
export async function declaresBackend(root: string): Promise<boolean> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return false;
  }
  for (const name of names.filter((n) => n.endsWith(".tf")).sort()) {
    const text = await readFile(join(root, name), "utf8").catch(() => "");
    if (/^\s*backend\s+"[^"]+"/m.test(text)) return true;
  }
  return false;
}
