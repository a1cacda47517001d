// The source may wait for the load. The extract is read with backpressure, so while a batch
// waits for a replica the server blocks writing rows to us; past @@net_write_timeout it would
// drop the connection mid-extract. allowReaderPauses raises that session's timeout to cover
// --replica-timeout plus the batch retries. Here a session whose server default is 1 s
// (as if a DBA had set it so) streams a large result through MysqlDb.stream with a 4 s pause.
import { describe, expect, test } from "bun:test";
import { allowReaderPauses } from "../../../../src/stages/extract/extract.ts";
import { withDb } from "../../../support/servers.ts";

const ROWS = 200_000; // 100 MB of rows: far more than the socket buffers, so the server must block
const QUERY = `SELECT seq, REPEAT('x', 500) AS pad FROM mysql.seq_1_to_${ROWS}`;

describe("allowReaderPauses", () => {
  test("raises the session's net_write_timeout to --replica-timeout + the retry allowance, never lowers it", async () => {
    await withDb("", async (db) => {
      await db.execute("SET SESSION net_write_timeout = 1");
      await allowReaderPauses(db, 5);
      const [low] = await db.query<{ t: number }>("SELECT @@SESSION.net_write_timeout AS t");
      expect(Number(low!.t)).toBe(605);
      await db.execute("SET SESSION net_write_timeout = 7200");
      await allowReaderPauses(db, 5);
      const [high] = await db.query<{ t: number }>("SELECT @@SESSION.net_write_timeout AS t");
      expect(Number(high!.t)).toBe(7200);
    });
  });

  test("a stream whose reader pauses longer than the server's net_write_timeout still delivers every row", async () => {
    await withDb("", async (db) => {
      await db.execute("SET SESSION net_write_timeout = 1");
      await allowReaderPauses(db, 1);
      let rows = 0;
      let last = 0;
      for await (const row of db.stream<{ seq: number | string }>(QUERY)) {
        rows++;
        last = Number(row.seq);
        if (rows === 1000) await Bun.sleep(4000); // the load waiting for a replica
      }
      expect(rows).toBe(ROWS);
      expect(last).toBe(ROWS);
    });
  }, 60_000);
});
