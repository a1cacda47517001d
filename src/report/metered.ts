// `--metered FILE`: rack power readings as PDUs or a DCIM export them, a CSV of site, rack, watts
// (a header line is optional; several readings of one rack, such as its A and B feeds, add up).
// A line that is not three fields with a number of watts is an error naming the line.
import { readFileSync } from "node:fs";
import { UsageError } from "../errors.ts";

export interface MeteredRack {
  site: string;
  rack: string;
  watts: number;
}

/** Split one CSV line (RFC 4180 quotes). */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") out.push(cur), (cur = "");
    else cur += c;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

export function parseMetered(text: string, path: string): MeteredRack[] {
  const byRack = new Map<string, MeteredRack>();
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    const f = fields(line);
    if (i === 0 && f.length === 3 && Number.isNaN(Number(f[2])) && /watt/i.test(f[2]!)) return; // header
    if (f.length !== 3) throw new UsageError(`--metered ${path} line ${i + 1}: expected 3 fields site,rack,watts, found ${f.length}; fix the line`);
    const [site, rack, w] = f as [string, string, string];
    const watts = Number(w);
    if (w === "" || !Number.isFinite(watts) || watts < 0) {
      throw new UsageError(`--metered ${path} line ${i + 1}: watts ${JSON.stringify(w)} is not a number of watts ≥ 0; fix the line`);
    }
    if (site === "") throw new UsageError(`--metered ${path} line ${i + 1}: the site is empty; give the site's shortname`);
    const id = `${site}\u0000${rack}`;
    const have = byRack.get(id);
    byRack.set(id, { site, rack, watts: (have?.watts ?? 0) + watts });
  });
  if (byRack.size === 0) throw new UsageError(`--metered ${path} holds no readings; give lines of site,rack,watts`);
  return [...byRack.values()];
}

export function readMetered(path: string): MeteredRack[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`--metered ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code}); check the path`);
  }
  return parseMetered(text, path);
}
