// The SERVERDB_ETL_* environment variables the tool reads. Any other one is a usage error
// naming the nearest, since a misspelt SERVERDB_ETL_TARGET in a unit file would otherwise
// leave the target unset and send the night to the default SQLite file.
import { UsageError } from "../errors.ts";
import { nearestName } from "./nearest-name.ts";

/** Read by the tool (see the README's configuration table). */
export const ENV_VARS = [
  "SERVERDB_ETL_CONFIG",
  "SERVERDB_ETL_SOURCE",
  "SERVERDB_ETL_TARGET",
  "SERVERDB_ETL_REPLICAS",
  "SERVERDB_ETL_SOURCE_PASSWORD",
  "SERVERDB_ETL_TARGET_PASSWORD",
  "SERVERDB_ETL_REPLICA_PASSWORD",
  "SERVERDB_ETL_SSL_MODE",
  "SERVERDB_ETL_SSL_CA",
] as const;

/** Read by build.ts and the test suite, never by the tool; a developer's shell may hold them. */
const BUILD_AND_TEST_VARS = ["SERVERDB_ETL_OUTFILE", "SERVERDB_ETL_VERSION", "SERVERDB_ETL_TEST_ENGINES"];

/** Refuse the first SERVERDB_ETL_* variable the tool does not know. */
export function checkEnvNames(env: Record<string, string | undefined>): void {
  const known: readonly string[] = [...ENV_VARS, ...BUILD_AND_TEST_VARS];
  const unknown = Object.keys(env)
    .filter((k) => k.startsWith("SERVERDB_ETL_") && !known.includes(k))
    .sort();
  if (!unknown.length) return;
  const name = unknown[0]!;
  // Compared without the shared prefix, which would make every name look close to every other.
  const PREFIX = "SERVERDB_ETL_";
  const tail = nearestName(name.slice(PREFIX.length), ENV_VARS.map((v) => v.slice(PREFIX.length)));
  const near = tail && PREFIX + tail;
  throw new UsageError(
    `unknown environment variable ${name}; ${near ? `did you mean ${near}?` : `the tool reads ${ENV_VARS.join(", ")}`} (rename it, or unset it)`,
  );
}
