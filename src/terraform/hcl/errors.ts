// Kept apart from parse.ts: importing @cdktf/hcl2json starts a parser on the main thread, which
// the export does not need (it parses on a worker thread, see verify.ts).

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

/** The parser's message for a file, as one HclParseError, on one line. */
export function parseFailure(file: string, message: string): HclParseError {
  const detail = message
    .replace(/^parse config: /, "")
    .replace(/^\[|\]$/g, "")
    .replace(/\s*\n\s*/g, " ");
  return new HclParseError(file, detail);
}
