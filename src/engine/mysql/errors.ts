// mysql2 errors → our error classes with one actionable line. The class decides what
// happens next (retry, exit code); nothing downstream reads message text.
import { EtlError, TransientDbError } from "../../errors.ts";
import { maskSecrets } from "../../log.ts";

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
  sqlMessage?: string;
  fatal?: boolean;
}

/**
 * The code of every connection that is gone, whatever the driver said (a socket that ended,
 * mysql2's code-less "closed state" error, an error packet on an idle connection): the batch
 * writer reconnects on it.
 */
export const CONNECTION_LOST_CODE = "PROTOCOL_CONNECTION_LOST";

/** Error codes after which the same batch may simply be tried again. */
const TRANSIENT = new Set([
  "ER_LOCK_DEADLOCK",
  "ER_LOCK_WAIT_TIMEOUT",
  CONNECTION_LOST_CODE,
  "ECONNRESET",
  "EPIPE",
  "ER_SERVER_SHUTDOWN",
  "ER_CON_COUNT_ERROR",
  "ER_QUERY_INTERRUPTED",
]);

/** Why a connection goes away, for the message of a lost one. */
const LOST_HINT =
  "the server closed the connection or the network dropped it: a server restart or failover, a KILL, or a server timeout " +
  "(wait_timeout while the connection was idle, net_write_timeout while a result waited for a slow reader)";

/** The fix to suggest for a code, worded for a DBA. */
const HINTS: Record<string, string> = {
  [CONNECTION_LOST_CODE]: LOST_HINT,
  ECONNRESET: LOST_HINT,
  EPIPE: LOST_HINT,
  ECONNREFUSED: "nothing listens there; check host and port and that the server runs",
  ENOTFOUND: "unknown host; check the host name in the DSN",
  EAI_AGAIN: "the host name did not resolve; check DNS and the host name in the DSN",
  ETIMEDOUT: "no answer; check host, port and firewalls",
  ER_ACCESS_DENIED_ERROR: "access denied; check the user and its password (~/.my.cnf, --defaults-file or SERVERDB_ETL_*_PASSWORD)",
  ER_DBACCESS_DENIED_ERROR:
    "the user may not use this database, or it does not exist (the server does not say which): check the database name in the DSN; " +
    "serverdb-etl doctor tells which and prints the GRANTs",
  ER_BAD_DB_ERROR:
    "the database does not exist: fix the database name in the DSN (a new warehouse database is made with CREATE DATABASE, its tables by serverdb-etl init)",
  ER_NO_SUCH_TABLE: "a table is missing; for the warehouse run `serverdb-etl init`, for the source check the database name",
  ER_TABLEACCESS_DENIED_ERROR: "a privilege is missing; run `serverdb-etl doctor` to see which, then GRANT it",
  ER_COLUMNACCESS_DENIED_ERROR: "a privilege is missing; run `serverdb-etl doctor` to see which, then GRANT it",
  ER_SPECIFIC_ACCESS_DENIED_ERROR: "a privilege is missing; run `serverdb-etl doctor` to see which, then GRANT it",
  ER_NET_PACKET_TOO_LARGE:
    "a statement was bigger than the server's max_allowed_packet; raise it (SET GLOBAL max_allowed_packet = 67108864, and in my.cnf), then rerun",
  ER_RECORD_FILE_FULL:
    "the table is full: the server has no room left for it (disk full, an InnoDB tablespace at its maximum size, or a table size limit " +
    "such as MAX_ROWS or max_heap_table_size); free space or raise the limit, then rerun (committed batches are kept; the rerun replaces the day)",
  ER_DISK_FULL: "the server's disk is full; free space, then rerun (committed batches are kept; the rerun replaces the day)",
  ER_BAD_FIELD_ERROR:
    "a column is missing: on the warehouse run `serverdb-etl init --check` to see the ALTER statements; on ServerDB check that its schema is the one this version reads",
  ER_NO_DEFAULT_FOR_FIELD:
    "the table has a NOT NULL column this version does not write; run `serverdb-etl init --check` to compare the warehouse schema",
  ER_DATA_TOO_LONG: "a column is narrower than this version expects; run `serverdb-etl init --check` to compare the warehouse schema",
  ER_WARN_DATA_OUT_OF_RANGE: "a column's type is smaller than this version expects; run `serverdb-etl init --check` to compare the warehouse schema",
  HANDSHAKE_SSL_ERROR: "TLS failed; check --ssl-mode and --ssl-ca",
  HANDSHAKE_NO_SSL_SUPPORT: "the server does not offer TLS; use --ssl-mode DISABLED or PREFERRED, or enable TLS on the server",
};

/** errno 28 (ENOSPC) inside a server message: "Error writing file … (Errcode: 28 "No space left on device")". */
const NO_SPACE = /\b(?:errcode|error|errno):? 28\b|No space left on device/i;

/**
 * The privileges a denial names, and on what: "INSERT, DELETE command denied to user 'u'@'h' for
 * table `db`.`t`". The GRANT names that one table (least privilege: a database-wide grant on a
 * ServerDB would hand out auth_user and django_session too); MySQL leaves the database out of
 * the message, so it comes from the connection's DSN (`label`).
 */
function privilegeHint(code: string, detail: string, label: string): string | undefined {
  const table = /^([A-Z][A-Z ,]*?) command denied to user '([^']*)'@'([^']*)' for (?:column '[^']*' in )?table [`']?([^`'.]+)[`']?(?:\.[`']?([^`']+)[`']?)?/i.exec(detail);
  if ((code === "ER_TABLEACCESS_DENIED_ERROR" || code === "ER_COLUMNACCESS_DENIED_ERROR") && table) {
    const [, privileges, user, host, first, second] = table;
    const database = second ? first : databaseOf(label);
    const name = second ?? first;
    const on = `${database ? `\`${database}\`.` : ""}\`${name}\``;
    return `the user lacks ${privileges} on ${on}: GRANT ${privileges} ON ${on} TO '${user}'@'${host}'; serverdb-etl doctor lists every privilege each connection needs`;
  }
  const specific = /you need \(at least one of\) the (.+?) privilege\(s\)/i.exec(detail);
  if (code === "ER_SPECIFIC_ACCESS_DENIED_ERROR" && specific) {
    return `the user lacks the ${specific[1]} privilege: GRANT ${specific[1]} ON *.* TO the user of this connection; serverdb-etl doctor lists what each connection needs`;
  }
  // No GRANT for a refused database: the server answers the same for a name that does not exist
  // (a typo) when the user holds nothing there, and the same user may be a source or a target.
  return undefined;
}

/** The database of a label as describeEndpoint writes it (mysql://user@host:port/db[?socket=…]). */
function databaseOf(label: string): string {
  return /^mysql:\/\/[^/]*\/([^?]*)/.exec(label)?.[1] ?? "";
}

/** The fix to suggest for an error, from its code and, where the code is generic, its text. */
function hintFor(code: string, detail: string, label: string): string | undefined {
  const privilege = privilegeHint(code, detail, label);
  if (privilege) return privilege;
  if (code !== "ER_DISK_FULL" && NO_SPACE.test(detail)) return HINTS.ER_DISK_FULL;
  // mysql2 names the client-side refusal of an oversized packet differently; the fix is the same.
  if (/max_allowed_packet/.test(detail)) return HINTS.ER_NET_PACKET_TOO_LARGE;
  return HINTS[code];
}

/** Translate a driver error into an EtlError (already-translated errors pass through). */
export function translateMysqlError(err: unknown, label: string): Error {
  if (err instanceof EtlError) return err;
  const e = (err ?? {}) as DriverError;
  // mysql2 closes a connection after every fatal error; its "Can't add new command when
  // connection is in closed state" (a query on a connection that died while idle) has no code.
  if (e.fatal && !e.code) return connectionLostError(label, "before this statement", err);
  const code = e.code ?? "UNKNOWN";
  const detail = maskSecrets(e.sqlMessage ?? e.message ?? String(err)).replace(/\s+/g, " ").trim();
  const hint = hintFor(code, detail, label);
  const message = `${label}: ${detail}${hint ? ` (${hint})` : ""}`;
  if (TRANSIENT.has(code)) return new TransientDbError(message, code, { cause: err });
  return new EtlError(message, { cause: err });
}

/**
 * A connection that is gone, as a TransientDbError with CONNECTION_LOST_CODE. `when` says what
 * it was doing ("while idle", "after 2913 rows of a streamed result"); `cause` is what the
 * driver reported, if anything.
 */
export function connectionLostError(label: string, when: string, cause?: unknown): TransientDbError {
  const said = cause === undefined ? "" : maskSecrets((cause as DriverError)?.message ?? String(cause)).replace(/\s+/g, " ").trim();
  return new TransientDbError(`${label}: connection lost ${when}${said ? ` (${said})` : ""}; ${LOST_HINT}`, CONNECTION_LOST_CODE, { cause });
}

/** The driver's error code of a translated or raw error ("" when none). */
export function mysqlErrorCode(err: unknown): string {
  if (err instanceof TransientDbError) return err.code;
  const cause = (err as { cause?: DriverError })?.cause ?? (err as DriverError);
  return cause?.code ?? "";
}
