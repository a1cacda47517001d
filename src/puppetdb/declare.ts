// The [puppetdb] section of the config: where PuppetDB is (https with a CA and a client
// certificate, as its own clients connect; plain http only on loopback), how long one request may
// wait, and how a node's certname matches a server; with the declared columns that read a fact
// (`puppetdb = "processors.count"` in [[facts.columns]]). Checked without any server; one line per mistake.
import { UsageError } from "../errors.ts";
import type { ExtraColumn, FactExtras } from "../extras/types.ts";
import { CONFIG_SECTIONS, configSection, type ConfigFile } from "../settings/config-schema.ts";
import { modeOf, octal } from "../settings/file-modes.ts";
import { nearestName } from "../settings/nearest-name.ts";

/** How a node's certname finds its server. */
export type MatchRule =
  /** The certname is the server's name. */
  | { rule: "name" }
  /** The certname is the server's name + "." + domain (or the name, when it carries the domain); certnames outside the domain match nothing. */
  | { rule: "fqdn"; domain: string }
  /** The node's dmi.product.serial_number fact is the server's serial number. */
  | { rule: "serial" };

/** The fact the serial rule matches on. */
export const SERIAL_FACT = "dmi.product.serial_number";

/**
 * Not a fact: the time the node's facts were produced (PuppetDB's producer_timestamp), for a
 * datetime column (UTC), so that each server's facts show their age in the warehouse.
 */
export const PRODUCED_AT = "producer_timestamp";

/** Client certificate and the CA that signed PuppetDB's, as PEM files (https only). */
export interface PuppetdbTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** One declared column and the fact it reads. */
export interface MappedFact {
  path: string;
  column: ExtraColumn;
}

export interface PuppetdbSource {
  /** Without a trailing slash; a path prefix (PuppetDB behind a proxy) is kept. */
  url: string;
  /** Absent for plain http on loopback. */
  tls?: PuppetdbTls;
  /** Each request waits at most this long for the first byte, and then between two chunks. */
  timeoutS: number;
  match: MatchRule;
  /** A matched node whose facts are older than this many days is counted stale (its facts are still written). */
  staleAfterDays: number;
  /** The declared PuppetDB columns in declaration order, each fact once. */
  facts: MappedFact[];
}

export const DEFAULT_PUPPETDB_TIMEOUT_S = 30;
/** Puppet agents report every 30 minutes by default: a week without a report is a node that stopped. */
export const DEFAULT_STALE_AFTER_DAYS = 7;
const MATCH_RULES = ["name", "fqdn", "serial"] as const;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

const fail = (where: string, message: string): never => {
  throw new UsageError(`config: ${where}: ${message}`);
};

/** Reads a file's permission bits; a test passes its own. */
export type ModeOf = (path: string) => number | undefined;

function pemFile(section: Record<string, unknown>, key: string, what: string, mode: ModeOf): string {
  const where = `[puppetdb] ${key}`;
  const v = section[key];
  if (v === undefined) return fail(where, `is missing: https needs ${what} (a PEM file)`);
  if (typeof v !== "string" || v.trim() === "") return fail(where, `must be the path of ${what} (a PEM file)`);
  const path = v.trim();
  if (!path.startsWith("/")) return fail(where, `${path}: give an absolute path (the nightly job does not run in your directory)`);
  const bits = mode(path);
  if (bits === undefined) return fail(where, `${path} does not exist or cannot be read; give the path of ${what}`);
  // A private key others can read is a key anyone on the host can present as this job (ssh refuses such keys too).
  if (key === "key_file" && (bits & 0o044) !== 0) {
    fail(where, `${path} is readable by ${bits & 0o004 ? "every user" : "its group"} (mode ${octal(bits)}); chmod 600 ${path}`);
  }
  return path;
}

function parseUrl(raw: unknown): URL {
  const where = "[puppetdb] url";
  if (typeof raw !== "string" || raw.trim() === "") return fail(where, 'is missing: give PuppetDB\'s address, e.g. url = "https://puppetdb.example.com:8081"');
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail(where, `${JSON.stringify(raw)} is not a URL; write it as "https://puppetdb.example.com:8081"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") fail(where, `${url.protocol} is not http or https; PuppetDB's API is https (port 8081)`);
  if (url.username || url.password) fail(where, "holds a user or password; PuppetDB knows its clients by certificate: remove them and set cert_file and key_file");
  if (url.search || url.hash) fail(where, `${raw} has a query or fragment; give PuppetDB's base address only`);
  if (url.protocol === "http:" && !LOOPBACK.has(url.hostname)) {
    fail(where, `plain http to ${url.hostname} would send the fleet's facts unencrypted and unauthenticated; use https with ca_file, cert_file and key_file (http is for 127.0.0.1, localhost and ::1 only)`);
  }
  return url;
}

function timeout(raw: unknown): number {
  if (raw === undefined) return DEFAULT_PUPPETDB_TIMEOUT_S;
  const n = typeof raw === "bigint" ? Number(raw) : raw;
  if (typeof n !== "number" || !Number.isFinite(n) || n <= 0 || n > 3600) {
    return fail("[puppetdb] timeout_s", `${JSON.stringify(typeof raw === "bigint" ? raw.toString() : raw)}: give the seconds one request may wait, more than 0 and at most 3600 (default ${DEFAULT_PUPPETDB_TIMEOUT_S})`);
  }
  return n;
}

function staleAfter(raw: unknown): number {
  if (raw === undefined) return DEFAULT_STALE_AFTER_DAYS;
  const n = typeof raw === "bigint" ? Number(raw) : raw;
  if (typeof n !== "number" || !Number.isFinite(n) || n <= 0 || n > 3650) {
    return fail("[puppetdb] stale_after_days", `${JSON.stringify(typeof raw === "bigint" ? raw.toString() : raw)}: give the days after which a node's facts count as stale, more than 0 and at most 3650 (default ${DEFAULT_STALE_AFTER_DAYS})`);
  }
  return n;
}

function matchRule(raw: unknown, domain: unknown): MatchRule {
  const where = "[puppetdb] match";
  if (raw === undefined) return fail(where, 'is missing: say how a certname finds its server: "name", "fqdn" (with domain) or "serial" (dmi.product.serial_number)');
  if (typeof raw !== "string" || !(MATCH_RULES as readonly string[]).includes(raw)) {
    const near = typeof raw === "string" ? nearestName(raw, MATCH_RULES) : undefined;
    return fail(where, `${JSON.stringify(raw)} is not a rule; ${near ? `did you mean "${near}"?` : 'use "name", "fqdn" or "serial"'}`);
  }
  if (raw !== "fqdn") {
    if (domain !== undefined) fail("[puppetdb] domain", `only match = "fqdn" uses a domain (match is "${raw}"); remove domain, or set match = "fqdn"`);
    return { rule: raw as "name" | "serial" };
  }
  if (domain === undefined) return fail("[puppetdb] domain", 'is missing: match = "fqdn" strips it from each certname, e.g. domain = "dc1.example.com"');
  const d = typeof domain === "string" ? domain.trim().toLowerCase().replace(/^\./, "").replace(/\.$/, "") : "";
  if (!DOMAIN.test(d)) fail("[puppetdb] domain", `${JSON.stringify(domain)} is not a DNS domain; write it as "dc1.example.com"`);
  return { rule: "fqdn", domain: d };
}

/** The declared PuppetDB columns, each fact once (one value per node and fact comes back). */
function mappedFacts(extras: FactExtras): MappedFact[] {
  const out: MappedFact[] = [];
  for (const column of extras.columns) {
    if (column.origin.kind !== "puppetdb") continue;
    const path = column.origin.path;
    const twice = out.find((f) => f.path === path);
    if (twice) fail(`[[facts.columns]] ${column.name}`, `the fact ${path} is already read by ${twice.column.name}; read each fact into one column`);
    if (path === PRODUCED_AT && column.type.kind !== "datetime") {
      fail(`[[facts.columns]] ${column.name}`, `puppetdb = "${PRODUCED_AT}" is the time the node's facts were produced: declare the column as type = "datetime"`);
    }
    out.push({ path, column });
  }
  return out;
}

/**
 * The [puppetdb] section with the declared columns it serves (`extras` from factExtrasFrom, which
 * already refused a PuppetDB column without the section); undefined when there is no section.
 */
export function puppetdbSourceFrom(config: ConfigFile, extras: FactExtras, mode: ModeOf = modeOf): PuppetdbSource | undefined {
  if (config.puppetdb === undefined) return undefined;
  const section = configSection(config, "puppetdb") as Record<string, unknown>;
  // The config file's loader refuses these too; a config built in code passes here.
  const keys: readonly string[] = CONFIG_SECTIONS.puppetdb;
  for (const k of Object.keys(section)) {
    if (!keys.includes(k)) {
      const near = nearestName(k, keys);
      fail("[puppetdb]", `unknown key ${k}; ${near ? `did you mean ${near}?` : `the keys are ${keys.join(", ")}`}`);
    }
  }
  const url = parseUrl(section.url);
  const certKeys = ["ca_file", "cert_file", "key_file"].filter((k) => section[k] !== undefined);
  let tls: PuppetdbTls | undefined;
  if (url.protocol === "https:") {
    tls = {
      caFile: pemFile(section, "ca_file", "the CA certificate that signed PuppetDB's (e.g. /etc/puppetlabs/puppet/ssl/certs/ca.pem)", mode),
      certFile: pemFile(section, "cert_file", "this job's client certificate, signed by Puppet's CA", mode),
      keyFile: pemFile(section, "key_file", "the private key of cert_file", mode),
    };
  } else if (certKeys.length) {
    fail(`[puppetdb] ${certKeys[0]}`, `plain http uses no certificates; remove ${certKeys.join(", ")}, or use an https url`);
  }
  const timeoutS = timeout(section.timeout_s);
  const match = matchRule(section.match, section.domain);
  const facts = mappedFacts(extras);
  if (!facts.length) fail("[puppetdb]", 'no declared column reads a fact; add puppetdb = "fact.path" to a [[facts.columns]] entry, or remove [puppetdb]');
  return { url: url.href.replace(/\/+$/, ""), tls, timeoutS, match, staleAfterDays: staleAfter(section.stale_after_days), facts };
}
