// Settings, resolved once per process in one order of precedence:
//   flags > environment > TOML config file > MySQL option files (credentials) > defaults.
// Passwords come from the environment, $CREDENTIALS_DIRECTORY (systemd LoadCredential=),
// the config file or option files (then MYSQL_PWD, as in the mysql client), never from argv.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve as resolvePath } from "node:path";
import { UsageError } from "../errors.ts";
import { loadConfigFile } from "./config-file.ts";
import { checkEnvNames } from "./env-vars.ts";
import { warnIfPasswordReadable } from "./file-modes.ts";
import { configSection, configTopLevel, type ConfigFile, type ConfigTable, type SectionKey, type SectionName } from "./config-schema.ts";
import { parseDsn, describeEndpoint, SSL_MODES, type Endpoint, type MysqlEndpoint, type SslMode } from "./dsn.ts";
import { clientOptionsOf, groupsFor, readOptionLines, type ClientOptions } from "./option-files.ts";
import type { OptionLine } from "./option-file-parser.ts";
import { logger } from "../log.ts";

export { DEFAULT_CONFIG_PATH, loadConfigFile } from "./config-file.ts";
export { configSection, type ConfigFile } from "./config-schema.ts";
export const DEFAULT_SOURCE_DATABASE = "serverdb2";
export const DEFAULT_TARGET_DATABASE = "serverdb_dw";
/** The warehouse when no target is configured anywhere: a SQLite file in the working directory. */
export const DEFAULT_TARGET_DSN = "sqlite:./serverdb_dw.sqlite";

export type Role = "source" | "target" | "replica";

/** The options every command accepts for connections (see commands/_args.ts). */
export interface ConnectionFlags {
  config?: string;
  source?: string;
  target?: string;
  /** Every --replica given (repeatable). */
  replicas?: string[];
  defaultsFile?: string;
  defaultsGroupSuffix?: string;
  sslCa?: string;
  sslMode?: string;
}

export interface Connections {
  source?: Endpoint;
  target?: Endpoint;
  replicas: Endpoint[];
  /** The config file that was read, if any. */
  configPath?: string;
  config: ConfigFile;
}

type Env = Record<string, string | undefined>;

function configString<S extends SectionName>(section: ConfigTable<S>, key: SectionKey<S>, where: S): string | undefined {
  const v = section[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new UsageError(`config: ${where}.${key} must be a string`);
  return v;
}

/** Resolve source, target and replicas with their credentials. */
export function resolveConnections(flags: ConnectionFlags, env: Env = process.env, home?: string): Connections {
  checkEnvNames(env);
  const { path: configPath, config } = loadConfigFile(flags.config ?? envValue(env, "SERVERDB_ETL_CONFIG"));
  const optionFiles = optionFilesByRole(flags, config, home, env);
  const sslMode =
    flags.sslMode !== undefined
      ? pickSslMode(flags.sslMode, "--ssl-mode")
      : envValue(env, "SERVERDB_ETL_SSL_MODE") !== undefined
        ? pickSslMode(envValue(env, "SERVERDB_ETL_SSL_MODE")!, "SERVERDB_ETL_SSL_MODE")
        : pickSslMode(configString(configSection(config, "ssl"), "mode", "ssl"), "config [ssl].mode");
  const sslCa = flags.sslCa ?? envValue(env, "SERVERDB_ETL_SSL_CA") ?? configString(configSection(config, "ssl"), "ca", "ssl");
  const ctx: ResolveContext = { env, config, optionFiles, sslMode, sslCa, usedMysqlPwd: [], passwordFiles: new Map() };

  const source = resolveOne("source", flags.source, ctx);
  const target = resolveOne("target", flags.target, ctx);
  const replicaTexts = flags.replicas?.length
    ? flags.replicas.map((text) => ({ text, where: "--replica", fromArgv: true }))
    : envValue(env, "SERVERDB_ETL_REPLICAS")
      ? splitList(env.SERVERDB_ETL_REPLICAS!).map((text) => ({ text, where: "SERVERDB_ETL_REPLICAS", fromArgv: false }))
      : configReplicas(config).map((text) => ({ text, where: "config replicas", fromArgv: false }));
  const replicas = replicaTexts.map(({ text, where, fromArgv }) =>
    finish("replica", parseDsn(text, where, ""), text, where, fromArgv, ctx),
  );
  for (const [file, what] of ctx.passwordFiles) warnIfPasswordReadable(file, what);
  if (ctx.usedMysqlPwd.length) {
    logger("config").warn(
      `MYSQL_PWD is the password of ${ctx.usedMysqlPwd.join(", ")}: it is deprecated (as in the mysql client) and gives every role the same password; ` +
        "put each role's in SERVERDB_ETL_SOURCE_PASSWORD (TARGET, REPLICA), a systemd credential or an option file instead",
    );
  }
  return { source, target, replicas, configPath, config };
}

/**
 * Each role's option-file credentials: --defaults-file / --defaults-group-suffix for every role,
 * else the role's own defaults_file / defaults_group_suffix, else [client]'s. All three are read
 * up front, used or not, so a mistyped defaults_file is an error on every command.
 */
function optionFilesByRole(flags: ConnectionFlags, config: ConfigFile, home: string | undefined, env: Env): Record<Role, ClientOptions> {
  const warnings = new Set<string>();
  const linesByFile = new Map<string, OptionLine[]>();
  const client = configSection(config, "client");
  const of = (role: Role): ClientOptions => {
    const own = configSection(config, role);
    const ownFile = configString(own, "defaults_file", role);
    const defaultsFile = flags.defaultsFile ?? ownFile ?? configString(client, "defaults_file", "client");
    const defaultsFileFrom =
      flags.defaultsFile !== undefined ? "--defaults-file" : ownFile !== undefined ? `config [${role}] defaults_file` : "config [client] defaults_file";
    const suffix = flags.defaultsGroupSuffix ?? configString(own, "defaults_group_suffix", role) ?? configString(client, "defaults_group_suffix", "client");
    let lines = linesByFile.get(defaultsFile ?? "");
    if (!lines) linesByFile.set(defaultsFile ?? "", (lines = readOptionLines({ defaultsFile, defaultsFileFrom, home, env })));
    return clientOptionsOf(lines, groupsFor(role, suffix), suffix, warnings);
  };
  const byRole = { source: of("source"), target: of("target"), replica: of("replica") };
  for (const w of warnings) logger("option-files").warn(w);
  return byRole;
}

interface ResolveContext {
  env: Env;
  config: ConfigFile;
  optionFiles: Record<Role, ClientOptions>;
  sslMode?: SslMode;
  sslCa?: string;
  /** The endpoints whose password came from MYSQL_PWD, for one warning. */
  usedMysqlPwd: string[];
  /** Files a password was read from → what they are, for one permission check each. */
  passwordFiles: Map<string, string>;
}

function resolveOne(role: "source" | "target", flag: string | undefined, ctx: ResolveContext): Endpoint | undefined {
  const envName = `SERVERDB_ETL_${role.toUpperCase()}`;
  const section = configSection(ctx.config, role);
  const fromConfig = configString(section, "dsn", role);
  const fromEnv = envValue(ctx.env, envName);
  const text = flag ?? fromEnv ?? fromConfig;
  if (text === undefined) return undefined;
  const where = flag !== undefined ? `--${role}` : fromEnv !== undefined ? envName : `config [${role}].dsn`;
  const defaultDb = role === "source" ? DEFAULT_SOURCE_DATABASE : DEFAULT_TARGET_DATABASE;
  return finish(role, parseDsn(text, where, defaultDb), text, where, flag !== undefined, ctx);
}

/** An environment variable, with an empty value meaning unset (as systemd and shells often leave them). */
function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === "" ? undefined : v;
}

/** Fill credentials and TLS into a parsed endpoint (`text` is the DSN it was parsed from). */
function finish(role: Role, ep: Endpoint, text: string, where: string, fromArgv: boolean, ctx: ResolveContext): Endpoint {
  if (ep.kind !== "mysql") return ep;
  if (ep.failover && role !== "target") {
    throw new UsageError(
      `${where}: ${describeEndpoint(ep)} lists ${1 + ep.failover.length} hosts; only a Galera target's DSN may list nodes to fail over to: give the ${role} one host` +
        (role === "replica" ? " (repeat --replica for more replicas)" : ""),
    );
  }
  if (fromArgv && ep.password !== undefined) {
    throw new UsageError(
      `${where}: a password on the command line is visible to every user in ps; remove it from the DSN and put it in ~/.my.cnf, --defaults-file or SERVERDB_ETL_${role.toUpperCase()}_PASSWORD`,
    );
  }
  const section = configSection(ctx.config, role);
  const optionFiles = ctx.optionFiles[role];
  const out: MysqlEndpoint = { ...ep };
  out.user ??= configString(section, "user", role) ?? optionFiles.user ?? envValue(ctx.env, "USER") ?? "root";
  out.password ??=
    envValue(ctx.env, `SERVERDB_ETL_${role.toUpperCase()}_PASSWORD`) ??
    readCredential(ctx, `${role}-password`) ??
    configString(section, "password", role);
  if (out.password === undefined && optionFiles.password !== undefined) {
    out.password = optionFiles.password;
    ctx.passwordFiles.set(optionFiles.passwordFile!, "option file");
  }
  // Last, as in the mysql client, which still honours it (deprecated there; warned about below).
  if (out.password === undefined && envValue(ctx.env, "MYSQL_PWD") !== undefined) {
    out.password = envValue(ctx.env, "MYSQL_PWD");
    ctx.usedMysqlPwd.push(`${role} ${describeEndpoint(out)}`);
  }
  // An ssl-mode written into this endpoint's DSN is the most specific setting: the global one
  // (--ssl-mode, env, [ssl]) must not downgrade a DSN that says ?ssl-mode=VERIFY_IDENTITY.
  if (ctx.sslMode && !/[?&]ssl-mode=/.test(text)) out.sslMode = ctx.sslMode;
  out.sslCa ??= ctx.sslCa ?? optionFiles.sslCa;
  if (out.sslMode === "VERIFY_IDENTITY" && !out.sslCa) {
    throw new UsageError(`${where} (${describeEndpoint(out)}): --ssl-mode VERIFY_IDENTITY needs --ssl-ca FILE to verify the server against`);
  }
  return out;
}

/** A systemd credential ($CREDENTIALS_DIRECTORY/NAME), trailing newline removed. */
function readCredential(ctx: ResolveContext, name: string): string | undefined {
  const dir = ctx.env.CREDENTIALS_DIRECTORY;
  if (!dir) return undefined;
  const file = join(dir, name);
  if (!existsSync(file)) return undefined;
  // systemd's own copies are private; a directory set by hand (README: doctor before enabling) may not be.
  ctx.passwordFiles.set(file, "credential file");
  return readFileSync(file, "utf8").replace(/\r?\n$/, "");
}

function pickSslMode(text: string | undefined, where: string): SslMode | undefined {
  if (text === undefined) return undefined;
  const mode = text.toUpperCase();
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`${where}: unknown ssl-mode ${text}; use one of ${SSL_MODES.join(", ")}`);
  }
  return mode as SslMode;
}

function configReplicas(config: ConfigFile): string[] {
  const inTable = configSection(config, "replica").dsns;
  const topLevel = configTopLevel(config, "replicas");
  // Two lists would mean one is silently ignored: which one the operator edits last is a guess.
  if (inTable !== undefined && topLevel !== undefined) {
    throw new UsageError("config: both [replica] dsns and the top-level replicas are set; keep one list (replicas is the older spelling of [replica] dsns)");
  }
  const list = inTable ?? topLevel;
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.some((x) => typeof x !== "string")) {
    throw new UsageError("config: replicas must be a list of DSN strings, e.g. replicas = [\"mysql://etl@dw2/serverdb_dw\"]");
  }
  return list as string[];
}

function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/**
 * The endpoint for a role. A missing target is DEFAULT_TARGET_DSN: said at INFO on a laptop, at
 * WARN when a config file or a MySQL source is in use (a production setup that lost its target);
 * a missing source is a usage error naming the flag to add.
 */
export function requireEndpoint(conns: Connections, role: "source" | "target"): Endpoint {
  const ep = conns[role];
  if (!ep && role === "target") {
    const fallback = parseDsn(DEFAULT_TARGET_DSN, "the default target");
    const why = conns.configPath !== undefined ? `config file ${conns.configPath} is in use` : conns.source?.kind === "mysql" ? "the source is a MySQL server" : undefined;
    const log = logger("config");
    if (why === undefined) log.info(`no --target given; using ${DEFAULT_TARGET_DSN}`);
    else {
      log.warn(
        `no target configured, yet ${why}: writing to the embedded default ${DEFAULT_TARGET_DSN} (${resolvePath(DEFAULT_TARGET_DSN.slice("sqlite:".length))}); ` +
          `set [target] dsn, SERVERDB_ETL_TARGET or --target (--target ${DEFAULT_TARGET_DSN} to keep this file and silence this)`,
      );
    }
    return fallback;
  }
  if (!ep) {
    throw new UsageError(
      `no ${role} configured; pass --${role} mysql://user@host:port/database, set SERVERDB_ETL_${role.toUpperCase()}, or add [${role}] dsn = "..." to the config file`,
    );
  }
  return ep;
}
