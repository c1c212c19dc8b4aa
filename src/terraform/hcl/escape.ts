/**
 * The one place HCL strings are escaped. A quoted HCL string is a template: `${` and `%{`
 * start interpolations and directives, so literal ones are written `$${` and `%%{`.
 */

/** The body of a quoted HCL string (without the quotes) that evaluates to `value`. */
export function escapeString(value: string): string {
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    switch (ch) {
      case "\\":
        out += "\\\\";
        break;
      case '"':
        out += '\\"';
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\t":
        out += "\\t";
        break;
      default:
        if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || isLoneSurrogate(code)) {
          // Control characters, and lone surrogates (not encodable in UTF-8: they become U+FFFD).
          out += isLoneSurrogate(code) ? "\\ufffd" : `\\u${code.toString(16).padStart(4, "0")}`;
        } else if (code === 0x2028 || code === 0x2029) {
          out += `\\u${code.toString(16)}`;
        } else {
          out += ch;
        }
    }
  }
  return escapeTemplateMarkers(out);
}

/** `${` -> `$${` and `%{` -> `%%{`: literal text inside a template (quoted string or heredoc). */
export function escapeTemplateMarkers(text: string): string {
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

function isLoneSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdfff;
}

/** A heredoc that evaluates exactly to `value`, or undefined when none can. */
export function heredoc(value: string): { marker: string; lines: string[] } | undefined {
  // A heredoc's value always ends with a newline, and it cannot hold other control characters.
  if (!value.endsWith("\n") || value.length < 2) return undefined;
  if (!value.isWellFormed() || [...value].some((ch) => !heredocSafe(ch.codePointAt(0)!))) return undefined;
  const lines = value.slice(0, -1).split("\n");
  let marker = "EOT";
  for (let i = 1; lines.some((l) => l.trim() === marker); i++) marker = `EOT${i}`;
  return { marker, lines: lines.map(escapeTemplateMarkers) };
}

/** Newlines and tabs are fine in a heredoc; other control characters and line separators are not. */
function heredocSafe(code: number): boolean {
  if (code === 0x0a || code === 0x09) return true;
  return !(code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}
