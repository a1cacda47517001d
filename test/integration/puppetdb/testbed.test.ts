// The PuppetDB test bed itself: a real PuppetDB 7 answers, facts submitted through the command API
// come back from the query API once waitForFacts returns, and deleteAllNodes empties it.
import { beforeAll, describe, expect, test } from "bun:test";
import { puppetdb, type PuppetdbBed } from "../../support/puppetdb.ts";

let bed: PuppetdbBed;

beforeAll(async () => {
  bed = await puppetdb();
  await bed.deleteAllNodes();
}, 180_000);

async function pql<T>(query: string): Promise<T[]> {
  const res = await fetch(`${bed.url}/pdb/query/v4?query=${encodeURIComponent(query)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T[];
}

describe("puppetdb test bed", () => {
  test("PuppetDB 7 on 127.0.0.1, plain HTTP", async () => {
    expect(bed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(bed.version).toMatch(/^7\./);
    const res = await fetch(`${bed.url}/pdb/meta/v1/version`);
    expect(await res.json()).toEqual({ version: bed.version });
  });

  test("HTTPS: the bed's CA and the serverdb-etl client certificate pass; a certificate off the allowlist gets 403", async () => {
    const tls = (pem: { certFile: string; keyFile: string }) => ({ ca: Bun.file(bed.https.caFile), cert: Bun.file(pem.certFile), key: Bun.file(pem.keyFile) });
    const ok = await fetch(`${bed.https.url}/pdb/meta/v1/version`, { tls: tls(bed.https.client) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ version: bed.version });
    const refused = await fetch(`${bed.https.url}/pdb/query/v4?query=${encodeURIComponent("nodes[certname] {}")}`, { tls: tls(bed.https.intruder) });
    expect(refused.status).toBe(403);
  });

  test("facts of 3 nodes go in through replace_facts and come back from inventory and factsets", async () => {
    const at = (d: number) => new Date(Date.UTC(2026, 11, d, 3, 4, 5, 678));
    const fleet = [1, 2, 3].map((i) => ({
      certname: `bed${i}.example.com`,
      values: { processors: { count: 2 * i }, os: { release: { full: `12.${i}` } }, is_virtual: i % 2 === 0 },
      at: at(i),
    }));
    for (const n of fleet) await bed.replaceFacts(n.certname, n.values, n.at);
    await bed.waitForFacts();

    const rows = await pql<Record<string, unknown>>("inventory[certname, facts.processors.count, facts.os.release.full, facts.is_virtual] { order by certname }");
    expect(rows).toEqual(
      fleet.map((n) => ({
        certname: n.certname,
        "facts.processors.count": n.values.processors.count,
        "facts.os.release.full": n.values.os.release.full,
        "facts.is_virtual": n.values.is_virtual,
      })),
    );
    const stamps = await pql<{ certname: string; producer_timestamp: string }>("factsets[certname, producer_timestamp] { order by certname }");
    expect(stamps).toEqual(fleet.map((n) => ({ certname: n.certname, producer_timestamp: n.at.toISOString() })));
    expect([...bed.submitted().keys()].sort()).toEqual(fleet.map((n) => n.certname));
  }, 60_000);

  test("deleteAllNodes leaves no node behind", async () => {
    await bed.replaceFacts("bed-gone.example.com", { processors: { count: 1 } }, new Date());
    await bed.waitForFacts();
    expect((await pql<{ certname: string }>('nodes[certname] { node_state = "any" }')).length).toBeGreaterThan(0);
    await bed.deleteAllNodes();
    expect(await pql('nodes[certname] { node_state = "any" }')).toEqual([]);
    expect(bed.submitted().size).toBe(0);
  }, 60_000);
});
