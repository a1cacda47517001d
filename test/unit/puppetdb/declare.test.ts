// [puppetdb] and the PuppetDB columns of [[facts.columns]], without any server: what a valid
// declaration gives (url, TLS files, timeout, match rule, the mapped facts), that the extract reads
// NULL for a PuppetDB column, and the one-line errors for every broken declaration.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { factExtrasFrom } from "../../../src/extras/declare.ts";
import { withExtraSelect } from "../../../src/extras/extract-sql.ts";
import { historyPassSql } from "../../../src/extras/history-sql.ts";
import { DEFAULT_PUPPETDB_TIMEOUT_S, DEFAULT_STALE_AFTER_DAYS, puppetdbSourceFrom, type PuppetdbSource } from "../../../src/puppetdb/declare.ts";
import { configProblems, type ConfigFile } from "../../../src/settings/config-schema.ts";
import { usageMessage } from "../../support/usage-error.ts";

let dir: string;
let pem: { ca: string; cert: string; key: string; groupKey: string; worldKey: string };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "serverdb-etl-pdb-declare-"));
  const file = (name: string, mode: number) => {
    const path = join(dir, name);
    writeFileSync(path, "-----BEGIN X-----\n-----END X-----\n");
    chmodSync(path, mode);
    return path;
  };
  pem = { ca: file("ca.pem", 0o644), cert: file("etl.pem", 0o644), key: file("etl.key", 0o600), groupKey: file("group.key", 0o640), worldKey: file("world.key", 0o604) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cpus = { name: "os_cpu_count", type: "int", default: -1, puppetdb: "processors.count" };
const release = { name: "os_release", type: "varchar(32)", default: "<unknown>", puppetdb: "os.release.full" };
const room = { name: "room", type: "varchar(16)", default: "", expression: "rk.name" };
const local = { url: "http://127.0.0.1:8080", match: "name" };
const https = () => ({ url: "https://puppetdb.example.com:8081/", ca_file: pem.ca, cert_file: pem.cert, key_file: pem.key, match: "name" });

function declared(puppetdb: Record<string, unknown> | undefined, columns: Record<string, unknown>[] = [cpus]): PuppetdbSource | undefined {
  const config: ConfigFile = { facts: { columns }, ...(puppetdb ? { puppetdb } : {}) };
  return puppetdbSourceFrom(config, factExtrasFrom(config));
}

/** A config mistake: one line, starting "config: ". */
function usage(fn: () => unknown): string {
  const message = usageMessage(fn);
  expect(message).toStartWith("config: ");
  return message;
}

describe("a valid [puppetdb]", () => {
  test("plain http on loopback: no TLS, the default timeout, the columns' facts in declaration order", () => {
    const s = declared(local, [release, room, cpus])!;
    expect(s).toEqual({
      url: "http://127.0.0.1:8080",
      tls: undefined,
      timeoutS: DEFAULT_PUPPETDB_TIMEOUT_S,
      match: { rule: "name" },
      staleAfterDays: DEFAULT_STALE_AFTER_DAYS,
      facts: [
        { path: "os.release.full", column: expect.objectContaining({ name: "os_release", typeText: "varchar(32)", fallback: "<unknown>" }) },
        { path: "processors.count", column: expect.objectContaining({ name: "os_cpu_count", typeText: "int", fallback: -1 }) },
      ],
    });
    expect(DEFAULT_PUPPETDB_TIMEOUT_S).toBe(30);
  });

  test("https with CA, client certificate and a private key; a path prefix kept, the trailing slash dropped", () => {
    expect(declared(https())).toMatchObject({ url: "https://puppetdb.example.com:8081", tls: { caFile: pem.ca, certFile: pem.cert, keyFile: pem.key } });
    expect(declared({ ...https(), url: "https://proxy.example.com/puppetdb/" })!.url).toBe("https://proxy.example.com/puppetdb");
  });

  test("localhost and ::1 count as loopback", () => {
    expect(declared({ ...local, url: "http://localhost:8080" })!.url).toBe("http://localhost:8080");
    expect(declared({ ...local, url: "http://[::1]:8080" })!.url).toBe("http://[::1]:8080");
  });

  test("match rules: fqdn keeps its domain in lower case without dots at the ends; serial; a timeout in seconds", () => {
    expect(declared({ ...local, match: "fqdn", domain: ".DC1.Example.com." })!.match).toEqual({ rule: "fqdn", domain: "dc1.example.com" });
    expect(declared({ ...local, match: "serial" })!.match).toEqual({ rule: "serial" });
    expect(declared({ ...local, timeout_s: 2.5 })!.timeoutS).toBe(2.5);
    expect(declared({ ...local, timeout_s: 5n })!.timeoutS).toBe(5);
    expect(declared({ ...local, stale_after_days: 2.5 })!.staleAfterDays).toBe(2.5);
    // The facts' own time, for a datetime column: a pseudo-fact, not read from the inventory.
    const at = declared(local, [cpus, { name: "facts_at", type: "datetime", puppetdb: "producer_timestamp" }])!;
    expect(at.facts.map((f) => f.path)).toEqual(["processors.count", "producer_timestamp"]);
  });

  test("no [puppetdb]: no source; [puppetdb] is a known section of the config file", () => {
    expect(declared(undefined, [room])).toBeUndefined();
    expect(configProblems({ puppetdb: { ...https(), timeout_s: 10, domain: "x.com" } })).toEqual([]);
    expect(configProblems({ puppetdb: { ...local, timeout: 10 } })[0]!.message).toBe("unknown key timeout in [puppetdb]; did you mean timeout_s?");
  });
});

describe("a PuppetDB column in [[facts.columns]]", () => {
  const config = { facts: { columns: [room, cpus] }, puppetdb: local };
  const extras = factExtrasFrom(config);

  test("is a declared column like the others (type, default) whose origin is the fact", () => {
    const c = extras.columns.find((x) => x.name === "os_cpu_count")!;
    expect(c).toMatchObject({ typeText: "int", fallback: -1, source: "processors.count", origin: { kind: "puppetdb", path: "processors.count" } });
    expect(extras.columns.find((x) => x.name === "room")!.origin).toEqual({ kind: "expression" });
  });

  test("the extract and the backfill's history pass read NULL for it (its default until PuppetDB's value is merged in)", () => {
    const params: unknown[] = [];
    const sql = withExtraSelect("SELECT a.id\n  -- {extra_columns}\nFROM t\n-- {extra_joins}\n", extras, params);
    expect(sql).toBe("SELECT a.id\n  , `rk`.`name` AS `extra__room`\n  , NULL AS `extra__os_cpu_count`\nFROM t\n\n");
    expect(params).toEqual([]);
    const history = historyPassSql("{extra_columns_history}\n{extra_joins_history}\n{extra_columns}\n{extra_joins}\n", extras, new Set(["id"]));
    expect(history.sql).toContain("NULL AS `extra__os_cpu_count`");
    // Neither read as of the day nor an approximation from today's tables: PuppetDB keeps no past facts.
    expect([history.fromHistory, history.fromToday]).toEqual([[], ["room"]]);
  });
});

describe("refused in one line", () => {
  const broken: [string, () => unknown, string | RegExp | (() => string)][] = [
    // The two sources of a column.
    ["both expression and puppetdb", () => declared(local, [{ ...cpus, expression: "s.cpu_count" }]), "config: [[facts.columns]] os_cpu_count: give expression (a ServerDB value) or puppetdb (a PuppetDB fact), not both"],
    ["neither", () => declared(local, [{ name: "x", type: "int", default: -1 }]), 'config: [[facts.columns]] x: expression is missing: give expression = "alias.column" (a ServerDB value) or puppetdb = "fact.path" (a PuppetDB fact)'],
    ["a PuppetDB column without [puppetdb]", () => declared(undefined), 'config: [[facts.columns]] os_cpu_count: puppetdb = "processors.count" needs a [puppetdb] section (url, match) to read it from; add one, or use expression'],
    ["a misspelt puppetdb key", () => declared(local, [{ name: "x", type: "int", default: -1, pupetdb: "a" }]), "config: [[facts.columns]] x: unknown key pupetdb; did you mean puppetdb?"],
    ["a fact path with a space", () => declared(local, [{ ...cpus, puppetdb: "processors count" }]), /puppetdb "processors count": use dotted names of letters, digits and _/],
    ["a fact path with an empty segment", () => declared(local, [{ ...cpus, puppetdb: "processors..count" }]), /use dotted names/],
    ["a fact path with a quote (PQL injection)", () => declared(local, [{ ...cpus, puppetdb: 'a"] {} x[' }]), /use dotted names/],
    ["a fact path written as in PQL", () => declared(local, [{ ...cpus, puppetdb: "facts.processors.count" }]), /without "facts\." \(e\.g\. "processors\.count"\)/],
    ["a fact path not a string", () => declared(local, [{ ...cpus, puppetdb: 3 }]), "config: [[facts.columns]] os_cpu_count: puppetdb must be a non-empty string"],
    ["one fact into two columns", () => declared(local, [cpus, { ...cpus, name: "cores" }]), "config: [[facts.columns]] cores: the fact processors.count is already read by os_cpu_count; read each fact into one column"],
    ["the producer_timestamp pseudo-fact into a column that is no datetime", () => declared(local, [{ name: "facts_at", type: "varchar(32)", default: "", puppetdb: "producer_timestamp" }]), 'config: [[facts.columns]] facts_at: puppetdb = "producer_timestamp" is the time the node\'s facts were produced: declare the column as type = "datetime"'],
    ["a stale_after_days of 0", () => declared({ ...local, stale_after_days: 0 }), "config: [puppetdb] stale_after_days: 0: give the days after which a node's facts count as stale, more than 0 and at most 3650 (default 7)"],
    ["a stale_after_days as text", () => declared({ ...local, stale_after_days: "7" }), /^config: \[puppetdb\] stale_after_days: "7": give the days/],
    ["[puppetdb] with no PuppetDB column", () => declared(local, [room]), 'config: [puppetdb]: no declared column reads a fact; add puppetdb = "fact.path" to a [[facts.columns]] entry, or remove [puppetdb]'],
    // The URL.
    ["no url", () => declared({ match: "name" }), /^config: \[puppetdb\] url: is missing: give PuppetDB's address/],
    ["not a URL", () => declared({ ...local, url: "puppetdb:8081" }), /is not http or https/],
    ["garbage", () => declared({ ...local, url: "::" }), 'config: [puppetdb] url: "::" is not a URL; write it as "https://puppetdb.example.com:8081"'],
    ["plain http off loopback", () => declared({ ...local, url: "http://puppetdb.example.com:8080" }), /plain http to puppetdb\.example\.com would send the fleet's facts unencrypted.*use https with ca_file, cert_file and key_file/],
    ["plain http to a LAN address", () => declared({ ...local, url: "http://10.0.0.5:8080" }), /plain http to 10\.0\.0\.5/],
    ["a password in the URL", () => declared({ ...https(), url: "https://etl:s3cret@puppetdb.example.com:8081" }), /holds a user or password; PuppetDB knows its clients by certificate/],
    ["a query in the URL", () => declared({ ...local, url: "http://127.0.0.1:8080/?x=1" }), /has a query or fragment/],
    // TLS files.
    ["https without ca_file", () => declared({ ...https(), ca_file: undefined }), /^config: \[puppetdb\] ca_file: is missing: https needs the CA certificate/],
    ["https without key_file", () => declared({ ...https(), key_file: undefined }), /^config: \[puppetdb\] key_file: is missing/],
    ["a relative cert path", () => declared({ ...https(), cert_file: "etl.pem" }), "config: [puppetdb] cert_file: etl.pem: give an absolute path (the nightly job does not run in your directory)"],
    ["a CA file that does not exist", () => declared({ ...https(), ca_file: "/nonexistent/ca.pem" }), /^config: \[puppetdb\] ca_file: \/nonexistent\/ca\.pem does not exist or cannot be read/],
    ["a key its group can read", () => declared({ ...https(), key_file: pem.groupKey }), () => `config: [puppetdb] key_file: ${pem.groupKey} is readable by its group (mode 0640); chmod 600 ${pem.groupKey}`],
    ["a key everyone can read", () => declared({ ...https(), key_file: pem.worldKey }), /is readable by every user \(mode 0604\); chmod 600/],
    ["certificates with plain http", () => declared({ ...local, ca_file: pem.ca }), "config: [puppetdb] ca_file: plain http uses no certificates; remove ca_file, or use an https url"],
    // Timeout and match.
    ["a zero timeout", () => declared({ ...local, timeout_s: 0 }), /^config: \[puppetdb\] timeout_s: 0: give the seconds one request may wait, more than 0 and at most 3600 \(default 30\)$/],
    ["a timeout as text", () => declared({ ...local, timeout_s: "30s" }), /timeout_s: "30s": give the seconds/],
    ["no match", () => declared({ url: local.url }), /^config: \[puppetdb\] match: is missing: say how a certname finds its server/],
    ["a misspelt match", () => declared({ ...local, match: "fdqn" }), 'config: [puppetdb] match: "fdqn" is not a rule; did you mean "fqdn"?'],
    ["an unknown match", () => declared({ ...local, match: "mac" }), 'config: [puppetdb] match: "mac" is not a rule; use "name", "fqdn" or "serial"'],
    ["fqdn without domain", () => declared({ ...local, match: "fqdn" }), /^config: \[puppetdb\] domain: is missing: match = "fqdn" strips it/],
    ["a domain with name", () => declared({ ...local, domain: "example.com" }), 'config: [puppetdb] domain: only match = "fqdn" uses a domain (match is "name"); remove domain, or set match = "fqdn"'],
    ["a domain that is no domain", () => declared({ ...local, match: "fqdn", domain: "ex ample.com" }), /domain: "ex ample\.com" is not a DNS domain/],
    ["an unknown key in a config built in code", () => declared({ ...local, cafile: pem.ca }), "config: [puppetdb]: unknown key cafile; did you mean ca_file?"],
    ["[puppetdb] not a table", () => declared("x" as unknown as Record<string, unknown>), /\[puppetdb\] must be a table/],
  ];
  for (const [what, fn, message] of broken) {
    test(what, () => {
      const got = usage(fn);
      if (typeof message === "function") expect(got).toBe(message());
      else if (typeof message === "string") expect(got).toBe(message);
      else expect(got).toMatch(message);
    });
  }
});
