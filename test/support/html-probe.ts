// Entry of the compiled probe in test/e2e/html-binary.test.ts: renders the fixture report with the
// real HTML renderer (vega, vega-lite and all, bundled) and writes it to the path in argv; prints
// {"ms": render time} on stdout. Exit 2 without a path.
import { renderHtml } from "../../src/report/render/html.ts";
import { fixtureReport } from "./report-fixture.ts";

const out = process.argv[2];
if (!out) {
  process.stderr.write("usage: html-probe OUT.html\n");
  process.exit(2);
}
const started = performance.now();
const html = await renderHtml(fixtureReport());
const ms = performance.now() - started;
await Bun.write(out, html);
process.stdout.write(`${JSON.stringify({ ms: Math.round(ms) })}\n`);
