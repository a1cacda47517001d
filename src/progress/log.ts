// Progress as plain log lines (systemd, cron, pipes; JSON lines with --log-format json): one at
// each phase start and end, and every --progress-interval seconds for each phase still running
// (and for a replica wait in progress), with the tty view's figures as fields. No escape codes.
import type { Board } from "./board.ts";
import { endRecord, progressRecord, replicaName } from "./describe.ts";
import { formatDuration, oneLine, seconds } from "./figures.ts";
import type { PhaseName, Progress } from "./progress.ts";

/** Writes one log line with structured fields (INFO, logger "progress"). */
export type LogLine = (message: string, fields: Record<string, unknown>) => void;

export interface LogRendererOptions {
  /** Seconds between the periodic lines of a running phase. */
  intervalS: number;
  setInterval?: (fn: () => void, ms: number) => { unref?(): void };
  clearInterval?: (t: unknown) => void;
}

export class LogRenderer implements Progress {
  private timer: unknown;

  constructor(
    private readonly board: Board,
    private readonly line: LogLine,
    private readonly options: LogRendererOptions,
  ) {}

  start(): void {
    const set = this.options.setInterval ?? setInterval;
    const t = set(() => this.tick(), Math.max(100, this.options.intervalS * 1000));
    t.unref?.();
    this.timer = t;
  }

  /** The periodic lines: every running phase, and the replica wait in progress. */
  tick(): void {
    for (const p of this.board.active()) {
      const r = progressRecord(this.board, p);
      this.line(r.message, r.fields);
    }
    const w = this.board.replica.waiting;
    if (w) {
      const waitedMs = this.board.now() - w.sinceMs;
      this.line(`replica wait: waiting for ${replicaName(w.replica, w.noun)}: ${oneLine(w.reason)}, ${formatDuration(waitedMs)}`, {
        event: "progress",
        phase: "replica wait",
        replica: w.replica,
        reason: w.reason,
        ...(w.target ? { gtid: w.target } : {}),
        waited_s: seconds(waitedMs),
      });
    }
  }

  stop(): void {
    (this.options.clearInterval ?? clearInterval)(this.timer as ReturnType<typeof setInterval>);
    const r = this.board.replica;
    if (r.firstMs === undefined) return;
    this.line(`replica wait: ${formatDuration(r.blockedMs)} in all, ${r.waits} wait${r.waits === 1 ? "" : "s"}`, {
      event: "end",
      phase: "replica wait",
      replica_wait_s: seconds(r.blockedMs),
      waits: r.waits,
    });
  }

  phaseStart(phase: PhaseName): void {
    const p = this.board.phase(phase);
    if (!p) return;
    const total = p.total !== undefined ? `, ${p.total} ${p.unit} to go` : "";
    this.line(`${p.name}: started${total}`, { event: "start", phase: p.name, ...(p.total !== undefined ? { total: p.total } : {}) });
  }

  phaseProgress(): void {}

  phaseEnd(phase: PhaseName): void {
    const p = this.board.phase(phase);
    if (!p) return;
    const r = endRecord(this.board, p);
    this.line(r.message, r.fields);
  }

  replicaWait(): void {}
  replicaWaitEnd(): void {}
  warnings(): void {}
  puppetdb(): void {}
}
