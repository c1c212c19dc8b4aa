import { escapeString, heredoc, isIdentifier } from "./escape.js";
import { type Block, type BodyItem, type Expr, type HclFile, type Label, resolveLabel } from "./model.js";

/**
 * The one printer. Its output is what `tofu fmt` would make of it: two-space indents, `=`
 * aligned across consecutive single-line attributes (a multi-line value, a block, a comment
 * or a blank line ends the run), one blank line between top-level blocks.
 */

const INDENT = "  ";
/** Lists and maps longer than this on one line are written one element per line. */
const MAX_INLINE = 100;

export function printFile(file: HclFile): string {
  // One blank line between a block and what is next to it; top-level attributes (a tfvars
  // file) are one body, so their `=` align as tofu fmt aligns them.
  const items: BodyItem[] = [];
  let previous: BodyItem | undefined;
  for (const item of file.items) {
    const afterBlock = previous?.kind === "block" && item.kind !== "blank";
    const beforeBlock =
      previous && item.kind === "block" && previous.kind !== "blank" && previous.kind !== "comment";
    if (afterBlock || beforeBlock) items.push({ kind: "blank" });
    items.push(item);
    previous = item;
  }
  const lines = printItems(items, 0);
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines.length ? `${lines.join("\n")}\n` : "";
}

/**
 * A body's items, with `=` aligned across each run of attributes as `tofu fmt` aligns them:
 * a single-line value or a heredoc (whose content lines do not count) joins the run; a
 * value over several lines is not aligned and ends the run, as do blocks, comments and blanks.
 */
function printItems(items: BodyItem[], depth: number, out: string[] = []): string[] {
  const pad = INDENT.repeat(depth);
  let run: Array<{ name: string; value: string[] }> = [];
  const names = new Set<string>();
  const flush = () => {
    const width = Math.max(0, ...run.map((r) => r.name.length));
    for (const r of run) {
      out.push(`${pad}${r.name.padEnd(width)} = ${r.value[0]}`);
      for (let i = 1; i < r.value.length; i++) out.push(r.value[i]!);
    }
    run = [];
  };
  for (const item of items) {
    switch (item.kind) {
      case "attribute": {
        const name = resolveLabel(item.name);
        if (names.has(name)) throw new Error(`attribute ${name} set twice in one body`);
        names.add(name);
        const value = printExpr(item.value, depth);
        if (value.length === 1 || value[0]!.startsWith("<<")) {
          run.push({ name, value });
        } else {
          flush();
          out.push(`${pad}${name} = ${value[0]}`, ...value.slice(1));
        }
        break;
      }
      case "block":
        flush();
        printBlock(item, depth, out);
        break;
      case "comment":
        flush();
        for (const line of item.text.split("\n")) out.push(`${pad}#${line ? ` ${line}` : ""}`);
        break;
      case "blank":
        flush();
        out.push("");
        break;
    }
  }
  flush();
  return out;
}

/** Appends a block's lines to `out` (not returned and spread: a file's lines are many). */
function printBlock(block: Block, depth: number, out: string[]): void {
  const pad = INDENT.repeat(depth);
  const head = [block.type, ...block.labels.map((l) => `"${escapeString(resolveLabel(l))}"`)].join(" ");
  if (block.body.length === 0) {
    out.push(`${pad}${head} {`, `${pad}}`);
    return;
  }
  const body: BodyItem[] = [];
  // Attributes first, then each nested block after a blank line.
  let prev: BodyItem | undefined;
  for (const item of block.body) {
    if (item.kind === "block" && prev && prev.kind !== "blank" && prev.kind !== "comment")
      body.push({ kind: "blank" });
    if (prev?.kind === "block" && item.kind !== "blank" && item.kind !== "block")
      body.push({ kind: "blank" });
    body.push(item);
    prev = item;
  }
  out.push(`${pad}${head} {`);
  printItems(body, depth + 1, out);
  out.push(`${pad}}`);
}

/**
 * An expression as lines: the first continues the line it starts on, the rest are full
 * lines (already indented). `depth` is the indent of the line the expression starts on.
 */
export function printExpr(expr: Expr, depth: number): string[] {
  switch (expr.kind) {
    case "string": {
      if (expr.value.includes("\n") && expr.value.length > 40) {
        const doc = heredoc(expr.value);
        if (doc) return [`<<${doc.marker}`, ...doc.lines, doc.marker];
      }
      return [`"${escapeString(expr.value)}"`];
    }
    case "number":
      return [numberText(expr.value)];
    case "bool":
      return [String(expr.value)];
    case "null":
      return ["null"];
    case "ref":
      return [traversal(expr.parts)];
    case "call": {
      const args = expr.args.map((a) => inline(a));
      if (args.every((a) => a !== undefined)) return [`${expr.name}(${args.join(", ")})`];
      throw new Error(`function ${expr.name}: arguments must fit on one line`);
    }
    case "template": {
      // "${x}" alone is just x (tofu fmt unwraps it).
      const parts = expr.parts.filter((p) => p !== "");
      if (parts.length === 1 && typeof parts[0] !== "string") return printExpr(parts[0]!, depth);
      return [
        `"${parts.map((p) => (typeof p === "string" ? escapeString(p) : `\${${inlineOrThrow(p)}}`)).join("")}"`,
      ];
    }
    case "for": {
      const cond = expr.condition ? ` if ${inlineOrThrow(expr.condition)}` : "";
      return [
        `[for ${expr.item} in ${inlineOrThrow(expr.collection)} : ${inlineOrThrow(expr.value)}${cond}]`,
      ];
    }
    case "index":
      return [`${inlineOrThrow(expr.target)}[${inlineOrThrow(expr.index)}]`];
    case "getattr":
      return [`${inlineOrThrow(expr.target)}.${expr.name}`];
    case "conditional":
      return [
        `${inlineOrThrow(expr.condition)} ? ${inlineOrThrow(expr.whenTrue)} : ${inlineOrThrow(expr.whenFalse)}`,
      ];
    case "binary":
      return [`${inlineOrThrow(expr.left)} ${expr.op} ${inlineOrThrow(expr.right)}`];
    case "tuple": {
      if (expr.items.length === 0) return ["[]"];
      const one = inline(expr);
      if (one !== undefined && one.length <= MAX_INLINE) return [one];
      const pad = INDENT.repeat(depth + 1);
      const lines = ["["];
      for (const item of expr.items) {
        const value = printExpr(item, depth + 1);
        lines.push(`${pad}${value[0]}`, ...value.slice(1));
        lines[lines.length - 1] += ",";
      }
      lines.push(`${INDENT.repeat(depth)}]`);
      return lines;
    }
    case "object": {
      if (expr.entries.length === 0) return ["{}"];
      const one = inline(expr);
      if (one !== undefined && one.length <= MAX_INLINE && expr.entries.length <= 1) return [one];
      const body: BodyItem[] = expr.entries.map(([key, value]) => ({
        kind: "attribute",
        name: objectKey(key),
        value,
      }));
      return ["{", ...printItems(body, depth + 1), `${INDENT.repeat(depth)}}`];
    }
  }
}

/** The expression on one line, or undefined when it cannot be (a heredoc, a long nested value). */
function inline(expr: Expr): string | undefined {
  switch (expr.kind) {
    case "string":
      return `"${escapeString(expr.value)}"`;
    case "tuple": {
      const items = expr.items.map(inline);
      if (items.some((i) => i === undefined)) return undefined;
      return `[${items.join(", ")}]`;
    }
    case "object": {
      if (expr.entries.length === 0) return "{}";
      const entries = expr.entries.map(([k, v]) => {
        const value = inline(v);
        return value === undefined ? undefined : `${objectKey(k)} = ${value}`;
      });
      if (entries.some((e) => e === undefined)) return undefined;
      return `{ ${entries.join(", ")} }`;
    }
    default: {
      const lines = printExpr(expr, 0);
      return lines.length === 1 ? lines[0] : undefined;
    }
  }
}

function inlineOrThrow(expr: Expr): string {
  const text = inline(expr);
  if (text === undefined) throw new Error("an interpolated expression must fit on one line");
  return text;
}

/** Object keys are always quoted: any string is a valid quoted key. */
function objectKey(key: string): string {
  return `"${escapeString(key)}"`;
}

function traversal(parts: Array<Label | number>): string {
  let out = "";
  parts.forEach((raw, i) => {
    if (typeof raw === "number") {
      out += `[${raw}]`;
      return;
    }
    const part = resolveLabel(raw);
    if (i === 0) out += part;
    else if (isIdentifier(part)) out += `.${part}`;
    else out += `["${escapeString(part)}"]`;
  });
  return out;
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot write ${n} in HCL`);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
}
