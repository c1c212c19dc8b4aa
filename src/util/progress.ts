import { redact } from "./redact.js";

/**
 * Progress on stderr: a single rewritten status line on a terminal, nothing when stderr
 * is not a TTY (or with --quiet). Warnings and notes are always written, one per line.
 */
export class Progress {
  private lastLength = 0;
  private lastDraw = 0;
  private readonly live: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    options: { quiet?: boolean } = {},
  ) {
    this.live = Boolean(stream.isTTY) && !options.quiet;
  }

  /** Shows a status line; redrawn at most ten times a second. */
  update(text: string, force = false): void {
    if (!this.live) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = (this.stream.columns ?? 100) - 1;
    const line = redact(text).slice(0, width);
    this.stream.write(`\r${line}${" ".repeat(Math.max(0, this.lastLength - line.length))}`);
    this.lastLength = line.length;
  }

  /** Clears the status line. */
  clear(): void {
    if (!this.live || this.lastLength === 0) return;
    this.stream.write(`\r${" ".repeat(this.lastLength)}\r`);
    this.lastLength = 0;
  }

  warn(text: string): void {
    this.clear();
    this.stream.write(`warning: ${redact(text)}\n`);
  }

  note(text: string): void {
    this.clear();
    this.stream.write(`${redact(text)}\n`);
  }
}
