// The Prometheus text exposition format (what node_exporter's textfile collector reads), both
// ways: families to text, and text back to families, leniently (a line that does not parse is
// dropped), so that a metrics file another command wrote can be read, merged and written again.

export interface ExpoSample {
  labels: Record<string, string>;
  /** The value as written ("12.5", "+Inf"), so a foreign sample is written back unchanged. */
  value: string;
  /** The sample's name when it differs from its family's (a histogram's `_bucket`, `_sum`…). */
  name?: string;
  /** An optional timestamp in ms, as written. */
  timestamp?: string;
}

export interface ExpoFamily {
  name: string;
  help?: string;
  type?: string;
  samples: ExpoSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** A label value escaped as the format wants (backslash, quote, newline). */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** A number as the format writes it; anything not finite as 0 (our gauges are never NaN). */
export function formatValue(v: number): string {
  return String(Number.isFinite(v) ? v : 0);
}

/** The text of `families`: each one's HELP and TYPE once, then its samples together, as the format requires. */
export function renderExposition(families: readonly ExpoFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    if (f.help !== undefined) out.push(`# HELP ${f.name} ${f.help}`);
    if (f.type !== undefined) out.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
        .join(",");
      out.push(`${s.name ?? f.name}${labels ? `{${labels}}` : ""} ${s.value}${s.timestamp ? ` ${s.timestamp}` : ""}`);
    }
  }
  return out.join("\n") + "\n";
}

/** `a="x",b="y\"z"` → { a: "x", b: 'y"z' }; undefined when it does not parse. */
function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  let rest = text.trim();
  while (rest.length) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:,\s*|$)/.exec(rest);
    if (!m) return undefined;
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    rest = rest.slice(m[0].length);
  }
  return labels;
}

/** The families of an exposition text, in the order they first appear; lines that do not parse are dropped. */
export function parseExposition(text: string): ExpoFamily[] {
  const families = new Map<string, ExpoFamily>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, samples: [] }));
    return f;
  };
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const comment = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
    if (comment) {
      const [, kind, name, rest = ""] = comment;
      if (!NAME.test(name!)) continue;
      if (kind === "HELP") family(name!).help = rest;
      else family(name!).type = rest.trim();
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/.exec(line);
    if (!m) continue;
    const labels = parseLabels(m[2] ?? "");
    if (!labels) continue;
    const sampleName = m[1]!;
    // A histogram's or summary's samples belong to the family whose name they extend.
    const owner = families.has(sampleName)
      ? sampleName
      : ([...families.keys()].find((n) => /^_(bucket|sum|count|total|created)$/.test(sampleName.slice(n.length)) && sampleName.startsWith(n)) ?? sampleName);
    family(owner).samples.push({ labels, value: m[3]!, ...(owner !== sampleName ? { name: sampleName } : {}), ...(m[4] ? { timestamp: m[4] } : {}) });
  }
  return [...families.values()];
}
