// --help, laid out for a terminal: the content citty's renderUsage shows (description, usage,
// options with their defaults, subcommands), wrapped to 80 columns (or a narrower terminal) with
// no trailing blanks. citty pads every option line to the longest description: 2,000+ columns.
import type { ArgDef, ArgsDef, CommandDef, CommandMeta, SubCommandsDef } from "citty";
import { width, wrap } from "../progress/fit.ts";

/** The widest help, whatever the terminal. */
export const HELP_WIDTH = 80;
/** Option names wider than this put their description on the next line. */
const NAME_COLUMN_MAX = 26;

type AnyCommand = CommandDef<any>;
type Resolvable<T> = T | (() => T | Promise<T>) | Promise<T>;

async function resolve<T>(value: Resolvable<T> | undefined): Promise<T | undefined> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;
}

/** `text` in lines of at most `max` columns, each line after the first starting with `indent`. */
function fill(text: string, max: number, firstPrefix: string, indent: string): string[] {
  const room = Math.max(20, max - Math.max(width(firstPrefix), width(indent)));
  return wrap(text, room, "").map((l, i) => (i === 0 ? firstPrefix + l : indent + l));
}

/**
 * A description as lines: runs of unindented lines are one paragraph (reflowed), an indented
 * line is a row of its own (a table or list item), whose continuation lines start under its text
 * after the first gap of two or more blanks.
 */
export function layoutText(text: string, max: number): string[] {
  const out: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(...fill(paragraph.join(" "), max, "", ""));
    paragraph = [];
  };
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      flush();
      out.push("");
    } else if (/^\s/.test(line)) {
      flush();
      const m = /^(\s*\S+(?: \S+)*\s{2,})(.*)$/.exec(line) ?? /^(\s*)(.*)$/.exec(line)!;
      const head = m[1]!;
      out.push(...fill(m[2]!.trim(), max, head, " ".repeat(width(head))));
    } else paragraph.push(line.trim());
  }
  flush();
  return out;
}

/** Two columns: each name, then its text wrapped in the column after the widest name (or on the next line when the name is too wide). */
function twoColumns(rows: ReadonlyArray<[string, string]>, max: number): string[] {
  const nameWidth = Math.min(NAME_COLUMN_MAX, Math.max(0, ...rows.map(([n]) => width(n))));
  const indent = " ".repeat(2 + nameWidth + 2);
  const out: string[] = [];
  for (const [name, text] of rows) {
    if (width(name) > nameWidth) {
      out.push(`  ${name}`);
      if (text) out.push(...fill(text, max, indent, indent));
    } else {
      out.push(...fill(text, max, `  ${name.padEnd(nameWidth)}  `, indent));
    }
  }
  return out.map((l) => l.trimEnd());
}

function valueHint(name: string, arg: ArgDef): string {
  if (arg.type === "boolean" || arg.type === "positional" || !arg.type) return "";
  if (arg.type === "enum" && arg.options?.length) return `=<${arg.options.join("|")}>`;
  return `=<${arg.valueHint ?? name}>`;
}

function argRows(args: ArgsDef): { options: Array<[string, string]>; positionals: Array<[string, string]>; required: string[] } {
  const options: Array<[string, string]> = [];
  const positionals: Array<[string, string]> = [];
  const required: string[] = [];
  for (const [name, def] of Object.entries(args)) {
    const arg = def as ArgDef & { alias?: string | string[]; negativeDescription?: string };
    const hints = [arg.description ?? ""];
    if (arg.type === "positional") {
      const isRequired = arg.required !== false && arg.default === undefined;
      if (arg.default !== undefined) hints.push(`(Default: ${arg.default})`);
      positionals.push([name.toUpperCase(), hints.filter(Boolean).join(" ")]);
      required.push(isRequired ? `<${name.toUpperCase()}>` : `[${name.toUpperCase()}]`);
      continue;
    }
    const isRequired = arg.required === true && arg.default === undefined;
    if (isRequired) hints.push("(Required)");
    if (arg.default !== undefined) hints.push(`(Default: ${arg.default})`);
    const aliases = [arg.alias ?? []].flat().map((a) => (a.length === 1 ? `-${a}` : `--${a}`));
    options.push([[...aliases, `--${name}`].join(", ") + valueHint(name, arg), hints.filter(Boolean).join(" ")]);
    if (arg.type === "boolean" && (arg.default === true || arg.negativeDescription) && !/^no[-A-Z]/.test(name)) {
      options.push([`--no-${name}`, arg.negativeDescription ?? ""]);
    }
    if (isRequired) required.push(`--${name}${valueHint(name, arg)}`);
  }
  return { options, positionals, required };
}

/**
 * The first clause of a description, as a sentence: a command's line in its parent's list. It
 * ends at the first `.`, `;` or `:` outside parentheses that ends a clause ("e.g. the" does not).
 */
export function firstSentence(description: string): string {
  const text = description.split(/\n\s*\n/)[0]!.replace(/\s*\n\s*/g, " ").trim();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (depth === 0 && (c === ";" || c === ":" || c === ".") && /^(\s|$)/.test(text.slice(i + 1))) {
      if (c === "." && !/^(\s+[A-Z(]|$)/.test(text.slice(i + 1))) continue;
      return `${text.slice(0, i)}.`;
    }
  }
  return text;
}

/** The help of `cmd` (a subcommand of `parent`, if given), at most `max` columns wide. */
export async function renderHelp(cmd: AnyCommand, parent?: AnyCommand, max = HELP_WIDTH): Promise<string> {
  const meta = (await resolve<CommandMeta>(cmd.meta)) ?? {};
  const parentMeta = (await resolve<CommandMeta>(parent?.meta)) ?? {};
  const args = (await resolve<ArgsDef>(cmd.args)) ?? {};
  const subCommands = await resolve<SubCommandsDef>(cmd.subCommands);
  const name = [parentMeta.name, meta.name].filter(Boolean).join(" ");
  const version = meta.version ?? parentMeta.version;
  const { options, positionals, required } = argRows(args);

  const lines = layoutText(`${(meta.description ?? "").trimEnd()}${version ? ` (${name} v${version})` : ""}`, max);
  const usage = [name, options.length ? "[OPTIONS]" : "", ...required, subCommands ? "<command> [OPTIONS]" : ""].filter(Boolean).join(" ");
  lines.push("", ...fill(`USAGE ${usage}`, max, "", "      "), "");
  if (positionals.length) lines.push("ARGUMENTS", "", ...twoColumns(positionals, max), "");
  if (options.length) lines.push("OPTIONS", "", ...twoColumns(options, max), "");
  if (subCommands) {
    const rows: Array<[string, string]> = [];
    for (const [sub, def] of Object.entries(subCommands)) {
      const subMeta = await resolve<CommandMeta>((await resolve<AnyCommand>(def as Resolvable<AnyCommand>))?.meta);
      if (subMeta?.hidden) continue;
      rows.push([sub, firstSentence(subMeta?.description ?? "")]);
    }
    lines.push("COMMANDS", "", ...twoColumns(rows, max), "", ...fill(`Use ${name} <command> --help for more information about a command.`, max, "", ""));
  }
  return lines.map((l) => l.trimEnd()).join("\n").replace(/\n+$/, "");
}

/** The width to lay help out in: 80, or the terminal's when it is narrower. */
export function helpWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  const columns = stream.isTTY && stream.columns ? stream.columns : HELP_WIDTH;
  return Math.max(40, Math.min(HELP_WIDTH, columns));
}
