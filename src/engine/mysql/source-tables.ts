// The source tables a declared column may read, from information_schema: their columns and the
// columns that alone form a PRIMARY or UNIQUE key (extras/source-check.ts). Read-only.
import type { Db } from "../db.ts";
import type { SourceTable } from "../engine.ts";

export async function mysqlSourceTables(db: Db, schema: string, names: readonly string[]): Promise<Map<string, SourceTable>> {
  const marks = names.map(() => "?").join(", ");
  const cols = await db.query<{ t: string; c: string }>(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (${marks}) ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [schema, ...names],
  );
  const keys = await db.query<{ t: string; k: string; c: string; n: number | string }>(
    `SELECT TABLE_NAME AS t, INDEX_NAME AS k, COLUMN_NAME AS c, (SELECT COUNT(*) FROM information_schema.STATISTICS x
        WHERE x.TABLE_SCHEMA = s.TABLE_SCHEMA AND x.TABLE_NAME = s.TABLE_NAME AND x.INDEX_NAME = s.INDEX_NAME) AS n
       FROM information_schema.STATISTICS s WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (${marks}) AND NON_UNIQUE = 0`,
    [schema, ...names],
  );
  const out = new Map<string, SourceTable>();
  for (const r of cols) {
    const t = out.get(r.t) ?? { columns: [], unique: new Set<string>() };
    t.columns.push(r.c);
    out.set(r.t, t);
  }
  for (const r of keys) if (Number(r.n) === 1) out.get(r.t)?.unique.add(r.c.toLowerCase());
  return out;
}

