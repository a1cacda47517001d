// One PQL query to PuppetDB's v4 API (POST /pdb/query/v4), its answer streamed as rows: https with
// the declared CA and client certificate, or plain http on loopback. The timeout bounds each wait
// for PuppetDB (the answer's head, then every next chunk), not the whole answer, and never the
// time the caller takes with a row (a slow consumer is not a slow PuppetDB). A slow consumer
// pauses the transfer: Bun's fetch read at most ~10 MB ahead of a slow reader on loopback (measured).
import { readFileSync } from "node:fs";
import { PuppetdbError } from "../errors.ts";
import type { PuppetdbSource } from "./declare.ts";
import { JsonRowsError, jsonRows, type JsonRowsStats } from "./json-rows.ts";

/** What the request can tell of a failed row, for the one-line error. */
export interface QueryRowsOptions {
  /** "the inventory query", for messages. */
  what: string;
  stats?: JsonRowsStats;
}

type TlsOptions = { ca: string; cert: string; key: string };

/** The PEM files read once per source (a file that vanished since the config check is a tls failure). */
function tlsOf(source: PuppetdbSource): TlsOptions | undefined {
  if (!source.tls) return undefined;
  try {
    return { ca: readFileSync(source.tls.caFile, "utf8"), cert: readFileSync(source.tls.certFile, "utf8"), key: readFileSync(source.tls.keyFile, "utf8") };
  } catch (err) {
    throw new PuppetdbError(`PuppetDB at ${source.url}: cannot read the certificate files (${(err as Error).message}); check [puppetdb] ca_file, cert_file and key_file`, "tls");
  }
}

/** A fetch failure as one line: what happened and what to check. */
function failureOf(source: PuppetdbSource, err: unknown, timedOut: boolean, what: string): PuppetdbError {
  if (err instanceof PuppetdbError) return err;
  if (timedOut) {
    return new PuppetdbError(`PuppetDB at ${source.url} did not answer ${what} within ${source.timeoutS} s ([puppetdb] timeout_s); check its load, or raise timeout_s`, "timeout", { cause: err });
  }
  const code = String((err as { code?: unknown }).code ?? "");
  const text = (err as Error).message ?? String(err);
  if (/CERT|TLS|SSL|SELF_SIGNED|ALTNAME|HANDSHAKE|^EPROTO$/i.test(code) || /certificate|tls|ssl/i.test(text)) {
    return new PuppetdbError(`PuppetDB at ${source.url}: TLS failed (${code || text}); check [puppetdb] ca_file (the CA that signed PuppetDB's certificate), cert_file and key_file`, "tls", { cause: err });
  }
  // ECONNREFUSED, ENOTFOUND, ECONNRESET (also mid-answer: PuppetDB went away while it streamed)…
  return new PuppetdbError(`PuppetDB at ${source.url} is unreachable (${code || text.split("\n")[0]}); check [puppetdb] url and that PuppetDB runs`, "unreachable", { cause: err });
}

/** `promise`, or a timeout after `ms` that aborts `controller`. */
async function within<T>(promise: Promise<T>, ms: number, controller: AbortController, onTimeout: () => void): Promise<T> {
  const timer = setTimeout(() => {
    onTimeout();
    controller.abort();
  }, ms);
  try {
    return await promise;
  } finally {
    clearTimeout(timer);
  }
}

/** The rows of `pql`'s answer, in the order PuppetDB sends them. */
export async function* queryRows(source: PuppetdbSource, pql: string, options: QueryRowsOptions): AsyncGenerator<Record<string, unknown>> {
  const tls = tlsOf(source);
  const controller = new AbortController();
  const ms = source.timeoutS * 1000;
  let timedOut = false;
  const onTimeout = () => {
    timedOut = true;
  };
  let res: Response;
  try {
    const request = fetch(`${source.url}/pdb/query/v4`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: pql }),
      signal: controller.signal,
      ...(tls ? { tls } : {}),
    });
    res = await within(request, ms, controller, onTimeout);
  } catch (err) {
    throw failureOf(source, err, timedOut, options.what);
  }
  if (res.status !== 200) {
    const body = await within(res.text(), ms, controller, onTimeout).catch(() => "");
    const first = body.trim().split("\n")[0]?.slice(0, 200) ?? "";
    throw new PuppetdbError(`PuppetDB at ${source.url} answered ${options.what} with HTTP ${res.status}${first ? ` (${first})` : ""}; check [puppetdb] url, and that this certificate may query PuppetDB`, "status");
  }
  if (!res.body) throw new PuppetdbError(`PuppetDB at ${source.url} answered ${options.what} with no body; check [puppetdb] url points at PuppetDB itself`);
  const reader = res.body.getReader();
  // Each read waits for PuppetDB within the timeout; the time between reads is the caller's.
  const chunks = async function* (): AsyncGenerator<Uint8Array> {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await within(reader.read(), ms, controller, onTimeout);
      } catch (err) {
        throw failureOf(source, err, timedOut, options.what);
      }
      if (next.done) return;
      yield next.value;
    }
  };
  try {
    yield* jsonRows(chunks(), options.stats);
  } catch (err) {
    if (err instanceof JsonRowsError) throw new PuppetdbError(`PuppetDB at ${source.url}: the answer to ${options.what} is malformed: ${err.message}${nodeOf(err.excerpt)}`, "malformed");
    throw err;
  } finally {
    // A caller that stops early (or an error) must not leave the connection streaming.
    reader.cancel().catch(() => {});
  }
}

/** GET `path` (e.g. /pdb/meta/v1/version) and its JSON object, with the same TLS, timeout and one-line errors as a query. */
export async function getJson(source: PuppetdbSource, path: string, what: string): Promise<Record<string, unknown>> {
  const tls = tlsOf(source);
  const controller = new AbortController();
  let timedOut = false;
  const onTimeout = () => {
    timedOut = true;
  };
  const ms = source.timeoutS * 1000;
  let text: string;
  let status: number;
  try {
    const res = await within(fetch(`${source.url}${path}`, { headers: { accept: "application/json" }, signal: controller.signal, ...(tls ? { tls } : {}) }), ms, controller, onTimeout);
    status = res.status;
    text = await within(res.text(), ms, controller, onTimeout);
  } catch (err) {
    throw failureOf(source, err, timedOut, what);
  }
  if (status !== 200) {
    const first = text.trim().split("\n")[0]?.slice(0, 200) ?? "";
    throw new PuppetdbError(`PuppetDB at ${source.url} answered ${what} with HTTP ${status}${first ? ` (${first})` : ""}; check [puppetdb] url, and that this certificate may query PuppetDB`, "status");
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // said below
  }
  throw new PuppetdbError(`PuppetDB at ${source.url}: the answer to ${what} is malformed: ${JSON.stringify(text.slice(0, 60))} is not a JSON object; check [puppetdb] url points at PuppetDB itself`, "malformed");
}

/** " (node web1.example.com)" when the broken row's text names its certname. */
function nodeOf(excerpt: string): string {
  const m = /"certname"\s*:\s*"([^"\\]{1,255})"/.exec(excerpt);
  return m ? ` (node ${m[1]})` : "";
}
