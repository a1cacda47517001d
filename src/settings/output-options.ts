// The output options every command accepts (--log-format, --progress, --progress-interval,
// --metrics-file), read from the raw arguments once for the whole invocation (they are global:
// before or after the command name; the last one given wins) and validated before anything runs.
import { UsageError } from "../errors.ts";
import { LOG_FORMATS, type LogFormat } from "../log.ts";
import { DEFAULT_PROGRESS_INTERVAL_S, PROGRESS_MODES, type ProgressMode } from "../progress/session.ts";

export interface OutputOptions {
  logFormat: LogFormat;
  progress: ProgressMode;
  intervalS: number;
  metricsFile?: string;
}

/** The value of the last `--name V` / `--name=V` in `rawArgs` (before any `--`). */
function lastValue(rawArgs: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i]!;
    if (a === "--") break;
    if (a === `--${name}`) value = rawArgs[++i] ?? "";
    else if (a.startsWith(`--${name}=`)) value = a.slice(name.length + 3);
  }
  return value;
}

function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} ${JSON.stringify(value)}: use one of ${allowed.join(", ")}`);
  return v as T;
}

/**
 * The log format asked for anywhere in `argv`, for the errors that come before the steps are
 * known (an unknown command, a bad --verbose): a JSON pipeline gets its error line as JSON too.
 */
export function logFormatHint(argv: readonly string[]): LogFormat {
  const v = lastValue(argv, "log-format")?.toLowerCase();
  return (LOG_FORMATS as readonly string[]).includes(v ?? "") ? (v as LogFormat) : "text";
}

/** The output options of an invocation whose steps have these raw arguments. */
export function outputOptionsFrom(stepsRawArgs: ReadonlyArray<readonly string[]>): OutputOptions {
  const last = (name: string) => stepsRawArgs.map((a) => lastValue(a, name)).reduce<string | undefined>((acc, v) => v ?? acc, undefined);
  const logFormat = oneOf(last("log-format"), "log-format", LOG_FORMATS, "text");
  const progress = oneOf(last("progress"), "progress", PROGRESS_MODES, "auto");
  const intervalText = last("progress-interval");
  const intervalS = intervalText === undefined ? DEFAULT_PROGRESS_INTERVAL_S : Number(intervalText);
  if (!Number.isFinite(intervalS) || intervalS <= 0) {
    throw new UsageError(`--progress-interval must be a positive number of seconds, got ${JSON.stringify(intervalText)}`);
  }
  const metricsFile = last("metrics-file");
  if (metricsFile === "") throw new UsageError("--metrics-file needs a file name, e.g. /var/lib/prometheus/node-exporter/serverdb_etl.prom");
  return { logFormat, progress, intervalS, ...(metricsFile ? { metricsFile } : {}) };
}
