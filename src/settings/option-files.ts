// MySQL option files (~/.my.cnf and --defaults-file), read like the mysql client does:
// groups [client] then [client<suffix>], later values win; `!include` and `!includedir`
// are followed. Only the keys a connection needs are kept.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { UsageError } from "../errors.ts";

/** What an option file can contribute to a connection. */
export interface ClientOptions {
  user?: string;
  password?: string;
  host?: string;
  port?: number;
  socket?: string;
  sslCa?: string;
}

const KEYS: Record<string, keyof ClientOptions> = {
  user: "user",
  password: "password",
  host: "host",
  port: "port",
  socket: "socket",
  "ssl-ca": "sslCa",
  ssl_ca: "sslCa",
};

/** Parse one option file's text into groups → key → value. */
export function parseOptionFile(text: string, path = "option file", depth = 0): Map<string, Map<string, string>> {
  const groups = new Map<string, Map<string, string>>();
  let group: Map<string, string> | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("!")) {
      if (depth < 5) mergeGroups(groups, readIncludes(line, path, depth));
      continue;
    }
    // Like mysys: whatever follows the closing bracket (e.g. a comment) is ignored.
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      const name = header[1].trim().toLowerCase();
      group = groups.get(name) ?? new Map();
      groups.set(name, group);
      continue;
    }
    if (!group) continue;
    const option = stripComment(line);
    const eq = option.indexOf("=");
    const key = (eq < 0 ? option : option.slice(0, eq)).trim().toLowerCase().replace(/_/g, "-");
    const value = eq < 0 ? "" : optionValue(option.slice(eq + 1));
    group.set(key, value);
  }
  return groups;
}

function readIncludes(directive: string, fromPath: string, depth: number): Map<string, Map<string, string>> {
  const m = /^!(include|includedir)\s+(.+)$/.exec(directive);
  const out = new Map<string, Map<string, string>>();
  if (!m) return out;
  const target = resolve(dirname(fromPath), m[2].trim());
  const files =
    m[1] === "include"
      ? [target]
      : existsSync(target)
        ? readdirSync(target).filter((f) => f.endsWith(".cnf")).sort().map((f) => join(target, f))
        : [];
  for (const file of files) {
    if (existsSync(file) && statSync(file).isFile()) {
      mergeGroups(out, parseOptionFile(readFileSync(file, "utf8"), file, depth + 1));
    }
  }
  return out;
}

function mergeGroups(into: Map<string, Map<string, string>>, from: Map<string, Map<string, string>>): void {
  for (const [name, values] of from) {
    const group = into.get(name) ?? new Map();
    for (const [k, v] of values) group.set(k, v);
    into.set(name, group);
  }
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

export interface OptionFileChoice {
  /** --defaults-file: read only this file (it must exist). */
  defaultsFile?: string;
  /** --defaults-group-suffix: also read [client<suffix>]. */
  groupSuffix?: string;
  /** Home directory, for ~/.my.cnf (tests set it). */
  home?: string;
}

/** The client options from the chosen option files; empty when none exist. */
export function readClientOptions(choice: OptionFileChoice = {}): ClientOptions {
  let files: string[];
  if (choice.defaultsFile) {
    if (!existsSync(choice.defaultsFile)) {
      throw new UsageError(`--defaults-file ${choice.defaultsFile} does not exist; give the path of a readable MySQL option file`);
    }
    files = [choice.defaultsFile];
  } else {
    files = ["/etc/mysql/my.cnf", join(choice.home ?? homedir(), ".my.cnf")].filter((f) => existsSync(f));
  }
  const groupNames = ["client", ...(choice.groupSuffix ? [`client${choice.groupSuffix.toLowerCase()}`] : [])];
  const out: ClientOptions = {};
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      if (choice.defaultsFile) {
        throw new UsageError(`cannot read --defaults-file ${file} (${(err as NodeJS.ErrnoException).code}); check its permissions`);
      }
      continue; // an unreadable system-wide file is not our problem
    }
    const groups = parseOptionFile(text, file);
    for (const name of groupNames) {
      for (const [key, value] of groups.get(name) ?? []) {
        const field = KEYS[key];
        if (!field) continue;
        if (field === "port") out.port = Number(value);
        else out[field] = value;
      }
    }
  }
  return out;
}
