import type { Doc } from "./descriptor.js";

/**
 * Values whose meaning is an ID because of their type: a variable of type `Certificate`, a
 * template whose control type is `AzureAccount`. The variable's `Type` and the template's
 * `DisplaySettings['Octopus.ControlType']` use the same names.
 */
export const TYPED_VALUES: Readonly<Record<string, string>> = {
  Certificate: "Certificates",
  AmazonWebServicesAccount: "Accounts",
  AzureAccount: "Accounts",
  GoogleCloudAccount: "Accounts",
  UsernamePasswordAccount: "Accounts",
  GenericOidcAccount: "Accounts",
  WorkerPool: "WorkerPools",
};

/** The document type a typed variable's value is an ID of. */
export function variableValueType(variable: Doc): string | undefined {
  return typeof variable.Type === "string" ? TYPED_VALUES[variable.Type] : undefined;
}

/** The control type of a template (of a project, library set or step template parameter). */
export function controlType(template: Doc | undefined): string | undefined {
  const settings = template?.DisplaySettings;
  if (!settings || typeof settings !== "object") return undefined;
  const control = (settings as Doc)["Octopus.ControlType"];
  return typeof control === "string" ? control : undefined;
}

/** The document type a template's values (its default, tenants' values) are IDs of. */
export function templateValueType(template: Doc | undefined): string | undefined {
  const control = controlType(template);
  return control ? TYPED_VALUES[control] : undefined;
}

/** A template of `owner` (a project or library set document) by its ID. */
export function templateOf(owner: Doc | undefined, templateId: string): Doc | undefined {
  const list = owner?.Templates;
  return Array.isArray(list) ? (list as Doc[]).find((t) => t?.Id === templateId) : undefined;
}

/** Whether a variable is sensitive (its value is never returned by the API). */
export function isSensitiveVariable(variable: Doc): boolean {
  return variable.IsSensitive === true || variable.Type === "Sensitive";
}
