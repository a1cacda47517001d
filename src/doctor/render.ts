// doctor's report as an aligned text table (people) or JSON (scripts). Pure: rows in, text out.
// The table is followed by the fixes' SQL, one statement a line, ready to paste into a client.
import type { CheckResult, ReportRow } from "./types.ts";

const SHOWN: Record<CheckResult, string> = { ok: "ok", warn: "WARN", fail: "FAIL" };

export interface Summary {
  ok: number;
  warn: number;
  fail: number;
}

export function summarize(rows: readonly ReportRow[]): Summary {
  const s: Summary = { ok: 0, warn: 0, fail: 0 };
  for (const r of rows) s[r.result]++;
  return s;
}

/** One line per check; the last column holds the detail and, for anything not ok, the fix. */
export function renderTable(rows: readonly ReportRow[]): string {
  const header = ["ROLE", "ENDPOINT", "CHECK", "RESULT", "DETAIL"];
  const cells = rows.map((r) => [r.role, r.endpoint, r.check, SHOWN[r.result], r.fix ? `${r.detail}; fix: ${r.fix}` : r.detail]);
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((text, i) => (i < widths.length ? text.padEnd(widths[i]) : text)).join("  ").trimEnd();
  const s = summarize(rows);
  const summary = `${rows.length} checks: ${s.ok} ok, ${s.warn} ${s.warn === 1 ? "warning" : "warnings"}, ${s.fail} failed`;
  return [line(header), ...cells.map(line), "", summary, ...renderStatements(rows)].join("\n") + "\n";
}

/** The statements of every row that has some, under a comment naming the row; nothing when none has. */
function renderStatements(rows: readonly ReportRow[]): string[] {
  const withStatements = rows.filter((r) => r.statements?.length);
  if (!withStatements.length) return [];
  const out = ["", "-- To apply the fixes above, run as an administrator (doctor itself changes nothing):"];
  for (const r of withStatements) {
    out.push(`-- ${r.role} ${r.endpoint}: ${r.check}`, ...r.statements!.map((s) => `${s};`));
  }
  return out;
}

/** The same rows for scripts: { ok, summary, checks: [{ role, endpoint, check, result, detail, fix?, statements? }] }. */
export function renderJson(rows: readonly ReportRow[]): string {
  const summary = summarize(rows);
  const checks = rows.map(({ role, endpoint, check, result, detail, fix, statements }) => ({
    role,
    endpoint,
    check,
    result,
    detail,
    ...(fix ? { fix } : {}),
    ...(statements?.length ? { statements } : {}),
  }));
  return JSON.stringify({ ok: summary.fail === 0, summary, checks }, null, 2) + "\n";
}
