// Per-row warning counters (column → count). Transforms never log: they count here and
// the pipeline sums the counts into the run's record.
import type { Warnings } from "./types.ts";

/** Count one warning against `column` in `warnings` (mutates and returns it). */
export function warn(warnings: Warnings, column: string): Warnings {
  warnings[column] = (warnings[column] ?? 0) + 1;
  return warnings;
}
