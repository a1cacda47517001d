// Cleanups registered by commands (connections, locks); main() runs them after the command,
// also when it throws, newest first.
import { log } from "../log.ts";

const cleanups: Array<() => Promise<void> | void> = [];

export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

export async function runCleanups(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      log.debug("cleanup failed:", err);
    }
  }
}
