// Argument sets shared by the commands. `as const satisfies` keeps their types literal,
// so `args.source` is typed in every command that spreads them.
import type { ArgsDef } from "citty";
import type { ConnectionFlags } from "../settings/connections.ts";
import { LOG_LEVELS } from "../log.ts";

/** Accepted by the root and by every command, so they work before or after the command name. */
export const globalArgs = {
  verbose: {
    type: "string",
    alias: "v",
    description: `Log level: ${LOG_LEVELS.join(", ")} (default WARNING). DEBUG adds SQL and stack traces`,
    valueHint: "LEVEL",
  },
  config: {
    type: "string",
    description: "TOML config file (default /etc/serverdb-etl/config.toml when present; env SERVERDB_ETL_CONFIG)",
    valueHint: "FILE",
  },
  "log-format": {
    type: "string",
    description: "text (default) or json: one JSON object per line (time, level, message, fields such as phase, rows, rows_per_s, replica) on stderr, and the summary line on stdout as JSON, for journald/Loki",
    valueHint: "FORMAT",
  },
  progress: {
    type: "string",
    description:
      "auto (default: a live view when stderr or stdout is a terminal and the log format is text, else log lines), tty, " +
      "log (a line at each phase start and end and every --progress-interval; INFO lines, shown with --verbose INFO or this flag), or none",
    valueHint: "MODE",
  },
  "progress-interval": {
    type: "string",
    description: "Seconds between the progress log lines of a phase still running (default 30)",
    valueHint: "S",
  },
  "metrics-file": {
    type: "string",
    description:
      "At the end, put the run's metrics into this Prometheus textfile for node_exporter (atomically): last run and " +
      "last success times, exit code, duration per phase, rows, warnings, replica wait. Each command replaces only " +
      "its own series (label command), so commands can share one file",
    valueHint: "FILE",
  },
} as const satisfies ArgsDef;

/** MySQL option files and TLS: how credentials and encryption are found. */
export const credentialArgs = {
  "defaults-file": {
    type: "string",
    description: "Read credentials only from this MySQL option file, like the mysql client, for every role (config: [client] or per role defaults_file)",
    valueHint: "FILE",
  },
  "defaults-group-suffix": {
    type: "string",
    description: "Also read every option-file group with SUFFIX appended ([client<SUFFIX>], [serverdb-etl-target<SUFFIX>] …), for every role",
    valueHint: "SUFFIX",
  },
  "ssl-mode": {
    type: "string",
    description: "TLS: DISABLED, PREFERRED (default), REQUIRED or VERIFY_IDENTITY",
    valueHint: "MODE",
  },
  "ssl-ca": {
    type: "string",
    description: "CA certificate (PEM) to verify the servers with",
    valueHint: "FILE",
  },
} as const satisfies ArgsDef;

export const sourceArgs = {
  source: {
    type: "string",
    description: "ServerDB to read: mysql://user@host:port/serverdb2 (env SERVERDB_ETL_SOURCE; password never here)",
    valueHint: "DSN",
  },
} as const satisfies ArgsDef;

export const targetArgs = {
  target: {
    type: "string",
    description: "Warehouse to write: mysql://user@host:port/serverdb_dw or sqlite:PATH (env SERVERDB_ETL_TARGET; default sqlite:./serverdb_dw.sqlite)",
    valueHint: "DSN",
  },
  replica: {
    type: "string",
    description: "Warehouse replica to wait for after each batch; repeat for several (env SERVERDB_ETL_REPLICAS, comma-separated)",
    valueHint: "DSN",
  },
} as const satisfies ArgsDef;

/** Every value of a repeatable option, in order (citty keeps only the last). */
export function repeated(rawArgs: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i];
    if (arg === "--") break;
    if (arg === `--${name}` && i + 1 < rawArgs.length) out.push(rawArgs[++i]);
    else if (arg.startsWith(`--${name}=`)) out.push(arg.slice(name.length + 3));
  }
  return out;
}

/** The connection flags of a command's parsed args (plus the raw args, for repeats). */
export function connectionFlags(args: Record<string, unknown>, rawArgs: readonly string[]): ConnectionFlags {
  const str = (k: string) => (typeof args[k] === "string" && args[k] !== "" ? (args[k] as string) : undefined);
  return {
    config: str("config"),
    source: str("source"),
    target: str("target"),
    replicas: repeated(rawArgs, "replica"),
    defaultsFile: str("defaults-file"),
    defaultsGroupSuffix: str("defaults-group-suffix"),
    sslMode: str("ssl-mode"),
    sslCa: str("ssl-ca"),
  };
}

/** The zone that defines "today" (every command that reads or writes by date). */
export const timezoneArgs = {
  timezone: {
    type: "string",
    description: "IANA time zone that defines \"today\" (default: the host's; config [etl] timezone)",
    valueHint: "TZ",
  },
} as const satisfies ArgsDef;

/** The report date and its time zone (etl, run). */
export const dateArgs = {
  "report-date": {
    type: "string",
    description:
      "Day the snapshot describes, YYYY-MM-DD (default: today in --timezone; a warning when not today; a day after today is refused " +
      "without --allow-future-date)",
    valueHint: "DATE",
  },
  ...timezoneArgs,
  "allow-future-date": {
    type: "boolean",
    description: "Accept a --report-date after today (refused by default: a year typo would store tonight's fleet under a day to come)",
  },
  "replace-past-day": {
    type: "boolean",
    description:
      "Store tonight's fleet under a past --report-date even though that day holds a snapshot finished over a day ago " +
      "(refused by default: it would replace that day's history)",
  },
} as const satisfies ArgsDef;

/** Batching and replica waits (every command that writes to the warehouse). */
export const writeArgs = {
  "batch-size": {
    type: "string",
    description: "Servers per batch: one transaction (LOAD DATA or REPLACE) and one replica wait (default 1000; config [etl] batch_size)",
    valueHint: "N",
  },
  "replica-timeout": {
    type: "string",
    description: "Seconds to keep waiting for a replica before failing and naming it (default 300)",
    valueHint: "S",
  },
  "max-lag": {
    type: "string",
    description: "Replicas without GTIDs: wait until their lag is at most this many seconds (default 1)",
    valueHint: "S",
  },
} as const satisfies ArgsDef;

/** The retention policy of docs/data-contract.md "Retention" (expire, run). */
export const retentionArgs = {
  "keep-daily": {
    type: "string",
    description:
      "Keep every day of the last N days, counted back from the newest report date present that is not after today " +
      "(default 90; config [expire] keep_daily)",
    valueHint: "N",
  },
  "keep-weekday": {
    type: "string",
    description:
      "Older weeks keep this day's snapshot, or the week's earliest day present when it is missing: monday … sunday or mon … sun (default monday; config [expire] keep_weekday)",
    valueHint: "DAY",
  },
} as const satisfies ArgsDef;

/** expire's large-delete guard (expire, run). */
export const deleteGuardArgs = {
  "max-delete-share": {
    type: "string",
    description:
      "Refuse to delete more than this percentage of the days present in one run, one day always allowed " +
      "(default 10; config [expire] max_delete_share)",
    valueHint: "PERCENT",
  },
  "allow-large-delete": {
    type: "boolean",
    description: "Delete whatever retention lets go, even above --max-delete-share (after a policy change, or a first expire over years of days)",
  },
} as const satisfies ArgsDef;
