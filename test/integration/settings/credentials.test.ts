// Credentials from MySQL option files, on the test bed's MariaDB: each role logs in as the user
// its groups name (doctor's connect check and a real etl), and where the mariadb client reads the
// same file, the client's CURRENT_USER() is the oracle. The login name (USER) is a user that does
// not exist, so a credential that is not found fails the connection instead of passing as root.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quoteIdent } from "../../../src/engine/ident.ts";
import { dsn, freshDatabase, ok, runCli, servers, withDb } from "../../support/servers.ts";

const dir = mkdtempSync(join(tmpdir(), "credentials-test-"));
const READER = { user: "b_reader", password: "Reader-pw-1" };
const WRITER = { user: "b_writer", password: "Writer-pw-1" };
const NOBODY = "b_nobody";
let source: string;
let dw: string;
let n = 0;

beforeAll(async () => {
  source = await freshDatabase("cred_src");
  ok("generate", await runCli(["generate", "--source", dsn(servers().primary, source), "--servers", "200", "--seed", "7"], { timeoutMs: 120_000 }));
  dw = await freshDatabase("cred_dw");
  ok("init", await runCli(["init", "--target", dsn(servers().primary, dw)]));
  await withDb("", async (db) => {
    for (const { user, password } of [READER, WRITER]) {
      await db.execute(`CREATE OR REPLACE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
    }
    await db.execute(`GRANT SELECT ON ${quoteIdent(source)}.* TO ?@'%'`, [READER.user]);
    await db.execute(`GRANT ALL ON ${quoteIdent(dw)}.* TO ?@'%'`, [WRITER.user]);
  });
}, 150_000);

afterAll(async () => {
  await withDb("", async (db) => {
    for (const { user } of [READER, WRITER]) await db.execute("DROP USER IF EXISTS ?@'%'", [user]);
  });
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh HOME with this ~/.my.cnf (mode 0600 unless told). */
function homeWith(myCnf: string, mode = 0o600): string {
  const home = join(dir, `home${++n}`);
  mkdirSync(home);
  writeFileSync(join(home, ".my.cnf"), myCnf);
  chmodSync(join(home, ".my.cnf"), mode);
  return home;
}

/** DSNs without a user: the option files must supply it. */
const noUser = (database: string) => `mysql://127.0.0.1:${servers().primary.port}/${database}`;

/** The user each role logged in as according to doctor (undefined: it could not connect). */
async function loggedInAs(home: string, extra: string[] = [], env: Record<string, string> = {}) {
  const r = await runCli(["doctor", "--json", "--source", noUser(source), "--target", noUser(dw), ...extra], { env: { HOME: home, USER: NOBODY, ...env } });
  const { checks } = JSON.parse(r.stdout) as { checks: Array<{ role: string; endpoint: string; check: string; result: string; detail: string }> };
  const userOf = (role: string) => {
    const row = checks.find((c) => c.role === role && c.check === "connect")!;
    return row.result === "ok" ? /^mysql:\/\/([^@]+)@/.exec(row.endpoint)![1] : `failed: ${row.endpoint} ${row.detail}`;
  };
  return { source: userOf("source"), target: userOf("target"), stderr: r.stderr };
}

/** The mariadb client's own answer for the same HOME (and option-file flags): who it logs in as. */
function clientUser(home: string, flags: string[] = [], env: Record<string, string> = {}): string {
  const run = Bun.spawnSync(["mariadb", ...flags, "-h", "127.0.0.1", "-P", String(servers().primary.port), "-N", "-B", "-e", "SELECT CURRENT_USER()"], {
    env: { PATH: process.env.PATH ?? "", HOME: home, USER: NOBODY, ...env },
  });
  return run.exitCode === 0 ? run.stdout.toString().trim().replace(/@.*$/, "") : `failed: ${run.stderr.toString().trim()}`;
}

const creds = ({ user, password }: { user: string; password: string }) => `user = ${user}\npassword = ${password}\n`;

describe("groups the mariadb client reads, read the same way", () => {
  // Regression: these groups were ignored and the connection went out as the login name.
  const CASES: Array<{ why: string; myCnf: string; suffix?: string; user: string }> = [
    { why: "[client-server]", myCnf: `[client-server]\n${creds(WRITER)}`, user: WRITER.user },
    { why: "[client-mariadb]", myCnf: `[client-mariadb]\n${creds(WRITER)}`, user: WRITER.user },
    // Regression: the suffixed group won wherever it stood; the client takes the last line.
    { why: "the last line wins whatever its group", myCnf: `[client_dw]\n${creds(READER)}[client]\n${creds(WRITER)}`, suffix: "_dw", user: WRITER.user },
  ];
  for (const { why, myCnf, suffix, user } of CASES) {
    test(why, async () => {
      const home = homeWith(myCnf);
      const flags = suffix ? [`--defaults-group-suffix=${suffix}`] : [];
      expect(clientUser(home, flags)).toBe(user);
      const got = await loggedInAs(home, flags);
      expect(got.target).toBe(user);
    });
  }

  // Regression: MYSQL_PWD was ignored, so a user relying on it connected without a password.
  test("MYSQL_PWD is the password when nothing else gives one, as for the client, with a warning", async () => {
    const home = homeWith(`[client]\nuser = ${WRITER.user}\n`);
    const env = { MYSQL_PWD: WRITER.password };
    expect(clientUser(home, [], env)).toBe(WRITER.user);
    const got = await loggedInAs(home, [], env);
    expect(got.target).toBe(WRITER.user);
    expect(got.stderr).toContain(`MYSQL_PWD is the password of source mysql://${WRITER.user}@127.0.0.1:`);
    expect(got.stderr).not.toContain(WRITER.password);
  });

  // Regression: a world-writable ~/.my.cnf was used; the client ignores it, with a warning.
  test("a world-writable ~/.my.cnf is ignored, with the client's warning", async () => {
    const home = homeWith(`[client]\n${creds(WRITER)}`, 0o666);
    expect(clientUser(home)).not.toBe(WRITER.user); // it falls back to the Unix user (root here)
    const got = await loggedInAs(home);
    expect(got.target).toStartWith(`failed: mysql://${NOBODY}@`);
    expect(got.stderr).toContain(`World-writable config file '${join(home, ".my.cnf")}' is ignored`);
  });
});

describe("each role its own credentials", () => {
  // Regression: every role read the same groups, so the target logged in as the source's user.
  const CASES: Array<{ why: string; myCnf: string; config?: string; extra?: string[] }> = [
    {
      why: "[serverdb-etl-source] and [serverdb-etl-target] in one ~/.my.cnf",
      myCnf: `[client]\nuser = ${NOBODY}\n[serverdb-etl-source]\n${creds(READER)}[serverdb-etl-target]\n${creds(WRITER)}`,
    },
    {
      why: "[source] defaults_group_suffix: only the source reads [client_serverdb]",
      myCnf: `[client]\n${creds(WRITER)}[client_serverdb]\n${creds(READER)}`,
      config: '[source]\ndefaults_group_suffix = "_serverdb"\n',
    },
    {
      why: "[source] defaults_file: only the source reads that file",
      myCnf: `[client]\n${creds(WRITER)}`,
      config: `[source]\ndefaults_file = "SOURCE_CNF"\n`,
    },
  ];
  for (const { why, myCnf, config } of CASES) {
    test(why, async () => {
      const home = homeWith(myCnf);
      const extra: string[] = [];
      if (config) {
        const sourceCnf = join(home, "source.cnf");
        writeFileSync(sourceCnf, `[client]\n${creds(READER)}`, { mode: 0o600 });
        const path = join(home, "config.toml");
        writeFileSync(path, config.replace("SOURCE_CNF", sourceCnf), { mode: 0o600 });
        extra.push("--config", path);
      }
      const got = await loggedInAs(home, extra);
      expect({ source: got.source, target: got.target }).toEqual({ source: READER.user, target: WRITER.user });
      // And a real night with them: the reader reads, the writer writes.
      const r = await runCli(["etl", "--source", noUser(source), "--target", noUser(dw), ...extra], { env: { HOME: home, USER: NOBODY }, timeoutMs: 120_000 });
      ok("etl", r);
      const [{ c }] = await withDb(dw, (db) => db.query<{ c: number }>("SELECT COUNT(*) AS c FROM server_facts"));
      expect(Number(c)).toBe(200);
    }, 150_000);
  }
});
