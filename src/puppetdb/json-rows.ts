// The objects of one JSON array (a PuppetDB query answer: `[{…},{…},…]`) read incrementally from
// its bytes: each object is parsed as soon as its closing brace arrives, so memory holds one
// row and one network chunk, never the answer. Anything that is not an array of objects stops it
// with a JsonRowsError saying where.

/** Why the bytes are not an array of objects; `row` is the 0-based index of the row it is in (or after). */
export class JsonRowsError extends Error {
  constructor(
    message: string,
    readonly row: number,
    /** The row's text as far as it got (a few hundred characters), to name its node. */
    readonly excerpt: string,
  ) {
    super(message);
  }
}

/** A row longer than this is junk, not a node's facts (a real one is well under 1 KiB per fact). */
export const MAX_ROW_CHARS = 4 * 2 ** 20;

/** What the reader kept in memory at most, for the tests that prove it bounded. */
export interface JsonRowsStats {
  rows: number;
  chars: number;
  /** The longest chunk the transport handed over, and the most held at once (≤ that chunk + one row). */
  maxChunkChars: number;
  maxBufferedChars: number;
  /** `chars` when the first row was yielded: below the total when the answer is read as it comes. */
  charsAtFirstRow: number;
}

export const emptyJsonRowsStats = (): JsonRowsStats => ({ rows: 0, chars: 0, maxChunkChars: 0, maxBufferedChars: 0, charsAtFirstRow: 0 });

const WS = new Set([" ", "\t", "\n", "\r"]);
type State = "start" | "before-row" | "after-row" | "in-row" | "end";

/** Each object of the array `chunks` hold, in order; `stats` (if given) is updated as it reads. */
export async function* jsonRows(chunks: AsyncIterable<Uint8Array>, stats: JsonRowsStats = emptyJsonRowsStats()): AsyncGenerator<Record<string, unknown>> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let state = "start" as State;
  let buf = "";
  let i = 0; // next char of buf to scan
  let rowStart = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  const fail = (message: string): never => {
    throw new JsonRowsError(message, stats.rows, state === "in-row" ? buf.slice(rowStart, rowStart + 300) : "");
  };
  const decode = (bytes?: Uint8Array) => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      return fail("it is not UTF-8 text");
    }
  };
  const scan = function* (): Generator<Record<string, unknown>> {
    while (i < buf.length) {
      const c = buf[i]!;
      if (state === "in-row") {
        // Only strings and nesting matter for where a row ends; JSON.parse checks the rest.
        if (inString) {
          if (escaped) escaped = false;
          else if (c === "\\") escaped = true;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === "{" || c === "[") depth++;
        else if (c === "}" || c === "]") {
          if (--depth === 0) {
            const text = buf.slice(rowStart, i + 1);
            let row: unknown;
            try {
              row = JSON.parse(text);
            } catch (err) {
              fail(`row ${stats.rows + 1} is not JSON (${(err as Error).message})`);
            }
            if (stats.rows++ === 0) stats.charsAtFirstRow = stats.chars;
            state = "after-row";
            yield row as Record<string, unknown>;
          }
        }
        i++;
        continue;
      }
      if (WS.has(c)) {
        i++;
        continue;
      }
      if (state === "start") {
        if (c !== "[") fail(`it is not a JSON array (it starts with ${JSON.stringify(buf.slice(i, i + 40))})`);
        state = "before-row";
      } else if (state === "end") {
        fail(`there is more after the array's end (${JSON.stringify(buf.slice(i, i + 40))})`);
      } else if (c === "]" && (state === "after-row" || (state === "before-row" && stats.rows === 0))) {
        state = "end";
      } else if (c === "," && state === "after-row") {
        state = "before-row";
      } else if (c === "{" && state === "before-row") {
        state = "in-row";
        rowStart = i;
        depth = 1;
      } else {
        fail(`expected ${state === "after-row" ? '"," or "]"' : "an object"} after row ${stats.rows}, found ${JSON.stringify(buf.slice(i, i + 40))}`);
      }
      i++;
    }
  };
  const settle = () => {
    // Keep only the row being read; whatever came before it has been parsed or skipped.
    if (state === "in-row") {
      buf = buf.slice(rowStart);
      i -= rowStart;
      rowStart = 0;
      if (buf.length > MAX_ROW_CHARS) fail(`row ${stats.rows + 1} is longer than ${MAX_ROW_CHARS} characters`);
    } else {
      buf = "";
      i = 0;
    }
  };
  for await (const chunk of chunks) {
    const text = decode(chunk);
    stats.chars += text.length;
    stats.maxChunkChars = Math.max(stats.maxChunkChars, text.length);
    buf += text;
    stats.maxBufferedChars = Math.max(stats.maxBufferedChars, buf.length);
    yield* scan();
    settle();
  }
  buf += decode();
  yield* scan();
  // (The scan ran in a closure: TypeScript still thinks `state` is "start" here.)
  const last = state as State;
  if (last !== "end") fail(last === "start" ? "it is empty" : `it ends before the array does (after row ${stats.rows}): cut off`);
}
