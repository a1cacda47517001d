// A declared column's value as the load writes it, by the generic rules of the data contract:
// NULL → the declared default (unknown), text exactly as stored but cut to width, numbers and
// dates that fit their type; anything else → the default and one warning on the column. Pure.
import { cleanDate, cleanDatetime, UNKNOWN_DATETIME } from "../transform/dates.ts";
import { exactDecimal } from "../transform/numbers.ts";
import { fitText } from "../transform/text.ts";
import type { Warnings } from "../transform/types.ts";
import { warn } from "../transform/warnings.ts";
import type { ExtraColumn } from "./declare.ts";

const INTEGER = /^\s*-?\d+\s*$/;
const LIMITS = { int: [-(2n ** 31n), 2n ** 31n - 1n], bigint: [-(2n ** 63n), 2n ** 63n - 1n] } as const;

function integer(raw: unknown, kind: "int" | "bigint"): number | string | undefined {
  let n: bigint;
  if (typeof raw === "number") {
    if (!Number.isSafeInteger(raw)) return undefined;
    n = BigInt(raw);
  } else if (typeof raw === "bigint") n = raw;
  else if (typeof raw === "string" && INTEGER.test(raw)) n = BigInt(raw.trim());
  else return undefined;
  const [lo, hi] = LIMITS[kind];
  if (n < lo || n > hi) return undefined;
  return Number.isSafeInteger(Number(n)) ? Number(n) : n.toString();
}

function bool(raw: unknown): number | undefined {
  if (raw === true || raw === 1 || raw === "1" || raw === 1n) return 1;
  if (raw === false || raw === 0 || raw === "0" || raw === 0n) return 0;
  return undefined;
}

/** `raw` (from the extract row) → the value of column `c`; a warning on `c.name` when it had to fall back. */
export function cleanExtra(c: ExtraColumn, raw: unknown, warnings: Warnings): unknown {
  if (raw === null || raw === undefined) return c.fallback;
  const fallBack = () => {
    warn(warnings, c.name);
    return c.fallback;
  };
  switch (c.type.kind) {
    case "varchar": {
      const text = typeof raw === "string" ? raw : typeof raw === "number" || typeof raw === "bigint" ? String(raw) : Buffer.isBuffer(raw) ? raw.toString("utf8") : undefined;
      return text === undefined ? fallBack() : fitText(text, c.type.length, c.name, warnings);
    }
    case "int":
    case "bigint":
      return integer(raw, c.type.kind) ?? fallBack();
    case "decimal": {
      const exact = typeof raw === "string" || typeof raw === "number" ? exactDecimal(raw, c.type.precision, c.type.scale) : null;
      return exact ?? fallBack();
    }
    case "bool":
      return bool(raw) ?? fallBack();
    case "date": {
      if (typeof raw !== "string") return fallBack();
      const probe: Warnings = {};
      const date = cleanDate(raw, c.name, probe);
      return probe[c.name] ? fallBack() : (date ?? c.fallback);
    }
    case "datetime": {
      if (typeof raw !== "string") return fallBack();
      const probe: Warnings = {};
      const at = cleanDatetime(raw.length === 10 ? `${raw} 00:00:00` : raw, c.name, probe);
      return probe[c.name] || at === UNKNOWN_DATETIME ? fallBack() : at;
    }
  }
}
