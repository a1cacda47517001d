// SHOW GRANTS lines → privileges per object, and "which of these privileges are missing
// on database D". Pure. Only the privilege list and the object are kept: a GRANT line can
// carry the password hash (IDENTIFIED BY PASSWORD '*…'), which must never be echoed.

/** One privilege grant: `privileges` on `db`.`table` ("*" for any). */
export interface Grant {
  privileges: string[];
  /** "*" for global grants, else the database name or LIKE pattern (`serverdb\_%`). */
  db: string;
  /** "*" for database-wide grants, else a table name. */
  table: string;
}

export type GrantLine = { kind: "privileges"; grant: Grant } | { kind: "role" } | { kind: "other" };

const NAME = "(\\*|`(?:[^`]|``)*`)";
const PRIVILEGE_GRANT = new RegExp(`^GRANT\\s+(.+?)\\s+ON\\s+(?:(TABLE|FUNCTION|PROCEDURE|PACKAGE(?:\\s+BODY)?)\\s+)?${NAME}\\.${NAME}\\s+TO\\s`, "is");
const ROLE_GRANT = /^GRANT\s+(?:`(?:[^`]|``)*`(?:@`(?:[^`]|``)*`)?|'[^']*'(?:@'[^']*')?)(?:\s*,\s*(?:`(?:[^`]|``)*`(?:@`(?:[^`]|``)*`)?|'[^']*'(?:@'[^']*')?))*\s+TO\s/is;

/** Parse one line of SHOW GRANTS output. */
export function parseGrantLine(line: string): GrantLine {
  const text = line.trim();
  const m = PRIVILEGE_GRANT.exec(text);
  if (m) {
    const [, privText, objectType, db, table] = m;
    // Routines and packages are not tables; their privileges say nothing about our databases.
    if (objectType && objectType.toUpperCase() !== "TABLE") return { kind: "other" };
    return { kind: "privileges", grant: { privileges: splitPrivileges(privText), db: unquote(db), table: unquote(table) } };
  }
  if (ROLE_GRANT.test(text)) return { kind: "role" };
  return { kind: "other" };
}

/**
 * "SELECT (a, b), INSERT, ALL PRIVILEGES" → ["INSERT", "ALL"]. A privilege with a column list
 * covers those columns only, never the whole table, so it is left out: counting it would pass a
 * table check that the server then refuses.
 */
function splitPrivileges(text: string): string[] {
  return text
    .replace(/[^,(]+\([^)]*\)/g, "")
    .split(",")
    .map((p) => p.trim().replace(/\s+/g, " ").toUpperCase())
    .map((p) => (p === "ALL PRIVILEGES" ? "ALL" : p))
    .filter(Boolean);
}

function unquote(name: string): string {
  return name === "*" ? "*" : name.slice(1, -1).replace(/``/g, "`");
}

/**
 * Does a grant's database pattern cover `database`? Database-level grants are LIKE
 * patterns: `%` any run, `_` any one character, `\_` and `\%` literal.
 */
export function dbPatternMatches(pattern: string, database: string): boolean {
  if (pattern === "*") return true;
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) re += escapeRegex(pattern[++i]);
    else if (c === "%") re += ".*";
    else if (c === "_") re += ".";
    else re += escapeRegex(c);
  }
  return new RegExp(`^${re}$`, "s").test(database);
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The privileges of `needed` that no grant gives on `database` (database-wide: global and
 * database grants) or, with `table`, on that one table (table grants count too; a table grant
 * may name a table that does not exist yet when it includes CREATE, which is how `init` gets to
 * create it).
 */
export function missingPrivileges(grants: readonly Grant[], database: string, needed: readonly string[], table?: string): string[] {
  const have = new Set<string>();
  for (const g of grants) {
    // Database grants are LIKE patterns; table grants name their database literally.
    const covers = g.table === "*" ? dbPatternMatches(g.db, database) : g.db === database && g.table === table;
    if (covers) for (const p of g.privileges) have.add(p);
  }
  if (have.has("ALL")) return [];
  return needed.filter((p) => !have.has(p));
}

/**
 * The statement a DBA runs to fix it: GRANT SELECT ON `serverdb2`.`servers_asset` TO 'etl'@'%'
 * with a table, GRANT SLAVE MONITOR ON *.* TO … for database "*".
 */
export function grantStatement(privileges: readonly string[], database: string, account: { user: string; host: string }, table?: string): string {
  const on = database === "*" ? "*.*" : `${quoteName(database)}.${table === undefined ? "*" : quoteName(table)}`;
  return `GRANT ${privileges.join(", ")} ON ${on} TO ${sqlString(account.user)}@${sqlString(account.host)}`;
}

function quoteName(name: string): string {
  return "`" + name.replace(/`/g, "``") + "`";
}

/** A string literal for display in a statement the DBA copies (not executed by us). */
function sqlString(text: string): string {
  return "'" + text.replace(/\\/g, "\\\\").replace(/'/g, "''") + "'";
}

/** CURRENT_USER() → account: "etl@10.0.%" → { user: "etl", host: "10.0.%" } (user names may contain @). */
export function parseAccount(currentUser: string): { user: string; host: string } {
  const at = currentUser.lastIndexOf("@");
  return at < 0 ? { user: currentUser, host: "%" } : { user: currentUser.slice(0, at), host: currentUser.slice(at + 1) };
}
