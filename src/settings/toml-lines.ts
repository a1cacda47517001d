// Where a key is written in a TOML file, for error messages: Bun's TOML parser gives values
// but no positions. A line scanner that knows headers, dotted and quoted keys, and skips the
// insides of multi-line strings and arrays, so a value that looks like `key = x` is not a key.

interface Entry {
  line: number;
  /** The absolute key path the line defines: the table of a header, or table + dotted key. */
  path: string[];
}

/** The 1-based line that defines `path` (a table header or a key), or undefined when not found. */
export function tomlKeyLine(text: string, path: readonly string[]): number | undefined {
  const entries = scanEntries(text);
  const startsWith = (long: readonly string[], short: readonly string[]) => short.every((k, i) => long[i] === k);
  // The key itself, or the first thing written under it ([source.ssl] for source.ssl.mode) …
  const own = entries.find((e) => startsWith(e.path, path));
  if (own) return own.line;
  // … else the line that holds it inline: `source = { dns = "…" }` or `source.dns = …`.
  return entries.find((e) => e.path.length > 0 && startsWith(path, e.path))?.line;
}

function scanEntries(text: string): Entry[] {
  const entries: Entry[] = [];
  let table: string[] = [];
  let closeString: string | undefined; // inside a multi-line string: its closing quotes
  let depth = 0; // inside a multi-line array: how many brackets are open
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (closeString) {
      const end = line.indexOf(closeString);
      if (end < 0) continue;
      closeString = undefined;
      line = line.slice(end + 3);
      if (depth === 0) continue;
    }
    if (depth > 0) {
      ({ depth, closeString } = scanValue(line, depth));
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const header = /^\[\[?(.*?)\]\]?\s*(?:#.*)?$/.exec(trimmed);
    if (header) {
      const key = parseKey(header[1]!);
      if (key && key.rest.trim() === "") {
        table = key.path;
        entries.push({ line: i + 1, path: table });
      }
      continue;
    }
    const key = parseKey(trimmed);
    if (!key || !key.rest.startsWith("=")) continue;
    entries.push({ line: i + 1, path: [...table, ...key.path] });
    ({ depth, closeString } = scanValue(key.rest.slice(1), 0));
  }
  return entries;
}

/** A dotted key (bare, "basic" or 'literal' parts) at the start of `s`, and what follows it. */
function parseKey(s: string): { path: string[]; rest: string } | undefined {
  const path: string[] = [];
  let rest = s.trimStart();
  for (;;) {
    const m = /^(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|'([^']*)')\s*/.exec(rest);
    if (!m) return undefined;
    path.push(m[1] ?? (m[2] !== undefined ? unescapeBasic(m[2]) : m[3]!));
    rest = rest.slice(m[0].length);
    if (!rest.startsWith(".")) return { path, rest };
    rest = rest.slice(1).trimStart();
  }
}

/** A "basic" key's escapes (TOML's are JSON's plus \UXXXXXXXX); kept as written if odd. */
function unescapeBasic(s: string): string {
  try {
    return JSON.parse(`"${s.replace(/\\U([0-9A-Fa-f]{8})/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))}"`);
  } catch {
    return s;
  }
}

/** Follow a value's text: brackets opened and not closed, or a multi-line string left open. */
function scanValue(s: string, depth: number): { depth: number; closeString?: string } {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "#") break;
    if (c === '"' || c === "'") {
      const triple = s.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let end = i + quote.length;
      for (; end < s.length; end++) {
        if (c === '"' && s[end] === "\\") end++;
        else if (s.startsWith(quote, end)) break;
      }
      if (end >= s.length) return triple ? { depth, closeString: quote } : { depth };
      i = end + quote.length - 1;
    } else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth = Math.max(0, depth - 1);
  }
  return { depth };
}
