// The report's Assumptions section as HTML: refresh ages, aliases applied, virtual platforms,
// the power catalog, the backfill caveat and free notes, shown beside the numbers they shape.
import type { Assumptions } from "../types.ts";
import { escapeHtml } from "./escape.ts";
import { formatFixed, formatInt } from "./format.ts";
import { renderTable } from "./table.ts";

const list = (items: string[], empty: string) =>
  items.length ? `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>` : `<p class="empty">${escapeHtml(empty)}</p>`;

/** Assumptions → headings, tables and lists; every value from the record, escaped. */
export function assumptionsSection(a: Assumptions): string {
  return [
    `<p>Servers are due for refresh ${escapeHtml(formatFixed(a.default_refresh_years, 1))} years after delivery, unless a rule below matches the model.</p>`,
    "<h3>Refresh rules</h3>",
    renderTable(
      [{ header: "match" }, { header: "years", numeric: true }],
      a.refresh_rules.map((r) => [r.match, formatFixed(r.years, 1)]),
      { empty: "No model-specific rules: the default applies to every model." },
    ),
    "<h3>Aliases applied</h3>",
    renderTable(
      [{ header: "field" }, { header: "from" }, { header: "to" }, { header: "servers", numeric: true }],
      a.aliases_applied.map((x) => [x.field, x.from, x.to, formatInt(x.servers)]),
      { empty: "No alias changed a manufacturer or model." },
    ),
    "<h3>Virtual platforms</h3>",
    list(a.virtual_platforms, "None declared."),
    "<h3>Power catalog</h3>",
    renderTable(
      [{ header: "model" }, { header: "idle W", numeric: true }, { header: "loaded W", numeric: true }],
      a.power_catalog.map((p) => [p.model, formatInt(p.idle_watts), formatInt(p.loaded_watts)]),
      { empty: "The power catalog is empty: no estimates." },
    ),
    "<h3>Backfilled days</h3>",
    `<p>${escapeHtml(a.backfill_caveat ?? "No day in the range was written by backfill.")}</p>`,
    "<h3>Notes</h3>",
    list(a.notes, "No notes."),
  ].join("\n");
}
