// Does the DSN's database exist, and may the account use it? Decided from what the server said
// at connect and the databases the account can see, so that a mistyped name gets "does not
// exist" or "did you mean", not a GRANT on the typo. Every fix names the role's DSN. Pure.
import { userDatabases, similarName } from "./similar-name.ts";
import type { Grant } from "./grants.ts";
import type { Check, Role, ServerFacts } from "./types.ts";

/** Where each role's DSN is set, for fixes that say "change the database name". */
export const DSN_OF: Record<Role, string> = {
  source: "the source DSN (--source, SERVERDB_ETL_SOURCE or [source] dsn)",
  target: "the target DSN (--target, SERVERDB_ETL_TARGET or [target] dsn)",
  replica: "the replica DSN (--replica, SERVERDB_ETL_REPLICAS or [replica] dsns)",
};

/** What each role's database is, for people. */
const WHAT: Record<Role, string> = { source: "ServerDB's (Django's) database", target: "the warehouse database", replica: "the replica's database" };

/**
 * ok: connected to it. exists: it exists (the account can see it) but the account may not use
 * it. absent: it does not exist (the server said so, or the account sees every database and
 * not this one). unknown: the server refused it without saying whether it exists.
 */
export type DatabaseState = "ok" | "exists" | "absent" | "unknown";

export function databaseState(f: ServerFacts): DatabaseState {
  const refused = f.databaseRefused;
  if (!refused) return "ok";
  if (refused.code === "ER_BAD_DB_ERROR") return "absent";
  if (refused.visible.includes(f.database)) return "exists";
  return seesEveryDatabase(f.grants) ? "absent" : "unknown";
}

/** Without a global SHOW DATABASES (or ALL), SCHEMATA lists only databases the account holds something in. */
function seesEveryDatabase(grants: readonly Grant[]): boolean {
  return grants.some((g) => g.db === "*" && g.table === "*" && (g.privileges.includes("ALL") || g.privileges.includes("SHOW DATABASES")));
}

/**
 * The `database` row of a source or target (undefined for a replica, which uses no database).
 * `grantsIfRight` are the GRANTs to print when the server will not say whether the name is a
 * typo and no visible name is close: they apply only if the name is right, and the fix says so.
 */
export function judgeDatabase(role: Role, f: ServerFacts, grantsIfRight: string[]): Check | undefined {
  if (role === "replica" || !f.database) return undefined;
  const name = `\`${f.database}\``;
  const state = databaseState(f);
  if (state === "ok") return { check: "database", result: "ok", detail: `connected to ${name}` };
  if (state === "exists") {
    return { check: "database", result: "ok", detail: `${name} exists, but this account holds no privilege in it (see the privileges row)` };
  }
  const visible = f.databaseRefused?.visible ?? [];
  const meant = similarName(f.database, visible);
  const sees = seen(visible);
  const rename = `fix the database name in ${DSN_OF[role]}`;
  if (state === "absent") {
    return {
      check: "database",
      result: "fail",
      detail: `${name} does not exist on this server (${meant ? `\`${meant}\` does` : sees})`,
      fix: meant
        ? `did you mean \`${meant}\`? ${capitalize(rename)}`
        : role === "target"
          ? `${rename}, or create ${WHAT.target} as an administrator: CREATE DATABASE ${name} CHARACTER SET utf8mb4 (then serverdb-etl init creates its tables)`
          : `${rename}; it names ${WHAT[role]}`,
    };
  }
  const account = `${f.account.user}@${f.account.host}`;
  const detail = `${name} is not visible to ${account}: it does not exist, or the account holds no privilege in it (the server does not say which; ${meant ? `the account sees \`${meant}\`` : sees})`;
  if (meant) return { check: "database", result: "fail", detail, fix: `did you mean \`${meant}\`? ${capitalize(rename)}` };
  const ifMissing = role === "target" ? ` (CREATE DATABASE ${name} CHARACTER SET utf8mb4 first if it does not exist)` : "";
  return {
    check: "database",
    result: "fail",
    detail,
    fix: `check the database name in ${DSN_OF[role]}; if it is right, run the ${grantsIfRight.length} GRANT statements printed after the table${ifMissing}`,
    statements: grantsIfRight,
  };
}

function seen(visible: readonly string[]): string {
  const names = userDatabases(visible);
  if (!names.length) return "the account sees no database";
  const shown = names.slice(0, 4).map((n) => `\`${n}\``).join(", ");
  return `the account sees ${shown}${names.length > 4 ? `, … (${names.length})` : ""}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
