import type { Manifest } from "./manifest.js";
import type { SelectionOptions } from "./selection.js";

/** What an export is asked for: the selection, and how the files are written. */

export type SecretDefaults = "none" | "dummy" | "octostache";

export type Backend = "s3" | "azurerm" | "gcs" | "local";

export interface ExportOptions extends SelectionOptions {
  secretDefaults: SecretDefaults;
  /** Version constraint written in required_providers. */
  providerVersion: string;
  backend?: Backend;
  /** Also write space_creation/, which creates the destination space. */
  createSpace?: boolean;
  /** Where the space came from, for the manifest and README (never the API key). */
  source: { server: string };
  /** The manifest of the export already in the destination directory: renames become moved blocks. */
  previous?: Manifest;
  /**
   * The caller does not use the graph after the export, so the export may release what it
   * has done with: the references once the plan is made, and each project's documents once
   * its module is written (not with adoptFrom, which reads them at the end).
   */
  releaseGraph?: boolean;
}

export const DEFAULT_PROVIDER_VERSION = "~> 1.17";

export const PROVIDER_SOURCE = "OctopusDeploy/octopusdeploy";
