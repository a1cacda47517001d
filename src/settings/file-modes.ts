// Permission checks on files that hold secrets or decide where data goes, in ssh's spirit: a
// password file others can read gets a warning naming the chmod that fixes it.
import { statSync } from "node:fs";
import { logger } from "../log.ts";

const log = logger("config");

/** The permission bits of `path`, or undefined when it cannot be stat'ed. */
export function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** "0644". */
export function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, "0")}`;
}

/** WARN when `path`, which holds a password, can be read by its group or by everyone. */
export function warnIfPasswordReadable(path: string, what: string): void {
  const mode = modeOf(path);
  if (mode === undefined || (mode & 0o044) === 0) return;
  const who = mode & 0o004 ? "every user" : "its group";
  log.warn(`${what} ${path} holds a password and is readable by ${who} (mode ${octal(mode)}); chmod 600 ${path}`);
}
