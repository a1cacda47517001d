// The one consola instance. Logs go to stderr (stdout is for data); the level is set
// explicitly because consola lowers it by itself under test runners and CI.
// consola/basic: plain "[warn] [tag] message" lines, no badges or blank lines (journald-friendly).
import { createConsola, type ConsolaInstance } from "consola/basic";

/** The levels of the original Python tool, as accepted by --verbose. */
export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const CONSOLA_LEVEL: Record<LogLevelName, number> = {
  DEBUG: 4,
  INFO: 3,
  WARNING: 1,
  ERROR: 0,
  CRITICAL: 0,
};

export const log: ConsolaInstance = createConsola({
  level: CONSOLA_LEVEL.WARNING,
  stdout: process.stderr,
  stderr: process.stderr,
  formatOptions: { date: false, colors: false, compact: true },
});

let currentLevel: LogLevelName = "WARNING";

/** Tagged children by tag: consola copies the level into a child when it is made, so
 *  setLogLevel must update each of them too (modules create theirs at load time). */
const children = new Map<string, ConsolaInstance>();

/** Set the level from a --verbose value (already validated). */
export function setLogLevel(level: LogLevelName): void {
  currentLevel = level;
  log.level = CONSOLA_LEVEL[level];
  for (const child of children.values()) child.level = CONSOLA_LEVEL[level];
}

export function isDebug(): boolean {
  return currentLevel === "DEBUG";
}

/** The tagged child logger of one module; follows later setLogLevel calls. */
export function logger(tag: string): ConsolaInstance {
  let child = children.get(tag);
  if (!child) {
    child = log.withTag(tag);
    children.set(tag, child);
  }
  return child;
}

/** Remove any password from a DSN-looking string: `mysql://u:secret@h` → `mysql://u:***@h`. */
export function maskSecrets(text: string): string {
  // Greedy to the last '@' of the token: a password may itself contain '@'.
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):\S*@/gi, "$1:***@");
}
