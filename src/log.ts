// The one consola instance. Logs go to stderr (stdout is for data); the level is set
// explicitly because consola lowers it by itself under test runners and CI.
// Text: plain "[warn] [tag] message" lines (consola/basic's format, journald-friendly).
// JSON (--log-format json): one object per line — time, level, logger, message, and the fields a
// caller passes as `log.info({ message, ...fields })` — for journald/Loki pipelines.
// Every line goes through one sink, so the live tty view can print log lines above itself.
import { formatWithOptions } from "node:util";
import { createConsola, type ConsolaInstance, type ConsolaReporter, type LogObject } from "consola/basic";

/** The levels of the original Python tool, as accepted by --verbose. */
export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const CONSOLA_LEVEL: Record<LogLevelName, number> = {
  DEBUG: 4,
  INFO: 3,
  WARNING: 1,
  ERROR: 0,
  CRITICAL: 0,
};

let format: LogFormat = "text";
let sink: ((line: string) => void) | undefined;

/** Text or JSON lines, for logs and for the summary and error lines. */
export function setLogFormat(f: LogFormat): void {
  format = f;
}

export function logFormat(): LogFormat {
  return format;
}

/** Route every log line through `fn` (the live tty view), or back to stderr with undefined. */
export function setLogSink(fn: ((line: string) => void) | undefined): void {
  sink = fn;
}

function writeLine(line: string): void {
  if (sink) sink(line);
  else process.stderr.write(line + "\n");
}

/** The level names of JSON lines, by consola type. */
function levelName(type: string): string {
  if (type === "warn") return "warning";
  if (type === "error" || type === "fatal") return "error";
  if (type === "debug" || type === "trace" || type === "verbose") return "debug";
  return "info";
}

const RESERVED = new Set(["date", "args", "type", "level", "tag", "message", "additional"]);
const FORMAT_OPTIONS = { colors: false, compact: true, breakLength: Infinity } as const;

/** One JSON line: time, level, message, then `fields` (never overriding the first three). */
export function jsonLine(level: string, message: string, fields: Record<string, unknown> = {}, time = new Date()): string {
  const record: Record<string, unknown> = { time: time.toISOString(), level, message };
  for (const [k, v] of Object.entries(fields)) if (!(k in record) && v !== undefined) record[k] = v;
  return JSON.stringify(record, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

function messageOf(args: readonly unknown[]): string {
  // An Error logs as its message; the stack only in its own field (JSON) or at DEBUG (text).
  const parts = args.map((a) => (a instanceof Error ? a.message : a));
  return formatWithOptions(FORMAT_OPTIONS, ...parts);
}

const reporter: ConsolaReporter = {
  log(logObj: LogObject) {
    const args = logObj.args ?? [];
    const tag = logObj.tag || undefined;
    if (format === "json") {
      const fields: Record<string, unknown> = { logger: tag };
      for (const [k, v] of Object.entries(logObj)) if (!RESERVED.has(k)) fields[k] = v;
      // A line about an error says which: its message, class and code as fields of their own.
      const err = args.find((a): a is Error => a instanceof Error);
      if (err) for (const [k, v] of Object.entries(errorFields(err))) fields[k] ??= v;
      if (err?.stack && currentLevel === "DEBUG") fields.stack = maskSecrets(err.stack);
      writeLine(jsonLine(levelName(logObj.type), maskSecrets(messageOf(args)), fields, logObj.date));
      return;
    }
    const text = formatWithOptions(FORMAT_OPTIONS, ...args.map((a) => (a instanceof Error && currentLevel !== "DEBUG" ? a.message : a)));
    writeLine([`[${logObj.type}]`, tag ? `[${tag}]` : "", text].filter(Boolean).join(" "));
  },
};

export const log: ConsolaInstance = createConsola({
  level: CONSOLA_LEVEL.WARNING,
  reporters: [reporter],
  stdout: process.stderr,
  stderr: process.stderr,
  // consola would fold identical lines into "(repeated n times)" after a delay; a log must say each.
  throttle: 0,
  formatOptions: { date: false, colors: false, compact: true },
});

let currentLevel: LogLevelName = "WARNING";

/** Tagged children by tag: consola copies the level into a child when it is made, so
 *  setLogLevel must update each of them too (modules create theirs at load time). */
const children = new Map<string, ConsolaInstance>();
/** Tags that log at least at this level whatever --verbose says (the progress lines of --progress log). */
const floors = new Map<string, number>();

function levelFor(tag: string): number {
  return Math.max(CONSOLA_LEVEL[currentLevel], floors.get(tag) ?? -Infinity);
}

/** Set the level from a --verbose value (already validated). */
export function setLogLevel(level: LogLevelName): void {
  currentLevel = level;
  log.level = CONSOLA_LEVEL[level];
  for (const [tag, child] of children) child.level = levelFor(tag);
}

/** Let `tag` log at `level` even when --verbose is quieter (undefined: follow --verbose again). */
export function setLogFloor(tag: string, level: LogLevelName | undefined): void {
  if (level === undefined) floors.delete(tag);
  else floors.set(tag, CONSOLA_LEVEL[level]);
  const child = children.get(tag);
  if (child) child.level = levelFor(tag);
}

export function isDebug(): boolean {
  return currentLevel === "DEBUG";
}

/** The tagged child logger of one module; follows later setLogLevel calls. */
export function logger(tag: string): ConsolaInstance {
  let child = children.get(tag);
  if (!child) {
    child = log.withTag(tag);
    child.level = levelFor(tag);
    children.set(tag, child);
  }
  return child;
}

/**
 * The fields that name an error on a JSON line: `error` (its message, on one line, passwords
 * masked), `error_class` (UsageError, LockHeldError…; see errors.ts) and the driver's `code`
 * (ER_ACCESS_DENIED_ERROR, ECONNREFUSED…) when it has one.
 */
export function errorFields(err: unknown): Record<string, unknown> {
  const message = maskSecrets(err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, " ");
  const code = (err as { code?: unknown } | undefined)?.code;
  return {
    error: message,
    error_class: err instanceof Error ? err.name : typeof err,
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
  };
}

/** Remove any password from a DSN-looking string: `mysql://u:secret@h` → `mysql://u:***@h`. */
export function maskSecrets(text: string): string {
  // Greedy to the last '@' of the token: a password may itself contain '@'.
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):\S*@/gi, "$1:***@");
}
