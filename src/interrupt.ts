// Stopping a run cleanly on SIGINT/SIGTERM: cli.ts records the signal here; the loops that write
// (the BatchWriter, used by load, sweep, aggregate and expire) check it between batches, so the
// batch in flight is committed or rolled back, never cut, and the run unwinds through its normal
// error path (etl_runs marked 'failed', connections closed, the lock released) to exit 130.
import { InterruptedError } from "./errors.ts";

let received: string | undefined;
let controller = new AbortController();

/** Record a stop request (the first one counts). Returns false when one was already recorded. */
export function requestInterrupt(signal: string): boolean {
  if (received) return false;
  received = signal;
  controller.abort(interruptedError());
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

/** Throw InterruptedError when a stop was requested: call between batches. */
export function throwIfInterrupted(): void {
  if (received) throw interruptedError();
}

/** `promise`, or InterruptedError as soon as a stop is requested (the promise is left to settle alone). */
export function unlessInterrupted<T>(promise: Promise<T>): Promise<T> {
  if (received) return Promise.reject(interruptedError());
  const signal = controller.signal;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(interruptedError());
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
  controller = new AbortController();
}
