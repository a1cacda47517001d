// Chained commands, as in the original tool: `serverdb-etl etl aggregate` runs the named
// steps in order in one process. Splits argv into steps and checks each step's options;
// options before the first command apply to every step.
import type { ArgsDef } from "citty";
import { UsageError } from "../errors.ts";

export interface Step {
  name: string;
  /** The step's own arguments followed by the common (pre-command) ones. */
  rawArgs: string[];
}

/** Names of a command's options that take a value (so the next token is not a command). */
function valueOptions(args: ArgsDef): Set<string> {
  const out = new Set<string>();
  for (const [name, def] of Object.entries(args)) {
    if (def.type !== "string" && def.type !== "enum") continue;
    out.add(`--${name}`);
    for (const a of [(def as { alias?: string | string[] }).alias ?? []].flat()) out.add(a.length === 1 ? `-${a}` : `--${a}`);
  }
  return out;
}

/**
 * Split `argv` (command names at `at` and later) into steps. `argsOf` returns a command's
 * argument definitions; a token that names a command and is not an option's value starts
 * the next step.
 */
export async function splitSteps(
  argv: readonly string[],
  at: number,
  isCommand: (name: string) => boolean,
  argsOf: (name: string) => Promise<ArgsDef>,
): Promise<Step[]> {
  const common = argv.slice(0, at);
  const steps: Step[] = [];
  let current: Step | undefined;
  let takesValue = new Set<string>();
  for (let i = at; i < argv.length; i++) {
    const token = argv[i];
    if (!current || (isCommand(token) && !token.startsWith("-"))) {
      if (!isCommand(token)) throw new UsageError(`unknown command ${JSON.stringify(token)}; run serverdb-etl --help for the list`);
      current = { name: token, rawArgs: [] };
      steps.push(current);
      takesValue = valueOptions(await argsOf(token));
      continue;
    }
    current.rawArgs.push(token);
    if (takesValue.has(token) && i + 1 < argv.length) current.rawArgs.push(argv[++i]);
  }
  for (const step of steps) step.rawArgs.push(...common);
  return steps;
}

/** Options a command does not declare, and stray words (citty would silently ignore both). */
export function unknownArguments(rawArgs: readonly string[], args: ArgsDef): string[] {
  const known = new Set<string>(["help", "h"]);
  const takesValue = valueOptions(args);
  const positionals = Object.values(args).filter((d) => d.type === "positional").length;
  for (const [name, def] of Object.entries(args)) {
    known.add(name);
    if (def.type === "boolean") known.add(`no-${name}`);
    for (const a of [(def as { alias?: string | string[] }).alias ?? []].flat()) known.add(a);
  }
  const bad: string[] = [];
  let words = 0;
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i];
    if (a === "--") break;
    if (!a.startsWith("-") || /^-\d/.test(a)) {
      if (++words > positionals) bad.push(a);
      continue;
    }
    const name = a.replace(/^-{1,2}/, "").split("=")[0];
    if (!known.has(name)) bad.push(a.split("=")[0]);
    else if (!a.includes("=") && takesValue.has(a)) i++;
  }
  return bad;
}
