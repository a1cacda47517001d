// A Progress that records every event, for tests.
import type { Progress } from "./progress.ts";

export function countingProgress(): Progress & { events: Array<[string, ...unknown[]]> } {
  const events: Array<[string, ...unknown[]]> = [];
  const record =
    (name: string) =>
    (...a: unknown[]) =>
      void events.push([name, ...a]);
  return {
    events,
    phaseStart: record("phaseStart"),
    phaseProgress: record("phaseProgress"),
    phaseEnd: record("phaseEnd"),
    replicaWait: record("replicaWait"),
    replicaWaitEnd: record("replicaWaitEnd"),
    warnings: record("warnings"),
  };
}
