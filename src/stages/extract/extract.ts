// Extract: every Server of ServerDB as one streamed row, inside one consistent read-only
// snapshot so the night's picture is a single point in time. Rows arrive in id order;
// a repeated id (should the source ever produce one) is dropped here, in O(1) memory.
import type { Db } from "../../engine/db.ts";
import { quoteIdent } from "../../engine/ident.ts";
import { SQL } from "../../sql.ts";
import { BATCH_RETRY_ALLOWANCE_S } from "../load/batch-writer.ts";
import type { RawServerRow, Warnings } from "../../transform/types.ts";
import { NO_EXTRAS, type FactExtras } from "../../extras/declare.ts";
import { withExtraSelect } from "../../extras/extract-sql.ts";

export interface ExtractOptions {
  /** The ServerDB database (schema) name; validated and quoted into the SQL. */
  schema: string;
  /** The columns declared in [[facts.columns]], read as `extra__<name>` (none by default). */
  extras?: FactExtras;
}

export interface Extract {
  /** Servers in the snapshot (the same snapshot the rows come from). */
  total: number;
  /** The rows, streamed; iterate once. */
  rows: AsyncIterable<RawServerRow>;
  /** Rows dropped because their id repeated the previous one. */
  readonly duplicates: number;
  /** Warnings of the extract itself (column → count; e.g. backfill approximations), merged into the run's. */
  readonly warnings?: Warnings;
  /** End the snapshot transaction (idempotent). */
  finish(): Promise<void>;
}

/** Render a source SQL file for `schema`. */
export function sourceSql(text: string, schema: string): string {
  return text.replaceAll("{schema}", quoteIdent(schema, "source database name"));
}

/**
 * Let the source wait for us. The extract is read with backpressure: while a batch waits for a
 * replica (up to `replicaTimeoutS`) or is retried, the load stops reading and the server blocks
 * writing rows to us. After @@net_write_timeout (60 s by default) the server would drop the
 * connection and the night would fail, so this session's timeout is raised (never lowered) to
 * cover the longest pause the load can make. A dead client still shows up at once (TCP reset).
 */
export async function allowReaderPauses(source: Db, replicaTimeoutS: number): Promise<void> {
  if (!source.caps.snapshotTransactions) return; // SQLite: no network, nothing times out
  const seconds = Math.ceil(replicaTimeoutS + BATCH_RETRY_ALLOWANCE_S);
  await source.execute("SET SESSION net_write_timeout = GREATEST(@@SESSION.net_write_timeout, ?)", [seconds]);
}

/**
 * Start the consistent read-only snapshot every extract reads in; returns the idempotent
 * function that ends it. Shared by the nightly extract and the backfill's history pass.
 */
export async function beginSnapshot(source: Db): Promise<() => Promise<void>> {
  if (source.caps.snapshotTransactions) {
    // MySQL 8 caps group_concat at 1 KiB by default; a server's roles need more.
    await source.execute("SET SESSION group_concat_max_len = 1048576");
    await source.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    await source.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
  } else {
    await source.execute("BEGIN");
  }
  let open = true;
  return async () => {
    if (!open) return;
    open = false;
    await source.execute("COMMIT");
  };
}

/** Open the snapshot, count, and return the row stream. The caller must `finish()`. */
export async function extractServers(source: Db, options: ExtractOptions): Promise<Extract> {
  const params: unknown[] = [];
  const select = sourceSql(withExtraSelect(SQL.factSelect, options.extras ?? NO_EXTRAS, params), options.schema);
  const count = sourceSql(SQL.factCount, options.schema);
  const finish = await beginSnapshot(source);
  const [{ servers }] = await source.query<{ servers: number | string }>(count);
  const state = { duplicates: 0 };
  async function* rows(): AsyncIterable<RawServerRow> {
    let previous: string | undefined;
    for await (const row of source.stream<RawServerRow>(select, params)) {
      const id = String(row.id);
      if (id === previous) {
        state.duplicates++;
        continue;
      }
      previous = id;
      yield row;
    }
  }
  return {
    total: Number(servers),
    rows: rows(),
    get duplicates() {
      return state.duplicates;
    },
    finish,
  };
}
