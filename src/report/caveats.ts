// What the report must say about where its days came from: days rebuilt by backfill carry
// today's team for every server and put servers deleted since under <unknown>; the nightly
// days are what the warehouse recorded itself.
import { plural } from "../words.ts";

export function backfillCaveat(days: readonly string[], kinds: ReadonlyMap<string, string>): string | null {
  const backfilled = days.filter((d) => kinds.get(d) === "backfill");
  if (backfilled.length === 0) return null;
  const nightly = days.filter((d) => kinds.get(d) === "etl");
  const since = nightly.length ? `the warehouse's own nightly snapshots start on ${nightly[0]} (${plural(nightly.length, "day")})` : "no day comes from a nightly run yet";
  return (
    `${plural(backfilled.length, "day")} from ${backfilled[0]} to ${backfilled[backfilled.length - 1]} were rebuilt by backfill from django-simple-history, ` +
    "which does not record role changes: on those days every server carries the team it has today, and servers deleted since are under <unknown> " +
    `(so <unknown> shrinks as those servers leave the history, which is no real change). Per-team growth over those days is an approximation; ${since}.`
  );
}
