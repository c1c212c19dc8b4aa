import type { Move } from "./moves.js";

/**
 * manifest.json, which every export writes beside its files: every resource with its source
 * document, the modules and their order, the secrets and where their values come from, the
 * warnings; and the types of the files an export is made of.
 */

export interface Warning {
  /** What it is about, e.g. project "Orders API". */
  subject: string;
  message: string;
}

export const MANIFEST_FORMAT = "octoport-export/v1";

export interface ManifestResource {
  sourceId: string;
  /** Which part of the source document, when one document gives several resources of a type. */
  sourcePart?: string;
  sourceType: string;
  name: string;
  type: string;
  module: string;
  address: string;
}

export interface Manifest {
  format: string;
  source: { server: string; spaceId: string; spaceName: string; serverVersion: string };
  layout: "modules" | "single";
  providerVersion: string;
  modules: Array<{ path: string; title: string; dependsOn: string[] }>;
  applyOrder: string[][];
  projectDependencies: Array<{ project: string; dependsOn: string; step: string }>;
  resources: ManifestResource[];
  secrets: Array<{
    variable: string;
    sourceId: string;
    field: string;
    path: string;
    description: string;
    modules: string[];
    /**
     * The source's variable that holds the value, when the secret is a sensitive variable's
     * (what `#{Name}` names in a runbook of its owner: octoport bootstrap).
     */
    sourceVariable?: string;
  }>;
  warnings: Warning[];
  notes: string[];
  /** Whether space_creation/ was written. */
  spaceCreation: boolean;
  /** Renames since earlier exports into the same directory, written as moved blocks. */
  moved: Move[];
  /** With --import-from-destination: what already exists on the destination and is imported. */
  imports?: Array<{ address: string; id: string }>;
  /** Every file of the export but the manifest, so a re-export knows what it wrote before. */
  files: string[];
}

/**
 * A file's text: whole, or (a large file) made again, piece by piece, each time it is read, so
 * that it is never held as one string.
 */
export type FileText = string | (() => Iterable<string>);

/** One file of an export: its path relative to the output directory, and its text. */
export type ExportFile = readonly [path: string, content: FileText];

/** A file's text as one string. */
export function wholeText(content: FileText): string {
  return typeof content === "string" ? content : [...content()].join("");
}
