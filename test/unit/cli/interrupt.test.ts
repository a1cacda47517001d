// The stop request that SIGINT/SIGTERM records: checked between batches, and ending waits at once.
import { afterEach, describe, expect, test } from "bun:test";
import { InterruptedError, exitCodeOf } from "../../../src/errors.ts";
import { interruptedBy, requestInterrupt, resetInterrupt, throwIfInterrupted, unlessInterrupted } from "../../../src/cli/interrupt.ts";

afterEach(() => resetInterrupt());

describe("interrupt", () => {
  test("nothing requested: the checks pass and promises resolve as they would", async () => {
    expect(() => throwIfInterrupted()).not.toThrow();
    expect(await unlessInterrupted(Promise.resolve(42))).toBe(42);
    await expect(unlessInterrupted(Promise.reject(new Error("own failure")))).rejects.toThrow("own failure");
  });

  test("the first signal counts; the check then throws InterruptedError (exit 130) naming it", () => {
    expect(requestInterrupt("SIGTERM")).toBe(true);
    expect(requestInterrupt("SIGINT")).toBe(false); // the second one is the caller's cue to exit at once
    expect(interruptedBy()).toBe("SIGTERM");
    let caught: unknown;
    try {
      throwIfInterrupted();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InterruptedError);
    expect(exitCodeOf(caught)).toBe(130);
    expect((caught as Error).message).toStartWith("interrupted by SIGTERM: ");
    expect((caught as Error).message).toContain("rerun");
  });

  test("a wait in progress (a stalled replica) ends as soon as the stop is requested", async () => {
    const never = new Promise<void>(() => {});
    const started = performance.now();
    setTimeout(() => requestInterrupt("SIGINT"), 20);
    await expect(unlessInterrupted(never)).rejects.toBeInstanceOf(InterruptedError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
