// The demo's printout, for a person: what is about to happen, one timed line per step, where
// the files are, and the example queries with their results. Pure: values in, text out.
import { describeEndpoint, type Endpoint } from "../settings/dsn.ts";
import { engineFor } from "../engine/index.ts";
import { shellWord } from "../engine/shell-word.ts";
import { renderResult, shellCommand, type ExampleResult } from "./demo-queries.ts";
import { where, type DemoOptions, type DemoResult, type StepLine } from "./demo.ts";

const STEP_WIDTH = "run: aggregate".length;

export function formatIntro(o: DemoOptions): string {
  return (
    `serverdb-etl demo: a synthetic ServerDB of ${o.servers} servers (seed ${o.seed}), snapshotted into a warehouse ` +
    `as the nightly job does it, for ${o.reportDate}.\n\nWhat happened\n`
  );
}

export function formatStepLine(line: StepLine): string {
  return `  ${line.step.padEnd(STEP_WIDTH)}  ${line.seconds.toFixed(1).padStart(5)} s  ${line.text}`;
}

export function formatFiles(o: DemoOptions): string {
  const rows: Array<[string, string, string]> = [
    ["ServerDB", where(o.source), "the source: Django's servers_* tables, as the etl reads them"],
    ["warehouse", where(o.target), "server_facts, server_fact_roles, etl_runs and the server_by_* aggregates"],
    ["report", o.reportHtml, "the capacity report: one HTML file, open it in a browser (it needs no network)"],
    ["config", o.config, "its config: columns declared from the site tables ([facts]), refresh ages and a power catalog ([report], illustrative watts)"],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return [
    "Files",
    ...rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`),
  ].join("\n");
}

function indent(text: string, by: string): string {
  return text
    .split("\n")
    .map((l) => (l ? by + l : l))
    .join("\n");
}

export function formatExamples(examples: readonly ExampleResult[], target: Endpoint): string {
  const { client } = engineFor(target);
  const parts = [`Example queries (copy a command to run it with the ${client} client; the SQL runs as is on SQLite and MySQL)`];
  examples.forEach((e, i) => {
    parts.push(`${i + 1}. ${e.query.title}\n\n${indent(shellCommand(target, e.query.sql), "   ")}\n\n${indent(renderResult(e.columns, e.rows), "   ")}`);
  });
  return parts.join("\n\n");
}

/** The closing lines; `self` is how a shell runs this tool (cli/self-command.ts), so the command works as printed. */
export function formatOutro(o: DemoOptions, r: DemoResult, self: readonly string[]): string {
  const dsn = (ep: Endpoint) => shellWord(describeEndpoint(ep));
  // One option a line (backslash continuations), so it stays copyable in an 80-column terminal.
  return (
    `Done in ${r.seconds.toFixed(1)} s. The capacity report is ${o.reportHtml}; in the terminal:\n` +
    `  ${[...self.map(shellWord), "report"].join(" ")} \\\n    --target ${dsn(o.target)} \\\n    --config ${shellWord(o.config)}\n\n` +
    `Run the nightly job again (it replaces the day's snapshot; the config declares the site columns):\n` +
    `  ${[...self.map(shellWord), "run"].join(" ")} \\\n    --source ${dsn(o.source)} \\\n    --target ${dsn(o.target)} \\\n    --config ${shellWord(o.config)}`
  );
}
