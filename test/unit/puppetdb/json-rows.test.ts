// The incremental reader of a query answer: the same rows however the bytes are cut (inside a
// multi-byte character, an escape, a nested value), memory bounded by one row and one chunk, and
// one clear error for anything that is not an array of objects.
import { describe, expect, test } from "bun:test";
import { JsonRowsError, MAX_ROW_CHARS, emptyJsonRowsStats, jsonRows, type JsonRowsStats } from "../../../src/puppetdb/json-rows.ts";

async function* chunksOf(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(at, cut);
    at = cut;
  }
}

async function rows(bytes: Uint8Array | string, cuts: number[] = [], stats?: JsonRowsStats): Promise<unknown[]> {
  const b = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const out: unknown[] = [];
  for await (const r of jsonRows(chunksOf(b, cuts), stats)) out.push(r);
  return out;
}

async function refusal(text: string): Promise<JsonRowsError> {
  try {
    await rows(text);
  } catch (err) {
    expect(err).toBeInstanceOf(JsonRowsError);
    return err as JsonRowsError;
  }
  throw new Error("no error");
}

const SAMPLE = [
  { certname: "web1.example.com", "facts.processors.count": 4, "facts.os.release.full": "12.5" },
  // Braces, brackets, quotes and backslashes inside strings must not end the row.
  { certname: "wéb2.example.com", "facts.weird": 'a "}] {[" \\ \\" b', "facts.nested": { a: [1, { b: "]}" }], c: null } },
  { certname: "db-3.example.com", "facts.processors.count": null, "facts.emoji": "🦀 ✓", "facts.escapes": "\u0001\n\t\u2028" },
];

describe("jsonRows", () => {
  test("the same rows for every single cut of the bytes, including inside multi-byte characters", async () => {
    const text = ` \n[ ${SAMPLE.map((r) => JSON.stringify(r, null, 1)).join(" ,\n")} ]\n`;
    const bytes = new TextEncoder().encode(text);
    for (let cut = 0; cut <= bytes.length; cut++) expect(await rows(bytes, [cut])).toEqual(SAMPLE);
  });

  test("one byte per chunk", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify(SAMPLE));
    expect(await rows(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1))).toEqual(SAMPLE);
  });

  test("an empty array is no rows", async () => {
    expect(await rows("[]")).toEqual([]);
    expect(await rows(" [ \n ] ")).toEqual([]);
  });

  test("memory holds one row and one chunk, not the answer", async () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ certname: `n${i}.example.com`, "facts.pad": "x".repeat(100 + (i % 7)) }));
    const bytes = new TextEncoder().encode(JSON.stringify(many));
    const cuts = Array.from({ length: Math.floor(bytes.length / 1000) }, (_, i) => (i + 1) * 1000);
    const stats: JsonRowsStats = emptyJsonRowsStats();
    expect(await rows(bytes, cuts, stats)).toEqual(many);
    expect(stats.rows).toBe(2000);
    expect(stats.chars).toBe(bytes.length);
    const longestRow = Math.max(...many.map((r) => JSON.stringify(r).length));
    expect(stats.maxChunkChars).toBe(1000);
    expect(stats.maxBufferedChars).toBeLessThanOrEqual(1000 + longestRow);
    expect(stats.charsAtFirstRow).toBeLessThanOrEqual(1000);
    expect(stats.maxBufferedChars).toBeLessThan(bytes.length / 100);
  });

  const broken: [string, string, RegExp][] = [
    ["an HTML error page", "<html><body>502 Bad Gateway</body></html>", /^it is not a JSON array \(it starts with "<html><body>502 Bad Gateway<\/body><\/html"\)$/],
    ["an object instead of an array", '{"error": "x"}', /it is not a JSON array/],
    ["nothing at all", "", /^it is empty$/],
    ["cut off inside a row", '[{"certname": "a", "facts.x": 1}, {"certname": "b", "fac', /^it ends before the array does \(after row 1\): cut off$/],
    ["cut off between rows", '[{"certname": "a"},', /cut off/],
    ["a row of broken JSON", '[{"certname": "a", "facts.x": tru}]', /^row 1 is not JSON/],
    ["a row that is a number", "[1, 2]", /^expected an object after row 0, found "1, 2\]"$/],
    ["two rows without a comma", '[{"a":1} {"b":2}]', /expected "," or "\]" after row 1/],
    ["a trailing comma", '[{"a":1},]', /expected an object after row 1/],
    ["garbage after the end", '[{"a":1}] trailing', /there is more after the array's end \("trailing"\)/],
  ];
  for (const [what, text, why] of broken) {
    test(`refused: ${what}`, async () => {
      expect((await refusal(text)).message).toMatch(why);
    });
  }

  test("a broken row's error carries its text, to name the node", async () => {
    const err = await refusal('[{"certname": "ok1"}, {"certname": "bad7.example.com", "facts.x": 01}]');
    expect(err.row).toBe(1);
    expect(err.excerpt).toStartWith('{"certname": "bad7.example.com"');
  });

  test("bytes that are not UTF-8", async () => {
    const bytes = new Uint8Array([0x5b, 0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x5d]);
    await expect(rows(bytes)).rejects.toThrow("it is not UTF-8 text");
  });

  test("a row longer than MAX_ROW_CHARS is junk, refused before it fills memory", async () => {
    const chunk = new TextEncoder().encode("x".repeat(2 ** 20));
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('[{"certname": "big", "facts.x": "');
      for (let i = 0; i < 100; i++) yield chunk;
    }
    const stats: JsonRowsStats = emptyJsonRowsStats();
    let error: unknown;
    try {
      for await (const _ of jsonRows(endless(), stats));
    } catch (err) {
      error = err;
    }
    expect((error as Error).message).toBe(`row 1 is longer than ${MAX_ROW_CHARS} characters`);
    expect(stats.chars).toBeLessThan(MAX_ROW_CHARS + 2 * 2 ** 20);
  });
});
