import type { Lazy } from "./hcl/model.js";

/**
 * The inputs of modules and roots: the standard ones every module takes, the one that passes
 * IDs between modules, and the secrets, each of which becomes an input of its own.
 */

/** Inputs every module takes (Octoterra's names). */
export const STANDARD_INPUTS = ["octopus_server", "octopus_apikey", "octopus_space_id"] as const;

/** The input through which the root passes the IDs of what other modules create. */
export const IDS_INPUT = "octoport_ids";

export type SecretKind =
  | "password"
  | "token"
  | "certificate"
  | "certificate-pem"
  | "certificate-password"
  | "ssh-key"
  | "text";

/** A sensitive value that becomes a Terraform variable. */
export interface Secret {
  /** Terraform variable name in the roots (unique across the whole export). */
  name: Lazy;
  /** What the name is made from. */
  key: string;
  description: string;
  kind: SecretKind;
  /** The document the value belongs to and the field, for the manifest and tfvars example. */
  sourceId: string;
  field: string;
  /** Where the value is in the source document, e.g. Password or Variables[Id=...].Value. */
  path: string;
  /** Value to use as `#{...}` for --secret-defaults octostache. */
  octostache: string;
}
