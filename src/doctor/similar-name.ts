// "Did you mean …?" for a database name that is not there: the closest of the names the account
// can see, when it is close enough to be a typo. Pure.

/** Schemas of the server itself; never what a DSN meant. */
const SYSTEM_SCHEMAS = new Set(["information_schema", "performance_schema", "mysql", "sys"]);

/** The visible name `name` most likely meant, or undefined when none is a plausible typo of it. */
export function similarName(name: string, visible: readonly string[]): string | undefined {
  // Two edits for names of six characters or more (a swapped pair is two), one below.
  const limit = name.length >= 6 ? 2 : 1;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of [...visible].sort()) {
    if (candidate === name || SYSTEM_SCHEMAS.has(candidate.toLowerCase())) continue;
    const distance = candidate.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, candidate);
    if (distance <= limit && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** The databases worth listing to a person: the visible ones without the server's own. */
export function userDatabases(visible: readonly string[]): string[] {
  return [...visible].filter((d) => !SYSTEM_SCHEMAS.has(d.toLowerCase())).sort();
}

/** Levenshtein distance, the edits that turn `a` into `b` (insert, delete, replace one character). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
