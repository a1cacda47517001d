#!/usr/bin/env bun
// Entry point: the root command, a lazy map of subcommands, and main(), which turns
// errors into one line and an exit code (see the table in errors.ts).
import { defineCommand, renderUsage, runCommand, type ArgsDef, type CommandDef } from "citty";
import { EtlError, UsageError, exitCodeOf, isUserFacing } from "./errors.ts";
import { LOG_LEVELS, isDebug, log, maskSecrets, setLogLevel, type LogLevelName } from "./log.ts";
import { globalArgs } from "./commands/_args.ts";
import { VERSION } from "./version.ts";
import { runCleanups } from "./cleanup.ts";
import { splitSteps, unknownArguments } from "./chain.ts";

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

/** Index of the first non-option argument, skipping the values of root options. */
function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") return -1;
    if (a.startsWith("-")) {
      if (!a.includes("=") && ["--verbose", "-v", "--config"].includes(a)) i++;
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
  try {
    const at = commandIndex(argv);
    // --version belongs to the root: `etl --version` is an unknown option of etl.
    const rootArgs = at < 0 ? argv : argv.slice(0, at);
    if (rootArgs.includes("--version") || rootArgs.includes("-V")) {
      print(VERSION);
      return 0;
    }
    if (at < 0) {
      print(await renderUsage(root));
      return argv.some((a) => a === "--help" || a === "-h") ? 0 : 2;
    }
    const argsOf = async (name: string) => {
      const cmd = await subCommands[name]();
      return ((typeof cmd.args === "function" ? await cmd.args() : cmd.args) ?? {}) as ArgsDef;
    };
    const steps = await splitSteps(argv, at, (n) => Object.hasOwn(subCommands, n), argsOf);
    for (const step of steps) applyVerbose(step.rawArgs);
    const help = steps.find((s) => s.rawArgs.includes("--help") || s.rawArgs.includes("-h"));
    if (help) {
      print(await renderUsage(await subCommands[help.name](), root));
      return 0;
    }
    for (const step of steps) {
      const bad = unknownArguments(step.rawArgs, await argsOf(step.name));
      if (bad.length) {
        throw new UsageError(`unknown argument ${bad.join(", ")} for ${step.name}; run serverdb-etl ${step.name} --help`);
      }
    }
    // Steps run in order and stop at the first failure, naming the step. Each step's
    // connections and lock are released before the next step takes its own.
    for (const step of steps) {
      try {
        await runCommand(await subCommands[step.name](), { rawArgs: step.rawArgs });
      } catch (err) {
        if (steps.length > 1 && err instanceof Error) err.message = `step ${step.name}: ${err.message}`;
        throw err;
      } finally {
        await runCleanups();
      }
    }
    return 0;
  } catch (err) {
    return reportError(err);
  } finally {
    await runCleanups();
  }
}

function reportError(err: unknown): number {
  const code = (err as { code?: string })?.code;
  // citty's own argument errors are usage errors.
  if (!(err instanceof EtlError) && (err as Error)?.name === "CLIError") {
    process.stderr.write(`serverdb-etl: ${(err as Error).message.replace(/\x1b\[[0-9;]*m/g, "")}\n`);
    return 2;
  }
  const message = maskSecrets(err instanceof Error ? err.message : String(err));
  if (isUserFacing(err)) {
    process.stderr.write(`serverdb-etl: error: ${message}\n`);
  } else {
    process.stderr.write(`serverdb-etl: unexpected error${code ? ` (${code})` : ""}: ${message}; rerun with --verbose DEBUG for details\n`);
  }
  if (isDebug() && err instanceof Error && err.stack) process.stderr.write(maskSecrets(err.stack) + "\n");
  return exitCodeOf(err);
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  process.exit(code);
}
