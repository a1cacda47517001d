// parseDsn / describeEndpoint / maskDsnText: every DSN form we accept, every one we refuse,
// and that no password ever reaches an error message or a displayed endpoint.
import { describe, expect, test } from "bun:test";
import { describeEndpoint, endpointAt, endpointHosts, hostPort, maskDsnText, parseDsn, type Endpoint, type MysqlEndpoint } from "../../../src/settings/dsn.ts";
import { UsageError } from "../../../src/errors.ts";

/** The fields parseDsn fills for a mysql:// DSN, with the defaults a case does not mention. */
function mysql(fields: Partial<MysqlEndpoint>): MysqlEndpoint {
  return {
    kind: "mysql",
    host: "127.0.0.1",
    port: 3306,
    socket: undefined,
    user: undefined,
    password: undefined,
    database: "",
    sslMode: "PREFERRED",
    sslCa: undefined,
    ...fields,
  };
}

const PARSES: Array<{ dsn: string; defaultDb?: string; want: Endpoint; why: string }> = [
  { dsn: "mysql://etl@db1:3307/serverdb2", want: mysql({ host: "db1", port: 3307, user: "etl", database: "serverdb2" }), why: "the full form" },
  { dsn: "mysql://etl@db1/serverdb2", want: mysql({ host: "db1", user: "etl", database: "serverdb2" }), why: "default port 3306" },
  { dsn: "mariadb://etl@db1/serverdb2", want: mysql({ host: "db1", user: "etl", database: "serverdb2" }), why: "mariadb:// is the same driver" },
  { dsn: "MySQL://etl@db1/serverdb2", want: mysql({ host: "db1", user: "etl", database: "serverdb2" }), why: "scheme is case-insensitive" },
  { dsn: "  mysql://etl@db1/serverdb2\n", want: mysql({ host: "db1", user: "etl", database: "serverdb2" }), why: "surrounding whitespace (env files, $(cat ...))" },
  { dsn: "mysql://db1", defaultDb: "serverdb2", want: mysql({ host: "db1", database: "serverdb2" }), why: "no path: the role's default database" },
  { dsn: "mysql://db1/", defaultDb: "serverdb_dw", want: mysql({ host: "db1", database: "serverdb_dw" }), why: "empty path: the role's default database" },
  { dsn: "mysql://db1", want: mysql({ host: "db1", database: "" }), why: "replicas have no default database" },
  { dsn: "mysql:///serverdb2", want: mysql({ database: "serverdb2" }), why: "no host: loopback" },
  { dsn: "mysql://etl:s3cret@db1/x", want: mysql({ host: "db1", user: "etl", password: "s3cret", database: "x" }), why: "password (allowed outside argv)" },
  {
    dsn: "mysql://etl%40corp:p%40ss%3Aw%2Frd@db1/x",
    want: mysql({ host: "db1", user: "etl@corp", password: "p@ss:w/rd", database: "x" }),
    why: "percent-encoded user and password",
  },
  { dsn: "mysql://etl:p@ss@db1/x", want: mysql({ host: "db1", user: "etl", password: "p@ss", database: "x" }), why: "an unescaped @ in the password: the last @ ends it" },
  { dsn: "mysql://etl@[::1]:3307/x", want: mysql({ host: "::1", port: 3307, user: "etl", database: "x" }), why: "IPv6 literal" },
  { dsn: "mysql://[2001:db8::10]/x", want: mysql({ host: "2001:db8::10", database: "x" }), why: "IPv6 literal, default port" },
  {
    dsn: "mysql://etl@localhost/serverdb2?socket=/run/mysqld/mysqld.sock",
    want: mysql({ host: "localhost", user: "etl", database: "serverdb2", socket: "/run/mysqld/mysqld.sock" }),
    why: "unix socket",
  },
  { dsn: "mysql://db1/x?ssl-mode=required", want: mysql({ host: "db1", database: "x", sslMode: "REQUIRED" }), why: "ssl-mode, any case" },
  { dsn: "mysql://db1/x?ssl-mode=DISABLED", want: mysql({ host: "db1", database: "x", sslMode: "DISABLED" }), why: "ssl-mode DISABLED" },
  {
    dsn: "mysql://db1/x?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/dw-ca.pem",
    want: mysql({ host: "db1", database: "x", sslMode: "VERIFY_IDENTITY", sslCa: "/etc/ssl/dw-ca.pem" }),
    why: "ssl-mode and ssl-ca together",
  },
  { dsn: "mysql://db1:65535/x", want: mysql({ host: "db1", port: 65535, database: "x" }), why: "highest port" },
  {
    dsn: "mysql://etl@g1:3306,g2:3307,[fd00::3]/serverdb_dw",
    want: mysql({ host: "g1", user: "etl", database: "serverdb_dw", failover: [{ host: "g2", port: 3307 }, { host: "fd00::3", port: 3306 }] }),
    why: "a Galera target's nodes to fail over to, in order (port defaults to 3306)",
  },
  {
    dsn: "mysql://etl:p%2Cw@g1,g2/x",
    want: mysql({ host: "g1", user: "etl", password: "p,w", database: "x", failover: [{ host: "g2", port: 3306 }] }),
    why: "a comma in the password is %2C; the host list starts after the last @",
  },
  { dsn: "sqlite:./serverdb_dw.sqlite", want: { kind: "sqlite", path: "./serverdb_dw.sqlite" }, why: "relative SQLite path" },
  { dsn: "sqlite:/var/lib/dw.sqlite", want: { kind: "sqlite", path: "/var/lib/dw.sqlite" }, why: "absolute SQLite path" },
  { dsn: "sqlite:///var/lib/dw.sqlite", want: { kind: "sqlite", path: "/var/lib/dw.sqlite" }, why: "URL form of an absolute path" },
];

describe("parseDsn accepts", () => {
  for (const { dsn, defaultDb, want, why } of PARSES) {
    test(`${JSON.stringify(dsn)}: ${why}`, () => {
      expect(parseDsn(dsn, "--target", defaultDb)).toEqual(want);
    });
  }
});

/** Each must throw a UsageError whose message matches `says` and never contains "s3cret". */
const REFUSES: Array<{ dsn: string; says: RegExp; why: string }> = [
  { dsn: "postgres://etl:s3cret@db1/x", says: /unsupported DSN .*postgres:\/\/etl:\*\*\*@db1/, why: "other scheme" },
  { dsn: "db1:3306/serverdb2", says: /unsupported DSN/, why: "no scheme" },
  { dsn: "", says: /unsupported DSN/, why: "empty" },
  { dsn: "mysql:db1/x", says: /unsupported DSN/, why: "missing //" },
  { dsn: "sqlite:", says: /empty SQLite path/, why: "SQLite without a path" },
  { dsn: "mysql://etl:s3cret@db1:port/x", says: /malformed DSN .*etl:\*\*\*@/, why: "non-numeric port" },
  { dsn: "mysql://etl:s3cret@db1:70000/x", says: /malformed DSN/, why: "port above 65535" },
  { dsn: "mysql://etl:s3cret@db1:0/x", says: /port 0/, why: "port 0" },
  { dsn: "mysql://etl:s3cret@[::1/x", says: /malformed DSN/, why: "unclosed IPv6 bracket" },
  { dsn: "mysql://etl:s3cret@db1/bad-name", says: /invalid database name in --target "bad-name"/, why: "database name that is not an identifier" },
  { dsn: "mysql://etl:s3cret@db1/a.b", says: /invalid database name/, why: "qualified name as database" },
  { dsn: "mysql://etl:s3cret@db1/%60x", says: /invalid database name in --target "`x"/, why: "backtick smuggled in with %60" },
  { dsn: "mysql://etl:s3cret@db1/x?ssl-mode=sometimes", says: /unknown ssl-mode SOMETIMES; use one of DISABLED, PREFERRED, REQUIRED, VERIFY_IDENTITY/, why: "bad ssl-mode" },
  { dsn: "mysql://etl:s3cret@db1/x?sslmode=REQUIRED", says: /unknown DSN parameter sslmode/, why: "typo in a TLS parameter must not silently mean PREFERRED" },
  { dsn: "mysql://etl:s3cret@db1/x?password=s3cret", says: /unknown DSN parameter password/, why: "password as a parameter (value not echoed)" },
  { dsn: "mysql://etl:s3cret@g1:3306,g1:3306/x", says: /g1:3306 is listed twice/, why: "a node listed twice" },
  { dsn: "mysql://etl:s3cret@g1,g2:99999/x", says: /port 99999 is not a TCP port/, why: "a failover host's port above 65535" },
  { dsn: "mysql://etl:s3cret@g1,g2:x/x", says: /bad host "g2:x" in the DSN's host list/, why: "a failover host's non-numeric port" },
  { dsn: "mysql://etl:s3cret@g1,,g2/x", says: /bad host "" in the DSN's host list/, why: "an empty host in the list" },
  { dsn: "mysql://etl:s3cret@,g2/x", says: /starts with an empty host/, why: "an empty first host" },
  { dsn: "mysql://etl:s3cret@localhost,g2/x?socket=/run/mysqld/mysqld.sock", says: /socket= DSN names one server/, why: "a socket and a host list" },
  { dsn: "mysql://etl:s3cret%zz@db1/x", says: /bad %-escape in the DSN's password/, why: "broken percent-escape" },
];

describe("parseDsn refuses", () => {
  for (const { dsn, says, why } of REFUSES) {
    test(`${JSON.stringify(dsn)}: ${why}`, () => {
      let caught: unknown;
      try {
        parseDsn(dsn, "--target", "serverdb_dw");
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(UsageError);
      const message = (caught as Error).message;
      expect(message).toContain("--target");
      expect(message).toMatch(says);
      expect(message).not.toContain("s3cret");
      expect(message).not.toContain("\n");
    });
  }
});

describe("describeEndpoint", () => {
  const CASES: Array<[string, string]> = [
    ["mysql://etl:s3cret@db1:3307/serverdb2", "mysql://etl@db1:3307/serverdb2"],
    ["mysql://db1/serverdb2", "mysql://db1:3306/serverdb2"],
    ["mysql://etl:s3cret@[::1]/x", "mysql://etl@[::1]:3306/x"],
    ["mysql://etl:s3cret@localhost/x?socket=/run/mysqld/mysqld.sock", "mysql://etl@localhost/x?socket=/run/mysqld/mysqld.sock"],
    ["sqlite:./dw.sqlite", "sqlite:./dw.sqlite"],
    ["mysql://etl:s3cret@g1,g2:3307,[fd00::3]/dw", "mysql://etl@g1:3306,g2:3307,[fd00::3]:3306/dw"],
  ];
  for (const [dsn, shown] of CASES) {
    test(`${dsn} is shown as ${shown}`, () => {
      expect(describeEndpoint(parseDsn(dsn, "--source"))).toBe(shown);
    });
  }

  test("what it shows parses back to the same endpoint, minus the password", () => {
    for (const [dsn] of CASES) {
      const ep = parseDsn(dsn, "--source");
      const again = parseDsn(describeEndpoint(ep), "--source");
      expect(again).toEqual(ep.kind === "mysql" ? { ...ep, password: undefined } : ep);
    }
  });
});

describe("maskDsnText", () => {
  const CASES: Array<[string, string]> = [
    ["mysql://etl:s3cret@db1/x", "mysql://etl:***@db1/x"],
    ["postgres://u:p@ss@h/db", "postgres://u:***@h/db"],
    ["mysql://etl@db1/x", "mysql://etl@db1/x"],
    ["mysql://db1:3306/x", "mysql://db1:3306/x"],
  ];
  for (const [text, masked] of CASES) {
    test(`${text} → ${masked}`, () => {
      expect(maskDsnText(text)).toBe(masked);
    });
  }
});

describe("endpointAt / hostPort (Galera nodes from wsrep_incoming_addresses)", () => {
  const target = parseDsn("mysql://etl:s3cret@dw1:3307/serverdb_dw?ssl-mode=REQUIRED", "test");
  const cases: Array<[string, string, { host: string; port: number } | undefined]> = [
    ["host:port", "10.0.0.2:3306", { host: "10.0.0.2", port: 3306 }],
    ["a name", "dw2.example:3306", { host: "dw2.example", port: 3306 }],
    ["bracketed IPv6", "[fd00::2]:3306", { host: "fd00::2", port: 3306 }],
    // Galera lists AUTO or an address without port when wsrep_node_incoming_address is unusual.
    ["no port", "10.0.0.2", undefined],
    ["AUTO", "AUTO", undefined],
  ];
  for (const [name, address, want] of cases) {
    test(name, () => {
      const ep = endpointAt(target, address);
      if (!want) return expect(ep).toBeUndefined();
      // The account, password, database and TLS settings are the target's.
      expect(ep).toEqual({ ...target, ...want, socket: undefined } as typeof ep);
    });
  }
  test("a node of a DSN that lists several is one host, without the others", () => {
    const ep = endpointAt(parseDsn("mysql://etl@g1,g2/dw", "test"), "10.0.0.9:3306") as MysqlEndpoint;
    expect(ep.failover).toBeUndefined();
    expect(ep.host).toBe("10.0.0.9");
  });
  test("endpointHosts: every host of the list as an endpoint of its own, in order", () => {
    const hosts = endpointHosts(parseDsn("mysql://etl@g1:3306,g2:3307/dw?ssl-mode=REQUIRED", "test") as MysqlEndpoint);
    expect(hosts.map((h) => `${h.host}:${h.port} ${h.database} ${h.sslMode} ${h.user} ${h.failover ?? "-"}`)).toEqual([
      "g1:3306 dw REQUIRED etl -",
      "g2:3307 dw REQUIRED etl -",
    ]);
  });
  test("hostPort: TCP only", () => {
    expect(hostPort(target)).toBe("dw1:3307");
    expect(hostPort(parseDsn("mysql://root@localhost/dw?socket=/run/mysqld/mysqld.sock", "test"))).toBeUndefined();
  });
});
