// MySQL option files as the MariaDB client reads them: the files in its order (or only
// --defaults-file), the groups [client], [client-server], [client-mariadb], each also with
// --defaults-group-suffix appended. The last line wins, whatever its group (as in mysys).
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { readOptionFile, type OptionLine } from "./option-file-parser.ts";

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

export interface OptionFileChoice {
  /** --defaults-file: read only this file (it must exist). */
  defaultsFile?: string;
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

/** Every option line of the chosen files, in the order the client reads them. */
export function readOptionLines(choice: OptionFileChoice = {}): OptionLine[] {
  if (choice.defaultsFile) {
    if (!existsSync(choice.defaultsFile)) {
      throw new UsageError(`--defaults-file ${choice.defaultsFile} does not exist; give the path of a readable MySQL option file`);
    }
    try {
      return readOptionFile(choice.defaultsFile);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code) throw new UsageError(`cannot read --defaults-file ${choice.defaultsFile} (${code}); check its permissions`);
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

/** The groups read, in mysys' order: each group, then each with the suffix. */
export function groupsFor(suffix?: string): string[] {
  const base: string[] = [...CLIENT_GROUPS];
  return suffix ? [...base, ...base.map((g) => g + suffix.toLowerCase())] : base;
}

/** The options of `groups` among `lines`, the last line winning. */
export function clientOptionsOf(lines: readonly OptionLine[], groups: readonly string[]): ClientOptions {
  const out: ClientOptions = {};
  for (const l of lines) {
    const field = KEYS[l.key];
    if (!field || !groups.includes(l.group)) continue;
    out[field] = l.value ?? "";
    if (field === "password") out.passwordFile = l.file;
  }
  return out;
}

/** The client options from the chosen option files; empty when none exist. */
export function readClientOptions(choice: OptionFileChoice = {}): ClientOptions {
  return clientOptionsOf(readOptionLines(choice), groupsFor(choice.groupSuffix));
}
