// `--format json`: the report as one object (README "report" documents the schema).
import type { CapacityReport } from "../types.ts";

export function renderJson(report: CapacityReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}
