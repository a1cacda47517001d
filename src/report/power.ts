// Section 5, power: estimated draw per site and per rack from the power catalog (in use draws
// its loaded watts, any other powered status its idle watts, retired nothing; virtual
// platforms draw nothing of their own), servers of uncatalogued models counted apart, never as
// zero watts; metered readings beside the estimate where there are any. Pure.
import type { RackRow } from "./read-warehouse.ts";
import type { PowerRecord } from "./types.ts";
import type { ReportConfig } from "./report-config.ts";
import type { MeteredRack } from "./metered.ts";
import { isVirtual, modelKey } from "./names.ts";
import { IN_USE, RETIRED } from "./statuses.ts";

export interface PowerOutcome {
  records: PowerRecord[];
  /** Catalog-less models with their powered servers, most servers first. */
  uncatalogued: { model: string; servers: number }[];
  virtualServers: number;
}

export function estimatePower(rows: readonly RackRow[], config: ReportConfig, metered: readonly MeteredRack[] | null): PowerOutcome {
  const catalog = new Map(config.power.map((e) => [e.model.toLowerCase(), e]));
  const racks = new Map<string, PowerRecord>();
  const sites = new Map<string, PowerRecord>();
  const uncatalogued = new Map<string, number>();
  let virtualServers = 0;
  const cell = (map: Map<string, PowerRecord>, id: string, make: () => PowerRecord) => map.get(id) ?? (map.set(id, make()), map.get(id)!);
  // Tens of thousands of (rack, model) groups share a few dozen models: look each model up once.
  const models = new Map<string, { virtual: boolean; key: string; entry: (typeof config.power)[number] | undefined }>();
  for (const r of rows) {
    if (r.status === RETIRED) continue;
    const id = `${r.manufacturer}\u0000${r.model}`;
    let m = models.get(id);
    if (!m) {
      const key = modelKey(config.names, r.manufacturer, r.model);
      m = { virtual: isVirtual(config.names, r.manufacturer), key, entry: catalog.get(key.toLowerCase()) };
      models.set(id, m);
    }
    if (m.virtual) {
      virtualServers += r.servers;
      continue;
    }
    const { key, entry } = m;
    const watts = entry ? r.servers * (r.status === IN_USE ? entry.loadedWatts : entry.idleWatts) : 0;
    if (!entry) uncatalogued.set(key, (uncatalogued.get(key) ?? 0) + r.servers);
    for (const rec of [
      cell(racks, `${r.site}\u0000${r.rack}`, () => blank("rack", r.site, r.rack)),
      cell(sites, r.site, () => blank("site", r.site, null)),
    ]) {
      rec.servers += r.servers;
      if (!entry) rec.servers_without_catalog += r.servers;
      rec.estimated_watts += watts;
    }
  }
  if (metered) {
    const seen = new Set<string>();
    for (const m of metered) {
      const id = `${m.site}\u0000${m.rack}`;
      seen.add(id);
      const rack = cell(racks, id, () => ({ ...blank("rack", m.site, m.rack), note: "metered, no server" }));
      rack.metered_watts = (rack.metered_watts ?? 0) + m.watts;
      const site = cell(sites, m.site, () => blank("site", m.site, null));
      site.metered_watts = (site.metered_watts ?? 0) + m.watts;
    }
    for (const [id, rack] of racks) if (!seen.has(id) && rack.servers > 0) rack.note = "servers, not metered";
    for (const rec of [...racks.values(), ...sites.values()]) {
      if (rec.metered_watts !== null) rec.difference_watts = Math.round(rec.metered_watts - rec.estimated_watts);
    }
  }
  const sortByKey = (a: PowerRecord, b: PowerRecord) => a.key.localeCompare(b.key);
  return {
    records: [...[...sites.values()].sort(sortByKey), ...[...racks.values()].sort(sortByKey)],
    uncatalogued: [...uncatalogued.entries()].map(([model, servers]) => ({ model, servers })).sort((a, b) => b.servers - a.servers || a.model.localeCompare(b.model)),
    virtualServers,
  };
}

function blank(dimension: "site" | "rack", site: string, rack: string | null): PowerRecord {
  return {
    dimension, key: rack === null ? site : `${site}/${rack}`, site, rack, servers: 0, servers_without_catalog: 0,
    estimated_watts: 0, metered_watts: null, difference_watts: null, note: null,
  };
}
