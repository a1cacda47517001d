// The source tables a declared column may read, from SQLite's table-valued PRAGMAs: their
// columns and the columns that alone form a PRIMARY or UNIQUE key (extras/source-check.ts).
import type { Db } from "../db.ts";
import type { SourceTable } from "../engine.ts";

export async function sqliteSourceTables(db: Db, _schema: string, names: readonly string[]): Promise<Map<string, SourceTable>> {
  const out = new Map<string, SourceTable>();
  for (const name of names) {
    const cols = await db.query<{ name: string; pk: number }>("SELECT name, pk FROM pragma_table_info(?)", [name]);
    if (!cols.length) continue;
    const unique = new Set<string>();
    const pk = cols.filter((c) => Number(c.pk) > 0);
    if (pk.length === 1) unique.add(pk[0]!.name.toLowerCase());
    for (const idx of await db.query<{ name: string }>("SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1", [name])) {
      const parts = await db.query<{ name: string }>("SELECT name FROM pragma_index_info(?)", [idx.name]);
      if (parts.length === 1 && parts[0]!.name) unique.add(parts[0]!.name.toLowerCase());
    }
    out.set(name, { columns: cols.map((c) => c.name), unique });
  }
  return out;
}

