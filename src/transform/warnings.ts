// Per-row warning counters (column → count). Transforms never log: they count here and
// the pipeline sums the counts into the run's record.
import type { Warnings } from "./types.ts";

/** Count one warning against `column` in `warnings` (mutates and returns it). */
export function warn(warnings: Warnings, column: string): Warnings {
  warnings[column] = (warnings[column] ?? 0) + 1;
  return warnings;
}

/** Add the counts of `more` into `into` (mutates and returns it); a zero count adds no column. */
export function addWarnings(into: Warnings, more: Readonly<Warnings> | undefined): Warnings {
  for (const [column, n] of Object.entries(more ?? {})) if (n) into[column] = (into[column] ?? 0) + n;
  return into;
}
