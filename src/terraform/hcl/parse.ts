import { parse } from "@cdktf/hcl2json";

/** A generated file the real HCL parser rejects: a bug in octoport, named by file and line. */
export class HclParseError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`generated ${file} does not parse (${detail}); this is a bug in octoport, please report it`);
    this.name = "HclParseError";
  }
}

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

/** The parser's message for a file, as one HclParseError. */
export function parseFailure(file: string, message: string): HclParseError {
  return new HclParseError(file, message.replace(/^parse config: /, "").replace(/^\[|\]$/g, ""));
}

/** A literal string of Terraform's JSON syntax as its value: `$${` is `${`, `%%{` is `%{`. */
export function unescapeJsonSyntax(value: string): string {
  return value.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}
