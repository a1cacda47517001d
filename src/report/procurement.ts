// Section 4, what we must buy: per site and quarter (the newest day's and the 3 after it),
// servers needed = forecast growth of in-use servers to the quarter's end + predicted
// retirements to then (overdue ones included) − today's spare pool, never below 0, each
// interval bound carried through the same sum. Pure.
import type { FleetRecord, ProcurementRecord, RetirementRecord } from "./types.ts";
import type { KeyForecast } from "./forecasts.ts";
import { keyId } from "./forecasts.ts";
import { quarterEnd, quartersFrom } from "./calendar.ts";
import { OVERDUE } from "./retirements.ts";

export const PROCUREMENT_QUARTERS = 4;

const round1 = (v: number) => Math.round(v * 10) / 10;

export function procurementRecords(
  fleet: readonly FleetRecord[],
  retirements: readonly RetirementRecord[],
  forecasts: ReadonlyMap<string, KeyForecast>,
  newestDay: string,
): ProcurementRecord[] {
  const quarters = quartersFrom(newestDay, PROCUREMENT_QUARTERS);
  const out: ProcurementRecord[] = [];
  for (const site of fleet.filter((f) => f.dimension === "site")) {
    const retiring = retirements.filter((r) => r.dimension === "site" && r.key === site.key);
    const kf = forecasts.get(keyId("site", site.key));
    let cumulative = retiring.filter((r) => r.quarter === OVERDUE).reduce((s, r) => s + r.servers, 0);
    for (const quarter of quarters) {
      cumulative += retiring.filter((r) => r.quarter === quarter).reduce((s, r) => s + r.servers, 0);
      const end = quarterEnd(quarter);
      const band = kf?.ahead.filter((b) => b.week <= end).at(-1);
      const base = kf?.lastValue ?? 0;
      const g = band
        ? { p: band.point - base, lo80: band.lo80 - base, hi80: band.hi80 - base, lo95: band.lo95 - base, hi95: band.hi95 - base }
        : { p: 0, lo80: 0, hi80: 0, lo95: 0, hi95: 0 };
      const note = band ? null : !kf || kf.note ? `no forecast: ${kf?.note ?? "no weekly history"}; growth counted as 0` : "the quarter ends beyond the forecast horizon (--weeks); growth counted as 0";
      // From the growth as the record shows it (one decimal), so every record is its own sum.
      const need = (growth: number) => Math.max(0, Math.round(round1(growth) + cumulative - site.spare));
      out.push({
        dimension: "site", key: site.key, quarter,
        growth: round1(g.p), growth_lo80: round1(g.lo80), growth_hi80: round1(g.hi80), growth_lo95: round1(g.lo95), growth_hi95: round1(g.hi95),
        retirements: cumulative, spare: site.spare,
        servers_needed: need(g.p), needed_lo80: need(g.lo80), needed_hi80: need(g.hi80), needed_lo95: need(g.lo95), needed_hi95: need(g.hi95),
        note,
      });
    }
  }
  return out;
}
