import { parse } from "@cdktf/hcl2json";
import { parseFailure } from "./errors.js";

export { HclParseError } from "./errors.js";

/**
 * Parses HCL with the real parser (HashiCorp's, as WebAssembly) and returns its JSON form,
 * where literal strings keep `$${`/`%%{` escapes (see unescapeJsonSyntax).
 */
export async function parseHcl(file: string, text: string): Promise<Record<string, unknown>> {
  try {
    return (await parse(file, text)) as Record<string, unknown>;
  } catch (err) {
    throw parseFailure(file, String(err instanceof Error ? err.message : err));
  }
}

/** A literal string of Terraform's JSON syntax as its value: `$${` is `${`, `%%{` is `%{`. */
export function unescapeJsonSyntax(value: string): string {
  return value.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}
