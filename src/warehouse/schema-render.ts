// SQL text for schema pieces: column definitions and key parts as they appear in the ALTER
// TABLE statements `init` prints, and the short descriptions its drift lines use.
import { charsetOf, isNumericType, isTextType, type ColumnDefault, type ColumnSchema } from "./schema-model.ts";

/**
 * `name` → `` `name` ``, doubling any backtick. Unlike engine/ident.ts's quoteIdent this accepts
 * any name, because it quotes what the live server reports (a DBA's extra column may be
 * called anything) into text printed for review; we never execute it ourselves.
 */
export function quoteName(name: string): string {
  return "`" + name.replace(/`/g, "``") + "`";
}

/** A string literal for printed SQL: quotes doubled, backslashes escaped (default sql_mode). */
export function quoteLiteral(value: string): string {
  return "'" + value.replace(/\\/g, "\\\\").replace(/'/g, "''") + "'";
}

/** `DEFAULT …` for a column, or "" when it has none (or only the implied DEFAULT NULL). */
export function defaultSql(type: string, def: ColumnDefault): string {
  switch (def.kind) {
    case "none":
      return "";
    case "null":
      return "DEFAULT NULL";
    case "value":
      return `DEFAULT ${isNumericType(type) && /^-?\d/.test(def.value) ? def.value : quoteLiteral(def.value)}`;
    case "expr":
      return `DEFAULT ${def.sql}`;
  }
}

/**
 * The full definition for ADD/MODIFY COLUMN. Text columns always carry CHARACTER SET and
 * COLLATE: a column added without them takes the live table's default, which may itself be
 * part of the drift.
 */
export function columnSql(col: ColumnSchema): string {
  const parts = [quoteName(col.name), col.type];
  if (col.collation && isTextType(col.type)) parts.push(`CHARACTER SET ${charsetOf(col.collation)} COLLATE ${col.collation}`);
  parts.push(col.nullable ? "NULL" : "NOT NULL");
  const def = defaultSql(col.type, col.default);
  if (def) parts.push(def);
  if (col.autoIncrement) parts.push("AUTO_INCREMENT");
  return parts.join(" ");
}

/** A column as a drift line shows it: `varchar(16) NOT NULL DEFAULT '<unknown>' COLLATE utf8mb4_bin`. */
export function describeColumn(col: ColumnSchema): string {
  const parts = [col.type, col.nullable ? "NULL" : "NOT NULL"];
  const def = defaultSql(col.type, col.default);
  if (def) parts.push(def);
  if (col.autoIncrement) parts.push("AUTO_INCREMENT");
  if (col.collation) parts.push(`COLLATE ${col.collation}`);
  return parts.join(" ");
}

/** `(a, b(10))` → `` (`a`, `b`(10)) ``. */
export function keyPartsSql(parts: readonly string[]): string {
  return (
    "(" +
    parts
      .map((p) => {
        const m = /^(.*)\((\d+)\)$/.exec(p);
        return m ? `${quoteName(m[1])}(${m[2]})` : quoteName(p);
      })
      .join(", ") +
    ")"
  );
}

export function describeDefault(type: string, def: ColumnDefault): string {
  return defaultSql(type, def) || "no DEFAULT";
}
