// Finding, reading and checking the TOML config file: --config, else $SERVERDB_ETL_CONFIG, else
// the system-wide file when present. A file that is not valid TOML, or holds a section or key
// the schema does not list, is a usage error naming the file and line; nothing is ignored. A file
// anyone may write is refused (it decides where data and passwords go); one holding a password
// that others may read gets a warning.
import { existsSync, readFileSync } from "node:fs";
import { UsageError } from "../errors.ts";
import { configProblems, configSection, configTopLevel, type ConfigFile } from "./config-schema.ts";
import { modeOf, octal, warnIfPasswordReadable } from "./file-modes.ts";
import { tomlKeyLine } from "./toml-lines.ts";

export const DEFAULT_CONFIG_PATH = "/etc/serverdb-etl/config.toml";

/** Read --config, else the system-wide file when present; a missing --config file is a usage error. */
export function loadConfigFile(path: string | undefined, defaultPath = DEFAULT_CONFIG_PATH): { path?: string; config: ConfigFile } {
  const chosen = path ?? (existsSync(defaultPath) ? defaultPath : undefined);
  if (!chosen) return { config: {} };
  let text: string;
  try {
    text = readFileSync(chosen, "utf8");
  } catch (err) {
    throw new UsageError(
      `cannot read config file ${chosen} (${(err as NodeJS.ErrnoException).code}); check the path given to --config or SERVERDB_ETL_CONFIG`,
    );
  }
  const mode = modeOf(chosen);
  if (mode !== undefined && mode & 0o002) {
    throw new UsageError(
      `config file ${chosen} is writable by every user (mode ${octal(mode)}), who could send the night and its passwords to another server; chmod o-w ${chosen}`,
    );
  }
  const config = parseToml(text, chosen);
  checkKeys(config, text, chosen);
  if (holdsPassword(config)) warnIfPasswordReadable(chosen, "config file");
  return { path: chosen, config };
}

function parseToml(text: string, path: string): ConfigFile {
  try {
    return Bun.TOML.parse(text) as ConfigFile;
  } catch (err) {
    // The parser quotes the offending token, which may be a password: show the line number instead.
    const reason = (err as Error).message.replace(/^TOML Parse error:\s*/i, "").replace(/"[^"]*"|'[^']*'/g, "…");
    const line = tomlErrorLine(text, (err as Error).message);
    throw new UsageError(`config file ${path} is not valid TOML${line ? ` near line ${line}` : ""} (${reason}); fix the file`);
  }
}

/** The first line whose prefix of the file fails with the same message (0 when none does). */
function tomlErrorLine(text: string, message: string): number {
  const lines = text.split("\n");
  for (let n = 1; n <= lines.length; n++) {
    try {
      Bun.TOML.parse(lines.slice(0, n).join("\n"));
    } catch (err) {
      if ((err as Error).message === message) return n;
    }
  }
  return 0;
}

/** A `password` key, or a DSN with a password in it, anywhere an endpoint is configured. */
function holdsPassword(config: ConfigFile): boolean {
  const dsnHasPassword = (v: unknown) => typeof v === "string" && /^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/]*@/i.test(v);
  const source = configSection(config, "source");
  const target = configSection(config, "target");
  const replica = configSection(config, "replica");
  const replicaDsns = [replica.dsns, configTopLevel(config, "replicas")].flatMap((l) => (Array.isArray(l) ? l : []));
  return (
    [source.password, target.password, replica.password].some((p) => p !== undefined) ||
    [source.dsn, target.dsn, ...replicaDsns].some(dsnHasPassword)
  );
}

/** Refuse the first problem in file order (one line), saying how many more there are. */
function checkKeys(config: ConfigFile, text: string, path: string): void {
  const problems = configProblems(config).map((p) => ({ ...p, line: tomlKeyLine(text, p.path) }));
  if (!problems.length) return;
  problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1).map((p) => p.path.join(".")).join(", ")})` : "";
  throw new UsageError(`config file ${path}${first.line ? `, line ${first.line}` : ""}: ${first.message}${more}`);
}
