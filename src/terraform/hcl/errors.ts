// Kept apart from parse.ts: importing @cdktf/hcl2json starts a parser on the main thread, which
// the export does not need (it parses on worker threads, see check.ts).

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

/** The parser's message for a file, as one HclParseError. */
export function parseFailure(file: string, message: string): HclParseError {
  return new HclParseError(file, message.replace(/^parse config: /, "").replace(/^\[|\]$/g, ""));
}
