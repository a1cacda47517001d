// doctor's `puppetdb` rows, with [puppetdb] configured: PuppetDB answers (GET /pdb/meta/v1/version:
// its version), the TLS outcome (PuppetDB's certificate against ca_file, ours accepted), the
// mapping sampled on a few nodes (which mapped facts they hold, and in a type their column takes),
// and how many servers of the source would match, counted the way etl matches (enrich.ts). Reads
// only; each failure is one row with one fix.
import type { Db } from "../engine/db.ts";
import { PuppetdbError } from "../errors.ts";
import { sourceSql } from "../stages/extract/extract.ts";
import { SQL } from "../sql.ts";
import type { RawServerRow } from "../transform/types.ts";
import { plural } from "../words.ts";
import { PRODUCED_AT, type PuppetdbSource } from "../puppetdb/declare.ts";
import { startEnrichment } from "../puppetdb/enrich.ts";
import { factValueFit } from "../puppetdb/fact-value.ts";
import { factField } from "../puppetdb/pql.ts";
import { getJson, queryRows } from "../puppetdb/query.ts";
import type { Check } from "./types.ts";

/** Nodes the mapping is sampled on. */
export const SAMPLE_NODES = 5;

/** The source to count matches against, or why there is none. */
export type MatchSource = { db: Db; schema: string } | { missing: string };

/** A PuppetdbError's message as detail and fix: its "; check …" tail is the fix. */
function split(err: PuppetdbError): { detail: string; fix: string } {
  const at = err.message.search(/; (check|raise) /);
  if (at < 0) return { detail: err.message, fix: "check [puppetdb] url and that PuppetDB runs" };
  return { detail: err.message.slice(0, at), fix: err.message.slice(at + 2) };
}

function failed(check: string, err: unknown): Check {
  if (!(err instanceof PuppetdbError)) throw err;
  const { detail, fix } = split(err);
  // 403 to a client with a certificate: PuppetDB's allowlist does not name it.
  if (err.reason === "status" && / HTTP 403\b/.test(detail)) {
    return { check, result: "fail", detail, fix: "PuppetDB refused this client certificate: add its name (the certificate's CN) to the file PuppetDB's certificate-allowlist setting names, or use a certificate listed there" };
  }
  return { check, result: "fail", detail, fix };
}

async function version(source: PuppetdbSource): Promise<{ checks: Check[]; up: boolean }> {
  const tlsRow = (c: Omit<Check, "check">): Check => ({ check: "tls", ...c });
  try {
    const v = await getJson(source, "/pdb/meta/v1/version", "the version request");
    const checks: Check[] = [{ check: "connect", result: "ok", detail: `PuppetDB ${String(v.version ?? "?")} answers (query API v4)` }];
    checks.push(
      source.tls
        ? tlsRow({ result: "ok", detail: `PuppetDB's certificate verified against ${source.tls.caFile}; the client certificate ${source.tls.certFile} was accepted` })
        : tlsRow({ result: "ok", detail: "plain http on loopback: no certificate (use https, with ca_file, cert_file and key_file, for a PuppetDB on another host)" }),
    );
    return { checks, up: true };
  } catch (err) {
    if (err instanceof PuppetdbError && err.reason === "tls") {
      return {
        checks: [
          { check: "connect", result: "fail", detail: `no TLS session with PuppetDB at ${source.url}`, fix: "see the tls row" },
          tlsRow({
            result: "fail",
            detail: split(err).detail,
            fix: "ca_file must be the CA that signed PuppetDB's certificate (the Puppet CA's ca.pem), cert_file and key_file a pair that CA signed (e.g. puppet ssl bootstrap on this host)",
          }),
        ],
        up: false,
      };
    }
    return { checks: [failed("connect", err)], up: false };
  }
}

/** The mapped facts on the first few active nodes: present and of a type their column takes. */
async function mapping(source: PuppetdbSource): Promise<Check> {
  const facts = source.facts.filter((f) => f.path !== PRODUCED_AT);
  const pql = `inventory[${["certname", ...facts.map((f) => factField(f.path))].join(", ")}] { node_state = "active" order by certname limit ${SAMPLE_NODES} }`;
  const seen = facts.map(() => ({ ok: 0, wrong: 0, missing: 0, example: undefined as unknown }));
  const nodes: string[] = [];
  try {
    for await (const row of queryRows(source, pql, { what: "the sample query" })) {
      nodes.push(String(row.certname));
      facts.forEach((f, i) => {
        const value = row[factField(f.path)];
        const fit = factValueFit(f.column, value);
        if (fit === "ok") seen[i]!.ok++;
        else if (fit === "missing") seen[i]!.missing++;
        else {
          seen[i]!.wrong++;
          seen[i]!.example ??= value;
        }
      });
    }
  } catch (err) {
    return failed("mapping", err);
  }
  if (!nodes.length) return { check: "mapping", result: "warn", detail: "PuppetDB has no active node to sample", fix: "check that agents report to this PuppetDB (puppet agent -t on a node)" };
  const per = facts.map((f, i) => {
    const s = seen[i]!;
    return `${f.path} ${s.ok}/${nodes.length}${s.wrong ? ` (${s.wrong} of the wrong type for ${f.column.typeText}, e.g. ${JSON.stringify(s.example)?.slice(0, 40)})` : ""}`;
  });
  const detail = `${plural(nodes.length, "node")} sampled (${nodes.slice(0, 2).join(", ")}${nodes.length > 2 ? ", …" : ""}): ${per.join(", ") || "only producer_timestamp is mapped"}`;
  const absent = facts.filter((_, i) => seen[i]!.ok === 0 && seen[i]!.wrong === 0);
  const wrong = facts.filter((_, i) => seen[i]!.ok === 0 && seen[i]!.wrong > 0);
  if (absent.length) {
    const p = absent[0]!.path;
    return { check: "mapping", result: "warn", detail, fix: `no sampled node has ${absent.map((f) => f.path).join(", ")}: check the path with \`facter -p ${p}\` on a node (a fact's name and its keys, dotted, e.g. os.release.full)` };
  }
  if (wrong.length) {
    const f = wrong[0]!;
    return { check: "mapping", result: "warn", detail, fix: `${f.path} never fits ${f.column.name} (${f.column.typeText}): declare the column with a type that holds it, or map a fact that is one` };
  }
  return { check: "mapping", result: "ok", detail };
}

/** Servers of the source that would find their node, matched exactly as etl matches them. */
async function matches(source: PuppetdbSource, serverdb: MatchSource): Promise<Check> {
  if ("missing" in serverdb) return { check: "match", result: "ok", detail: `not counted: ${serverdb.missing}` };
  const enrichment = startEnrichment(source);
  try {
    await enrichment.ready;
    const f0 = enrichment.figures();
    if (!f0.up) return { check: "match", result: "fail", ...split(new PuppetdbError(f0.failure!.message, f0.failure!.reason)) };
    let servers = 0;
    for await (const row of serverdb.db.stream<RawServerRow>(sourceSql(SQL.matchKeys, serverdb.schema))) {
      servers++;
      enrichment.fill(row, {});
    }
    enrichment.close();
    const f = enrichment.figures();
    const rule = source.match.rule === "fqdn" ? `match = "fqdn", domain = "${source.match.domain}"` : `match = "${source.match.rule}"`;
    const detail =
      `${f.serversMatched} of ${plural(servers, "server")} would match a node (${rule}); ${f.serversWithoutNode} without a node; ` +
      `${f.nodesWithoutServer} of ${plural(f.nodes, "active node")} match no server`;
    if (servers > 0 && f.serversMatched === 0) {
      const how =
        source.match.rule === "name"
          ? "the certname must be the server's name (web01 for web01); for certnames with a domain use match = \"fqdn\""
          : source.match.rule === "fqdn"
            ? `the certname must be the server's name + ".${source.match.domain}"; check domain, or use match = "name"`
            : "the node's dmi.product.serial_number must be the server's serial number";
      return { check: "match", result: "warn", detail, fix: how };
    }
    return { check: "match", result: "ok", detail };
  } catch (err) {
    return failed("match", err);
  } finally {
    enrichment.close();
  }
}

/** The puppetdb rows: connect and tls, then (when PuppetDB answered) mapping and match. */
export async function checkPuppetdb(source: PuppetdbSource, serverdb: MatchSource): Promise<Check[]> {
  const { checks, up } = await version(source);
  if (!up) return checks;
  return [...checks, await mapping(source), await matches(source, serverdb)];
}
