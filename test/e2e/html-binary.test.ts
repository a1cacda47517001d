// The HTML report renders inside a `bun build --compile` binary: a probe entry that renders the
// fixture report is compiled with build.ts's options (esm, bytecode, minify) into a temp dir and run
// there with nothing but PATH=/usr/bin:/bin, away from the repo's node_modules; its file must hold
// every chart as inline SVG and reference nothing outside itself.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { chooseSeries } from "../../src/report/render/chart-spec.ts";
import { fixtureReport } from "../support/report-fixture.ts";
import { compileProbe } from "../support/compile-probe.ts";

const PROBE = join(import.meta.dir, "../support/html-probe.ts");
let dir = "";
let bin = "";

beforeAll(async () => {
  ({ dir, bin } = await compileProbe(PROBE, "html-probe"));
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the HTML renderer in a compiled binary", () => {
  test("renders every chart as inline SVG with no external reference", async () => {
    const out = join(dir, "report.html");
    const proc = Bun.spawn(["env", "-i", "PATH=/usr/bin:/bin", bin, out], { cwd: dir, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
    const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    clearTimeout(timer);
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(JSON.parse(stdout).ms).toBeLessThan(2_000);

    const html = readFileSync(out, "utf8");
    const expected = chooseSeries(fixtureReport()).flatMap((c) => c.series.map((s) => `${s.dimension}:${s.key}`));
    const figures = [...html.matchAll(/<figure class="chart" data-series="([^"]*)">([\s\S]*?)<\/figure>/g)];
    const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
    expect(figures.map((f) => unescape(f[1]!))).toEqual(expected);
    for (const [, , body] of figures) {
      expect(body).toMatch(/^<svg role="img" aria-label="[^"]+" xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(body).toMatch(/class="mark-line role-mark[^"]*"[^>]*>\s*<path [^>]*d="M[^"]{100,}"/);
    }
    expect(html).not.toMatch(/(?:href|src)\s*=\s*["']?(?!#)[a-z]+:|url\(|@import|<script|<link|<img/i);
  }, 60_000);
});
