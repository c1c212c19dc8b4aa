import type { Manifest } from "../terraform/manifest.js";
import type { BootstrapOptions } from "./root.js";
import { syncRunbookName, syncRunbooks, targets } from "./root.js";
import { secretVariable } from "./script.js";

/** One thing the source lacks for the sync runbooks to work, and what to do about it. */
export interface Finding {
  /** Where: a module, a project, the source. */
  subject: string;
  message: string;
}

/** Names on the source, when the check can read it: what the runbooks will look up. */
export interface SourceNames {
  projects: ReadonlySet<string>;
  workerPools: ReadonlySet<string>;
  feeds: ReadonlySet<string>;
  environments: ReadonlySet<string>;
  projectGroups: ReadonlySet<string>;
  lifecycles: ReadonlySet<string>;
}

/**
 * What the source lacks for `octoport bootstrap`'s runbooks, from the export's manifest (and
 * the source's names, when given): secrets no variable holds, sensitive variables a runbook
 * cannot pass by name (scoped or shared: spread them first), and names the root looks up.
 */
export function checkBootstrap(
  manifest: Manifest,
  options: BootstrapOptions,
  source?: SourceNames,
): Finding[] {
  const findings: Finding[] = [];
  if (manifest.layout !== "modules")
    findings.push({
      subject: "the export",
      message: "is a single root; the runbooks apply one module each, so export again with --layout modules",
    });
  const runbooks = syncRunbooks(manifest, options.syncProject);
  const names = targets(options).map((d) => `"${syncRunbookName(d.name)}"`);
  const passes =
    names.length === 1 ? `whose runbook ${names[0]} passes` : `whose runbooks ${names.join(", ")} pass`;
  for (const rb of runbooks) {
    const subject = `module ${rb.module}`;
    const byVariable = new Map<string, string[]>();
    for (const s of rb.secrets) {
      if (!s.sourceVariable) {
        findings.push({
          subject,
          message: `${s.description} is held by no variable of the source: add it as the sensitive variable ${secretVariable(s.variable)} of project "${rb.project}", ${passes} it on`,
        });
        continue;
      }
      byVariable.set(s.sourceVariable, [...(byVariable.get(s.sourceVariable) ?? []), s.variable]);
    }
    for (const [name, inputs] of byVariable) {
      if (inputs.length < 2) continue;
      findings.push({
        subject,
        message: `the sensitive variable ${name} has ${inputs.length} values (scoped or shared), and a runbook passes a value by name only: run octoport spread on the source, then export with --spread-secrets`,
      });
    }
  }
  if (source) {
    const want = (names: ReadonlySet<string>, name: string | undefined, what: string, fix: string) => {
      if (name !== undefined && !names.has(name))
        findings.push({ subject: "the source", message: `has no ${what} "${name}": ${fix}` });
    };
    for (const project of new Set(runbooks.map((r) => r.project)))
      if (project !== options.syncProject)
        want(source.projects, project, "project", "export again, so the export and the source agree");
    want(
      source.workerPools,
      options.workerPool,
      "worker pool",
      "create it, or pass another with --worker-pool",
    );
    want(
      source.feeds,
      options.image?.feed,
      "feed",
      "add the container registry as a feed, or pass --image-feed",
    );
    want(
      source.environments,
      options.schedule?.environment,
      "environment",
      "pass an environment of the source with --environment",
    );
    want(source.projectGroups, options.projectGroup, "project group", "pass one with --project-group");
    want(source.lifecycles, options.lifecycle, "lifecycle", "pass one with --lifecycle");
  }
  return findings;
}
