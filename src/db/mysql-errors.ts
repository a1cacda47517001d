// mysql2 errors → our error classes with one actionable line. The class decides what
// happens next (retry, exit code); nothing downstream reads message text.
import { EtlError, TransientDbError } from "../errors.ts";
import { maskSecrets } from "../log.ts";

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
  sqlMessage?: string;
  fatal?: boolean;
}

/** Error codes after which the same batch may simply be tried again. */
const TRANSIENT = new Set([
  "ER_LOCK_DEADLOCK",
  "ER_LOCK_WAIT_TIMEOUT",
  "PROTOCOL_CONNECTION_LOST",
  "ECONNRESET",
  "EPIPE",
  "ER_SERVER_SHUTDOWN",
  "ER_CON_COUNT_ERROR",
  "ER_QUERY_INTERRUPTED",
]);

/** The fix to suggest for a code, worded for a DBA. */
const HINTS: Record<string, string> = {
  ECONNREFUSED: "nothing listens there; check host and port and that the server runs",
  ENOTFOUND: "unknown host; check the host name in the DSN",
  EAI_AGAIN: "the host name did not resolve; check DNS and the host name in the DSN",
  ETIMEDOUT: "no answer; check host, port and firewalls",
  ER_ACCESS_DENIED_ERROR: "access denied; check the user and its password (~/.my.cnf, --defaults-file or SERVERDB_ETL_*_PASSWORD)",
  ER_DBACCESS_DENIED_ERROR: "the user may not use this database; GRANT it the privileges `doctor` lists",
  ER_BAD_DB_ERROR: "the database does not exist; create it or fix the database name in the DSN",
  ER_NO_SUCH_TABLE: "a table is missing; for the warehouse run `serverdb-etl init`, for the source check the database name",
  ER_TABLEACCESS_DENIED_ERROR: "a privilege is missing; run `serverdb-etl doctor` to see which, then GRANT it",
  ER_COLUMNACCESS_DENIED_ERROR: "a privilege is missing; run `serverdb-etl doctor` to see which, then GRANT it",
  ER_SPECIFIC_ACCESS_DENIED_ERROR: "a privilege is missing; run `serverdb-etl doctor` to see which, then GRANT it",
  ER_NET_PACKET_TOO_LARGE: "a statement exceeded max_allowed_packet; lower --batch-size or raise max_allowed_packet",
  ER_RECORD_FILE_FULL: "the target table is full; free disk space on the warehouse server",
  ER_DISK_FULL: "the warehouse server's disk is full; free space, then rerun (no data was lost)",
  ER_BAD_FIELD_ERROR: "a column is missing; run `serverdb-etl init --check` to compare the schema",
  HANDSHAKE_SSL_ERROR: "TLS failed; check --ssl-mode and --ssl-ca",
  HANDSHAKE_NO_SSL_SUPPORT: "the server does not offer TLS; use --ssl-mode DISABLED or PREFERRED, or enable TLS on the server",
};

/** Translate a driver error into an EtlError (already-translated errors pass through). */
export function translateMysqlError(err: unknown, label: string): Error {
  if (err instanceof EtlError) return err;
  const e = (err ?? {}) as DriverError;
  const code = e.code ?? "UNKNOWN";
  const detail = maskSecrets(e.sqlMessage ?? e.message ?? String(err)).replace(/\s+/g, " ").trim();
  const hint = HINTS[code];
  const message = `${label}: ${detail}${hint ? ` (${hint})` : ""}`;
  if (TRANSIENT.has(code)) return new TransientDbError(message, code, { cause: err });
  return new EtlError(message, { cause: err });
}

/** The driver's error code of a translated or raw error ("" when none). */
export function mysqlErrorCode(err: unknown): string {
  if (err instanceof TransientDbError) return err.code;
  const cause = (err as { cause?: DriverError })?.cause ?? (err as DriverError);
  return cause?.code ?? "";
}
