import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { Progress } from "../../src/util/progress.js";
import { registerSecret } from "../../src/util/redact.js";

function stream(tty: boolean): { out: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { isTTY?: boolean; columns?: number };
  s.isTTY = tty;
  s.columns = 80;
  let text = "";
  (s as unknown as PassThrough).on("data", (c: Buffer) => {
    text += c.toString();
  });
  return { out: s, text: () => text };
}

describe("progress", () => {
  it("draws a status line on a terminal and clears it", () => {
    const { out, text } = stream(true);
    const p = new Progress(out);
    p.update("reading 3/10", true);
    p.clear();
    expect(text()).toBe(`\rreading 3/10\r${" ".repeat(12)}\r`);
  });

  it("is quiet when stderr is not a terminal, or with --quiet, but still warns", () => {
    for (const [tty, quiet] of [
      [false, false],
      [true, true],
    ] as const) {
      const { out, text } = stream(tty);
      const p = new Progress(out, { quiet });
      p.update("reading", true);
      p.warn("something to know");
      expect(text()).toBe("warning: something to know\n");
    }
  });

  it("never prints a registered secret", () => {
    registerSecret("API-SECRETSECRETSECRET0001");
    const { out, text } = stream(false);
    new Progress(out).warn("key API-SECRETSECRETSECRET0001 rejected");
    expect(text()).toBe("warning: key *** rejected\n");
  });
});
