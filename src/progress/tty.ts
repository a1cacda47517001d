// The live view on a terminal: one line per running phase (count/total, %, rate, elapsed, ETA),
// a replica line while the run waits, each fitted to the terminal width; finished phases become
// one permanent line above. It owns the terminal while live: log and summary lines are printed
// above the live area, never through it. Redraws at most every ~100 ms. Cosmetic: the session
// guards every call, and a failing write switches the view off instead of failing the run.
import type { Board, PhaseState } from "./board.ts";
import { liveParts, replicaTotalText, replicaWaitText } from "./describe.ts";
import { formatDuration, oneLine } from "./figures.ts";
import { fitParts, truncate, wrap } from "./fit.ts";
import type { PhaseName, Progress, ReplicaWaitInfo } from "./progress.ts";

export interface Terminal {
  /** Write to the stream the live area is on (synchronously: order matters). */
  write(text: string): void;
  /** Write to the other stream (stdout when the area is on stderr); same terminal or not. */
  writeOther?(text: string): void;
  /** Does the other stream show on this same terminal (so its lines must go above the area)? */
  otherIsSameTerminal?: boolean;
  /** Columns now (re-read at each draw: the window may be resized). */
  columns(): number;
  /** The terminal shows UTF-8 (a check mark and an ellipsis), else ASCII. */
  utf8: boolean;
}

export interface TtyOptions {
  /** Shortest time between two redraws. */
  frameMs?: number;
  /** Timers; tests pass their own. */
  setInterval?: (fn: () => void, ms: number) => { unref?(): void };
  clearInterval?: (t: unknown) => void;
  /** Told once when drawing failed and the view switched itself off. */
  onError?: (err: unknown) => void;
}

const LABEL_WIDTH = 9; // "aggregate"; the replica line is labelled "replica"
const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";

export class TtyRenderer implements Progress {
  private drawn = 0; // lines of the live area on screen, the cursor at the start of the line below them
  private lastFrame = "";
  private timer: unknown;
  private live = false;
  private stopping?: string;
  private readonly frameMs: number;

  constructor(
    private readonly board: Board,
    private readonly term: Terminal,
    private readonly options: TtyOptions = {},
  ) {
    this.frameMs = options.frameMs ?? 100;
  }

  /** Take over the terminal: hide the cursor and start the frame timer. */
  start(): void {
    if (this.live) return;
    this.live = true;
    this.term.write(HIDE_CURSOR);
    const set = this.options.setInterval ?? setInterval;
    const t = set(() => this.tick(), this.frameMs);
    t.unref?.();
    this.timer = t;
  }

  /** Give the terminal back: finished phases collapsed, unfinished ones say where they stopped, cursor shown. */
  stop(): void {
    if (!this.live) return;
    this.live = false;
    (this.options.clearInterval ?? clearInterval)(this.timer as ReturnType<typeof setInterval>);
    try {
      const lines: string[] = [];
      for (const p of this.board.active()) lines.push(this.finalLine(p, `stopped at ${p.done}${p.total !== undefined ? `/${p.total}` : ""} ${p.unit} after ${formatDuration(this.board.msIn(p))}`));
      if (this.replicaShown()) lines.push(this.finalLine("replica", replicaTotalText(this.board)));
      this.term.write(this.clear() + lines.map((l) => l + "\n").join(""));
    } finally {
      this.drawn = 0;
      this.term.write(SHOW_CURSOR);
    }
  }

  /** Restore the cursor only (a hard exit on a second Ctrl-C): must not throw. */
  emergencyRestore(): void {
    try {
      this.term.write(this.clear() + SHOW_CURSOR);
    } catch {
      // Nothing more can be done for the terminal.
    }
  }

  /** Waits already summed up in a permanent line by settle(). */
  private settledWaits = 0;

  /** Is there a replica line to show: a wait in progress, or waits since the last settle()? */
  private replicaShown(): boolean {
    return this.board.replica.waiting !== undefined || this.board.replica.waits > this.settledWaits;
  }

  /** Before a command's summary line: the replica wait so far becomes a permanent line above. */
  settle(): void {
    if (!this.live || !this.replicaShown() || this.board.replica.waiting) return;
    this.settledWaits = this.board.replica.waits;
    this.above(this.finalLine("replica", replicaTotalText(this.board)));
  }

  /** Shown on the live area until the end: e.g. "stopping after the current batch (Ctrl-C again to quit now)". */
  notice(text: string): void {
    this.stopping = text;
    this.redraw();
  }

  /**
   * A permanent line (a log line on this stream, or a stdout line) printed above the live area.
   * Our own lines are wrapped at spaces to the width; data passed through as it is
   * (`wrapLines` false: a table or SQL keeps its lines, the terminal folds them).
   */
  above(text: string, other = false, wrapLines = true): void {
    if (other && !this.term.otherIsSameTerminal) {
      // A pipe or a file: the line as it is, unwrapped.
      this.writeOther(text.replace(/\n*$/, "\n"));
      return;
    }
    const cols = this.cols();
    const lines = text
      .replace(/\n+$/, "")
      .split("\n")
      .flatMap((l) => (wrapLines ? wrap(l, cols - 1) : [l]));
    const body = lines.map((l) => l + "\n").join("");
    if (!this.live) {
      if (other) this.writeOther(body);
      else this.term.write(body);
      return;
    }
    if (other) {
      this.term.write(this.clear());
      this.drawn = 0;
      this.writeOther(body);
      this.draw(true);
    } else {
      this.term.write(this.clear() + body);
      this.drawn = 0;
      this.draw(true);
    }
  }

  phaseStart(): void {}
  phaseProgress(): void {}
  replicaWait(_info: ReplicaWaitInfo): void {}
  replicaWaitEnd(): void {}
  warnings(): void {}
  puppetdb(): void {}

  phaseEnd(phase: PhaseName): void {
    const p = this.board.phase(phase);
    if (!p || !this.live) return;
    this.above(this.finalLine(p, oneLine(p.result ?? "done")));
  }

  /** The frame timer: redraw when something changed (elapsed times change every frame). Never throws. */
  tick(): void {
    if (!this.live) return;
    try {
      this.draw(false);
    } catch (err) {
      this.fail(err);
    }
  }

  /** Switch the view off after a failed write (the terminal went away): nothing more is drawn. */
  fail(err: unknown): void {
    if (!this.live) return;
    this.live = false;
    (this.options.clearInterval ?? clearInterval)(this.timer as ReturnType<typeof setInterval>);
    this.options.onError?.(err);
  }

  get isLive(): boolean {
    return this.live;
  }

  private writeOther(text: string): void {
    (this.term.writeOther ?? this.term.write)(text);
  }

  private redraw(): void {
    if (this.live) this.draw(true);
  }

  private cols(): number {
    const c = this.term.columns();
    return Number.isFinite(c) && c > 0 ? c : 80;
  }

  /** Move up over the live area and clear to the end of the screen. */
  private clear(): string {
    return this.drawn > 0 ? `\r\x1b[${this.drawn}A\x1b[J` : "";
  }

  private frame(): string[] {
    const max = this.cols() - 1; // never the last column: some terminals wrap there
    // Two columns of margin line the running phases up with the finished ones ("✓ load").
    const label = (name: string) => `  ${truncate(name, LABEL_WIDTH).padEnd(LABEL_WIDTH)}`;
    const lines = this.board.active().map((p) => fitParts(label(p.name), liveParts(this.board, p), max, "  ", this.ellipsis));
    const head = label("replica");
    const waiting = replicaWaitText(this.board, max - head.length - 2, this.ellipsis);
    if (waiting || this.replicaShown()) {
      lines.push(fitParts(head, [{ text: waiting ?? replicaTotalText(this.board), drop: 0 }], max, "  ", this.ellipsis));
    }
    if (this.stopping) lines.push(truncate(oneLine(this.stopping), max, this.ellipsis));
    return lines;
  }

  private draw(force: boolean): void {
    const lines = this.frame();
    const text = lines.map((l) => l + "\n").join("");
    if (!force && text === this.lastFrame) return;
    this.term.write(this.clear() + text);
    this.drawn = lines.length;
    this.lastFrame = text;
  }

  private get ellipsis(): string {
    return this.term.utf8 ? "…" : "...";
  }

  private finalLine(p: PhaseState | string, text: string): string {
    const name = typeof p === "string" ? p : p.name;
    const mark = this.term.utf8 ? "✓" : "*";
    const stopped = text.startsWith("stopped at");
    return truncate(`${stopped ? "!" : mark} ${truncate(name, LABEL_WIDTH).padEnd(LABEL_WIDTH)}  ${text}`, this.cols() - 1, this.ellipsis);
  }
}
