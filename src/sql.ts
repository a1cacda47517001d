// The only module that imports sql/ as text; `bun build --compile` embeds every file here.
// A unit test checks that every file under sql/ is listed.
import serverdbSchema from "../sql/serverdb/schema.sql" with { type: "text" };

export const SQL = {
  serverdbSchema,
} as const;

/** The sql/ files imported above, relative to sql/ (for the "every file is used" test). */
export const SQL_FILES = ["serverdb/schema.sql"] as const;
