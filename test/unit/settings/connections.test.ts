// resolveConnections: flags > environment > TOML config > MySQL option files > defaults, for
// DSNs, users, passwords, TLS and replicas; and every way a configuration can be refused.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectionFlags } from "../../../src/commands/_args.ts";
import { loadConfigFile, requireEndpoint, resolveConnections, type ConnectionFlags } from "../../../src/settings/connections.ts";
import { describeEndpoint, type MysqlEndpoint } from "../../../src/settings/dsn.ts";
import { UsageError } from "../../../src/errors.ts";
import { setLogSink } from "../../../src/log.ts";

const dir = mkdtempSync(join(tmpdir(), "config-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function file(text: string, name = `f${++n}`): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A HOME with this ~/.my.cnf (or none). */
function home(myCnf?: string): string {
  const h = join(dir, `home${++n}`);
  mkdirSync(h);
  if (myCnf !== undefined) writeFileSync(join(h, ".my.cnf"), myCnf);
  return h;
}

/** The env a test controls completely (USER pinned so the fallback user is predictable). */
function env(vars: Record<string, string> = {}): Record<string, string> {
  return { USER: "login-user", ...vars };
}

function resolve(flags: ConnectionFlags, vars: Record<string, string> = {}, myCnf?: string) {
  return resolveConnections(flags, env(vars), home(myCnf));
}

function mysqlOf(ep: unknown): MysqlEndpoint {
  expect((ep as MysqlEndpoint)?.kind).toBe("mysql");
  return ep as MysqlEndpoint;
}

/** The UsageError `fn` throws (fails the test when it throws something else or nothing). */
function usageError(fn: () => unknown): UsageError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(UsageError);
  expect((caught as UsageError).exitCode).toBe(2);
  expect((caught as Error).message).not.toContain("\n");
  return caught as UsageError;
}

const CONFIG_DSN = '[source]\ndsn = "mysql://cfg@config-host/cfgdb"\n[target]\ndsn = "mysql://cfg@config-host/dw"\n';

describe("where the DSN comes from", () => {
  const config = file(CONFIG_DSN);
  const CASES: Array<{ why: string; flags: ConnectionFlags; vars: Record<string, string>; host?: string }> = [
    { why: "flag beats env and config", flags: { config, source: "mysql://flag-host/x" }, vars: { SERVERDB_ETL_SOURCE: "mysql://env-host/x" }, host: "flag-host" },
    { why: "env beats config", flags: { config }, vars: { SERVERDB_ETL_SOURCE: "mysql://env-host/x" }, host: "env-host" },
    { why: "config when nothing else", flags: { config }, vars: {}, host: "config-host" },
    { why: "an empty env var counts as unset", flags: { config }, vars: { SERVERDB_ETL_SOURCE: "" }, host: "config-host" },
    { why: "SERVERDB_ETL_CONFIG names the config file", flags: {}, vars: { SERVERDB_ETL_CONFIG: config }, host: "config-host" },
    { why: "nothing anywhere: no source", flags: {}, vars: {}, host: undefined },
  ];
  for (const { why, flags, vars, host } of CASES) {
    test(why, () => {
      const conns = resolve(flags, vars);
      expect((conns.source as MysqlEndpoint | undefined)?.host).toBe(host);
    });
  }

  test("--config beats SERVERDB_ETL_CONFIG", () => {
    const other = file('[source]\ndsn = "mysql://other-host/x"\n');
    const conns = resolve({ config: other }, { SERVERDB_ETL_CONFIG: config });
    expect(mysqlOf(conns.source).host).toBe("other-host");
    expect(conns.configPath).toBe(other);
  });

  test("a DSN without a database gets serverdb2 for the source and serverdb_dw for the target", () => {
    const conns = resolve({ source: "mysql://h1", target: "mysql://h2" });
    expect(mysqlOf(conns.source).database).toBe("serverdb2");
    expect(mysqlOf(conns.target).database).toBe("serverdb_dw");
  });

  test("requireEndpoint names every way to configure a missing source", () => {
    const err = usageError(() => requireEndpoint(resolve({}), "source"));
    expect(err.message).toContain("--source");
    expect(err.message).toContain("SERVERDB_ETL_SOURCE");
    expect(err.message).toContain("[source] dsn");
  });

  test("a target configured nowhere is the SQLite file ./serverdb_dw.sqlite; any configured one wins", () => {
    expect(requireEndpoint(resolve({}), "target")).toEqual({ kind: "sqlite", path: "./serverdb_dw.sqlite" });
    expect(requireEndpoint(resolve({ target: "sqlite:/var/lib/dw.sqlite" }), "target")).toEqual({ kind: "sqlite", path: "/var/lib/dw.sqlite" });
    expect(requireEndpoint(resolve({ target: "mysql://h2" }), "target").kind).toBe("mysql");
  });
});

describe("user and password", () => {
  const MY_CNF = "[client]\nuser = cnf-user\npassword = cnf-pw\n";
  const config = file('[source]\ndsn = "mysql://h/x"\nuser = "cfg-user"\npassword = "cfg-pw"\n');
  const configNoUser = file('[source]\ndsn = "mysql://h/x"\n');
  const credentials = join(dir, "credentials");
  mkdirSync(credentials);
  writeFileSync(join(credentials, "source-password"), "cred-pw\n");
  writeFileSync(join(credentials, "target-password"), "target-cred-pw\n");

  const USERS: Array<{ why: string; flags: ConnectionFlags; vars?: Record<string, string>; myCnf?: string; user: string }> = [
    { why: "user in the DSN wins", flags: { config, source: "mysql://dsn-user@h/x" }, myCnf: MY_CNF, user: "dsn-user" },
    { why: "then [source].user of the config", flags: { config }, myCnf: MY_CNF, user: "cfg-user" },
    { why: "then the option file", flags: { config: configNoUser }, myCnf: MY_CNF, user: "cnf-user" },
    { why: "then the login name", flags: { config: configNoUser }, user: "login-user" },
  ];
  for (const { why, flags, vars, myCnf, user } of USERS) {
    test(`user: ${why}`, () => {
      expect(mysqlOf(resolve(flags, vars, myCnf).source).user).toBe(user);
    });
  }

  test("user: root when there is no login name either (an empty USER counts as none)", () => {
    expect(mysqlOf(resolveConnections({ source: "mysql://h/x" }, {}, home()).source).user).toBe("root");
    expect(mysqlOf(resolveConnections({ source: "mysql://h/x" }, { USER: "" }, home()).source).user).toBe("root");
  });

  test("MYSQL_PWD is said at WARN once, naming every endpoint it became the password of, never the password", () => {
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    try {
      resolve({ source: "mysql://h/x", target: "mysql://t/dw" }, { MYSQL_PWD: "s3cret-pwd", SERVERDB_ETL_TARGET_PASSWORD: "t-pw" });
      resolve({ source: "mysql://h/x" }, {});
    } finally {
      setLogSink(undefined);
    }
    expect(lines).toEqual([
      "[warn] [config] MYSQL_PWD is the password of source mysql://login-user@h:3306/x: it is deprecated (as in the mysql client) and gives every role the same password; " +
        "put each role's in SERVERDB_ETL_SOURCE_PASSWORD (TARGET, REPLICA), a systemd credential or an option file instead",
    ]);
  });

  const PASSWORDS: Array<{ why: string; flags: ConnectionFlags; vars?: Record<string, string>; myCnf?: string; password: string | undefined }> = [
    {
      why: "password in an env DSN wins (env is not argv)",
      flags: { config },
      vars: { SERVERDB_ETL_SOURCE: "mysql://u:dsn-pw@h/x", SERVERDB_ETL_SOURCE_PASSWORD: "env-pw", CREDENTIALS_DIRECTORY: credentials },
      myCnf: MY_CNF,
      password: "dsn-pw",
    },
    {
      why: "then SERVERDB_ETL_SOURCE_PASSWORD",
      flags: { config },
      vars: { SERVERDB_ETL_SOURCE_PASSWORD: "env-pw", CREDENTIALS_DIRECTORY: credentials },
      myCnf: MY_CNF,
      password: "env-pw",
    },
    {
      why: "then $CREDENTIALS_DIRECTORY/source-password, without its trailing newline",
      flags: { config },
      vars: { CREDENTIALS_DIRECTORY: credentials },
      myCnf: MY_CNF,
      password: "cred-pw",
    },
    { why: "then [source].password of the config", flags: { config }, myCnf: MY_CNF, password: "cfg-pw" },
    { why: "then the option file", flags: { config: configNoUser }, myCnf: MY_CNF, password: "cnf-pw" },
    {
      why: "a credentials dir without this role's file falls through",
      flags: { config: configNoUser },
      vars: { CREDENTIALS_DIRECTORY: join(dir, "empty-credentials") },
      myCnf: MY_CNF,
      password: "cnf-pw",
    },
    // Regression: MYSQL_PWD was ignored; the mysql client uses it when nothing else gives one.
    { why: "then MYSQL_PWD, last of all", flags: { config: configNoUser }, vars: { MYSQL_PWD: "mysql-pwd" }, password: "mysql-pwd" },
    { why: "the option file beats MYSQL_PWD", flags: { config: configNoUser }, vars: { MYSQL_PWD: "mysql-pwd" }, myCnf: MY_CNF, password: "cnf-pw" },
    // Regression: an empty password variable was an empty password, hiding the option file's.
    { why: "an empty SERVERDB_ETL_SOURCE_PASSWORD counts as unset", flags: { config: configNoUser }, vars: { SERVERDB_ETL_SOURCE_PASSWORD: "" }, myCnf: MY_CNF, password: "cnf-pw" },
    { why: "none at all", flags: { config: configNoUser }, password: undefined },
  ];
  for (const { why, flags, vars, myCnf, password } of PASSWORDS) {
    test(`password: ${why}`, () => {
      expect(mysqlOf(resolve(flags, vars, myCnf).source).password).toBe(password);
    });
  }

  test("each role has its own password variable and credential file", () => {
    const conns = resolve(
      { source: "mysql://h/x", target: "mysql://h/dw", replicas: ["mysql://r1/dw"] },
      { SERVERDB_ETL_REPLICA_PASSWORD: "replica-pw", SERVERDB_ETL_SOURCE_PASSWORD: "source-pw", CREDENTIALS_DIRECTORY: credentials },
    );
    expect(mysqlOf(conns.source).password).toBe("source-pw");
    expect(mysqlOf(conns.target).password).toBe("target-cred-pw");
    expect(mysqlOf(conns.replicas[0]).password).toBe("replica-pw");
  });

  test("--defaults-file beats [client].defaults_file of the config, which beats ~/.my.cnf", () => {
    const fromFlag = file("[client]\nuser = flag-cnf\n");
    const fromConfig = file("[client]\nuser = config-cnf\n");
    const cfg = file(`[client]\ndefaults_file = "${fromConfig}"\n`);
    expect(mysqlOf(resolve({ config: cfg, source: "mysql://h/x", defaultsFile: fromFlag }, {}, MY_CNF).source).user).toBe("flag-cnf");
    expect(mysqlOf(resolve({ config: cfg, source: "mysql://h/x" }, {}, MY_CNF).source).user).toBe("config-cnf");
    expect(mysqlOf(resolve({ source: "mysql://h/x" }, {}, MY_CNF).source).user).toBe("cnf-user");
  });

  test("--defaults-group-suffix, or [client].defaults_group_suffix, picks [client<suffix>]", () => {
    const myCnf = "[client]\nuser = plain\n[client_dw]\nuser = dw\n[client_cfg]\nuser = cfg\n";
    const cfg = file('[client]\ndefaults_group_suffix = "_cfg"\n');
    expect(mysqlOf(resolve({ source: "mysql://h/x", defaultsGroupSuffix: "_dw" }, {}, myCnf).source).user).toBe("dw");
    expect(mysqlOf(resolve({ config: cfg, source: "mysql://h/x" }, {}, myCnf).source).user).toBe("cfg");
    expect(mysqlOf(resolve({ config: cfg, source: "mysql://h/x", defaultsGroupSuffix: "_dw" }, {}, myCnf).source).user).toBe("dw");
  });
});

describe("password files others can read", () => {
  function warningsOf(fn: () => unknown): string[] {
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    try {
      fn();
    } finally {
      setLogSink(undefined);
    }
    return lines;
  }

  test("the option file a password came from, when its group or everyone can read it", () => {
    const h = home("[client]\npassword = cnf-pw\n");
    const myCnf = join(h, ".my.cnf");
    require("node:fs").chmodSync(myCnf, 0o644);
    expect(warningsOf(() => resolveConnections({ source: "mysql://h/x" }, env(), h))).toEqual([
      `[warn] [config] option file ${myCnf} holds a password and is readable by every user (mode 0644); chmod 600 ${myCnf}`,
    ]);
    require("node:fs").chmodSync(myCnf, 0o600);
    expect(warningsOf(() => resolveConnections({ source: "mysql://h/x" }, env(), h))).toEqual([]);
  });

  test("a credential file in a hand-set $CREDENTIALS_DIRECTORY", () => {
    const creds = join(dir, `creds${++n}`);
    mkdirSync(creds);
    writeFileSync(join(creds, "target-password"), "pw\n", { mode: 0o640 });
    require("node:fs").chmodSync(join(creds, "target-password"), 0o640);
    expect(warningsOf(() => resolve({ target: "mysql://t/dw" }, { CREDENTIALS_DIRECTORY: creds }))).toEqual([
      `[warn] [config] credential file ${join(creds, "target-password")} holds a password and is readable by its group (mode 0640); chmod 600 ${join(creds, "target-password")}`,
    ]);
  });
});

describe("each role its own option-file group or file", () => {
  const ENDPOINTS = { source: "mysql://s/x", target: "mysql://t/dw", replicas: ["mysql://r/dw"] };
  const users = (conns: ReturnType<typeof resolveConnections>) => ({
    source: mysqlOf(conns.source).user,
    target: mysqlOf(conns.target).user,
    replica: mysqlOf(conns.replicas[0]).user,
  });
  const MY_CNF = [
    "[client]", "user = shared",
    "[serverdb-etl-source]", "user = reader",
    "[serverdb-etl-target]", "user = writer",
    "[client_serverdb]", "user = suffixed",
    "",
  ].join("\n");

  // Regression: --defaults-group-suffix was the only way to tell roles apart, and it applies to
  // every role, so the target connected as the source's user.
  const CASES: Array<{ why: string; config?: string; flags?: ConnectionFlags; users: Record<"source" | "target" | "replica", string> }> = [
    { why: "[serverdb-etl-source] and [serverdb-etl-target]; the replica has no group of its own", users: { source: "reader", target: "writer", replica: "shared" } },
    { why: "[source] defaults_group_suffix reads [client_serverdb] for the source only", config: '[source]\ndefaults_group_suffix = "_serverdb"\n', users: { source: "suffixed", target: "writer", replica: "shared" } },
    { why: "--defaults-group-suffix applies to every role, as the client's does", flags: { defaultsGroupSuffix: "_serverdb" }, users: { source: "suffixed", target: "suffixed", replica: "suffixed" } },
    { why: "[replica] defaults_file replaces the option files for the replica only", config: `[replica]\ndefaults_file = "${file("[client]\nuser = monitor\n")}"\n`, users: { source: "reader", target: "writer", replica: "monitor" } },
    { why: "[target] defaults_file beats [client] defaults_file", config: `[client]\ndefaults_file = "${file("[client]\nuser = from-client-key\n")}"\n[target]\ndefaults_file = "${file("[client]\nuser = from-target-key\n")}"\n`, users: { source: "from-client-key", target: "from-target-key", replica: "from-client-key" } },
    { why: "--defaults-file beats a role's defaults_file (flags first)", config: `[target]\ndefaults_file = "${file("[client]\nuser = from-target-key\n")}"\n`, flags: { defaultsFile: file("[client]\nuser = from-flag\n") }, users: { source: "from-flag", target: "from-flag", replica: "from-flag" } },
  ];
  for (const { why, config, flags, users: expected } of CASES) {
    test(why, () => {
      const all: ConnectionFlags = { ...ENDPOINTS, ...flags, ...(config ? { config: file(config) } : {}) };
      expect(users(resolve(all, {}, MY_CNF))).toEqual(expected);
    });
  }

  test("a role's defaults_file that does not exist is a usage error naming that key", () => {
    const missing = join(dir, "no-such-target.cnf");
    const err = usageError(() => resolve({ ...ENDPOINTS, config: file(`[target]\ndefaults_file = "${missing}"\n`) }));
    expect(err.message).toBe(`config [target] defaults_file ${missing} does not exist; give the path of a readable MySQL option file`);
  });
});

describe("passwords on the command line are refused", () => {
  for (const flags of [{ source: "mysql://etl:s3cret@h/x" }, { target: "mysql://etl:s3cret@h/dw" }, { replicas: ["mysql://r1/dw", "mysql://etl:s3cret@r2/dw"] }]) {
    test(JSON.stringify(flags), () => {
      const err = usageError(() => resolve(flags));
      expect(err.message).toContain("visible to every user in ps");
      expect(err.message).not.toContain("s3cret");
    });
  }
});

describe("TLS", () => {
  const ca = file("-----BEGIN CERTIFICATE-----\n", "ca.pem");

  test("VERIFY_IDENTITY without a CA is a usage error naming --ssl-ca", () => {
    const err = usageError(() => resolve({ source: "mysql://h/x", sslMode: "verify_identity" }));
    expect(err.message).toContain("--ssl-ca");
    expect(err.message).toContain("mysql://login-user@h:3306/x");
  });

  test("VERIFY_IDENTITY with a CA from --ssl-ca, the DSN, env, config or the option file", () => {
    const cfg = file(`[ssl]\nmode = "VERIFY_IDENTITY"\nca = "${ca}"\n`);
    const cases: Array<[ConnectionFlags, Record<string, string>, string | undefined]> = [
      [{ source: "mysql://h/x", sslMode: "VERIFY_IDENTITY", sslCa: ca }, {}, undefined],
      [{ source: `mysql://h/x?ssl-mode=VERIFY_IDENTITY&ssl-ca=${ca}` }, {}, undefined],
      [{ source: "mysql://h/x" }, { SERVERDB_ETL_SSL_MODE: "VERIFY_IDENTITY", SERVERDB_ETL_SSL_CA: ca }, undefined],
      [{ source: "mysql://h/x", config: cfg }, {}, undefined],
      [{ source: "mysql://h/x", sslMode: "VERIFY_IDENTITY" }, {}, `[client]\nssl-ca = ${ca}\n`],
    ];
    for (const [flags, vars, myCnf] of cases) {
      const ep = mysqlOf(resolve(flags, vars, myCnf).source);
      expect(ep.sslMode).toBe("VERIFY_IDENTITY");
      expect(ep.sslCa).toBe(ca);
    }
  });

  test("the global mode: flag beats env beats config", () => {
    const cfg = file('[ssl]\nmode = "disabled"\n');
    expect(mysqlOf(resolve({ config: cfg, source: "mysql://h/x", sslMode: "required" }, { SERVERDB_ETL_SSL_MODE: "preferred" }).source).sslMode).toBe("REQUIRED");
    expect(mysqlOf(resolve({ config: cfg, source: "mysql://h/x" }, { SERVERDB_ETL_SSL_MODE: "preferred" }).source).sslMode).toBe("PREFERRED");
    expect(mysqlOf(resolve({ config: cfg, source: "mysql://h/x" }).source).sslMode).toBe("DISABLED");
  });

  test("an ssl-mode written in a DSN is not overridden by the global one", () => {
    const conns = resolve({ source: "mysql://h/x?ssl-mode=REQUIRED", target: "mysql://h/dw", sslMode: "DISABLED" });
    expect(mysqlOf(conns.source).sslMode).toBe("REQUIRED");
    expect(mysqlOf(conns.target).sslMode).toBe("DISABLED");
  });

  test("an unknown mode is a usage error naming where it came from", () => {
    expect(usageError(() => resolve({ source: "mysql://h/x", sslMode: "maybe" })).message).toStartWith("--ssl-mode: unknown ssl-mode maybe");
    expect(usageError(() => resolve({ source: "mysql://h/x" }, { SERVERDB_ETL_SSL_MODE: "maybe" })).message).toStartWith("SERVERDB_ETL_SSL_MODE:");
    expect(usageError(() => resolve({ config: file('[ssl]\nmode = "maybe"\n') })).message).toStartWith("config [ssl].mode:");
  });
});

describe("replicas", () => {
  const cfgTable = file('[replica]\ndsns = ["mysql://cfg-r1/dw", "mysql://cfg-r2/dw"]\nuser = "monitor"\n');
  const cfgTopLevel = file('replicas = ["mysql://top-r1/dw"]\n');

  const CASES: Array<{ why: string; flags: ConnectionFlags; vars?: Record<string, string>; hosts: string[] }> = [
    { why: "every --replica, in order, beats env and config", flags: { config: cfgTable, replicas: ["mysql://f1/dw", "mysql://f2/dw"] }, vars: { SERVERDB_ETL_REPLICAS: "mysql://e1/dw" }, hosts: ["f1", "f2"] },
    { why: "SERVERDB_ETL_REPLICAS, comma- or space-separated, beats config", flags: { config: cfgTable }, vars: { SERVERDB_ETL_REPLICAS: "mysql://e1/dw, mysql://e2/dw mysql://e3/dw" }, hosts: ["e1", "e2", "e3"] },
    { why: "config [replica].dsns", flags: { config: cfgTable }, hosts: ["cfg-r1", "cfg-r2"] },
    { why: "config top-level replicas", flags: { config: cfgTopLevel }, hosts: ["top-r1"] },
    { why: "none", flags: {}, hosts: [] },
  ];
  for (const { why, flags, vars, hosts } of CASES) {
    test(why, () => {
      expect(resolve(flags, vars).replicas.map((r) => mysqlOf(r).host)).toEqual(hosts);
    });
  }

  test("[replica].user applies to replicas, not to the target", () => {
    const conns = resolve({ config: cfgTable, target: "mysql://t/dw" });
    expect(conns.replicas.map((r) => mysqlOf(r).user)).toEqual(["monitor", "monitor"]);
    expect(mysqlOf(conns.target).user).toBe("login-user");
  });

  test("repeated --replica flags reach the config through connectionFlags", () => {
    const rawArgs = ["--target", "mysql://t/dw", "--replica", "mysql://r1/dw", "--replica=mysql://r2/dw", "--", "--replica", "mysql://not-a-flag/dw"];
    const flags = connectionFlags({ target: "mysql://t/dw", replica: "mysql://r2/dw" }, rawArgs);
    expect(resolve(flags).replicas.map((r) => mysqlOf(r).host)).toEqual(["r1", "r2"]);
  });

  test("replicas that are not a list of strings are a usage error", () => {
    expect(usageError(() => resolve({ config: file('replicas = "mysql://r1/dw"\n') })).message).toContain("list of DSN strings");
    expect(usageError(() => resolve({ config: file("[replica]\ndsns = [1, 2]\n") })).message).toContain("list of DSN strings");
  });

  test("a host list is for a Galera target only: the source and a replica name one server", () => {
    expect(mysqlOf(resolve({ target: "mysql://g1,g2:3307/dw" }).target).failover).toEqual([{ host: "g2", port: 3307 }]);
    const source = usageError(() => resolve({ source: "mysql://s1,s2/serverdb" })).message;
    expect(source).toBe(
      "--source: mysql://s1:3306,s2:3306/serverdb lists 2 hosts; only a Galera target's DSN may list nodes to fail over to: give the source one host",
    );
    expect(usageError(() => resolve({ replicas: ["mysql://r1,r2/dw"] })).message).toContain("give the replica one host (repeat --replica for more replicas)");
  });

  test("both [replica] dsns and top-level replicas are a usage error (one of them was silently ignored)", () => {
    const cfg = file('replicas = ["mysql://top-r1/dw"]\n[replica]\ndsns = ["mysql://cfg-r1/dw"]\n');
    expect(usageError(() => resolve({ config: cfg })).message).toContain("both [replica] dsns and the top-level replicas are set");
  });
});

describe("config file problems are usage errors", () => {
  test("--config that does not exist", () => {
    const missing = join(dir, "nope.toml");
    expect(usageError(() => resolve({ config: missing })).message).toContain(`cannot read config file ${missing} (ENOENT)`);
  });

  test("invalid TOML: names the file and line, never echoes a value (it may be a password)", () => {
    const path = file('# serverdb-etl\n[source]\ndsn = "mysql://h/x"\npassword = s3cret\n');
    const err = usageError(() => loadConfigFile(path));
    expect(err.message).toContain(`config file ${path} is not valid TOML near line 4 (`);
    expect(err.message).not.toContain("s3cret");
  });

  test("invalid TOML: an unclosed table header", () => {
    const path = file("[source\ndsn = 1\n");
    // The parser notices at the newline that ends line 1.
    expect(usageError(() => loadConfigFile(path)).message).toMatch(/near line [12] \(/);
  });

  test("a section that is not a table", () => {
    expect(usageError(() => resolve({ config: file('source = "mysql://h/x"\n') })).message).toContain("[source] must be a table");
  });

  test("a value of the wrong type", () => {
    expect(usageError(() => resolve({ config: file("[target]\ndsn = 5\n") })).message).toContain("target.dsn must be a string");
  });

  test("a bad DSN in the config names the config key", () => {
    expect(usageError(() => resolve({ config: file('[target]\ndsn = "pg://h/dw"\n') })).message).toStartWith("config [target].dsn: unsupported DSN");
  });

  test("no --config and no system-wide file: an empty config", () => {
    expect(loadConfigFile(undefined, join(dir, "absent.toml"))).toEqual({ config: {} });
  });

  test("no --config: the system-wide file when it exists", () => {
    const path = file('[etl]\nbatch_size = 500\n');
    expect(loadConfigFile(undefined, path)).toEqual({ path, config: { etl: { batch_size: 500 } } });
  });
});

describe("README", () => {
  test("the config example in README.md resolves to the endpoints it describes", () => {
    const readme = require("node:fs").readFileSync(join(import.meta.dir, "../../../README.md"), "utf8") as string;
    // The Configuration section's example: the toml block with the connections.
    const example = [...readme.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((block) => block.includes("[source]"));
    expect(example).toBeDefined();
    const conns = resolve({ config: file(example!) });
    expect(describeAll(conns)).toEqual({
      source: "mysql://etl_reader@serverdb-db1.example.net:3306/serverdb2",
      target: "mysql://etl_writer@dw-db1.example.net:3306/serverdb_dw",
      replicas: ["mysql://etl_monitor@dw-db2.example.net:3306/serverdb_dw", "mysql://etl_monitor@dw-db3.example.net:3306/serverdb_dw"],
    });
    for (const ep of [conns.source, conns.target, ...conns.replicas]) expect(mysqlOf(ep).sslMode).toBe("VERIFY_IDENTITY");
  });
});

function describeAll(conns: ReturnType<typeof resolveConnections>) {
  return {
    source: conns.source && describeEndpoint(conns.source),
    target: conns.target && describeEndpoint(conns.target),
    replicas: conns.replicas.map(describeEndpoint),
  };
}

describe("environment variable names", () => {
  // Regression: a misspelt SERVERDB_ETL_TARGET was ignored and the night went to ./serverdb_dw.sqlite.
  const CASES: Array<[Record<string, string>, string | undefined]> = [
    [{ SERVERDB_ETL_TAGRET: "mysql://h/dw" }, "unknown environment variable SERVERDB_ETL_TAGRET; did you mean SERVERDB_ETL_TARGET? (rename it, or unset it)"],
    [{ SERVERDB_ETL_SOURCE_PASSWD: "pw" }, "unknown environment variable SERVERDB_ETL_SOURCE_PASSWD; did you mean SERVERDB_ETL_SOURCE_PASSWORD?"],
    [{ SERVERDB_ETL_FOO: "1" }, "unknown environment variable SERVERDB_ETL_FOO; the tool reads SERVERDB_ETL_CONFIG, SERVERDB_ETL_SOURCE,"],
    [{ SERVERDB_ETL_TEST_ENGINES: "sqlite", SERVERDB_ETL_VERSION: "1" }, undefined], // the build's and the tests' own
    [{ serverdb_etl_target: "x", MYSQL_HOST: "h" }, undefined], // not ours
  ];
  for (const [vars, says] of CASES) {
    test(Object.keys(vars).join(", "), () => {
      if (says === undefined) expect(() => resolve({}, vars)).not.toThrow();
      else expect(usageError(() => resolve({}, vars)).message).toStartWith(says);
    });
  }
});
