// The valid name a typo most likely meant, for "did you mean …?" hints: the closest by edit
// distance (a swap of two neighbours counts as one edit, so `dns` is one edit from `dsn`).

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `name` (case, `-` and `_` ignored), or undefined when even the closest
 * needs more than a third of the name's letters changed (one edit is always allowed): a hint
 * that is a guess is worse than the list of valid names.
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/-/g, "_");
  const wanted = norm(name);
  let best: { name: string; distance: number } | undefined;
  for (const c of candidates) {
    const distance = editDistance(wanted, norm(c));
    if (!best || distance < best.distance) best = { name: c, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(1, Math.floor(wanted.length / 3)) ? best.name : undefined;
}
