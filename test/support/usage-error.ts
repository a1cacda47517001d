// The one-line message of the UsageError that `fn` throws; fails the test when it throws
// something else, a message of several lines, or nothing.
import { expect } from "bun:test";
import { UsageError } from "../../src/errors.ts";

export function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    const message = (err as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    return message;
  }
  throw new Error("no error");
}
