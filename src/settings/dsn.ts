// Connection strings: `mysql://user@host:port/database` or `sqlite:PATH`; a Galera target may
// list more nodes to fail over to: `mysql://user@node1:3306,node2:3306/database`.
// Parsing only; where passwords come from is settings/connections.ts's job. `describeEndpoint` is the
// only way an endpoint is shown to a person, and it never shows a password.
import { UsageError } from "../errors.ts";
import { validateIdent } from "../engine/ident.ts";

export const SSL_MODES = ["DISABLED", "PREFERRED", "REQUIRED", "VERIFY_IDENTITY"] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** The query parameters a mysql:// DSN may carry. */
const DSN_PARAMS = ["socket", "ssl-mode", "ssl-ca"];

export interface MysqlEndpoint {
  kind: "mysql";
  host: string;
  port: number;
  /** Unix socket path (`?socket=` in the DSN); when set, host and port are not used. */
  socket?: string;
  user?: string;
  password?: string;
  /** Database name; validated. Empty only for replicas given without one. */
  database: string;
  sslMode: SslMode;
  sslCa?: string;
  /**
   * More nodes of the same Galera cluster, in the DSN's order after the first host: the writer
   * moves to one of them when its node is lost mid-run (engine/mysql/writer-failover.ts).
   * Only a target has them; undefined for one host.
   */
  failover?: Array<{ host: string; port: number }>;
}

export interface SqliteEndpoint {
  kind: "sqlite";
  path: string;
}

export type Endpoint = MysqlEndpoint | SqliteEndpoint;

/** Parse a DSN. `defaultDatabase` fills a missing `/database`; `where` names the source of the text in errors. */
export function parseDsn(text: string, where: string, defaultDatabase = ""): Endpoint {
  const trimmed = text.trim();
  if (trimmed.startsWith("sqlite:")) {
    const path = trimmed.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
    if (!path) throw new UsageError(`${where}: empty SQLite path; write sqlite:PATH, e.g. sqlite:./serverdb_dw.sqlite`);
    return { kind: "sqlite", path };
  }
  if (!/^(mysql|mariadb):\/\//i.test(trimmed)) {
    throw new UsageError(
      `${where}: unsupported DSN ${JSON.stringify(maskDsnText(trimmed))}; write mysql://user@host:port/database or sqlite:PATH`,
    );
  }
  const { single, failover } = splitHosts(trimmed.replace(/^mariadb:/i, "mysql:"), where);
  let url: URL;
  try {
    url = new URL(single);
  } catch {
    throw new UsageError(`${where}: malformed DSN ${JSON.stringify(maskDsnText(trimmed))}; write mysql://user@host:port/database`);
  }
  // A typo such as ?sslmode=REQUIRED must not silently leave the connection unencrypted.
  const unknown = [...url.searchParams.keys()].filter((k) => !DSN_PARAMS.includes(k));
  if (unknown.length) {
    throw new UsageError(`${where}: unknown DSN parameter ${unknown.join(", ")}; use ${DSN_PARAMS.join(", ")}`);
  }
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new UsageError(`${where}: bad %-escape in the DSN's ${what}; write %40 for @, %3A for :, %2F for /`);
    }
  };
  const database = decode(url.pathname.replace(/^\//, ""), "database") || defaultDatabase;
  if (database) validateIdent(database, `database name in ${where}`);
  const port = url.port ? Number(url.port) : 3306;
  if (port < 1) throw new UsageError(`${where}: port ${port} is not a TCP port; use 1-65535`);
  const sslMode = (url.searchParams.get("ssl-mode") ?? "PREFERRED").toUpperCase();
  if (!(SSL_MODES as readonly string[]).includes(sslMode)) {
    throw new UsageError(`${where}: unknown ssl-mode ${sslMode}; use one of ${SSL_MODES.join(", ")}`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1";
  const socket = url.searchParams.get("socket") ?? undefined;
  if (failover.length) {
    if (socket) throw new UsageError(`${where}: a socket= DSN names one server; list several hosts (host:port,host:port) without socket=`);
    const seen = new Set([`${host}:${port}`]);
    for (const h of failover) {
      if (seen.has(`${h.host}:${h.port}`)) throw new UsageError(`${where}: ${h.host}:${h.port} is listed twice in the DSN's hosts; name each node once`);
      seen.add(`${h.host}:${h.port}`);
    }
  }
  return {
    kind: "mysql",
    host,
    port,
    socket,
    user: url.username ? decode(url.username, "user") : undefined,
    password: url.password ? decode(url.password, "password") : undefined,
    database,
    sslMode: sslMode as SslMode,
    sslCa: url.searchParams.get("ssl-ca") ?? undefined,
    ...(failover.length ? { failover } : {}),
  };
}

/**
 * The DSN with its first host only (for URL), and the hosts after it: `user@h1:p1,h2:p2,[::1]:p3`.
 * The user part ends at the authority's last "@" (a password's "@" must be %40 anyway).
 */
function splitHosts(dsn: string, where: string): { single: string; failover: Array<{ host: string; port: number }> } {
  const m = /^(mysql:\/\/)([^/?#]*)(.*)$/i.exec(dsn);
  if (!m) return { single: dsn, failover: [] };
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  const at = authority.lastIndexOf("@");
  const userinfo = at >= 0 ? authority.slice(0, at + 1) : "";
  const hosts = authority.slice(at + 1).split(",");
  if (hosts.length === 1) return { single: dsn, failover: [] };
  const failover = hosts.slice(1).map((text) => {
    const h = /^(\[[0-9A-Fa-f:.]+\]|[^:\[\]]+)(?::(\d{1,5}))?$/.exec(text.trim());
    if (!h) throw new UsageError(`${where}: bad host ${JSON.stringify(text)} in the DSN's host list; write host:port,host:port`);
    const port = h[2] ? Number(h[2]) : 3306;
    if (port < 1 || port > 65535) throw new UsageError(`${where}: port ${port} is not a TCP port; use 1-65535`);
    return { host: h[1]!.replace(/^\[|\]$/g, ""), port };
  });
  if (!hosts[0]!.trim()) throw new UsageError(`${where}: the DSN's host list starts with an empty host; write host:port,host:port`);
  return { single: `${scheme}${userinfo}${hosts[0]}${rest}`, failover };
}

/** The endpoint as a person should see it: never with a password. */
export function describeEndpoint(ep: Endpoint): string {
  if (ep.kind === "sqlite") return `sqlite:${ep.path}`;
  const user = ep.user ? `${ep.user}@` : "";
  if (ep.socket) return `mysql://${user}localhost/${ep.database}?socket=${ep.socket}`;
  const hosts = [{ host: ep.host, port: ep.port }, ...(ep.failover ?? [])].map((h) => `${h.host.includes(":") ? `[${h.host}]` : h.host}:${h.port}`);
  return `mysql://${user}${hosts.join(",")}/${ep.database}`;
}

/** Each host of a DSN as an endpoint of its own (one host, no failover), in the DSN's order. */
export function endpointHosts(ep: MysqlEndpoint): MysqlEndpoint[] {
  const { failover, ...one } = ep;
  return [one, ...(failover ?? []).map((h) => ({ ...one, host: h.host, port: h.port }))];
}

/**
 * The endpoint without its database: a server connection that names none (a replica, which
 * reads only replication status, needs no privilege on any database then); a file stays as is.
 */
export function withoutDatabase(ep: Endpoint): Endpoint {
  return ep.kind === "mysql" ? { ...ep, database: "" } : ep;
}

/**
 * The same server account at another "host:port" (a node of the target's Galera cluster, found
 * from wsrep_incoming_addresses): user, password and TLS settings are kept, a socket is not.
 * Undefined for a file, or an address that is not host:port.
 */
export function endpointAt(ep: Endpoint, address: string): Endpoint | undefined {
  const m = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(address.trim());
  if (ep.kind !== "mysql" || !m) return undefined;
  const { failover: _hosts, ...one } = ep;
  return { ...one, host: m[1]!, port: Number(m[2]), socket: undefined };
}

/** "host:port" of a server reached over TCP; undefined for a socket or a file. */
export function hostPort(ep: Endpoint): string | undefined {
  return ep.kind === "mysql" && !ep.socket ? `${ep.host}:${ep.port}` : undefined;
}

/** Mask the password of a DSN we could not parse (for error messages). */
export function maskDsnText(text: string): string {
  // Up to the last "@": an unescaped "@" inside the password must not leave its tail visible.
  return text.replace(/(\/\/[^:/@]*):.*@/, "$1:***@");
}

/** The password an endpoint carries (a server's; a file has none): for scrubbing it from output. */
export function endpointPassword(ep: Endpoint): string | undefined {
  return ep.kind === "mysql" ? ep.password : undefined;
}

/** The file of a file-backed endpoint (SQLite), undefined for a server. */
export function endpointFile(ep: Endpoint): string | undefined {
  return ep.kind === "sqlite" ? ep.path : undefined;
}

/** What a person calls the endpoint's data: a server's database name, a file's path. */
export function endpointStore(ep: Endpoint): string {
  return ep.kind === "mysql" ? ep.database : ep.path;
}
