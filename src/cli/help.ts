/**
 * Help text layout. yargs lays an option's help out as its name, its description, and its
 * "extras" ([string] [default: ...]) right-aligned on the same line when they fit, else on the
 * next. When the description fills its column exactly, cliui puts the extras on the same line
 * with no space between ("...servers you trust)[boolean]": yargs/cliui issue 88, open).
 */

/** What yargs writes at the start of an option's extras. */
const EXTRAS =
  /^(.*\S)((?:\[(?:boolean|string|number|array|count|required)\]|\[(?:deprecated|choices: |default: ).*\]).*)$/;

/** Moves extras that cliui ran into the description onto a line of their own, right-aligned. */
export function separateGluedExtras(text: string, width: number): string {
  return text
    .split("\n")
    .map((line) => {
      const m = EXTRAS.exec(line);
      if (!m) return line;
      const extras = m[2]!;
      return `${m[1]!.trimEnd()}\n${" ".repeat(Math.max(0, width - extras.length))}${extras}`;
    })
    .join("\n");
}
