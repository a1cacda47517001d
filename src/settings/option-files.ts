// MySQL option files as the MariaDB client reads them: the files in its order (or only
// --defaults-file), the groups [client], [client-server], [client-mariadb], then this tool's
// [serverdb-etl] and the role's own [serverdb-etl-source|target|replica], each also with
// --defaults-group-suffix appended. The last line wins, whatever its group (as in mysys); a
// role's own line overridden by a later shared one is warned about, since that is rarely meant.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { readOptionFile, type OptionLine } from "./option-file-parser.ts";
import { logger } from "../log.ts";
import { nearestName } from "./nearest-name.ts";

export type OptionRole = "source" | "target" | "replica";

/** What an option file can contribute to a connection. */
export interface ClientOptions {
  user?: string;
  password?: string;
  /** The file the password came from (for the permission warning). */
  passwordFile?: string;
  sslCa?: string;
}

const KEYS: Record<string, "user" | "password" | "sslCa"> = {
  user: "user",
  password: "password",
  "ssl-ca": "sslCa",
};

/** The groups the MariaDB client reads (mariadb --help: "The following groups are read"), minus its own [mysql]. */
export const CLIENT_GROUPS = ["client", "client-server", "client-mariadb"] as const;
export const TOOL_GROUP = "serverdb-etl";

export interface OptionFileChoice {
  /** --defaults-file: read only this file (it must exist). */
  defaultsFile?: string;
  /** Where defaultsFile was given, for messages (default "--defaults-file"). */
  defaultsFileFrom?: string;
  /** --defaults-group-suffix: also read every group with this appended. */
  groupSuffix?: string;
  /** Home directory, for ~/.my.cnf (tests set it). */
  home?: string;
  /** For $MARIADB_HOME / $MYSQL_HOME. */
  env?: Record<string, string | undefined>;
}

/**
 * The files the client reads, in its order (my_print_defaults --help lists them):
 * /etc/my.cnf, /etc/mysql/my.cnf, $MARIADB_HOME/my.cnf (else $MYSQL_HOME's), ~/.my.cnf.
 */
export function defaultOptionFiles(choice: OptionFileChoice = {}): string[] {
  const env = choice.env ?? process.env;
  const homeDir = env.MARIADB_HOME || env.MYSQL_HOME;
  return ["/etc/my.cnf", "/etc/mysql/my.cnf", ...(homeDir ? [join(homeDir, "my.cnf")] : []), join(choice.home ?? homedir(), ".my.cnf")];
}

/** Every option line of the chosen files, in the order the client reads them; this tool's own groups checked. */
export function readOptionLines(choice: OptionFileChoice = {}): OptionLine[] {
  const lines = readChosenFiles(choice);
  checkOwnGroups(lines);
  return lines;
}

const ROLES: readonly OptionRole[] = ["source", "target", "replica"];

/**
 * [serverdb-etl…] groups are this tool's alone, so a key it does not read there is a typo or a
 * hope (a `host` that the DSN overrides): refused, naming the line. A group that looks like a
 * misspelt role group is said at WARN (it could be a suffix, so it is not refused).
 */
function checkOwnGroups(lines: readonly OptionLine[]): void {
  const seen = new Set<string>();
  for (const l of lines) {
    if (!l.group.startsWith(TOOL_GROUP)) continue;
    if (!KEYS[l.key]) {
      const near = nearestName(l.key, Object.keys(KEYS));
      throw new UsageError(
        `option file ${l.file} line ${l.line}: [${l.group}] ${l.key} is not read by serverdb-etl (only ${Object.keys(KEYS).join(", ")} are)` +
          (near ? `; did you mean ${near}?` : "; host, port and database go in the DSN"),
      );
    }
    const word = /^-([a-z]+)/.exec(l.group.slice(TOOL_GROUP.length))?.[1];
    if (word && !ROLES.includes(word as OptionRole) && !seen.has(l.group)) {
      seen.add(l.group);
      const near = nearestName(word, ROLES);
      if (near) logger("option-files").warn(`option file ${l.file} line ${l.groupLine}: group [${l.group}] is read by no role; did you mean [${TOOL_GROUP}-${near}]?`);
    }
  }
}

function readChosenFiles(choice: OptionFileChoice): OptionLine[] {
  if (choice.defaultsFile) {
    const from = choice.defaultsFileFrom ?? "--defaults-file";
    if (!existsSync(choice.defaultsFile)) {
      throw new UsageError(`${from} ${choice.defaultsFile} does not exist; give the path of a readable MySQL option file`);
    }
    try {
      return readOptionFile(choice.defaultsFile);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code) throw new UsageError(`cannot read ${from} ${choice.defaultsFile} (${code}); check its permissions`);
      throw err;
    }
  }
  return defaultOptionFiles(choice).flatMap((file) => {
    try {
      return readOptionFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code) return []; // an unreadable system-wide file is not our problem
      throw err;
    }
  });
}

/** The groups a role reads, in mysys' order: each group, then each with the suffix. */
export function groupsFor(role: OptionRole | undefined, suffix?: string): string[] {
  const base: string[] = [...CLIENT_GROUPS, TOOL_GROUP, ...(role ? [`${TOOL_GROUP}-${role}`] : [])];
  return suffix ? [...base, ...base.map((g) => g + suffix.toLowerCase())] : base;
}

/** How specific a group is: shared < this tool's < the role's own; a suffixed one a bit more. */
function rank(group: string, suffix: string | undefined): number {
  const suffixed = suffix !== undefined && group.endsWith(suffix.toLowerCase()) && !(CLIENT_GROUPS as readonly string[]).includes(group);
  const base = suffixed ? group.slice(0, -suffix!.length) : group;
  const level = base === TOOL_GROUP ? 2 : base.startsWith(`${TOOL_GROUP}-`) ? 4 : 0;
  return level + (suffixed ? 1 : 0);
}

/** The options of `groups` among `lines`, the last line winning; `warnings` gets the overrides worth a word. */
export function clientOptionsOf(lines: readonly OptionLine[], groups: readonly string[], suffix?: string, warnings: Set<string> = new Set()): ClientOptions {
  const out: ClientOptions = {};
  const setBy = new Map<string, OptionLine>();
  for (const l of lines) {
    const field = KEYS[l.key];
    if (!field || !groups.includes(l.group)) continue;
    const before = setBy.get(field);
    if (before && rank(before.group, suffix) > rank(l.group, suffix)) {
      warnings.add(
        `option file ${l.file} line ${l.line}: [${l.group}] ${l.key} overrides [${before.group}] ${l.key} of ${before.file} line ${before.line} ` +
          `(the last line wins, as in the mysql client); move [${before.group}] below [${l.group}]`,
      );
    }
    setBy.set(field, l);
    out[field] = l.value ?? "";
    if (field === "password") out.passwordFile = l.file;
  }
  return out;
}

/** The client options of one role from the chosen option files (empty when none exist); logs the override warnings. */
export function readClientOptions(choice: OptionFileChoice & { role?: OptionRole } = {}): ClientOptions {
  const warnings = new Set<string>();
  const out = clientOptionsOf(readOptionLines(choice), groupsFor(choice.role, choice.groupSuffix), choice.groupSuffix, warnings);
  for (const w of warnings) logger("option-files").warn(w);
  return out;
}
