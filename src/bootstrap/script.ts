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
