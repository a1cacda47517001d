// What init and run say about server_facts' columns beyond this version's own: a declared column
// that is missing gets the statement that adds it (on SQLite too: ADD COLUMN, not a table
// rebuild); a declared column added by hand with another NULL-ness or default is accepted (the
// load writes every value itself); an undeclared one is drift that names the way to declare it.
import type { WarehouseCatalog } from "../engine/catalog.ts";
import type { Drift } from "../warehouse/schema-diff.ts";
import type { FactExtras } from "./declare.ts";

const DECLARE_HINT = "declare it in [[facts.columns]] (name, type, default, expression; README \"Site-specific columns\") to keep it, or drop it";

export function explainExtraDrifts(drifts: readonly Drift[], extras: FactExtras, catalog: WarehouseCatalog): Drift[] {
  const declared = new Map(extras.columns.map((c) => [c.name.toLowerCase(), c]));
  const out = drifts.map((d): Drift => {
    if (d.table !== "server_facts" || !d.column) return d;
    const c = declared.get(d.column.toLowerCase());
    if (d.kind === "extra-column") return { ...d, message: `${d.message}; ${DECLARE_HINT}` };
    if (!c) return d;
    if (d.kind === "column-null" || d.kind === "column-default" || d.kind === "column-order") {
      return { ...d, cosmetic: true, statement: undefined, message: `${d.message} (accepted for a declared column: the load writes every value)` };
    }
    if (d.kind === "missing-column") return { ...d, message: `declared column ${d.column} is missing: add it with the statement printed (the days already loaded get its default, unknown)` };
    return d;
  });
  // A fix script that rode on a drift now accepted moves to the table's next blocking drift.
  out.forEach((d, i) => {
    if (!d.cosmetic || !drifts[i]!.statement || d.statement) return;
    const next = out.find((e) => e.table === d.table && !e.cosmetic);
    if (next && !next.statement) next.statement = drifts[i]!.statement;
  });
  if (!catalog.addColumnsScript) return out;
  // When adding declared columns is all server_facts needs: the engine's ADD COLUMNs instead of its general fix.
  const facts = out.filter((d) => d.table === "server_facts" && !d.cosmetic);
  const adds = facts.filter((d) => d.kind === "missing-column" && declared.has(d.column?.toLowerCase() ?? ""));
  if (!adds.length || adds.length !== facts.length) return out;
  const statement = catalog.addColumnsScript(adds.map((d) => declared.get(d.column!.toLowerCase())!));
  return out.map((d) => (d === adds[0] ? { ...d, statement, destroysData: false } : adds.includes(d) ? { ...d, statement: undefined } : d));
}
