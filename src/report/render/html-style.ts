// The report page's inline stylesheet: system fonts only (the file is opened offline), readable
// tables, charts that shrink to the window, and print-friendly sections.

/** CSS for the <style> element of the page. */
export const PAGE_CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1b1b1b; background: #fff; margin: 0 auto; padding: 1.5rem 2rem 4rem; max-width: 1400px; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2.5rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid #1f4e79; }
h3 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
p.meta { color: #555; margin: 0 0 1rem; }
nav ol { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0; list-style: none; }
table { border-collapse: collapse; margin: .25rem 0 1rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
thead th { text-align: left; border-bottom: 2px solid #bbb; background: #f6f7f9; position: sticky; top: 0; }
tbody th { text-align: left; font-weight: 500; white-space: nowrap; }
.num { text-align: right; white-space: nowrap; }
tbody tr:hover { background: #f3f6fa; }
.flag { display: inline-block; margin-left: .35rem; padding: 0 .35rem; border-radius: 3px; background: #b3261e; color: #fff; font-size: .8em; font-weight: 600; white-space: nowrap; }
.empty, .legend, .limit { color: #555; font-style: italic; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 1rem; }
figure.chart { margin: 0; padding: .5rem; border: 1px solid #e3e3e3; border-radius: 4px; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: .9rem; margin-top: .25rem; }
.key-legend span { display: inline-block; margin-right: 1rem; }
.swatch { display: inline-block; width: 1.5rem; height: .6rem; margin-right: .3rem; vertical-align: middle; }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
@media print { thead th { position: static; } section { break-inside: avoid-page; } }
`;
