// The refresh rule: a server's end of life is its start of service (delivery_date, else
// created_at) plus a refresh age in years, the most specific configured one: per model
// (`manufacturer model`), else per manufacturer, else per asset type, else the default.
import type { ReportConfig } from "./report-config.ts";
import { modelKey, modelName, vendorName } from "./names.ts";

export function refreshYears(config: ReportConfig, manufacturer: string, model: string, assetType: string): number {
  const names = config.names;
  const candidates: Array<[ReadonlyMap<string, number>, string[]]> = [
    [config.refreshByModel, [modelKey(names, manufacturer, model), `${manufacturer} ${model}`, modelName(names, model), model]],
    [config.refreshByManufacturer, [vendorName(names, manufacturer), manufacturer]],
    [config.refreshByAssetType, [assetType]],
  ];
  for (const [table, spellings] of candidates) {
    for (const s of spellings) {
      const years = table.get(s.trim().toLowerCase());
      if (years !== undefined) return years;
    }
  }
  return config.defaultRefreshYears;
}

/** 'YYYY-MM' plus `months`. */
export function addMonths(month: string, months: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + months;
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}
