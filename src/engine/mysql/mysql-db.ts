// Db over mysql2 (MariaDB and MySQL). mysql2 is imported lazily so `--help` stays fast.
// Connections read DATETIME as wall-clock strings (dateStrings) and BIGINT as strings
// above 2^53, so nothing is shifted by the host's time zone or rounded.
import type { Db, DbCapabilities, ExecResult, Params, Row } from "../db.ts";
import type { MysqlEndpoint } from "../../settings/dsn.ts";
import { describeEndpoint } from "../../settings/dsn.ts";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { connectionLostError, translateMysqlError } from "./errors.ts";
import { EtlError } from "../../errors.ts";
import { debugSql } from "../sql-debug.ts";
import { loadDataSql } from "./load-data.ts";
import { readWsrep, type WsrepState } from "./galera.ts";

/** A query without a callback: rows come as a stream; 'end' once the server has sent them all (or an error). */
interface RawStreamingQuery {
  stream(opts: { objectMode: true; highWaterMark?: number }): AsyncIterable<any> & { destroy(err?: Error): void };
  once(event: "end", cb: () => void): void;
}

/** The part of mysql2's callback Connection we use, typed narrowly. */
interface RawConnection {
  query(sql: string, values: Params | undefined, cb: (err: MysqlDriverError | null, result: any) => void): void;
  query(options: { sql: string; infileStreamFactory: (path: string) => Readable }, cb: (err: MysqlDriverError | null, result: any) => void): void;
  query(sql: string, values?: Params): RawStreamingQuery;
  end(cb: (err?: unknown) => void): void;
  destroy(): void;
  /** Every connection-level 'error' is fatal: mysql2 closes the connection after it. */
  on(event: "error", cb: (err: MysqlDriverError) => void): void;
  /** The socket ended: the server (or this process) closed the connection. */
  on(event: "end", cb: () => void): void;
  off(event: "error", cb: (err: MysqlDriverError) => void): void;
  off(event: "end", cb: () => void): void;
}

export interface MysqlDriverError extends Error {
  code?: string;
  errno?: number;
  sqlState?: string;
  fatal?: boolean;
}

export interface MysqlConnectOptions {
  /** Allow several statements in one query (only for loading schema.sql). */
  multipleStatements?: boolean;
  /** Seconds before a connection attempt gives up. */
  connectTimeoutS?: number;
  /**
   * Seconds this session must survive idle: its wait_timeout is raised to this (never lowered),
   * so a server with a short wait_timeout does not close it while, e.g., the writer waits for a replica.
   */
  idleTimeoutS?: number;
}

export class MysqlDb implements Db {
  readonly engine = "mysql" as const;
  readonly label: string;
  caps: DbCapabilities = {
    gtid: "none",
    replication: true,
    snapshotTransactions: true,
    maxStatementBytes: 4 * 2 ** 20,
    maxPlaceholders: 65_535,
    bulkLoad: false,
  };
  /** Server version string, e.g. "10.11.19-MariaDB-log". */
  version = "";
  /** A Galera node's wsrep state when connected (undefined: no cluster node). */
  wsrep: WsrepState | undefined;
  /** What ended the connection (an 'error' or 'end' of mysql2's connection), once it has ended. */
  private lost: { cause?: MysqlDriverError } | undefined;
  private closed = false;
  /** Who wants to hear of the loss (onLost), told once. */
  private lostListeners: Array<(cause?: Error) => void> = [];

  private constructor(
    private conn: RawConnection,
    readonly endpoint: MysqlEndpoint,
  ) {
    this.label = describeEndpoint(endpoint);
  }

  static async connect(ep: MysqlEndpoint, opts: MysqlConnectOptions = {}): Promise<MysqlDb> {
    const mysql = (await import("mysql2")).default;
    const label = describeEndpoint(ep);
    const conn = mysql.createConnection({
      host: ep.socket ? undefined : ep.host,
      port: ep.socket ? undefined : ep.port,
      socketPath: ep.socket,
      user: ep.user,
      password: ep.password,
      database: ep.database || undefined,
      charset: "utf8mb4_general_ci",
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: false,
      timezone: "Z",
      connectTimeout: (opts.connectTimeoutS ?? 10) * 1000,
      multipleStatements: opts.multipleStatements ?? false,
      ssl: sslOptions(ep),
    }) as unknown as RawConnection;
    const db = new MysqlDb(conn, ep);
    // A connection that dies while idle (KILL, wait_timeout, a restart) says so only here, to
    // the connection; mysql2 then answers the next query with a code-less "closed state" error.
    // Remember it, so the next statement fails as a lost connection (retried after a reconnect).
    // Listening also keeps a fatal 'error' from crashing the process.
    conn.on("error", (err) => db.markLost(err));
    conn.on("end", () => db.markLost());
    try {
      const [row] = await db.query<{ v: string; packet: number | string; local_infile: number | string }>(
        "SELECT VERSION() AS v, @@max_allowed_packet AS packet, @@local_infile AS local_infile",
      );
      db.version = row.v;
      db.caps.maxStatementBytes = Number(row.packet);
      // mysql2 offers LOCAL INFILE by default (CLIENT_LOCAL_FILES); the server must allow it too.
      db.caps.bulkLoad = Number(row.local_infile) === 1;
      // mysql2's client-side escaping and our LOAD DATA encoding both use backslash escapes; a
      // server default of NO_BACKSLASH_ESCAPES would turn them into wrong data, so this session drops it.
      await db.execute("SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')");
      if (/mariadb/i.test(db.version)) {
        db.caps = { ...db.caps, gtid: "mariadb" };
        // Return @@last_gtid with every write result: no extra round trip per batch.
        await db.execute("SET SESSION session_track_system_variables = 'last_gtid'");
        const wsrep = await readWsrep(db);
        db.wsrep = wsrep;
        if (wsrep) {
          db.caps = {
            ...db.caps,
            gtid: wsrep.gtidMode ? "wsrep" : "mariadb",
            clusterNode: true,
            transactionLimit: { rows: wsrep.maxWsRows, bytes: wsrep.maxWsBytes },
          };
        }
      } else if (Number.parseInt(db.version) >= 8) {
        db.caps = { ...db.caps, gtid: "mysql" };
        // MySQL's counterpart: the committed transaction's GTID comes back in the OK packet.
        await db.execute("SET SESSION session_track_gtids = OWN_GTID");
      }
      if (opts.idleTimeoutS) await db.execute("SET SESSION wait_timeout = GREATEST(@@SESSION.wait_timeout, ?)", [Math.ceil(opts.idleTimeoutS)]);
    } catch (err) {
      // A session setting that fails leaves no open connection behind (a reconnect loop would pile them up).
      conn.destroy();
      throw translateMysqlError(err, label);
    }
    return db;
  }

  get isMariadb(): boolean {
    return /mariadb/i.test(this.version);
  }

  /**
   * Call `listener` once when the connection ends other than by close() (a KILL, a restart, a
   * dropped network), at once if it already has. The run lock's watch (lock-watch.ts) uses it.
   */
  onLost(listener: (cause?: Error) => void): void {
    if (this.closed) return;
    if (this.lost) listener(this.lost.cause);
    else this.lostListeners.push(listener);
  }

  private markLost(cause?: MysqlDriverError): void {
    if (this.lost) return;
    this.lost = { cause };
    if (this.closed) return; // our own close(): nothing was lost
    for (const listener of this.lostListeners.splice(0)) listener(cause);
  }

  /** Why no statement can run here any more, or undefined while the connection is usable. */
  private unusable(): Error | undefined {
    if (this.closed) return new EtlError(`${this.label}: the connection was used after close() (a bug)`);
    if (this.lost) return connectionLostError(this.label, "while idle", this.lost.cause);
    return undefined;
  }

  query<T = Row>(sql: string, params?: Params): Promise<T[]> {
    debugSql(this.label, sql, params);
    const gone = this.unusable();
    if (gone) return Promise.reject(gone);
    return new Promise((resolve, reject) => {
      this.conn.query(sql, params, (err, rows) => (err ? reject(translateMysqlError(err, this.label)) : resolve(rows as T[])));
    });
  }

  execute(sql: string, params?: Params): Promise<ExecResult> {
    debugSql(this.label, sql, params);
    const gone = this.unusable();
    if (gone) return Promise.reject(gone);
    return new Promise((resolve, reject) => {
      this.conn.query(sql, params, (err, result) => {
        if (err) return reject(translateMysqlError(err, this.label));
        const last = Array.isArray(result) ? result[result.length - 1] : result;
        resolve({
          affectedRows: last?.affectedRows ?? 0,
          insertId: Number(last?.insertId ?? 0),
          gtid: last?.stateChanges?.systemVariables?.last_gtid || last?.stateChanges?.gtids?.join(",") || undefined,
        });
      });
    });
  }

  async loadRows(table: string, columns: readonly string[], data: Buffer, rows: number): Promise<void> {
    const sql = loadDataSql(table, columns);
    // The shape, short enough not to be cut: the column list as a count, and no values.
    debugSql(this.label, `${sql.replace(/\([^()]*\)$/, `(${columns.length} columns)`)} [${rows} rows, ${data.length} bytes]`);
    const gone = this.unusable();
    if (gone) throw gone;
    // The server reads the "file" as packets, each chunk one, and refuses one over its
    // max_allowed_packet: half of it, at most 1 MiB. A retried batch runs a new query, and so
    // gets a new stream over the same bytes.
    const chunk = Math.max(256, Math.min(LOAD_CHUNK_BYTES, Math.floor(this.caps.maxStatementBytes / 2)));
    const chunks: Buffer[] = [];
    for (let at = 0; at < data.length; at += chunk) chunks.push(data.subarray(at, at + chunk));
    const result = await new Promise<any>((resolve, reject) => {
      this.conn.query({ sql, infileStreamFactory: () => Readable.from(chunks) }, (err, res) =>
        err ? reject(translateMysqlError(err, this.label)) : resolve(res),
      );
    });
    // A value the server had to change (cut, or a number read from text) is only a warning
    // outside strict mode, and on MySQL always with LOCAL (it implies IGNORE); under strict mode
    // REPLACE would fail on it, so the load fails too rather than commit what was not sent.
    const warnings = Number(result?.warningStatus ?? 0);
    if (warnings > 0) {
      const shown = await this.query<{ Level: string; Code: number; Message: string }>("SHOW WARNINGS LIMIT 3").catch(() => []);
      const detail = shown.map((w) => `${w.Level} ${w.Code}: ${w.Message}`).join("; ");
      throw new Error(`LOAD DATA into ${table} on ${this.label}: ${warnings} warning(s), the rows did not arrive as sent: ${detail}`);
    }
  }

  async *stream<T = Row>(sql: string, params?: Params): AsyncIterable<T> {
    debugSql(this.label, sql, params);
    const gone = this.unusable();
    if (gone) throw gone;
    const query = this.conn.query(sql, params);
    const rows = query.stream({ objectMode: true, highWaterMark: 1000 });
    let received = 0;
    let complete = false;
    query.once("end", () => (complete = true));
    // A streamed query has no callback, so when the connection dies mid-result mysql2 tells only
    // the connection: the row stream would hand over what was buffered and then neither fail nor
    // end. Fail it here — but only once every packet that did arrive has been read: while our
    // reader is paused, mysql2 holds parsed packets back (its paused queue), and those may well
    // hold the rest of the result and its end (a source idle in its snapshot after sending it all,
    // then closed by wait_timeout or a KILL, has lost nothing).
    let lost: { cause?: MysqlDriverError } | undefined;
    const heldBack = () => (this.conn as unknown as { _paused_packets?: { length: number } })._paused_packets?.length ?? 0;
    const settle = () => {
      if (lost && !complete && heldBack() === 0) {
        rows.destroy(connectionLostError(this.label, `after ${received} rows of a streamed result`, lost.cause));
      }
    };
    // The reader asking for more is when mysql2 replays held-back packets (resume()); after that,
    // if the result has not ended, nothing more can come.
    const readMore = (rows as unknown as { _read: (n: number) => void })._read.bind(rows);
    (rows as unknown as { _read: (n: number) => void })._read = (n) => {
      readMore(n);
      settle();
    };
    const fail = (cause?: MysqlDriverError) => {
      lost ??= { cause };
      settle();
    };
    const onEnd = () => fail();
    this.conn.on("error", fail);
    this.conn.on("end", onEnd);
    try {
      for await (const row of rows) {
        received++;
        yield row as T;
      }
    } catch (err) {
      throw translateMysqlError(err, this.label);
    } finally {
      this.conn.off("error", fail);
      this.conn.off("end", onEnd);
      rows.destroy();
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    if (this.lost) {
      this.conn.destroy();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.conn.end(() => {
        this.conn.destroy();
        resolve();
      });
    });
  }
}

/** Most bytes per LOAD DATA packet. */
const LOAD_CHUNK_BYTES = 1 << 20;

function sslOptions(ep: MysqlEndpoint): object | undefined {
  switch (ep.sslMode) {
    case "DISABLED":
    case "PREFERRED": // mysql2 cannot fall back to plain text; PREFERRED means "as the server offers", i.e. off
      return ep.sslCa ? { ca: readFileSync(ep.sslCa, "utf8"), rejectUnauthorized: false } : undefined;
    case "REQUIRED":
      return { ca: ep.sslCa ? readFileSync(ep.sslCa, "utf8") : undefined, rejectUnauthorized: false };
    case "VERIFY_IDENTITY":
      return { ca: readFileSync(ep.sslCa!, "utf8"), rejectUnauthorized: true };
  }
}
