// Puts a finished report where it was asked to go: stdout, or a file written whole (a temporary
// file renamed into place, so a failed run never leaves half a report), or for csv a directory.
import { mkdirSync, renameSync, writeFileSync, existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../../errors.ts";
import type { CapacityReport } from "../types.ts";
import { renderTerminal } from "./terminal.ts";
import { renderJson } from "./json.ts";
import { renderCsv } from "./csv.ts";
import { renderHtml } from "./html.ts";

export const REPORT_FORMATS = ["text", "json", "html", "csv"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

function writeWhole(path: string, text: string): void {
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) throw new UsageError(`--out ${path}: the directory ${dir} does not exist; create it or choose another path`);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Writes the report; returns where (a path), or null when it went to stdout. */
export async function writeReport(report: CapacityReport, format: ReportFormat, out: string | undefined, target: string): Promise<string | null> {
  if (format === "csv") {
    const dir = out!;
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--out ${dir} is a file; --format csv writes one file per section into a directory`);
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of renderCsv(report)) writeWhole(join(dir, name), text);
    return dir;
  }
  const text = format === "json" ? renderJson(report) : format === "html" ? await renderHtml(report) : renderTerminal(report, target);
  if (!out) {
    // Bun.write resolves once every byte is out; process.stdout.write to a pipe does not, and
    // the exit that follows cut `report --format json | jq` at 64-128 KiB of 2.6 MB.
    // A reader that stopped early (`| head`) is not an error of ours.
    await Bun.write(Bun.stdout, text).catch((err: NodeJS.ErrnoException) => {
      if (err?.code !== "EPIPE") throw err;
    });
    return null;
  }
  writeWhole(out, text);
  return out;
}
