/**
 * The script the sync runbooks run on a worker of the source: export the source space, then
 * apply one module of it to the destination. It is the body of the step template
 * `octoport sync` (root.ts); each runbook's step sets the template's parameters.
 *
 * Values reach the script only through Octopus's substitution of plain `#{Name}`, each inside
 * a quoted here-document, so no character of a value (quotes, `$`, backslashes) is read by the
 * shell. A step parameter's value may itself hold `#{Name}` (the secrets' lines): Octopus
 * evaluates a variable that refers to another. A value still reading `#{...}` after
 * substitution names a variable the source lacks, and the script stops there, naming it, the
 * module and the destination.
 */

/** The template's parameters, by the name the script reads. */
export const PARAMETERS = {
  module: "Octoport.Module",
  secrets: "Octoport.Secrets",
  sourceServer: "Octoport.Source.Server",
  sourceSpace: "Octoport.Source.Space",
  sourceApiKey: "Octoport.Source.ApiKey",
  destinationServer: "Octoport.Destination.Server",
  destinationSpace: "Octoport.Destination.Space",
  destinationApiKey: "Octoport.Destination.ApiKey",
  /** With many destinations: the destination's name, for `{destination}` in the options. */
  destinationName: "Octoport.Destination.Name",
  exportOptions: "Octoport.ExportOptions",
  applyOptions: "Octoport.ApplyOptions",
} as const;

/** The here-document delimiter; a value holding a line equal to it would end it early. */
const END = "OCTOPORT_VALUE";

/** Shell lines that set `shellName` to the substituted value of `#{variable}`. */
export function valueLines(shellName: string, variable: string): string[] {
  return [
    `${shellName}=$(cat <<'${END}'`,
    `#{${variable}}`,
    END,
    ")",
    `octoport_need ${shellName} '${variable}'`,
  ];
}

/**
 * The lines a module's step passes in `Octoport.Secrets`: each secret of the module as a
 * `TF_VAR_` environment variable, from the source variable that holds it (or from
 * `Octoport.Secret.<input>`, which the user sets, for secrets no variable holds: accounts' and
 * feeds' credentials, certificates).
 */
export function secretLines(secrets: ReadonlyArray<{ variable: string; sourceVariable?: string }>): string {
  const lines: string[] = [];
  for (const s of secrets) {
    const shell = `TF_VAR_${s.variable}`;
    lines.push(...valueLines(shell, s.sourceVariable ?? secretVariable(s.variable)), `export ${shell}`);
  }
  return lines.join("\n");
}

/** The source variable a secret comes from when no sensitive variable of the source holds it. */
export function secretVariable(input: string): string {
  return `Octoport.Secret.${input}`;
}

/** The step template's script. */
export function syncScript(): string {
  const p = PARAMETERS;
  return [
    "#!/usr/bin/env bash",
    "# octoport sync (written by octoport bootstrap): export the source space, then apply one",
    "# module of the export to the destination. Needs octoport, and tofu or terraform, on the PATH.",
    "set -euo pipefail",
    "",
    "octoport_need() { # shell name, Octopus variable",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's indirect expansion
    '  if [[ "${!1}" == "#{"* ]]; then',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's default expansion
    '    echo "octoport sync of ${module:-a module} to ${destination_server:-the destination}: the variable $2 has no value on the source; set it (octoport bootstrap --check lists them)" >&2',
    "    exit 1",
    "  fi",
    "}",
    "",
    ...valueLines("module", p.module),
    ...valueLines("destination_server", p.destinationServer),
    ...valueLines("destination_space", p.destinationSpace),
    ...valueLines("destination_api_key", p.destinationApiKey),
    ...valueLines("source_server", p.sourceServer),
    ...valueLines("source_space", p.sourceSpace),
    ...valueLines("source_api_key", p.sourceApiKey),
    `export_options=$(cat <<'${END}'`,
    `#{${p.exportOptions}}`,
    END,
    ")",
    `apply_options=$(cat <<'${END}'`,
    `#{${p.applyOptions}}`,
    END,
    ")",
    `[[ "$export_options" == "#{"* ]] && export_options=""`,
    `[[ "$apply_options" == "#{"* ]] && apply_options=""`,
    `destination_name=$(cat <<'${END}'`,
    `#{${p.destinationName}}`,
    END,
    ")",
    `[[ "$destination_name" == "#{"* ]] && destination_name=""`,
    "# {destination} (or {tenant}) in the options: this destination's name, e.g. in state keys.",
    'if [[ -n "$destination_name" ]]; then',
    "  for placeholder in '{destination}' '{tenant}'; do",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's pattern substitution
    '    export_options=${export_options//"$placeholder"/$destination_name}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's pattern substitution
    '    apply_options=${apply_options//"$placeholder"/$destination_name}',
    "  done",
    "fi",
    "",
    "# The module's secrets, as TF_VAR_ variables of the apply.",
    `#{${p.secrets}}`,
    "",
    "work=$(mktemp -d)",
    "trap 'rm -rf \"$work\"' EXIT",
    "",
    'echo "octoport sync: exporting $source_space from $source_server"',
    "# shellcheck disable=SC2086 # the options are words",
    'if ! OCTOPUS_URL="$source_server" OCTOPUS_API_KEY="$source_api_key" \\',
    '  octoport export --space "$source_space" --dest "$work/export" --quiet $export_options; then',
    '  echo "octoport sync of $module to $destination_server: the export of $source_space from $source_server failed" >&2',
    "  exit 1",
    "fi",
    "",
    'echo "octoport sync: applying $module to $destination_server, space $destination_space"',
    "# shellcheck disable=SC2086",
    'if ! OCTOPUS_URL="$destination_server" OCTOPUS_API_KEY="$destination_api_key" \\',
    '  octoport apply "$work/export" --space "$destination_space" --module "$module" $apply_options; then',
    '  echo "octoport sync of $module to $destination_server, space $destination_space: the apply failed (see above)" >&2',
    "  exit 1",
    "fi",
    "",
  ].join("\n");
}

/** One module's runbook, as the apply-all runbook runs it. */
export interface ModuleRun {
  module: string;
  /** The source project that holds the runbook. */
  project: string;
  runbook: string;
}

/** The sync project's sensitive variable holding the key the apply-all runbook runs runbooks with. */
export const RUNNER_KEY = "Octoport.Runner.ApiKey";

/**
 * The apply-all runbook's script: runs each module's runbook through the source's API, one
 * after another in the export's apply order, each from a snapshot published just before (a
 * snapshot freezes the project's variables: a fresh one passes the secrets as they are now),
 * in the environment the apply-all runs in. The first run that fails stops it, with a line
 * naming the module and the destination. The calls: POST runbookSnapshots?publish=true, POST
 * runbook-runs/create/v1 (the executions API), GET tasks/{id}.
 */
export function applyAllScript(runs: ModuleRun[], destination: string): string {
  const js = [
    "const server = process.env.OCTOPORT_SERVER.replace(/\\/+$/, '');",
    "const space = process.env.OCTOPORT_SPACE_ID;",
    `const destination = ${JSON.stringify(destination)};`,
    `const runs = ${JSON.stringify(runs)};`,
    "async function api(method, path, body) {",
    "  const res = await fetch(server + path, {",
    "    method,",
    "    headers: { 'X-Octopus-ApiKey': process.env.OCTOPORT_KEY, 'Content-Type': 'application/json' },",
    "    body: body === undefined ? undefined : JSON.stringify(body),",
    "  });",
    "  const text = await res.text();",
    "  if (!res.ok) throw new Error(method + ' ' + path.split('?')[0] + ': HTTP ' + res.status + ' ' + text.slice(0, 300));",
    "  return text ? JSON.parse(text) : undefined;",
    "}",
    "function fail(run, why) {",
    "  console.error('octoport sync all to ' + destination + ': the ' + run.module + ' module failed (runbook \"' + run.runbook + '\" of project \"' + run.project + '\"): ' + why + '; the modules after it were not run');",
    "  process.exit(1);",
    "}",
    "async function main() {",
    "  const projects = await api('GET', '/api/' + space + '/projects/all');",
    "  for (let i = 0; i < runs.length; i++) {",
    "    const run = runs[i];",
    "    let task;",
    "    try {",
    "      const project = projects.find((p) => p.Name === run.project);",
    "      if (!project) throw new Error('the source has no project ' + run.project);",
    "      const listed = await api('GET', '/api/' + space + '/projects/' + project.Id + '/runbooks?take=2147483647');",
    "      const runbook = (listed.Items || listed).find((r) => r.Name === run.runbook);",
    "      if (!runbook) throw new Error('the project has no such runbook; apply the bootstrap root again');",
    "      const snapshot = await api('POST', '/api/' + space + '/runbookSnapshots?publish=true', {",
    "        ProjectId: project.Id, RunbookId: runbook.Id, Name: 'octoport ' + new Date().toISOString(),",
    "      });",
    "      const started = await api('POST', '/api/' + space + '/runbook-runs/create/v1', {",
    "        spaceIdOrName: space, projectName: project.Id, runbookName: runbook.Name,",
    "        environmentNames: [process.env.OCTOPORT_ENVIRONMENT], snapshot: snapshot.Id,",
    "      });",
    "      const taskId = started.RunbookRunServerTasks[0].ServerTaskId;",
    "      console.log('octoport sync all to ' + destination + ': ' + run.module + ' (' + (i + 1) + ' of ' + runs.length + '), task ' + taskId);",
    "      for (;;) {",
    "        task = await api('GET', '/api/tasks/' + taskId);",
    "        if (task.IsCompleted) break;",
    "        await new Promise((r) => setTimeout(r, 2000));",
    "      }",
    "    } catch (e) {",
    "      fail(run, e.message);",
    "    }",
    "    if (!task.FinishedSuccessfully)",
    "      fail(run, 'task ' + task.Id + ' ended ' + task.State + (task.ErrorMessage ? ': ' + task.ErrorMessage : '') + ' (its log is on the source)');",
    "  }",
    "  console.log('octoport sync all to ' + destination + ': ' + runs.length + ' modules applied, in order');",
    "}",
    "main().catch((e) => { console.error('octoport sync all to ' + destination + ': ' + e.message); process.exit(1); });",
  ];
  const need = (shell: string, variable: string, hint = "") => [
    ...valueLines(shell, variable).slice(0, 4),
    `if [[ -z "$${shell}" || "$${shell}" == "#{"* ]]; then`,
    `  echo ${shellQuote(`octoport sync all to ${destination}: the variable ${variable} has no value${hint}`)} >&2`,
    "  exit 1",
    "fi",
  ];
  return [
    "#!/usr/bin/env bash",
    "# octoport sync all (written by octoport bootstrap): runs each module's sync runbook, in the",
    "# export's apply order, through the source's API. Needs node (20 or later) on the PATH.",
    "set -euo pipefail",
    "",
    ...need("runner_key", RUNNER_KEY, "; give the bootstrap root's input runner_api_key and apply it again"),
    ...need("server", "Octopus.Web.ServerUri"),
    ...need("space_id", "Octopus.Space.Id"),
    ...need("environment", "Octopus.Environment.Name"),
    "",
    'OCTOPORT_SERVER="$server" OCTOPORT_KEY="$runner_key" OCTOPORT_SPACE_ID="$space_id" \\',
    `  OCTOPORT_ENVIRONMENT="$environment" node - <<'OCTOPORT_JS'`,
    ...js,
    "OCTOPORT_JS",
    "",
  ].join("\n");
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}
