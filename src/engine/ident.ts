// Identifiers (database and table names from config) are validated, then backtick-quoted.
// Values never go through here: they are always `?` placeholders.
import { UsageError } from "../errors.ts";

const IDENT = /^[A-Za-z0-9_]{1,64}$/;

/** Throws a UsageError unless `name` is a plain identifier; returns it unchanged. */
export function validateIdent(name: string, what = "identifier"): string {
  if (!IDENT.test(name)) {
    throw new UsageError(
      `invalid ${what} ${JSON.stringify(name)}: use 1-64 characters of A-Z, a-z, 0-9 and _`,
    );
  }
  return name;
}

/** `name` validated and quoted: serverdb2 → `serverdb2`. */
export function quoteIdent(name: string, what?: string): string {
  return "`" + validateIdent(name, what) + "`";
}
