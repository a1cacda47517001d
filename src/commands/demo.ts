// `serverdb-etl demo`: a synthetic ServerDB, the warehouse and one nightly run in a scratch
// folder (or on servers you name), then example queries with their results (glue only; the
// steps are in demo/demo.ts, the printout in demo/demo-report.ts).
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defineCommand } from "citty";
import { connectionFlags, credentialArgs, globalArgs } from "./_args.ts";
import { requireEndpoint, resolveConnections } from "../settings/connections.ts";
import { endpointFile, parseDsn } from "../settings/dsn.ts";
import { UsageError } from "../errors.ts";
import { parseGenerateOptions } from "../generate/generate-options.ts";
import { DEMO_DEFAULTS, runDemo, type DemoOptions } from "../demo/demo.ts";
import { formatExamples, formatFiles, formatIntro, formatOutro, formatStepLine } from "../demo/demo-report.ts";
import { runProgress } from "../progress/session.ts";
import { selfCommand } from "../cli/self-command.ts";

/** File names in the demo's folder when --source / --target are not given. */
export const DEMO_FILES = { source: "serverdb.sqlite", target: "serverdb_dw.sqlite", reportHtml: "report.html", config: "config.toml" } as const;

export default defineCommand({
  meta: {
    name: "demo",
    description:
      "Try the whole tool in one command, without any server: in a new folder under the system's temp dir (or --dir) it " +
      `generates a synthetic ServerDB of --servers servers in SQLite (${DEMO_FILES.source}), creates the warehouse ` +
      `(${DEMO_FILES.target}), runs the nightly job into it (etl, aggregate, expire), and prints what each step did, ` +
      "where the files are, and example queries a capacity planner would run next, with their results and the command " +
      "that runs each one. --source/--target mysql://… use real servers instead (the source is filled with synthetic data: " +
      "never point it at a real ServerDB). Writes only there; never reads the configured source or target. Re-running " +
      "into the same --dir or --source needs --force (the ServerDB is generated again; the warehouse day is replaced).",
  },
  args: {
    ...globalArgs,
    dir: {
      type: "string",
      description: "Folder for the SQLite files (created if missing; default: a new serverdb-etl-demo-* folder in the temp dir)",
      valueHint: "DIR",
    },
    servers: {
      type: "string",
      description: `Servers in the synthetic fleet (default ${DEMO_DEFAULTS.servers})`,
      valueHint: "N",
    },
    seed: {
      type: "string",
      description: `Random seed (default ${DEMO_DEFAULTS.seed}); the same seed gives the same fleet`,
      valueHint: "S",
    },
    source: {
      type: "string",
      description: `ServerDB to create and fill with synthetic data: sqlite:PATH or mysql://user@host:port/db (default sqlite:DIR/${DEMO_FILES.source})`,
      valueHint: "DSN",
    },
    target: {
      type: "string",
      description: `Warehouse to create and load: sqlite:PATH or mysql://user@host:port/db, an existing database (default sqlite:DIR/${DEMO_FILES.target})`,
      valueHint: "DSN",
    },
    ...credentialArgs,
    force: {
      type: "boolean",
      description: "Replace the ServerDB data a previous demo left in the source (drops and recreates its servers_* tables)",
    },
  },
  async run({ args, rawArgs }) {
    const { servers, seed } = parseGenerateOptions({
      servers: args.servers ?? String(DEMO_DEFAULTS.servers),
      seed: args.seed ?? String(DEMO_DEFAULTS.seed),
    });
    const flags = connectionFlags(args, rawArgs);
    // A folder only when a file goes into it; relative paths are made absolute so the printed commands work anywhere.
    let dir: string | undefined;
    const folder = () => (dir ??= args.dir ? makeDir(resolve(args.dir)) : mkdtempSync(join(tmpdir(), "serverdb-etl-demo-")));
    const sourceText = flags.source ?? `sqlite:${join(folder(), DEMO_FILES.source)}`;
    const targetText = flags.target ?? `sqlite:${join(folder(), DEMO_FILES.target)}`;
    // Both always explicit: the configured (production) source and target are never used, and no replicas are waited for.
    const conns = resolveConnections({ ...flags, source: absolute(sourceText), target: absolute(targetText), replicas: [] });
    const options: DemoOptions = {
      source: requireEndpoint(conns, "source"),
      target: requireEndpoint(conns, "target"),
      servers,
      seed,
      reportDate: new Date().toISOString().slice(0, 10),
      force: args.force === true,
      reportHtml: join(folder(), DEMO_FILES.reportHtml),
      config: join(folder(), DEMO_FILES.config),
    };
    const sourceFile = endpointFile(options.source);
    if (sourceFile !== undefined && sourceFile === endpointFile(options.target)) {
      throw new UsageError(`--source and --target are the same file (${sourceFile}); give the warehouse its own file`);
    }
    process.stdout.write(formatIntro(options));
    const result = await runDemo(options, runProgress(), (line) => process.stdout.write(formatStepLine(line) + "\n"));
    process.stdout.write(
      ["", formatFiles(options), "", formatExamples(result.examples, options.target), "", formatOutro(options, result, selfCommand()), ""].join("\n"),
    );
  },
});

function makeDir(path: string): string {
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    throw new UsageError(`--dir ${path}: cannot create it (${(err as NodeJS.ErrnoException).code}); choose another folder`);
  }
  return path;
}

/** A sqlite: DSN with an absolute path (validated by parseDsn first); others unchanged. */
function absolute(text: string): string {
  const file = endpointFile(parseDsn(text, "demo"));
  return file === undefined ? text : `sqlite:${resolve(file)}`;
}
