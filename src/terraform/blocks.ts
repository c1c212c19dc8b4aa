import { dummyValue } from "./dummies.js";
import {
  attr,
  type Block,
  type BodyItem,
  block,
  bool,
  call,
  type Expr,
  type HclFile,
  type Label,
  object,
  ref,
  str,
} from "./hcl/model.js";
import { printFile } from "./hcl/print.js";
import type { Secret } from "./inputs.js";
import { type ExportOptions, PROVIDER_SOURCE, type SecretDefaults } from "./options.js";

/**
 * What the roots and modules are made of alike: the terraform block with the provider's
 * version, the provider block, input variables (the standard ones, the IDs input, secrets),
 * module names, and a file's text from its blocks.
 */

/** required_providers: the Octopus provider at the export's version constraint. */
export function requiredProviders(options: ExportOptions): Block {
  return block(
    "required_providers",
    [],
    [
      attr(
        "octopusdeploy",
        object([
          ["source", str(PROVIDER_SOURCE)],
          ["version", str(options.providerVersion)],
        ]),
      ),
    ],
  );
}

export function terraformBlock(options: ExportOptions, backend: boolean): Block {
  const body: BodyItem[] = [requiredProviders(options), attr("required_version", str(">= 1.6.0"))];
  if (backend && options.backend) body.push(block("backend", [options.backend], []));
  return block("terraform", [], body);
}

export function providerBlock(): Block {
  return block(
    "provider",
    ["octopusdeploy"],
    [
      attr("address", ref("var", "octopus_server")),
      attr("api_key", ref("var", "octopus_apikey")),
      attr("space_id", ref("var", "octopus_space_id")),
    ],
  );
}

/** A `variable` block: a string unless `type` says otherwise, required unless it has a default. */
function inputVariable(
  name: Label,
  description: string,
  options: { sensitive?: boolean; required?: boolean; type?: Expr; default?: Expr } = {},
): Block {
  return block(
    "variable",
    [name],
    [
      attr("type", options.type ?? ref("string")),
      ...(options.required ? [attr("nullable", bool(false))] : []),
      ...(options.sensitive ? [attr("sensitive", bool(true))] : []),
      ...(options.default ? [attr("default", options.default)] : []),
      attr("description", str(description)),
    ],
  );
}

export function standardVariables(): Block[] {
  return [
    inputVariable(
      "octopus_server",
      "URL of the destination Octopus Server, e.g. https://octopus.example.com",
      { required: true },
    ),
    inputVariable("octopus_apikey", "API key for the destination Octopus Server", {
      required: true,
      sensitive: true,
    }),
    inputVariable("octopus_space_id", "ID of the destination space, e.g. Spaces-1", { required: true }),
  ];
}

export function secretVariable(secret: Secret, defaults: SecretDefaults): Block {
  const value =
    defaults === "dummy"
      ? str(dummyValue(secret.kind))
      : defaults === "octostache"
        ? str(secret.octostache || `#{${secret.name.resolve()}}`)
        : undefined;
  return inputVariable(secret.name, secret.description, { required: true, sensitive: true, default: value });
}

export function idsVariable(): Block {
  return block(
    "variable",
    ["octoport_ids"],
    [
      attr("type", call("map", ref("string"))),
      attr("default", object([])),
      attr(
        "description",
        str("IDs of what other modules create, by kind and name; anything not here is looked up by name"),
      ),
    ],
  );
}

/** The text of an HCL file of these items, as the one printer writes it. */
export function fileText(items: BodyItem[]): string {
  return printFile({ items } satisfies HclFile);
}

/** "space" -> space, "projects/orders-api" -> project_orders_api, "tenant-variables" -> tenant_variables. */
export function moduleName(path: string): string {
  if (path.startsWith("projects/")) return `project_${path.slice("projects/".length).replace(/-/g, "_")}`;
  return path.replace(/-/g, "_");
}
