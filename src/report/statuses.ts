// The status values the report counts by (docs/data-contract.md: status is trimmed and
// lower-cased by the transform, so these are the only spellings that reach the warehouse).
export const IN_USE = "in_use";
export const SPARE = "spare";
export const BROKEN = "broken";
export const RETIRED = "retired";
