// The one consola instance. Logs go to stderr (stdout is for data); the level is set
// explicitly because consola lowers it by itself under test runners and CI.
import { createConsola, type ConsolaInstance } from "consola";

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

/** Set the level from a --verbose value (already validated). */
export function setLogLevel(level: LogLevelName): void {
  currentLevel = level;
  log.level = CONSOLA_LEVEL[level];
}

export function isDebug(): boolean {
  return currentLevel === "DEBUG";
}

/** A tagged child logger for one module (`log.withTag` keeps the level in sync). */
export function logger(tag: string): ConsolaInstance {
  return log.withTag(tag);
}

/** Remove any password from a DSN-looking string: `mysql://u:secret@h` → `mysql://u:***@h`. */
export function maskSecrets(text: string): string {
  // Greedy to the last '@' of the token: a password may itself contain '@'.
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):\S*@/gi, "$1:***@");
}
