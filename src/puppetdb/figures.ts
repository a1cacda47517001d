// What one run's PuppetDB enrichment did, as the summary line, the JSON log and the metrics file
// show it: reached or not (and why not), servers matched or without a node, nodes without a
// server, stale nodes, values of the wrong type per fact. Pure shapes and their one-line text.
import type { PuppetdbFailure } from "../errors.ts";

export interface PuppetdbFigures {
  /** PuppetDB answered every query in full; false: the PuppetDB columns hold their defaults tonight. */
  up: boolean;
  /** Why not, when not up: the PuppetdbError's reason and one-line message. */
  failure?: { reason: PuppetdbFailure; message: string };
  /** Active nodes PuppetDB answered with. */
  nodes: number;
  /** Servers of the extract that found their node (their PuppetDB columns are its facts). */
  serversMatched: number;
  /** Servers that found no node (their PuppetDB columns hold the defaults). */
  serversWithoutNode: number;
  /** Nodes no server found: the rule gives them no key (outside the domain, no serial), or no server has theirs. */
  nodesWithoutServer: number;
  /** Nodes whose key another node with newer facts holds too (that newer node is the one matched). */
  nodesShadowed: number;
  /** Matched servers whose node's facts are older than staleAfterDays (written all the same). */
  staleServers: number;
  staleAfterDays: number;
  /** Per fact path: matched servers whose node holds it in a type its column cannot take (written as the default). */
  wrongType: Record<string, number>;
  /** Seconds the PuppetDB reads took (overlapped with the source's own start). */
  fetchS: number;
}

/** Warning key of a run whose PuppetDB could not be read (etl_runs.warnings_by_column, the summary, the metrics). */
export const puppetdbWarning = (reason: PuppetdbFailure) => `puppetdb_${reason}`;

/** The summary line's PuppetDB part: "puppetdb 950 servers matched, …" or why it was not read. */
export function formatPuppetdbFigures(f: PuppetdbFigures): string {
  if (!f.up) return `puppetdb ${f.failure?.reason ?? "unavailable"}: its columns hold their defaults (rerun etl to fill them)`;
  const wrong = Object.entries(f.wrongType)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([p, n]) => `${p}=${n}`)
    .join(",");
  return (
    `puppetdb ${f.serversMatched} servers matched, ${f.serversWithoutNode} without a node, ${f.nodesWithoutServer} nodes without a server` +
    (f.nodesShadowed ? `, ${f.nodesShadowed} shadowed by a newer node of the same key` : "") +
    `, ${f.staleServers} stale (facts older than ${f.staleAfterDays} days), wrong types ${wrong || "none"}`
  );
}

/** The JSON log's `puppetdb` field. */
export function puppetdbFields(f: PuppetdbFigures): Record<string, unknown> {
  return {
    up: f.up,
    ...(f.failure ? { failure: f.failure.reason, error: f.failure.message } : {}),
    nodes: f.nodes,
    servers_matched: f.serversMatched,
    servers_without_node: f.serversWithoutNode,
    nodes_without_server: f.nodesWithoutServer,
    nodes_shadowed: f.nodesShadowed,
    stale_servers: f.staleServers,
    stale_after_days: f.staleAfterDays,
    wrong_type: f.wrongType,
    fetch_s: Math.round(f.fetchS * 1000) / 1000,
  };
}
