// A small parser of the Prometheus text exposition format (what node_exporter's textfile
// collector reads), strict enough to reject what the collector would: HELP/TYPE comments, then
// `name{label="value",…} number` samples, each family's TYPE before its samples, one HELP and one
// TYPE per family, a family's samples together, no duplicates. And the README's missed-night
// alert, evaluated on a parsed file as Prometheus would.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
  help: Map<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"(,|$)/.exec(rest);
    if (!m) throw new Error(`bad labels in ${JSON.stringify(line)}`);
    if (m[1]! in labels) throw new Error(`label ${m[1]} twice in ${JSON.stringify(line)}`);
    labels[m[1]!] = m[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
    rest = rest.slice(m[0].length);
  }
  return labels;
}

export function parseExposition(text: string): Exposition {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  const out: Exposition = { samples: [], types: new Map(), help: new Map() };
  const seen = new Set<string>();
  /** Families whose lines are over: a later line of theirs would split the family. */
  const closed = new Set<string>();
  let current: string | undefined;
  const enter = (name: string) => {
    if (name === current) return;
    if (closed.has(name)) throw new Error(`the lines of ${name} are not together`);
    if (current !== undefined) closed.add(current);
    current = name;
  };
  for (const line of text.slice(0, -1).split("\n")) {
    if (line === "") continue;
    const comment = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment;
      if (!NAME.test(name!)) throw new Error(`bad metric name ${name}`);
      enter(name!);
      if (kind === "TYPE") {
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(rest!)) throw new Error(`bad TYPE ${rest}`);
        if (out.samples.some((s) => s.name === name)) throw new Error(`TYPE of ${name} after its samples`);
        if (out.types.has(name!)) throw new Error(`second TYPE line for ${name}`);
        out.types.set(name!, rest!);
      } else {
        if (out.help.has(name!)) throw new Error(`second HELP line for ${name}`);
        out.help.set(name!, rest!);
      }
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`bad sample line ${JSON.stringify(line)}`);
    const value = m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : m[3] === "NaN" ? NaN : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== "NaN") throw new Error(`bad value in ${JSON.stringify(line)}`);
    const sample = { name: m[1]!, labels: parseLabels(m[2] ?? "", line), value };
    enter(sample.name);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) throw new Error(`duplicate sample ${JSON.stringify(line)}`);
    seen.add(key);
    out.samples.push(sample);
  }
  return out;
}

/** The value of the one sample of `name` whose labels include `labels`; throws if not exactly one. */
export function valueOf(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length !== 1) throw new Error(`${found.length} samples of ${name}${JSON.stringify(labels)}`);
  return found[0]!.value;
}

export function has(e: Exposition, name: string, labels: Record<string, string> = {}): boolean {
  return e.samples.some((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/**
 * A staleness alert of the README's form, `time() - metric{label="value",…} > N * M`, evaluated
 * at `nowS` on a parsed file: the series its selector matches, and those for which it fires. An
 * alert whose selector matches nothing never fires, whatever the time.
 */
export function evaluateStalenessAlert(e: Exposition, expr: string, nowS: number): { matched: Sample[]; firing: Sample[] } {
  const m = /^time\(\) - ([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\} > ([\d\s*]+)$/.exec(expr.trim());
  if (!m) throw new Error(`not an alert of the form time() - metric{…} > N: ${expr}`);
  const labels = parseLabels(m[2]!, expr);
  const threshold = m[3]!.split("*").reduce((product, factor) => product * Number(factor.trim()), 1);
  const matched = e.samples.filter((s) => s.name === m[1] && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return { matched, firing: matched.filter((s) => nowS - s.value > threshold) };
}

/** The missed-night alert exactly as the README gives it. */
export function readmeAlert(): string {
  const m = /An alert on a missed night: `([^`]+)`/.exec(readFileSync(join(import.meta.dir, "../../README.md"), "utf8"));
  if (!m) throw new Error("README.md no longer gives the missed-night alert");
  return m[1]!;
}
