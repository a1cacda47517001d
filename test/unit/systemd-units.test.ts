// contrib/systemd: `systemd-analyze verify` accepts both units without a warning, the service
// has the hardening the README promises, and what it hands the binary (ExecStart's arguments,
// the LoadCredential= names) is what the CLI and src/settings/connections.ts actually read.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ArgsDef } from "citty";
import { subCommands } from "../../src/cli.ts";
import { unknownArguments } from "../../src/cli/chain.ts";
import { resolveConnections } from "../../src/settings/connections.ts";
import { batchSizeFrom, replicaWaitFrom, reportDateFrom, retentionFrom, transformFrom } from "../../src/settings/run-options.ts";

const UNITS = join(import.meta.dir, "../../contrib/systemd");
const CONFIG_EXAMPLE = join(import.meta.dir, "../../contrib/config.example.toml");
const SERVICE = "serverdb-etl.service";
const TIMER = "serverdb-etl.timer";
const INSTALLED_BINARY = "/usr/local/bin/serverdb-etl";

const tmp = mkdtempSync(join(tmpdir(), "systemd-units-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `[Section] Key=value` lines of a unit file, in order (comments and blanks dropped). */
function directives(file: string): Array<{ section: string; key: string; value: string }> {
  const out: Array<{ section: string; key: string; value: string }> = [];
  let section = "";
  for (const raw of readFileSync(join(UNITS, file), "utf8").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const header = line.match(/^\[(.+)\]$/);
    if (header) section = header[1]!;
    else {
      const eq = line.indexOf("=");
      out.push({ section, key: line.slice(0, eq), value: line.slice(eq + 1) });
    }
  }
  return out;
}

function values(file: string, section: string, key: string): string[] {
  return directives(file)
    .filter((d) => d.section === section && d.key === key)
    .map((d) => d.value);
}

function one(file: string, section: string, key: string): string | undefined {
  const v = values(file, section, key);
  expect(v.length).toBeLessThanOrEqual(1);
  return v[0];
}

/**
 * Copy both units into `dir` with ExecStart's binary replaced by one that exists here (verify
 * checks that it is executable), apply `edit` to the service, run `systemd-analyze verify`.
 */
function verify(dir: string, edit: (service: string) => string = (s) => s): { exitCode: number; output: string } {
  const service = readFileSync(join(UNITS, SERVICE), "utf8");
  expect(service).toContain(`ExecStart=${INSTALLED_BINARY} `);
  // The running bun: an executable that exists wherever this test runs, built or not.
  writeFileSync(join(dir, SERVICE), edit(service.replaceAll(`ExecStart=${INSTALLED_BINARY} `, `ExecStart=${process.execPath} `)));
  writeFileSync(join(dir, TIMER), readFileSync(join(UNITS, TIMER), "utf8"));
  let proc;
  try {
    proc = Bun.spawnSync(["systemd-analyze", "verify", "--man=no", join(dir, SERVICE), join(dir, TIMER)], {
      cwd: dir,
      env: { ...process.env, SYSTEMD_LOG_LEVEL: "notice", SYSTEMD_LOG_COLOR: "0", LC_ALL: "C" },
      stdout: "pipe",
      stderr: "pipe",
    });
  } catch (err) {
    throw new Error(`systemd-analyze cannot be run (${(err as Error).message}): run scripts/ensure-test-tools.sh (.ci/run does)`);
  }
  return { exitCode: proc.exitCode ?? -1, output: proc.stdout.toString() + proc.stderr.toString() };
}

describe("systemd-analyze verify", () => {
  test("passes on both units with no warning at all", () => {
    const dir = mkdtempSync(join(tmp, "ok-"));
    const r = verify(dir);
    expect(r.output).toBe("");
    expect(r.exitCode).toBe(0);
  });

  test("the check can fail: an unknown directive is reported, a missing binary fails", () => {
    const dir = mkdtempSync(join(tmp, "bad-"));
    const typo = verify(dir, (s) => s.replace("ProtectHome=yes", "ProtectHome=yes\nProtectHomes=yes"));
    expect(typo.output).toContain("Unknown key 'ProtectHomes' in section [Service]");
    const missing = verify(dir, (s) => s.replaceAll(process.execPath, join(dir, "no-such-binary")));
    expect(missing.exitCode).not.toBe(0);
    expect(missing.output).toContain("no-such-binary");
  });
});

describe(SERVICE, () => {
  test("a oneshot run of the installed binary as a dynamic user, with a generous timeout, logging to the journal", () => {
    expect(one(SERVICE, "Service", "Type")).toBe("oneshot");
    expect(one(SERVICE, "Service", "DynamicUser")).toBe("yes");
    expect(one(SERVICE, "Service", "User")).toBe("serverdb-etl");
    expect(one(SERVICE, "Service", "SyslogIdentifier")).toBe("serverdb-etl");
    const timeout = one(SERVICE, "Service", "TimeoutStartSec")!;
    const hours = Number(timeout.match(/^(\d+)h$/)?.[1]);
    expect(hours).toBeGreaterThanOrEqual(1);
  });

  test("the hardening the README promises", () => {
    const expected: Record<string, string> = {
      ProtectSystem: "strict",
      ProtectHome: "yes",
      PrivateTmp: "yes",
      PrivateDevices: "yes",
      NoNewPrivileges: "yes",
      ProtectKernelTunables: "yes",
      ProtectKernelModules: "yes",
      ProtectKernelLogs: "yes",
      ProtectControlGroups: "yes",
      RestrictAddressFamilies: "AF_INET AF_INET6 AF_UNIX",
      RestrictNamespaces: "yes",
      LockPersonality: "yes",
      SystemCallFilter: "@system-service",
      CapabilityBoundingSet: "",
      UMask: "0077",
    };
    for (const [key, value] of Object.entries(expected)) expect([key, one(SERVICE, "Service", key)]).toEqual([key, value]);
    // Bun's JIT (JavaScriptCore) maps memory writable and executable: this setting would crash the run.
    expect(values(SERVICE, "Service", "MemoryDenyWriteExecute")).toEqual([]);
  });

  test("ExecStart is `run` with options the run command accepts", async () => {
    const [binary, command, ...rest] = one(SERVICE, "Service", "ExecStart")!.split(/\s+/);
    expect(binary).toBe(INSTALLED_BINARY);
    expect(command).toBe("run");
    const cmd = await subCommands.run!();
    const args = (typeof cmd.args === "function" ? await cmd.args() : cmd.args) as ArgsDef;
    expect(unknownArguments(rest, args)).toEqual([]);
    expect(rest).toEqual(["--config", "%d/config.toml"]);
  });

  test("the credentials it loads are the config and passwords src/settings/connections.ts reads from $CREDENTIALS_DIRECTORY", () => {
    const creds = new Map(
      values(SERVICE, "Service", "LoadCredential").map((v) => {
        const [id, path] = v.split(":");
        return [id!, path!] as const;
      }),
    );
    expect([...creds.keys()].sort()).toEqual(["config.toml", "replica-password", "source-password", "target-password"]);
    for (const path of creds.values()) expect(path).toMatch(/^\/etc\/serverdb-etl\/[a-z.-]+$/);

    // Play systemd: a credentials directory with a file per ID, then resolve as the run would.
    const dir = mkdtempSync(join(tmp, "creds-"));
    writeFileSync(
      join(dir, "config.toml"),
      [
        '[source]\ndsn = "mysql://etl_reader@serverdb-db1.example.net/serverdb2"',
        '[target]\ndsn = "mysql://etl_writer@dw-db1.example.net/serverdb_dw"',
        '[replica]\ndsns = ["mysql://etl_monitor@dw-db2.example.net/serverdb_dw"]',
      ].join("\n"),
    );
    for (const id of creds.keys()) if (id.endsWith("-password")) writeFileSync(join(dir, id), `secret of ${id}\n`);
    const configArg = one(SERVICE, "Service", "ExecStart")!.split(/\s+/).at(-1)!.replace("%d", dir);
    const conns = resolveConnections({ config: configArg }, { CREDENTIALS_DIRECTORY: dir }, join(dir, "no-home"));
    const password = (ep: unknown) => (ep as { password?: string }).password;
    expect(password(conns.source)).toBe("secret of source-password");
    expect(password(conns.target)).toBe("secret of target-password");
    expect(conns.replicas.map(password)).toEqual(["secret of replica-password"]);
  });
});

describe(TIMER, () => {
  test("nightly at 02:30, catching up a missed night, spread over 15 minutes, starting the service", () => {
    expect(one(TIMER, "Timer", "OnCalendar")).toBe("*-*-* 02:30:00");
    expect(one(TIMER, "Timer", "Persistent")).toBe("true");
    expect(one(TIMER, "Timer", "RandomizedDelaySec")).toBe("15m");
    expect(one(TIMER, "Timer", "Unit")).toBe(SERVICE);
    expect(one(TIMER, "Install", "WantedBy")).toBe("timers.target");
  });

  test("systemd reads 02:30 as a daily time (systemd-analyze calendar)", () => {
    const proc = Bun.spawnSync(["systemd-analyze", "calendar", one(TIMER, "Timer", "OnCalendar")!], {
      env: { ...process.env, LC_ALL: "C", TZ: "UTC" },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(proc.exitCode).toBe(0);
    expect(proc.stdout.toString()).toMatch(/Normalized form: \*-\*-\* 02:30:00/);
  });
});

describe("contrib/config.example.toml", () => {
  test("resolves with every setting the run reads, and holds no password", () => {
    const text = readFileSync(CONFIG_EXAMPLE, "utf8");
    expect(text).not.toMatch(/^\s*password\s*=/m);
    const dir = mkdtempSync(join(tmp, "example-"));
    const conns = resolveConnections({ config: CONFIG_EXAMPLE }, { CREDENTIALS_DIRECTORY: dir }, join(dir, "no-home"));
    expect(conns.source).toMatchObject({ kind: "mysql", user: "etl_reader", host: "serverdb-db1.example.net", database: "serverdb2" });
    expect(conns.target).toMatchObject({ kind: "mysql", user: "etl_writer", host: "dw-db1.example.net", database: "serverdb_dw" });
    expect(conns.replicas.map((r) => (r as { host: string }).host)).toEqual(["dw-db2.example.net"]);
    expect(conns.target).toMatchObject({ sslMode: "VERIFY_IDENTITY", sslCa: "/etc/ssl/certs/dw-ca.pem" });
    expect(batchSizeFrom({}, conns.config)).toBe(1000);
    expect(replicaWaitFrom({}, conns.config)).toMatchObject({ timeoutS: 300, maxLagS: 1 });
    expect(retentionFrom({}, conns.config)).toEqual({ keepDaily: 90, keepWeekday: 1 });
    expect(transformFrom(conns.config).cpuDropWords.length).toBeGreaterThan(0);
    expect(reportDateFrom({}, conns.config).reportDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
