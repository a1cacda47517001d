// loadServers with a fake writer: batches by rows, the double buffer (at most one batch in
// flight while the next is built), and a source that fails while a batch is still being
// written — the load must not return before that batch has settled.
import { describe, expect, test } from "bun:test";
import type { DbCapabilities } from "../../../../src/engine/db.ts";
import type { BatchWriter } from "../../../../src/stages/load/batch-writer.ts";
import { loadServers } from "../../../../src/stages/load/load.ts";
import type { WriteStatement } from "../../../../src/stages/load/statements.ts";
import { noProgress } from "../../../../src/progress/progress.ts";
import { MYSQL_LIKE_CAPS } from "../../../support/fixtures.ts";
import type { TransformedServer } from "../../../../src/transform/types.ts";

const CAPS: DbCapabilities = MYSQL_LIKE_CAPS;

function server(id: number): TransformedServer {
  return {
    fact: {
      id, name: `srv${id}`, asset_type: "server", serialnumber: `SN${id}`, delivery_date: null, ip_address: null,
      mac_address: null, status: "in use", site: "ams1", region: "eu", role_ids: "", puppet_services: "", role_names: "",
      rack: "r1", cpu_version: "x", cpu_count: 2, cpu_cores: 8, cpu_threads: 16, memory: "64.000", network_speed: 10000,
      manufacturer: "m", model: "n", owner: "o", wou_id: -1, wou_name: "", created_at: "2026-01-01 00:00:00",
      last_edit: "2026-01-01 00:00:00",
    },
    roles: [],
    extras: [],
    warnings: {},
  };
}

/** A writer whose every write takes `ms`, recording when each started and settled. */
function slowWriter(ms: number, failOn?: number) {
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let n = 0;
  const writer = {
    async write(statements: readonly WriteStatement[], onCommitted?: (affected: number) => void) {
      const batch = ++n;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      log.push(`start ${batch}`);
      await Bun.sleep(ms);
      inFlight--;
      log.push(`end ${batch}`);
      if (batch === failOn) throw new Error(`batch ${batch} failed`);
      onCommitted?.(statements.length);
      return statements.length;
    },
  } as unknown as BatchWriter;
  return { writer, log, maxInFlight: () => maxInFlight };
}

async function* servers(count: number, throwAfter?: number): AsyncIterable<TransformedServer> {
  for (let id = 1; id <= count; id++) {
    if (id === throwAfter) throw new Error("source connection lost");
    yield server(id);
  }
}

const OPTIONS = { reportDate: "2026-11-20", runId: 7, batchSize: 10 };

describe("loadServers", () => {
  test("batches by --batch-size, one batch in flight at a time, every server counted", async () => {
    const w = slowWriter(5);
    const result = await loadServers(servers(35), w.writer, CAPS, OPTIONS, noProgress);
    expect(result.loaded).toBe(35);
    expect(w.log.filter((l) => l.startsWith("start"))).toHaveLength(4); // 10 + 10 + 10 + 5
    expect(w.maxInFlight()).toBe(1);
    // Batch n+1 starts only after batch n ended.
    expect(w.log).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3", "start 4", "end 4"]);
  });

  test("a source that fails mid-load: the error propagates only after the batch in flight has settled", async () => {
    const w = slowWriter(50);
    // Server 15 throws: batch 1 (servers 1–10) is being written when the source fails.
    const failure = await loadServers(servers(35, 15), w.writer, CAPS, OPTIONS, noProgress).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure?.message).toBe("source connection lost");
    expect(w.log).toEqual(["start 1", "end 1"]);
  });

  test("a batch that fails: its error, not a later one, and nothing after it is written", async () => {
    const w = slowWriter(5, 2);
    const failure = await loadServers(servers(35), w.writer, CAPS, OPTIONS, noProgress).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure?.message).toBe("batch 2 failed");
    expect(w.log).toEqual(["start 1", "end 1", "start 2", "end 2"]);
  });
});
