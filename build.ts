// Build dist/serverdb-etl: one standalone executable with every SQL file embedded.
// Fails loudly: Bun.build can report failure without throwing, and a bytecode build
// without ESM "succeeds" with a binary that crashes at start, so we run it once.
import { statSync } from "node:fs";
import pkg from "./package.json" with { type: "json" };

const outfile = process.env.SERVERDB_ETL_OUTFILE ?? "dist/serverdb-etl";
const version = process.env.SERVERDB_ETL_VERSION ?? pkg.version;

const result = await Bun.build({
  // The forecast worker is its own entry point: a worker must be bundled to start inside the binary.
  entrypoints: ["src/cli.ts", "src/report/forecast-worker.ts"],
  compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
  format: "esm",
  bytecode: true,
  minify: true,
  sourcemap: "linked",
  define: { SERVERDB_ETL_VERSION: JSON.stringify(version) },
});
if (!result.success) {
  for (const message of result.logs) console.error(message);
  console.error("build failed");
  process.exit(1);
}

const check = Bun.spawnSync([outfile, "--version"], { env: { PATH: "/usr/bin:/bin" } });
const printed = check.stdout.toString().trim();
if (check.exitCode !== 0 || printed !== version) {
  console.error(`built binary does not start: exit ${check.exitCode}, printed ${JSON.stringify(printed)}`);
  console.error(check.stderr.toString());
  process.exit(1);
}
const mib = (statSync(outfile).size / 2 ** 20).toFixed(1);
console.log(`${outfile}: ${mib} MiB, version ${version}`);
