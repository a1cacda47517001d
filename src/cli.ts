#!/usr/bin/env bun
// Entry point: the root command, a lazy map of subcommands, and main(), which turns
// errors into one line and an exit code (see the table in errors.ts).
import { defineCommand, runCommand, type ArgsDef, type CommandDef } from "citty";
import { EtlError, UsageError, exitCodeOf, isUserFacing } from "./errors.ts";
import { LOG_LEVELS, errorFields, isDebug, jsonLine, log, logFormat, maskSecrets, setLogFormat, setLogLevel, type LogLevelName } from "./log.ts";
import { globalArgs } from "./commands/_args.ts";
import { VERSION } from "./version.ts";
import { runCleanups } from "./cli/cleanup.ts";
import { helpWidth, renderHelp } from "./cli/help.ts";
import { splitSteps, unknownArguments } from "./cli/chain.ts";
import { requestInterrupt } from "./cli/interrupt.ts";
import { logFormatHint, outputOptionsFrom } from "./settings/output-options.ts";
import { forTerminal, startSession, type Session } from "./progress/session.ts";
import { runStep } from "./stages/steps.ts";

type AnyCommand = CommandDef<any>;

/** Subcommands, imported only when used (keeps --help and --version fast). */
export const subCommands: Record<string, () => Promise<AnyCommand>> = {
  generate: () => import("./commands/generate.ts").then((m) => m.default),
  doctor: () => import("./commands/doctor.ts").then((m) => m.default),
  init: () => import("./commands/init.ts").then((m) => m.default),
  etl: () => import("./commands/etl.ts").then((m) => m.default),
  expire: () => import("./commands/expire.ts").then((m) => m.default),
  aggregate: () => import("./commands/aggregate.ts").then((m) => m.default),
  backfill: () => import("./commands/backfill.ts").then((m) => m.default),
  run: () => import("./commands/run.ts").then((m) => m.default),
  demo: () => import("./commands/demo.ts").then((m) => m.default),
  report: () => import("./commands/report.ts").then((m) => m.default),
};

export const root = defineCommand({
  meta: {
    name: "serverdb-etl",
    version: VERSION,
    description:
      "Nightly snapshot of the ServerDB fleet into the serverdb_dw warehouse. " +
      "Exit codes: 0 ok, 1 failure, 2 usage/config, 3 schema drift, 4 doctor check failed, 75 another run holds the lock, 130 interrupted.",
  },
  args: globalArgs,
  subCommands,
});

/** Write to stdout; citty's colours only where a person is looking. */
function print(text: string): void {
  const plain = process.stdout.isTTY ? text : text.replace(/\x1b\[[0-9;]*m/g, "");
  process.stdout.write(plain.endsWith("\n") ? plain : plain + "\n");
}

/** Root options that take a value (--verbose LEVEL, --config FILE, --log-format FORMAT …). */
const ROOT_VALUE_OPTIONS = new Set(
  Object.entries(globalArgs).flatMap(([name, def]) =>
    def.type === "string" ? [`--${name}`, ...("alias" in def ? [`-${def.alias}`] : [])] : [],
  ),
);

/** Commands whose loops stop cleanly between batches on SIGINT/SIGTERM (they write through the BatchWriter). */
const INTERRUPTIBLE = new Set(["etl", "aggregate", "expire", "run", "backfill"]);

/**
 * SIGINT/SIGTERM: the first asks a writing command to stop between batches (it unwinds through
 * the normal error path: run marked failed, lock released, exit 130); a second one, or any one
 * during a command that cannot stop cleanly, exits at once (the server drops the lock with the
 * connection). Returns the function that removes the handlers.
 */
function handleSignals(session: Session, interruptible: boolean): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (interruptible && requestInterrupt(signal)) {
      session.notice(`${signal}: stopping after the current batch (${signal === "SIGINT" ? "Ctrl-C" : signal} again to quit at once)`);
      return;
    }
    session.stopDisplay();
    const text = `${signal}: stopped at once; a run in progress stays 'running' in etl_runs and its day is replaced by the next run`;
    writeError(`serverdb-etl: ${text}`, { signal, exit_code: 130, error: text, error_class: "InterruptedError" });
    session.finish(130);
    process.exit(130);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}

/** Index of the first non-option argument, skipping the values of root options. */
function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") return -1;
    if (a.startsWith("-")) {
      if (!a.includes("=") && ROOT_VALUE_OPTIONS.has(a)) i++;
      continue;
    }
    return i;
  }
  return -1;
}

function applyVerbose(rawArgs: readonly string[]): void {
  const i = rawArgs.findIndex((a) => a === "--verbose" || a === "-v" || a.startsWith("--verbose="));
  if (i < 0) return;
  const value = (rawArgs[i].includes("=") ? rawArgs[i].split("=")[1] : rawArgs[i + 1] ?? "").toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new UsageError(`--verbose ${value || "(missing)"}: use one of ${LOG_LEVELS.join(", ")}`);
  }
  setLogLevel(value as LogLevelName);
}

/** Run the CLI with `argv` (without the executable); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const state: { session?: Session } = {};
  let code: number;
  try {
    code = await runSteps(argv, state);
  } catch (err) {
    // The live view gives the terminal back before the error line is printed.
    state.session?.stopDisplay();
    code = reportError(err);
  } finally {
    await runCleanups();
  }
  // Last: the summary of a run that stopped part-way, and the metrics file.
  state.session?.finish(code);
  return code;
}

async function runSteps(argv: string[], state: { session?: Session }): Promise<number> {
  setLogFormat(logFormatHint(argv));
  const at = commandIndex(argv);
  // --version belongs to the root: `etl --version` is an unknown option of etl.
  const rootArgs = at < 0 ? argv : argv.slice(0, at);
  if (rootArgs.includes("--version") || rootArgs.includes("-V")) {
    print(VERSION);
    return 0;
  }
  if (at < 0) {
    print(await renderHelp(root, undefined, helpWidth()));
    return argv.some((a) => a === "--help" || a === "-h") ? 0 : 2;
  }
  const argsOf = async (name: string) => {
    const cmd = await subCommands[name]();
    return ((typeof cmd.args === "function" ? await cmd.args() : cmd.args) ?? {}) as ArgsDef;
  };
  const steps = await splitSteps(argv, at, (n) => Object.hasOwn(subCommands, n), argsOf);
  for (const step of steps) applyVerbose(step.rawArgs);
  const output = outputOptionsFrom(steps.map((s) => s.rawArgs));
  setLogFormat(output.logFormat);
  const help = steps.find((s) => s.rawArgs.includes("--help") || s.rawArgs.includes("-h"));
  if (help) {
    print(await renderHelp(await subCommands[help.name](), root, helpWidth()));
    return 0;
  }
  // From here on the invocation counts as a run: its metrics are written whatever happens.
  const session = startSession({
    command: steps.map((s) => s.name).join(" "),
    progress: output.progress,
    intervalS: output.intervalS,
    metricsFile: output.metricsFile,
  });
  state.session = session;
  for (const step of steps) {
    const bad = unknownArguments(step.rawArgs, await argsOf(step.name));
    if (bad.length) {
      throw new UsageError(`unknown argument ${bad.join(", ")} for ${step.name}; run serverdb-etl ${step.name} --help`);
    }
  }
  const unhandle = handleSignals(session, steps.every((s) => INTERRUPTIBLE.has(s.name)));
  // Steps run in order and stop at the first failure, naming the step. Each step's
  // connections and lock are released before the next step takes its own.
  try {
    for (const step of steps) {
      const command = await subCommands[step.name]();
      const run = () => runCommand(command, { rawArgs: step.rawArgs });
      try {
        // A single command's errors are its own; in a chain they name the step that failed.
        await (steps.length > 1 ? runStep(step.name, run) : run());
      } finally {
        await runCleanups();
      }
    }
  } finally {
    unhandle();
  }
  return 0;
}

/** A line on stderr: JSON with --log-format json, else text wrapped for a terminal. */
function writeError(text: string, fields: Record<string, unknown> = {}): void {
  if (logFormat() === "json") process.stderr.write(jsonLine("error", text, fields) + "\n");
  else process.stderr.write(forTerminal(text, process.stderr) + "\n");
}

function reportError(err: unknown): number {
  const code = (err as { code?: string })?.code;
  // citty's own argument errors are usage errors.
  if (!(err instanceof EtlError) && (err as Error)?.name === "CLIError") {
    (err as Error).message = (err as Error).message.replace(/\x1b\[[0-9;]*m/g, "");
    writeError(`serverdb-etl: ${(err as Error).message}`, { exit_code: 2, ...errorFields(err) });
    return 2;
  }
  // One line, whatever the driver or a replica's Last_SQL_Error put in the message.
  const described = errorFields(err);
  const message = described.error as string;
  const exitCode = exitCodeOf(err);
  const stack = isDebug() && err instanceof Error && err.stack ? maskSecrets(err.stack) : undefined;
  const fields = { exit_code: exitCode, ...described, ...(stack && logFormat() === "json" ? { stack } : {}) };
  if (isUserFacing(err)) {
    writeError(`serverdb-etl: error: ${message}`, fields);
  } else {
    writeError(`serverdb-etl: unexpected error${code ? ` (${code})` : ""}: ${message}; rerun with --verbose DEBUG for details`, fields);
  }
  if (stack && logFormat() !== "json") process.stderr.write(stack + "\n");
  return exitCode;
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  process.exit(code);
}
