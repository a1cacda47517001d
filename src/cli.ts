#!/usr/bin/env bun
// Entry point: the root command, a lazy map of subcommands, and main(), which turns
// errors into one line and an exit code (see the table in errors.ts).
import { defineCommand, renderUsage, runCommand, type ArgsDef, type CommandDef } from "citty";
import { EtlError, UsageError, exitCodeOf, isUserFacing } from "./errors.ts";
import { LOG_LEVELS, isDebug, log, maskSecrets, setLogLevel, type LogLevelName } from "./log.ts";
import { globalArgs } from "./commands/_args.ts";
import { VERSION } from "./version.ts";

type AnyCommand = CommandDef<any>;

/** Subcommands, imported only when used (keeps --help and --version fast). */
export const subCommands: Record<string, () => Promise<AnyCommand>> = {
  generate: () => import("./commands/generate.ts").then((m) => m.default),
  doctor: () => import("./commands/doctor.ts").then((m) => m.default),
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

/** Cleanups registered by commands (pools, locks); run even when a command throws. */
const cleanups: Array<() => Promise<void> | void> = [];
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

async function runCleanups(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      log.debug("cleanup failed:", err);
    }
  }
}

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

/** Options given to a command that it does not declare (citty would silently ignore them). */
function unknownOptions(rawArgs: readonly string[], args: ArgsDef): string[] {
  const known = new Set<string>(["help", "h"]);
  for (const [name, def] of Object.entries(args)) {
    known.add(name);
    if (def.type === "boolean") known.add(`no-${name}`);
    for (const a of [(def as { alias?: string | string[] }).alias ?? []].flat()) known.add(a);
  }
  const bad: string[] = [];
  for (const a of rawArgs) {
    if (a === "--") break;
    if (!a.startsWith("-") || /^-\d/.test(a)) continue;
    const name = a.replace(/^-{1,2}/, "").split("=")[0];
    if (!known.has(name)) bad.push(a.split("=")[0]);
  }
  return bad;
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
    if (argv.includes("--version") || argv.includes("-V")) {
      print(VERSION);
      return 0;
    }
    const at = commandIndex(argv);
    if (at < 0) {
      print(await renderUsage(root));
      return argv.some((a) => a === "--help" || a === "-h") ? 0 : 2;
    }
    const name = argv[at];
    const load = subCommands[name];
    if (!load) throw new UsageError(`unknown command ${JSON.stringify(name)}; run serverdb-etl --help for the list`);
    // Root options before the command name apply to the command: move them after it.
    const rawArgs = [...argv.slice(at + 1), ...argv.slice(0, at)];
    applyVerbose(rawArgs);
    const cmd = await load();
    const args = ((typeof cmd.args === "function" ? await cmd.args() : cmd.args) ?? {}) as ArgsDef;
    if (rawArgs.includes("--help") || rawArgs.includes("-h")) {
      print(await renderUsage(cmd, root));
      return 0;
    }
    const bad = unknownOptions(rawArgs, args);
    if (bad.length) throw new UsageError(`unknown option ${bad.join(", ")} for ${name}; run serverdb-etl ${name} --help`);
    await runCommand(cmd, { rawArgs });
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
