// The forecast inside a compiled binary: build test/support/forecast-probe.ts with build.ts's
// options into a temp dir, run it with PATH=/usr/bin:/bin (no Bun) from there, and check it read
// the .wasm embedded in the binary and printed the same 13 bands as forecastWeekly does here.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { forecastWeekly } from "../../src/report/forecast.ts";
import { PROBE_SERIES } from "../support/forecast-probe.ts";
import { compileProbe } from "../support/compile-probe.ts";

let dir = "";
let bin = "";

beforeAll(async () => {
  ({ dir, bin } = await compileProbe(join(import.meta.dir, "../support/forecast-probe.ts"), "forecast-probe"));
}, 30_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("src/report/forecast.ts compiled", () => {
  test("forecasts 13 weeks from the .wasm embedded in the binary, as it does under bun", async () => {
    const proc = Bun.spawn(["env", "-i", "PATH=/usr/bin:/bin", bin], { cwd: dir, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    clearTimeout(timer);
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });

    const { wasm, outcome } = JSON.parse(stdout);
    expect(wasm).toStartWith("/$bunfs/");
    expect(outcome.ok).toBe(true);
    expect(outcome.model).toBe("AutoETS");
    expect(outcome.ahead).toHaveLength(13);
    for (const b of outcome.ahead) {
      expect(0 <= b.lo95 && b.lo95 <= b.lo80 && b.lo80 <= b.point && b.point <= b.hi80 && b.hi80 <= b.hi95).toBe(true);
    }
    expect(outcome.backtest.origins).toBe(8);
    // The same WASM on the same series: the same numbers (through JSON) as in this process.
    expect(outcome).toEqual(JSON.parse(JSON.stringify(await forecastWeekly(PROBE_SERIES, 13))));
  });
});
