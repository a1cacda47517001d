// Whether a fact's value can be written into its declared column: the load's own rules
// (extras/clean.ts) decide, so a value accepted here is one the load keeps; only cutting text to
// the column's width is not a wrong type (the load cuts it, with its own warning). Pure.
import { cleanExtra } from "../extras/clean.ts";
import type { ExtraColumn } from "../extras/types.ts";
import type { Warnings } from "../transform/types.ts";

/** "missing" for a node without the fact (PuppetDB answers null), "wrong-type" for a value the column cannot hold. */
export function factValueFit(column: ExtraColumn, value: unknown): "ok" | "missing" | "wrong-type" {
  if (value === null || value === undefined) return "missing";
  if (column.type.kind === "varchar") return typeof value === "string" || (typeof value === "number" && Number.isFinite(value)) ? "ok" : "wrong-type";
  const probe: Warnings = {};
  cleanExtra(column, value, probe);
  return Object.keys(probe).length ? "wrong-type" : "ok";
}
