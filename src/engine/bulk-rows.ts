// The bulk-load row format of Db.loadRows: rows → tab-separated UTF-8 bytes, as MariaDB/MySQL's
// LOAD DATA reads them (engine/mysql/load-data.ts). Encoded where the batch is built, so the
// work overlaps the previous batch's write. It round-trips every value the REPLACE path binds:
// NULL → \N; backslash, tab, newline, carriage return and NUL escaped; numbers as decimal text.

// Characters that end a field or a line, or start an escape: the only ones that need escaping.
const SPECIAL = /[\\\t\n\r\0]/;
const SPECIAL_ALL = /[\\\t\n\r\0]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0" };

/** One field's text. Throws on a value the REPLACE path would not bind as text or a number either. */
export function encodeField(v: unknown): string {
  if (v === null || v === undefined) return "\\N";
  if (typeof v === "string") return SPECIAL.test(v) ? v.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`LOAD DATA: cannot encode the number ${v}`);
    return String(v);
  }
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "boolean") return v ? "1" : "0";
  throw new Error(`LOAD DATA: cannot encode a value of type ${typeof v}`);
}

/** The rows as UTF-8 bytes: fields joined by tabs, each row ended by a newline. */
export function encodeRows(rows: readonly (readonly unknown[])[]): Buffer {
  const lines = new Array<string>(rows.length + 1);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const fields = new Array<string>(row.length);
    for (let j = 0; j < row.length; j++) fields[j] = encodeField(row[j]);
    lines[i] = fields.join("\t");
  }
  lines[rows.length] = ""; // the last row's newline
  return Buffer.from(lines.join("\n"), "utf8");
}
