// Error classes and their exit codes: the one table of what the process exits with.
// A user error's message names the problem and the fix in one line; main() prints only
// that line (the stack only at --verbose DEBUG).
//
// | code | class             | meaning                                                     |
// |------|-------------------|-------------------------------------------------------------|
// | 0    | —                 | success                                                     |
// | 1    | (anything else)   | unexpected failure: a bug or an unclassified database error |
// | 1    | EtlError          | an expected failure of a run (source down, replica behind…) |
// | 1    | RunLockLostError  | the run lost its warehouse lock mid-run and stopped         |
// | 1    | PuppetdbError     | PuppetDB unreachable, too slow, refusing, or answering junk |
// | 2    | UsageError        | bad option, bad config, bad DSN, bad date, bad identifier   |
// | 3    | SchemaDriftError  | a warehouse table differs from what this version expects    |
// | 4    | DoctorFailed      | `doctor` found at least one failing check                   |
// | 75   | LockHeldError     | another run holds the warehouse lock (EX_TEMPFAIL)          |
// | 130  | InterruptedError  | stopped by SIGINT/SIGTERM                                   |

// Each class spells its name: the build minifies identifiers, so `new.target.name` would be "m"
// in the shipped binary, and the name is what the JSON error line's `error_class` carries.

/** Base class: an error we expect and can explain in one line. */
export class EtlError extends Error {
  override name = "EtlError";
  readonly exitCode: number = 1;
}

/** Bad flags, config, DSN, date or identifier: fix the invocation. */
export class UsageError extends EtlError {
  override name = "UsageError";
  override readonly exitCode = 2;
}

/** The warehouse schema differs from this version's; `init --check` lists the ALTERs. */
export class SchemaDriftError extends EtlError {
  override name = "SchemaDriftError";
  override readonly exitCode = 3;
}

/** `doctor` printed its table and at least one check failed. */
export class DoctorFailed extends EtlError {
  override name = "DoctorFailed";
  override readonly exitCode = 4;
}

/** Another run holds the warehouse lock. */
export class LockHeldError extends EtlError {
  override name = "LockHeldError";
  override readonly exitCode = 75;
}

/**
 * The server released this run's lock while it ran (its connection was killed or dropped): the
 * run stopped between batches, as on SIGINT, so that two runs never write at once. A failure
 * (exit 1), never retried: the fix is a rerun.
 */
export class RunLockLostError extends EtlError {
  override name = "RunLockLostError";
}

/** Why a PuppetDB read failed; a caller that can do without PuppetDB decides on this, never on the text. */
export type PuppetdbFailure = "unreachable" | "timeout" | "tls" | "status" | "malformed";

/**
 * PuppetDB could not be read: down, slower than [puppetdb] timeout_s, a certificate problem, an
 * HTTP error, or an answer that is not what the query asks for. One line naming the URL (and the
 * node and fact, for a malformed answer).
 */
export class PuppetdbError extends EtlError {
  override name = "PuppetdbError";
  constructor(
    message: string,
    readonly reason: PuppetdbFailure = "malformed",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** SIGINT/SIGTERM: the run stopped cleanly. */
export class InterruptedError extends EtlError {
  override name = "InterruptedError";
  override readonly exitCode = 130;
}

/**
 * A database error worth retrying (deadlock, lock-wait timeout, lost connection).
 * The batch loop decides on the class, never on message text.
 */
export class TransientDbError extends EtlError {
  override name = "TransientDbError";
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The exit code for any thrown value. */
export function exitCodeOf(err: unknown): number {
  return err instanceof EtlError ? err.exitCode : 1;
}

/** True for errors whose one-line message is the whole story (no stack needed). */
export function isUserFacing(err: unknown): err is EtlError {
  return err instanceof EtlError;
}
