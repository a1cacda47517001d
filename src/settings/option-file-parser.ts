// One MySQL option file and its !include/!includedir files, read by mysys' rules (the parser of
// every mysql/mariadb client, checked against my_print_defaults in the tests): the options of
// every group, in file order, includes inlined where they stand. What the client refuses is a
// usage error here; what it skips with a warning (a world-writable file) is skipped with one.
import { accessSync, constants, existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../errors.ts";
import { logger } from "../log.ts";

/** One `key = value` line of a group. */
export interface OptionLine {
  file: string;
  line: number;
  /** The group's name, lower case (mysys matches group names without regard to case). */
  group: string;
  /** The line of the group's header. */
  groupLine: number;
  /** The option's name as mysql's option parser sees it: lower case, `_` as `-`, no `loose-`. */
  key: string;
  /** undefined for a bare `key` without `=`. */
  value?: string;
}

/** mysys follows includes this deep, then skips further ones with a warning. */
const MAX_INCLUDE_DEPTH = 10;

const log = logger("option-files");

/**
 * The options of `path` and its includes. A missing file gives none; an unreadable one throws its
 * errno error at the top (depth 0) and is skipped below. An error the client treats
 * as fatal (an option before any group, a broken group header or directive, a missing
 * !includedir directory) is a UsageError naming the file and line; inside an included file the
 * client instead stops reading that file and goes on, and so does this, with a warning.
 */
export function readOptionFile(path: string, depth = 0): OptionLine[] {
  if (!existsSync(path)) return [];
  if (isWorldWritable(path)) {
    // The mysql client's own words, so a search for its warning finds this one too.
    log.warn(`World-writable config file '${path}' is ignored; chmod o-w ${path} if it is yours`);
    return [];
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (depth === 0) throw err; // the caller knows whether this file was asked for
    log.warn(`cannot read included option file ${path} (${(err as NodeJS.ErrnoException).code}); nothing read from it`);
    return [];
  }
  const { lines, error } = parseOptionText(text, path, depth);
  if (error) {
    if (depth === 0) throw new UsageError(`${error}; the mysql client refuses this file too: fix it`);
    log.warn(`${error}; the rest of that included file is ignored, as the mysql client does`);
  }
  return lines;
}

/**
 * World-writable regular files are skipped, unless the file system itself refuses writes (a
 * read-only container mount shows 0777): MariaDB's check, access(W_OK) included.
 */
function isWorldWritable(path: string): boolean {
  const st = statSync(path);
  if (!st.isFile() || (st.mode & 0o002) === 0) return false;
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== "EROFS" && code !== "EPERM";
  }
}

/** The option lines of one file's text, up to its first fatal error (returned, not thrown). */
export function parseOptionText(text: string, path: string, depth = 0): { lines: OptionLine[]; error?: string } {
  const lines: OptionLine[] = [];
  let group: string | undefined;
  let groupLine = 0;
  const rows = text.split("\n");
  for (let i = 0; i < rows.length; i++) {
    const lineNo = i + 1;
    const where = `option file ${path} line ${lineNo}`;
    const line = rows[i]!.replace(/^\s+/, "");
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("!")) {
      const included = includeDirective(line, path, depth, where);
      if (typeof included === "string") return { lines, error: included };
      lines.push(...included);
      continue;
    }
    if (line.startsWith("[")) {
      const end = line.indexOf("]");
      if (end < 0) return { lines, error: `${where}: a group header without its closing ]` };
      // Only trailing blanks are cut: mysys keeps leading ones, so `[ client]` is not [client].
      group = line.slice(1, end).replace(/\s+$/, "").toLowerCase();
      groupLine = lineNo;
      continue;
    }
    if (group === undefined) return { lines, error: `${where}: an option before any [group]; put it under [client]` };
    const option = stripComment(line);
    const eq = option.indexOf("=");
    const rawKey = (eq < 0 ? option : option.slice(0, eq)).trim();
    const key = rawKey.toLowerCase().replace(/_/g, "-").replace(/^loose-/, "");
    lines.push({ file: path, line: lineNo, group, groupLine, key, value: eq < 0 ? undefined : optionValue(option.slice(eq + 1)) });
  }
  return { lines };
}

/** The lines an !include or !includedir brings in, or the error (as text) that stops the file. */
function includeDirective(line: string, fromPath: string, depth: number, where: string): OptionLine[] | string {
  const m = /^!\s*(includedir|include)(\s+(.*))?$/.exec(line.replace(/\s+$/, ""));
  if (!m) return []; // mysys ignores directives it does not know
  if (depth >= MAX_INCLUDE_DEPTH) {
    log.warn(`${where}: skipping ${line.trim()}, includes nested more than ${MAX_INCLUDE_DEPTH} deep (as the mysql client does)`);
    return [];
  }
  const arg = m[3]?.trim();
  if (!arg) return `${where}: !${m[1]} without a path`;
  // Relative paths are taken next to the including file; the mysql client takes them from its
  // working directory, which for a service is / (the README says to write absolute paths).
  const target = resolve(dirname(fromPath), arg);
  if (m[1] === "include") {
    if (!existsSync(target)) log.warn(`${where}: !include ${arg}: no such file; nothing read from it (the mysql client skips it silently)`);
    return readOptionFile(target, depth + 1);
  }
  if (!existsSync(target) || !statSync(target).isDirectory()) return `${where}: !includedir ${arg}: no such directory`;
  const files = readdirSync(target).filter((f) => f.endsWith(".cnf")).sort();
  return files.flatMap((f) => readOptionFile(join(target, f), depth + 1));
}

/**
 * Cut an end-of-line comment the way mysys' remove_end_comment() does: a "#" outside quotes
 * starts it, even without a space before it (so `password = a#b` means "a", as in mysql).
 */
function stripComment(line: string): string {
  let quote = "";
  let escaped = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if ((c === '"' || c === "'") && !escaped) {
      if (!quote) quote = c;
      else if (quote === c) quote = "";
    }
    if (!quote && c === "#") return line.slice(0, i);
    escaped = quote !== "" && c === "\\" && !escaped;
  }
  return line;
}

/** The escapes mysys understands; any other backslash pair is kept as written. */
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", s: " ", '"': '"', "'": "'", "\\": "\\" };

/** Trim, strip one level of matching quotes, then resolve escapes (quoted or not, as mysys does). */
function optionValue(raw: string): string {
  let value = raw.trim();
  const q = value[0];
  if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) value = value.slice(1, -1);
  return value.replace(/\\([\s\S])/g, (pair, c: string) => ESCAPES[c] ?? pair);
}
