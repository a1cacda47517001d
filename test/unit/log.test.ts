import { afterEach, describe, expect, test } from "bun:test";
import { logger, maskSecrets, setLogLevel } from "../../src/log.ts";

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
