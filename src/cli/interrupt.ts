// Stopping a run cleanly on SIGINT/SIGTERM: cli.ts records the signal here; the loops that write
// (the BatchWriter, used by load, sweep, aggregate and expire) check it between batches, so the
// batch in flight is committed or rolled back, never cut, and the run unwinds through its normal
// error path (etl_runs marked 'failed', connections closed, the lock released) to exit 130.
// Other reasons to stop the same way (a lost run lock, context.ts) go through requestStop() with
// their own error, which the checks then throw instead.
import { EtlError, InterruptedError } from "../errors.ts";

let received: string | undefined;
/** Why the run stops: the first request's error, made afresh for each check that throws it. */
let stopReason: (() => EtlError) | undefined;
let controller = new AbortController();

/**
 * Record a signal's stop request. Returns false when a signal was already recorded (the caller's
 * cue to exit at once). After another stop reason (a lost lock) the signal changes nothing: the
 * run is already stopping, with that reason.
 */
export function requestInterrupt(signal: string): boolean {
  if (received) return false;
  received = signal;
  requestStop(interruptedError);
  return true;
}

/** Ask the run to stop between batches, failing with `reason()`; the first request counts. Returns false when one was already recorded. */
export function requestStop(reason: () => EtlError): boolean {
  if (stopReason) return false;
  stopReason = reason;
  controller.abort(reason());
  return true;
}

/** The signal received, if any. */
export function interruptedBy(): string | undefined {
  return received;
}

/** Aborted when a stop is requested; for waits that should give up at once. */
export function interruptSignal(): AbortSignal {
  return controller.signal;
}

export function interruptedError(): InterruptedError {
  return new InterruptedError(
    `interrupted by ${received ?? "a signal"}: stopped between two batches, none half-written; ` +
      "rerun the same command to finish (a rerun replaces the day)",
  );
}

/** Throw the stop's error (InterruptedError for a signal) when a stop was requested: call between batches. */
export function throwIfInterrupted(): void {
  if (stopReason) throw stopReason();
}

/** `promise`, or the stop's error as soon as a stop is requested (the promise is left to settle alone). */
export function unlessInterrupted<T>(promise: Promise<T>): Promise<T> {
  if (stopReason) return Promise.reject(stopReason());
  const signal = controller.signal;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(stopReason!());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/** Forget a recorded stop (tests, and each new process is fresh anyway). */
export function resetInterrupt(): void {
  received = undefined;
  stopReason = undefined;
  controller = new AbortController();
}
