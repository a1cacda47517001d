import { afterEach, describe, expect, test } from "bun:test";
import { errorFields, logger, maskSecrets, setLogFormat, setLogLevel, setLogSink } from "../../src/log.ts";
import { LockHeldError, TransientDbError } from "../../src/errors.ts";

describe("log levels", () => {
  afterEach(() => setLogLevel("WARNING"));

  test("a child logger made before --verbose follows the level set later", () => {
    const early = logger("made-early");
    setLogLevel("DEBUG");
    expect(early.level).toBe(4);
    setLogLevel("ERROR");
    expect(early.level).toBe(0);
  });

  test("the same tag gives the same child", () => {
    expect(logger("same")).toBe(logger("same"));
  });
});

describe("maskSecrets", () => {
  const cases: Array<[string, string]> = [
    ["mysql://etl:s3cret@db1:3306/serverdb2", "mysql://etl:***@db1:3306/serverdb2"],
    // regression: a password with '@' was masked only up to its first '@'
    ["mysql://etl:p@ss@w0rd@db1/x", "mysql://etl:***@db1/x"],
    ["mysql://etl@db1/x", "mysql://etl@db1/x"],
    ["two: mysql://a:x@h1/d and mysql://b:y@h2/e", "two: mysql://a:***@h1/d and mysql://b:***@h2/e"],
    ["no dsn here: a:b@c", "no dsn here: a:b@c"],
  ];
  test.each(cases)("%s", (input, masked) => {
    expect(maskSecrets(input)).toBe(masked);
  });
});

describe("errorFields: what a JSON line says about an error", () => {
  const driverError = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
  const cases: Array<[string, unknown, Record<string, unknown>]> = [
    ["one of ours", new LockHeldError("another run holds the lock"), { error: "another run holds the lock", error_class: "LockHeldError" }],
    ["with the driver's code", new TransientDbError("deadlock", "ER_LOCK_DEADLOCK"), { error: "deadlock", error_class: "TransientDbError", code: "ER_LOCK_DEADLOCK" }],
    ["a driver's own error", driverError, { error: "connect ECONNREFUSED 127.0.0.1:1", error_class: "Error", code: "ECONNREFUSED" }],
    // a replica's Last_SQL_Error spans lines; a JSON consumer wants one
    ["several lines", new Error("first\n  second"), { error: "first second", error_class: "Error" }],
    ["a password in the message", new Error("mysql://etl:s3cret@db1/x refused"), { error: "mysql://etl:***@db1/x refused", error_class: "Error" }],
    ["not an Error", "just text", { error: "just text", error_class: "string" }],
  ];
  test.each(cases)("%s", (_what, err, fields) => {
    expect(errorFields(err)).toEqual(fields);
  });
});

describe("JSON log lines about an error", () => {
  afterEach(() => {
    setLogFormat("text");
    setLogSink(undefined);
  });

  test("an Error among a warning's arguments becomes error, error_class and code fields; passwords masked", () => {
    const lines: string[] = [];
    setLogFormat("json");
    setLogSink((l) => lines.push(l));
    const err = Object.assign(new Error("mysql://etl:s3cret@db1/x: Lost connection"), { code: "PROTOCOL_CONNECTION_LOST" });
    logger("json-test").warn("close failed:", err);
    const rec = JSON.parse(lines[0]!);
    // regression: the line had only the text; the error had no field, and the password was in the message
    expect(rec).toMatchObject({
      level: "warning",
      logger: "json-test",
      message: "close failed: mysql://etl:***@db1/x: Lost connection",
      error: "mysql://etl:***@db1/x: Lost connection",
      error_class: "Error",
      code: "PROTOCOL_CONNECTION_LOST",
    });
  });
});
