// The PuppetDB columns of tonight's fact rows: PuppetDB is read once per run, in the background
// while the source opens its snapshot, into a scratch map on disk (match key → the mapped values
// and the facts' time), and each extracted row then looks its server's node up by key and gets
// its values into the declared columns' raw fields, where the load's own rules (extras/clean.ts)
// type them like any declared column. Memory stays flat in fleet size: the map is a SQLite file
// (engine/scratch-map.ts) and the client streams both of its answers.
//
// PuppetDB down, slow or answering junk never fails the run: the failure is one WARN line, the
// columns keep their defaults (the extract reads NULL for them), the figures say why, and a later
// etl of the day fills them in. Any other error (the temp dir full, a bug) fails the run.
import { openScratchMap, type ScratchMap } from "../engine/scratch-map.ts";
import { PuppetdbError } from "../errors.ts";
import { extraKey } from "../extras/extract-sql.ts";
import { errorFields, logger } from "../log.ts";
import type { RawServerRow, Warnings } from "../transform/types.ts";
import { warn } from "../transform/warnings.ts";
import { emptyStats, readNodeFacts, type NodeFacts } from "./client.ts";
import type { MatchRule, PuppetdbSource } from "./declare.ts";
import { puppetdbWarning, type PuppetdbFigures } from "./figures.ts";

const log = logger("puppetdb");
const DAY_MS = 86_400_000;

/** A node as the scratch map holds it: its facts' time, the mapped values in `source.facts` order, the indexes of the wrong-typed ones. */
interface Staged {
  t: number | null;
  v: unknown[];
  w?: number[];
}

export interface Enrichment {
  /** Settles once PuppetDB has been read, or has failed (never rejects for a PuppetDB failure). */
  ready: Promise<void>;
  /** Fill `raw`'s PuppetDB columns from its server's node (after `ready`); wrong-typed facts count in `warnings` on their column. */
  fill(raw: RawServerRow, warnings: Warnings): void;
  /** Warnings of the run itself: `puppetdb_<reason>` when PuppetDB could not be read. */
  runWarnings(): Warnings;
  /** The figures so far (complete once every row was filled). */
  figures(): PuppetdbFigures;
  /** Stop reading and delete the scratch file (idempotent). */
  close(): void;
}

/**
 * The key both sides meet on: DNS names compare without case (a server "WEB01" is certname
 * "web01.dc1…"); serial numbers exactly, trimmed.
 */
export function lookupKey(rule: MatchRule, key: string): string {
  return rule.rule === "serial" ? key.trim() : key.trim().toLowerCase();
}

/**
 * The server's side of the match: its name (name, fqdn) or its serial number. Under fqdn a name
 * that already carries the domain (ServerDBs hold both forms) loses it, as the certname does.
 */
export function serverKey(rule: MatchRule, raw: Pick<RawServerRow, "name" | "serialnumber">): string | undefined {
  const v = rule.rule === "serial" ? raw.serialnumber : raw.name;
  if (v === null || v === undefined || String(v).trim() === "") return undefined;
  const key = lookupKey(rule, String(v));
  if (rule.rule !== "fqdn") return key;
  const suffix = `.${rule.domain}`;
  return key.endsWith(suffix) && key.length > suffix.length ? key.slice(0, -suffix.length) : key;
}

export interface EnrichmentOptions {
  /** The instant staleness is measured from (default: now). */
  now?: Date;
  /** Nodes read so far, as they come (for the progress display). */
  onNodes?: (nodes: number) => void;
}

/** Start reading PuppetDB now, in the background. */
export function startEnrichment(source: PuppetdbSource, options: EnrichmentOptions = {}): Enrichment {
  const now = options.now ?? new Date();
  const figures: PuppetdbFigures = {
    up: false,
    nodes: 0,
    serversMatched: 0,
    serversWithoutNode: 0,
    nodesWithoutServer: 0,
    nodesShadowed: 0,
    staleServers: 0,
    staleAfterDays: source.staleAfterDays,
    wrongType: {},
    fetchS: 0,
  };
  const staleBefore = now.getTime() - source.staleAfterDays * DAY_MS;
  const stats = emptyStats();
  let map: ScratchMap | undefined = openScratchMap("serverdb-etl-puppetdb-");
  let unkeyed = 0;
  let closed = false;
  const started = performance.now();

  const stage = async () => {
    for await (const node of readNodeFacts(source, stats)) {
      if (closed) return;
      put(map!, node);
      options.onNodes?.(stats.nodes);
    }
    unkeyed = stats.unmatched.count;
    figures.nodes = stats.nodes;
    figures.up = true;
  };
  const put = (m: ScratchMap, node: NodeFacts) => {
    const key = lookupKey(source.match, node.key);
    const t = node.producedAt?.getTime() ?? null;
    const before = m.get(key);
    if (before !== undefined) {
      // Two nodes, one key (a re-installed host under a new certname, a cloned VM's serial): the newer facts win.
      figures.nodesShadowed++;
      const older = (JSON.parse(before) as Staged).t;
      if (older !== null && (t === null || t <= older)) return;
    }
    const staged: Staged = { t, v: source.facts.map((f) => node.values.get(f.path) ?? null) };
    const wrong = node.wrongType.map((p) => source.facts.findIndex((f) => f.path === p)).filter((i) => i >= 0);
    if (wrong.length) staged.w = wrong;
    m.set(key, JSON.stringify(staged));
  };

  const ready = stage().then(
    () => {
      figures.fetchS = (performance.now() - started) / 1000;
    },
    (err: unknown) => {
      figures.fetchS = (performance.now() - started) / 1000;
      if (closed) return; // the run ended first (refused, failed): nothing to warn about
      if (!(err instanceof PuppetdbError)) throw err;
      figures.up = false;
      figures.failure = { reason: err.reason, message: err.message };
      const columns = source.facts.map((f) => f.column.name).join(", ");
      log.warn({
        message: `${err.message}; tonight's PuppetDB columns (${columns}) hold their defaults, and a later etl of this day fills them in`,
        ...errorFields(err),
        reason: err.reason,
      });
      map?.close();
      map = undefined;
    },
  );
  // A failure is surfaced by whoever awaits `ready`; none must go unhandled meanwhile.
  ready.catch(() => {});

  return {
    ready,
    fill(raw, warnings) {
      if (!figures.up || !map) return;
      const key = serverKey(source.match, raw);
      const found = key === undefined ? undefined : map.take(key);
      if (found === undefined) {
        figures.serversWithoutNode++;
        return;
      }
      figures.serversMatched++;
      const node = JSON.parse(found) as Staged;
      const row = raw as unknown as Record<string, unknown>;
      source.facts.forEach((f, i) => {
        row[extraKey(f.column.name)] = node.v[i];
      });
      for (const i of node.w ?? []) {
        const f = source.facts[i]!;
        warn(warnings, f.column.name);
        figures.wrongType[f.path] = (figures.wrongType[f.path] ?? 0) + 1;
      }
      if (node.t !== null && node.t < staleBefore) figures.staleServers++;
    },
    runWarnings: () => (figures.failure ? { [puppetdbWarning(figures.failure.reason)]: 1 } : {}),
    figures() {
      if (figures.up && map) figures.nodesWithoutServer = unkeyed + map.untaken();
      return { ...figures, wrongType: { ...figures.wrongType } };
    },
    close() {
      closed = true;
      if (figures.up && map) figures.nodesWithoutServer = unkeyed + map.untaken();
      map?.close();
      map = undefined;
    },
  };
}
