// The version baked in by build.ts (`define`); "dev" when run from source.
declare const SERVERDB_ETL_VERSION: string | undefined;

export const VERSION: string = typeof SERVERDB_ETL_VERSION === "string" ? SERVERDB_ETL_VERSION : "dev";
