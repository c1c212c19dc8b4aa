/**
 * Errors a user can act on. The message is one line: what failed and what to do.
 * The CLI prints `message` alone (exit code `exitCode`); the stack only with --debug.
 */
export class OctoportError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(oneLine(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OctoportError";
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Bad command-line usage: exit code 2. */
export class UsageError extends OctoportError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
    this.name = "UsageError";
  }
}

/** Collapses whitespace so an error is always printed on a single line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
