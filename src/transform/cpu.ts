// CPU columns: cpu_version cleaned per docs/data-contract.md "CPU cleanup", cpu_cores (servers_cpu.cores,
// else parsed from the raw dmidecode string), cpu_threads. Pure; no I/O.
import { UNKNOWN } from "./text.ts";

/** docs/data-contract.md "CPU cleanup" step 3: whole words dropped from CPU versions (lower case). */
export const DEFAULT_CPU_DROP_WORDS: readonly string[] = Object.freeze([
  "intel(r)",
  "xeon(r)",
  "amd",
  "dual-core",
  "0",
  "virtual",
  "cpu",
  "processor",
]);

// Compiled once per process: this runs per row on hundreds of thousands of rows.
const WHITESPACE_RUN = /\s+/;
const HYPHEN_SPACES = /- +/g;
const N_CORE = /(?:^|[^0-9a-z])(\d{1,4})-core(?![0-9a-z])/i;
const WORD_CORE = /(?:^|[^0-9a-z])(dual|quad|six|eight)-core(?![0-9a-z])/i;
const CORE_WORDS: Record<string, number> = { dual: 2, quad: 4, six: 6, eight: 8 };

/** A drop list prepared for matching: single words in a Set, multi-word phrases as token lists. */
interface DropMatcher {
  words: Set<string>;
  phrases: string[][];
}

// The options object is built once per run, so caching the last list by identity makes
// the Set a one-time cost without a global registry.
let lastList: readonly string[] | undefined;
let lastMatcher: DropMatcher | undefined;

function dropMatcher(dropWords: readonly string[]): DropMatcher {
  if (dropWords === lastList && lastMatcher) return lastMatcher;
  const words = new Set<string>();
  const phrases: string[][] = [];
  for (const entry of dropWords) {
    const tokens = entry.toLowerCase().trim().split(WHITESPACE_RUN).filter((t) => t !== "");
    if (tokens.length === 1) words.add(tokens[0]!);
    else if (tokens.length > 1) phrases.push(tokens);
  }
  lastList = dropWords;
  lastMatcher = { words, phrases };
  return lastMatcher;
}

/** Length of the drop phrase starting at tokens[i], or 0 when none does. */
function phraseAt(tokens: string[], i: number, phrases: string[][]): number {
  for (const phrase of phrases) {
    if (i + phrase.length > tokens.length) continue;
    let k = 0;
    while (k < phrase.length && tokens[i + k] === phrase[k]) k++;
    if (k === phrase.length) return k;
  }
  return 0;
}

/**
 * The four steps of docs/data-contract.md "CPU cleanup": (1) NULL, '<unknown>', 'Not Specified' → '<unknown>'; (2) lower-case,
 * cut ' @ <speed>' and everything after it, collapse white space, trim; (3) drop whole words
 * of `dropWords` (a "word" is a blank-separated token: '0' drops a standalone 0 only, 'cpu'
 * leaves 'cpus'; an entry with blanks drops that exact token sequence); (4) remove spaces after
 * a hyphen; an empty result → '<unknown>'. The caller cuts the result to the column width.
 */
export function cleanCpuVersion(raw: string | null, dropWords: readonly string[] = DEFAULT_CPU_DROP_WORDS): string {
  if (raw === null) return UNKNOWN;
  let text = raw.toLowerCase();
  // Step 1 compares the trimmed value case-insensitively: dmidecode variants differ in case.
  const bare = text.trim();
  if (bare === "<unknown>" || bare === "not specified") return UNKNOWN;
  // The speed is everything from the first '@' (dmidecode writes ' @ 2.40GHz', some BIOSes '@2.4GHz').
  const at = text.indexOf("@");
  if (at >= 0) text = text.slice(0, at);
  text = text.trim();
  if (text === "") return UNKNOWN;
  const tokens = text.split(WHITESPACE_RUN);
  const { words, phrases } = dropMatcher(dropWords);
  const kept: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (phrases.length > 0) {
      const skip = phraseAt(tokens, i, phrases);
      if (skip > 0) {
        i += skip - 1;
        continue;
      }
    }
    const token = tokens[i]!;
    if (!words.has(token)) kept.push(token);
  }
  if (kept.length === 0) return UNKNOWN;
  return kept.join(" ").replace(HYPHEN_SPACES, "-");
}

/**
 * Cores per socket: servers_cpu.cores when known, else parsed from the raw version
 * ('64-Core' → 64, 'Dual-Core' → 2, 'Quad-Core' → 4, 'Six-Core' → 6, 'Eight-Core' → 8),
 * else -1. Only the contract's words are recognised; 'Hexa-Core' & co. stay -1 on purpose.
 */
export function cpuCores(cores: number | null, rawVersion: string | null): number {
  if (cores !== null && Number.isInteger(cores)) return cores;
  if (rawVersion === null) return -1;
  const numeric = N_CORE.exec(rawVersion);
  if (numeric) {
    const n = Number(numeric[1]);
    if (n > 0) return n;
  }
  const word = WORD_CORE.exec(rawVersion);
  if (word) return CORE_WORDS[word[1]!.toLowerCase()] ?? -1;
  return -1;
}

/** Threads per socket: servers_cpu.threads, else -1. */
export function cpuThreads(threads: number | null): number {
  return threads !== null && Number.isInteger(threads) ? threads : -1;
}
