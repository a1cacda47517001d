// Headless Chromium for the tests, driven over the DevTools protocol with Bun's own WebSocket (no
// puppeteer): start Debian's /usr/bin/chromium on a throwaway profile, open a page, collect its
// console errors and network requests, evaluate JS, take screenshots. close() always ends the
// browser (CDP Browser.close, then SIGKILL) and removes the profile dir; so does process exit.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const START_TIMEOUT_MS = 20_000;
const COMMAND_TIMEOUT_MS = 15_000;

type Json = Record<string, unknown>;
interface Message {
  id?: number;
  method?: string;
  params?: Json;
  result?: Json;
  error?: { message: string };
  sessionId?: string;
}

/** One tab: what it logged as an error, what it fetched besides itself, and ways to look at it. */
export interface Page {
  /** Console errors, uncaught exceptions and error log entries, in order. */
  readonly errors: string[];
  /** Every request the page made other than the document itself (URLs). */
  readonly requests: string[];
  /** Navigate and wait for the load event. */
  open(url: string): Promise<void>;
  /** Evaluate an expression in the page; the result by value (promises awaited). */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of the whole page (fullPage) or of the viewport. */
  screenshot(options?: { fullPage?: boolean }): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface Browser {
  newPage(): Promise<Page>;
  /** Idempotent; never throws. */
  close(): Promise<void>;
}

/**
 * Resolves with the URL of "DevTools listening on ws://…" on chromium's stderr, and keeps draining
 * stderr afterwards so chromium never blocks on a full pipe; `seen` keeps the lines for errors.
 */
function devtoolsUrl(stderr: ReadableStream<Uint8Array>, seen: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      let found = false;
      for await (const chunk of stderr) {
        if (found) continue;
        buffer += decoder.decode(chunk, { stream: true });
        const lines = buffer.split("\n");
        buffer = lines.pop()!;
        for (const line of lines) {
          seen.push(line);
          const m = /DevTools listening on (ws:\/\/\S+)/.exec(line);
          if (m) {
            found = true;
            resolve(m[1]!);
          }
        }
      }
      if (!found) reject(new Error(`chromium exited before DevTools listened:\n${seen.join("\n")}`));
    })().catch(reject);
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The CDP connection: numbered commands, and events fanned out to listeners. */
class Connection {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Json) => void; reject: (e: Error) => void; method: string }>();
  private readonly listeners = new Set<(m: Message) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (ev) => {
      const msg = JSON.parse(String(ev.data)) as Message;
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`${p.method}: ${msg.error.message}`));
        else p?.resolve(msg.result ?? {});
      } else for (const l of this.listeners) l(msg);
    });
    ws.addEventListener("close", () => {
      for (const p of this.pending.values()) p.reject(new Error(`${p.method}: DevTools connection closed`));
      this.pending.clear();
    });
  }

  static async open(url: string): Promise<Connection> {
    const ws = new WebSocket(url);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.addEventListener("open", () => resolve(), { once: true });
        ws.addEventListener("error", () => reject(new Error(`cannot connect to ${url}`)), { once: true });
      }),
      COMMAND_TIMEOUT_MS,
      "DevTools connect",
    );
    return new Connection(ws);
  }

  send(method: string, params: Json = {}, sessionId?: string): Promise<Json> {
    const id = this.nextId++;
    const done = new Promise<Json>((resolve, reject) => this.pending.set(id, { resolve, reject, method }));
    this.ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return withTimeout(done, COMMAND_TIMEOUT_MS, method);
  }

  on(listener: (m: Message) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.ws.close();
  }
}

const describeArgs = (args: { value?: unknown; description?: string }[] = []) => args.map((a) => a.description ?? String(a.value)).join(" ");

async function newPage(conn: Connection): Promise<Page> {
  const { targetId } = (await conn.send("Target.createTarget", { url: "about:blank" })) as { targetId: string };
  const { sessionId } = (await conn.send("Target.attachToTarget", { targetId, flatten: true })) as { sessionId: string };
  const send = (method: string, params?: Json) => conn.send(method, params, sessionId);
  const errors: string[] = [];
  const requests: string[] = [];
  let documentUrl = "about:blank";
  let loaded: (() => void) | undefined;
  const off = conn.on((m) => {
    if (m.sessionId !== sessionId) return;
    const p = m.params ?? {};
    if (m.method === "Runtime.consoleAPICalled" && p.type === "error") errors.push(`console.error: ${describeArgs(p.args as [])}`);
    else if (m.method === "Runtime.exceptionThrown") {
      const d = p.exceptionDetails as { text?: string; exception?: { description?: string } };
      errors.push(`exception: ${d.exception?.description ?? d.text}`);
    } else if (m.method === "Log.entryAdded") {
      const e = p.entry as { level: string; text: string; url?: string };
      if (e.level === "error") errors.push(`log: ${e.text}${e.url ? ` (${e.url})` : ""}`);
    } else if (m.method === "Network.requestWillBeSent") {
      const url = (p.request as { url: string }).url;
      if (url !== documentUrl) requests.push(url);
    } else if (m.method === "Page.loadEventFired") loaded?.();
  });
  await Promise.all(["Page.enable", "Runtime.enable", "Log.enable", "Network.enable"].map((c) => send(c)));
  return {
    errors,
    requests,
    async open(url) {
      documentUrl = url;
      const load = new Promise<void>((resolve) => (loaded = resolve));
      const nav = (await send("Page.navigate", { url })) as { errorText?: string };
      if (nav.errorText) throw new Error(`cannot open ${url}: ${nav.errorText}`);
      await withTimeout(load, COMMAND_TIMEOUT_MS, `load ${url}`);
    },
    async evaluate<T>(expression: string) {
      const r = (await send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true })) as {
        result: { value?: T };
        exceptionDetails?: { text: string; exception?: { description?: string } };
      };
      if (r.exceptionDetails) throw new Error(`evaluate: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      return r.result.value as T;
    },
    async screenshot({ fullPage = true } = {}) {
      const params: Json = { format: "png" };
      if (fullPage) {
        const { cssContentSize: s } = (await send("Page.getLayoutMetrics")) as { cssContentSize: { width: number; height: number } };
        Object.assign(params, { captureBeyondViewport: true, clip: { x: 0, y: 0, width: Math.ceil(s.width), height: Math.ceil(s.height), scale: 1 } });
      }
      const { data } = (await send("Page.captureScreenshot", params)) as { data: string };
      return Uint8Array.from(Buffer.from(data, "base64"));
    },
    async close() {
      off();
      await conn.send("Target.closeTarget", { targetId }).catch(() => {});
    },
  };
}

/** Start headless Chromium on a fresh profile; throws (with chromium's stderr) when it does not come up. */
export async function startChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-test-tools.sh (as root; .ci/run does)`);
  const profile = mkdtempSync(join(tmpdir(), "serverdb-etl-chromium-"));
  const proc = Bun.spawn(
    [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0", `--user-data-dir=${profile}`,
      "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--window-size=1280,900", "about:blank"],
    { stdin: "ignore", stdout: "ignore", stderr: "pipe" },
  );
  let closed = false;
  let conn: Connection | undefined;
  const killNow = () => {
    proc.kill("SIGKILL");
    rmSync(profile, { recursive: true, force: true });
  };
  process.once("exit", killNow);
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      if (conn) await conn.send("Browser.close").catch(() => {});
      conn?.close();
      await withTimeout(proc.exited, 5_000, "chromium exit").catch(() => {});
    } finally {
      proc.kill("SIGKILL");
      await proc.exited;
      // The renderer and utility processes can outlive the browser for a moment and still write.
      for (let i = 0; i < 5; i++) {
        try {
          rmSync(profile, { recursive: true, force: true });
          break;
        } catch {
          await Bun.sleep(100);
        }
      }
      process.off("exit", killNow);
    }
  };
  try {
    const seen: string[] = [];
    const url = await withTimeout(devtoolsUrl(proc.stderr, seen), START_TIMEOUT_MS, "chromium start");
    conn = await Connection.open(url);
  } catch (err) {
    await close();
    throw err;
  }
  const c = conn;
  return { newPage: () => newPage(c), close };
}
