// The output of one invocation, chosen once at the top (cli.ts): which progress renderer (the
// live tty view, log/JSON lines, or none), the board every renderer draws from, the one summary
// line every writing command ends with, and the metrics file. Commands take runProgress() for
// their stages and print their result lines with reportLine()/reportSummary(), which keep them
// above a live view and write them as JSON with --log-format json.
import { writeSync } from "node:fs";
import { errorFields, jsonLine, logFormat, logger, setLogFloor, setLogSink } from "../log.ts";
import { Board } from "./board.ts";
import { wrap } from "./fit.ts";
import { LogRenderer } from "./log.ts";
import { writeMetricsFile } from "./metrics-file.ts";
import { guardProgress, noProgress, teeProgress, type Progress } from "./progress.ts";
import { formatStoppedSummary, runFigures, summaryFields, type RunFigures, targetText } from "./run-summary.ts";
import { TtyRenderer, type Terminal } from "./tty.ts";

export const PROGRESS_MODES = ["auto", "tty", "log", "none"] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];
export const DEFAULT_PROGRESS_INTERVAL_S = 30;

const log = logger("progress");

export interface SessionOptions {
  /** The command(s) being run, for the summary and the metrics' `command` label. */
  command: string;
  /** auto: the live view when stderr (or else stdout) is a terminal and the log format is text; log lines otherwise. */
  progress: ProgressMode;
  /** Seconds between periodic progress log lines. */
  intervalS: number;
  /** Prometheus textfile to write at the end. */
  metricsFile?: string;
}

interface Stream {
  isTTY?: boolean;
  columns?: number;
}

/** Write all of `text` to `fd` now, so the live area and the lines around it stay in order. */
function writeAll(fd: number, text: string): void {
  let buf = Buffer.from(text);
  for (let tries = 0; buf.length > 0; ) {
    try {
      const n = writeSync(fd, buf);
      buf = buf.subarray(n);
    } catch (err) {
      // A terminal in non-blocking mode may refuse for a moment; anything else is a real failure.
      if ((err as { code?: string }).code !== "EAGAIN" || ++tries > 200) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

function isUtf8(): boolean {
  const env = process.env;
  return /utf-?8/i.test(env.LC_ALL || env.LC_CTYPE || env.LANG || "");
}

function columnsOf(stream: Stream): number {
  return stream.columns || Number(process.env.COLUMNS) || 80;
}

/** `text` wrapped for the terminal `stream` is on (unchanged when it is not a terminal). */
export function forTerminal(text: string, stream: Stream): string {
  if (!stream.isTTY) return text;
  return text
    .split("\n")
    .flatMap((l) => wrap(l, columnsOf(stream) - 1))
    .join("\n");
}

export class Session {
  readonly board = new Board();
  readonly progress: Progress;
  private tty?: TtyRenderer;
  private logs?: LogRenderer;
  /** Which stream the live view is on. */
  private ttyFd = 2;
  private summaryPrinted = false;
  private reportDate?: string;
  private target?: string;
  private stopped = false;

  constructor(readonly options: SessionOptions) {
    const mode = this.chooseMode();
    let renderer: Progress = noProgress;
    if (mode === "tty") {
      const onStderr = Boolean(process.stderr.isTTY) || !process.stdout.isTTY;
      this.ttyFd = onStderr ? 2 : 1;
      const stream: Stream = onStderr ? process.stderr : process.stdout;
      const other: Stream = onStderr ? process.stdout : process.stderr;
      const term: Terminal = {
        write: (t) => writeAll(this.ttyFd, t),
        writeOther: (t) => writeAll(onStderr ? 1 : 2, t),
        otherIsSameTerminal: Boolean(other.isTTY),
        columns: () => columnsOf(stream),
        utf8: isUtf8(),
      };
      this.tty = new TtyRenderer(this.board, term, { onError: (err) => this.ttyFailed(err) });
      renderer = this.tty;
    } else if (mode === "log") {
      // An explicit --progress log shows its lines even at the default level; auto follows --verbose.
      if (options.progress === "log") setLogFloor("progress", "INFO");
      this.logs = new LogRenderer(this.board, (message, fields) => log.info({ message, ...fields }), { intervalS: options.intervalS });
      renderer = this.logs;
    }
    this.progress = teeProgress(
      guardProgress(this.board, (err) => log.debug(`progress board failed: ${(err as Error)?.message}`)),
      guardProgress(renderer, (err) => this.rendererFailed(err)),
    );
  }

  private chooseMode(): Exclude<ProgressMode, "auto"> {
    const mode = this.options.progress;
    if (mode !== "auto") return mode;
    if (logFormat() === "json") return "log";
    return process.stderr.isTTY || process.stdout.isTTY ? "tty" : "log";
  }

  /** Start drawing (and route log lines above the live view). */
  start(): void {
    try {
      if (this.tty) {
        this.tty.start();
        // Whatever ends the process (a crash included), the cursor comes back.
        process.once("exit", () => {
          if (this.tty?.isLive) this.tty.emergencyRestore();
        });
        // Log lines on the view's stream go above it; on the other stream they cannot collide.
        if (this.ttyFd === 2) setLogSink((line) => this.aboveOrPlain(line, false));
        this.captureStreams();
      }
      this.logs?.start();
    } catch (err) {
      this.rendererFailed(err);
    }
  }

  private restoreStreams: Array<() => void> = [];

  /**
   * While the view is live, any other write to stdout or stderr (a command printing its result
   * directly) is printed above it too, instead of being drawn over. The view's own writes use
   * the file descriptors directly, so they do not come back through here.
   */
  private captureStreams(): void {
    for (const [stream, isStdout] of [
      [process.stdout, true],
      [process.stderr, false],
    ] as const) {
      const original = stream.write;
      const patched = (chunk: unknown, ...rest: unknown[]): boolean => {
        if (!this.tty?.isLive) return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
        // Someone else's output (a table, SQL): above the view, but its lines as they are.
        this.aboveOrPlain(text.replace(/\n$/, ""), isStdout, false);
        const cb = rest.find((r): r is () => void => typeof r === "function");
        cb?.();
        return true;
      };
      stream.write = patched as typeof stream.write;
      this.restoreStreams.push(() => {
        if (stream.write === patched) stream.write = original;
      });
    }
  }

  private aboveOrPlain(line: string, stdout: boolean, ours = true): void {
    try {
      if (this.tty?.isLive) {
        // The view is on stderr: stdout lines are the "other" stream; on stdout it is the reverse.
        this.tty.above(line, stdout ? this.ttyFd === 2 : this.ttyFd === 1, ours);
        return;
      }
    } catch (err) {
      this.rendererFailed(err);
    }
    if (stdout) process.stdout.write((logFormat() === "json" || !ours ? line : forTerminal(line, process.stdout)) + "\n");
    else process.stderr.write(line + "\n");
  }

  private rendererFailed(err: unknown): void {
    this.tty?.fail(err);
    log.debug(`progress display failed, continuing without it: ${(err as Error)?.message ?? err}`);
  }

  private ttyFailed(err: unknown): void {
    setLogSink(undefined);
    log.debug(`progress display failed, continuing without it: ${(err as Error)?.message ?? err}`);
  }

  setReportDate(date: string): void {
    this.reportDate = date;
  }

  /** The warehouse this invocation writes to (as shown to people): every summary line names it. */
  setTarget(label: string): void {
    this.target = label;
  }

  /** A result line on stdout (text, or JSON with --log-format json), above the live view. */
  reportLine(text: string, fields: Record<string, unknown> = {}, level = "info"): void {
    const line = logFormat() === "json" ? jsonLine(level, text, fields) : text;
    this.aboveOrPlain(line, true);
  }

  /** The command's summary line (its figures as JSON fields); the failure summary is then not printed. */
  reportSummary(text: string, fields: Record<string, unknown> = {}): void {
    this.summaryPrinted = true;
    try {
      this.tty?.settle();
    } catch (err) {
      this.rendererFailed(err);
    }
    this.reportLine(text + targetText(this.target), { ...summaryFields(this.figures(0)), ...fields });
  }

  /** Shown while a stop is pending (tty: on the live view; otherwise a log line). */
  notice(text: string): void {
    if (this.tty?.isLive) {
      try {
        this.tty.notice(text);
        return;
      } catch (err) {
        this.rendererFailed(err);
      }
    }
    log.warn(text);
  }

  figures(exitCode: number): RunFigures {
    return runFigures(this.board, { command: this.options.command, reportDate: this.reportDate, target: this.target, exitCode });
  }

  /** Stop drawing and give the terminal back (cursor shown); idempotent. */
  stopDisplay(): void {
    if (this.stopped) return;
    this.stopped = true;
    setLogSink(undefined);
    for (const restore of this.restoreStreams.splice(0)) restore();
    try {
      this.tty?.stop();
    } catch (err) {
      log.debug(`restoring the terminal failed: ${(err as Error)?.message}`);
    }
    try {
      this.logs?.stop();
    } catch (err) {
      log.debug(`progress log failed: ${(err as Error)?.message}`);
    }
  }

  /** A hard exit (second Ctrl-C): just give the cursor back. */
  emergencyRestore(): void {
    this.tty?.emergencyRestore();
  }

  /**
   * End of the invocation: the summary line of a run that stopped after it began moving rows
   * (a finished command printed its own), then the metrics file. Never throws.
   */
  finish(exitCode: number): void {
    this.stopDisplay();
    const figures = this.figures(exitCode);
    if (exitCode !== 0 && !this.summaryPrinted && this.board.phases.length > 0) {
      try {
        this.reportLine(formatStoppedSummary(figures), summaryFields(figures), "error");
      } catch (err) {
        log.debug(`printing the summary failed: ${(err as Error)?.message}`);
      }
    }
    if (this.options.metricsFile) {
      try {
        writeMetricsFile(this.options.metricsFile, figures);
      } catch (err) {
        log.warn({
          message: `could not write --metrics-file ${this.options.metricsFile}: ${(err as Error)?.message ?? err}; check that its directory exists and is writable`,
          ...errorFields(err),
        });
      }
    }
  }
}

let current: Session | undefined;

/** Choose the renderer for this invocation and start it (cli.ts, once). */
export function startSession(options: SessionOptions): Session {
  current = new Session(options);
  current.start();
  return current;
}

/** The session, if cli.ts started one. */
export function currentSession(): Session | undefined {
  return current;
}

/** Forget the session (tests). */
export function endSession(): void {
  current?.stopDisplay();
  current = undefined;
}

/** The progress for the stages of the current command (nothing is drawn outside a session). */
export function runProgress(): Progress {
  return current?.progress ?? noProgress;
}

/** The day the run is about, for the summary line and its fields. */
export function setTarget(label: string): void {
  current?.setTarget(label);
}

export function setReportDate(date: string): void {
  current?.setReportDate(date);
}

/** A result line on stdout (see Session.reportLine); plain stdout outside a session. */
export function reportLine(text: string, fields?: Record<string, unknown>): void {
  if (current) current.reportLine(text, fields);
  else process.stdout.write(text + "\n");
}

/** The command's one summary line (see Session.reportSummary); plain stdout outside a session. */
export function reportSummary(text: string, fields?: Record<string, unknown>): void {
  if (current) current.reportSummary(text, fields);
  else process.stdout.write(text + "\n");
}
