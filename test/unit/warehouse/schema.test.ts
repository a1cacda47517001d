// The warehouse DDL as `init` reads it: every DDL file parses into what docs/data-contract.md and columns.ts
// say; the parser rejects what it cannot compare; normalization of server spellings; and each
// kind of difference gives the right drift and ALTER clause. No database needed.
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { FACT_COLUMNS, ROLE_COLUMNS, type ColumnSpec } from "../../../src/warehouse/columns.ts";
import { MYSQL_WAREHOUSE_DDL, warehouseTableNames, warehouseTables } from "../../../src/engine/mysql/catalog.ts";
import { parseDdl } from "../../../src/warehouse/schema-parse.ts";
import { canonicalDefault, normalizeType, type TableSchema } from "../../../src/warehouse/schema-model.ts";
import { defaultsAreQuoted, liveDefault } from "../../../src/engine/mysql/schema-live.ts";
import { diffTable, misplacedColumns, missingTable, type DriftKind } from "../../../src/warehouse/schema-diff.ts";
import { blocksWriting, renderMigration } from "../../../src/warehouse/schema-migration.ts";
import { driftBeforeWriteError, schemaDriftError } from "../../../src/stages/init.ts";
import { SchemaDriftError } from "../../../src/errors.ts";
import { SQL_FILES } from "../../../src/sql.ts";

const byName = (name: string) => warehouseTables().find((t) => t.schema.name === name)!.schema;

describe("warehouse DDL files", () => {
  test("every sql/mysql/create_*.sql is in the registry and in sql.ts", () => {
    const onDisk = readdirSync(join(import.meta.dir, "../../../sql/mysql"))
      .filter((f) => /^create_.*\.sql$/.test(f))
      .map((f) => `mysql/${f}`)
      .sort();
    expect(MYSQL_WAREHOUSE_DDL.map((f) => f.file).sort()).toEqual(onDisk);
    for (const f of onDisk) expect(SQL_FILES as readonly string[]).toContain(f);
  });

  test.each(MYSQL_WAREHOUSE_DDL.map((f) => [f.file, f.text] as const))("%s parses into CREATE TABLE IF NOT EXISTS statements", (file, text) => {
    const tables = parseDdl(text, file);
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) {
      expect(t.sql).toStartWith(`CREATE TABLE IF NOT EXISTS ${t.schema.name} (`);
      // No trailing ";"; the fact tables end in their partitioning (one partition per day).
      if (["server_facts", "server_fact_roles"].includes(t.schema.name)) {
        expect(t.sql).toEndWith("PARTITION BY LIST COLUMNS (report_date) (PARTITION p10000101 VALUES IN ('1000-01-01'))");
        expect(t.schema.partitionedBy).toBe("report_date");
      } else {
        expect(t.sql).toEndWith("COLLATE=utf8mb4_bin");
        expect(t.schema.partitionedBy).toBeUndefined();
      }
      expect(t.schema.engine).toBe("InnoDB");
      // Binary collation on purpose (docs/data-contract.md: distinct by exact value, like SQLite).
      expect(t.schema.collation).toBe("utf8mb4_bin");
      for (const c of t.schema.columns) if (c.collation) expect(c.collation).toBe("utf8mb4_bin");
    }
  });

  test("the registry defines exactly the data contract's tables, etl_runs first", () => {
    expect(warehouseTableNames()).toEqual([
      "etl_runs",
      "server_facts",
      "server_fact_roles",
      "server_by_site",
      "server_by_puppet_service",
      "server_by_vendor_model",
      "server_by_team",
      "server_by_cpu",
      "server_retirements",
    ]);
  });

  const widthOf = (type: string) => Number(/^varchar\((\d+)\)$/.exec(type)?.[1] ?? NaN);
  test.each([
    ["server_facts", FACT_COLUMNS as readonly ColumnSpec[]],
    ["server_fact_roles", ROLE_COLUMNS as readonly ColumnSpec[]],
  ] as const)("%s has columns.ts's columns, in order, with its widths", (table, specs) => {
    const cols = byName(table).columns;
    expect(cols.map((c) => c.name)).toEqual(specs.map((s) => s.name));
    for (const spec of specs) {
      const col = cols.find((c) => c.name === spec.name)!;
      if (spec.maxChars !== undefined) expect([spec.name, widthOf(col.type)]).toEqual([spec.name, spec.maxChars]);
      else expect([spec.name, col.type.startsWith("varchar")]).toEqual([spec.name, false]);
    }
  });

  test("server_facts: the data contract's types, NULLs only where it allows, sentinel defaults", () => {
    const t = byName("server_facts");
    const type = Object.fromEntries(t.columns.map((c) => [c.name, c.type]));
    expect(type).toMatchObject({
      id: "bigint unsigned",
      report_date: "date",
      delivery_date: "date",
      cpu_count: "int",
      cpu_cores: "int",
      cpu_threads: "int",
      network_speed: "int",
      wou_id: "int",
      memory: "decimal(8,3)",
      created_at: "datetime",
      last_edit: "datetime",
      etl_run_id: "bigint unsigned",
    });
    expect(t.columns.filter((c) => c.nullable).map((c) => c.name)).toEqual(["delivery_date", "ip_address", "mac_address"]);
    const defaults = Object.fromEntries(t.columns.filter((c) => c.default.kind === "value").map((c) => [c.name, (c.default as { value: string }).value]));
    expect(defaults).toEqual({
      name: "",
      asset_type: "<unknown>",
      serialnumber: "",
      status: "<unknown>",
      site: "",
      region: "<unknown>",
      role_ids: "",
      puppet_services: "",
      role_names: "",
      rack: "",
      cpu_version: "<unknown>",
      manufacturer: "<unknown>",
      model: "<unknown>",
      owner: "<unknown>",
      wou_name: "<unknown>",
    });
    // Clustered by day (issue 14): the primary key leads with report_date; one server's history by id or name.
    expect(t.primaryKey).toEqual(["report_date", "id"]);
    expect(t.indexes).toEqual([
      { name: "id", columns: ["id"], unique: false },
      { name: "name", columns: ["name"], unique: false },
    ]);
  });

  test("server_fact_roles and etl_runs: keys, NULLs and defaults", () => {
    const roles = byName("server_fact_roles");
    expect(roles.primaryKey).toEqual(["report_date", "id", "role_id"]);
    expect(roles.indexes).toEqual([{ name: "puppet_service", columns: ["report_date", "puppet_service"], unique: false }]);
    expect(roles.columns.filter((c) => c.nullable)).toEqual([]);
    expect(roles.columns.find((c) => c.name === "puppet_service")!.default).toEqual({ kind: "value", value: "" });

    const runs = byName("etl_runs");
    expect(runs.primaryKey).toEqual(["id"]);
    expect(runs.columns[0]).toMatchObject({ name: "id", type: "bigint unsigned", autoIncrement: true, nullable: false, default: { kind: "none" } });
    expect(runs.indexes).toEqual([{ name: "report_date", columns: ["report_date", "status"], unique: false }]);
    expect(runs.columns.filter((c) => c.nullable).map((c) => c.name)).toEqual(["finished_at", "error"]);
    const zero = runs.columns.filter((c) => c.default.kind === "value" && c.default.value === "0").map((c) => c.name);
    expect(zero).toEqual(["rows_extracted", "rows_loaded", "rows_removed", "warnings"]);
    expect(runs.columns.find((c) => c.name === "warnings_by_column")).toMatchObject({ type: "varchar(1024)", default: { kind: "value", value: "" } });
  });
});

describe("parseDdl", () => {
  const wrap = (body: string, options = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin") =>
    `CREATE TABLE IF NOT EXISTS t (\n${body}\n) ${options};`;

  test("accepts the spellings we might write and normalizes them", () => {
    const [t] = parseDdl(
      wrap(
        [
          "`a` INTEGER(11) NOT NULL DEFAULT '0', -- a comment; with 'quotes' and a semicolon",
          "b BIGINT(20) UNSIGNED NOT NULL,",
          "/* block */ c DECIMAL(8, 3) NOT NULL DEFAULT 0.000,",
          "d varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL DEFAULT 'it''s --',",
          "e date,",
          "PRIMARY KEY (`a`, b),",
          "UNIQUE KEY de (d(4), e)",
        ].join("\n"),
      ),
    );
    expect(t.schema.columns).toEqual([
      { name: "a", type: "int", nullable: false, default: { kind: "value", value: "0" }, autoIncrement: false, collation: undefined },
      { name: "b", type: "bigint unsigned", nullable: false, default: { kind: "none" }, autoIncrement: false, collation: undefined },
      { name: "c", type: "decimal(8,3)", nullable: false, default: { kind: "value", value: "0" }, autoIncrement: false, collation: undefined },
      { name: "d", type: "varchar(10)", nullable: false, default: { kind: "value", value: "it's --" }, autoIncrement: false, collation: "utf8mb4_general_ci" },
      { name: "e", type: "date", nullable: true, default: { kind: "null" }, autoIncrement: false, collation: undefined },
    ]);
    expect(t.schema.indexes).toEqual([{ name: "de", columns: ["d(4)", "e"], unique: true }]);
  });

  test("several statements in one file, each with its own SQL text", () => {
    const text = `-- header\n${wrap("a int NOT NULL")}\n\n${wrap("b int NOT NULL").replace(" t ", " u ")}\n`;
    const tables = parseDdl(text);
    expect(tables.map((t) => t.schema.name)).toEqual(["t", "u"]);
    expect(tables[1].sql).toBe(wrap("b int NOT NULL").replace(" t ", " u ").replace(/;$/, ""));
  });

  test("primary key columns are NOT NULL, as the server makes them", () => {
    const [t] = parseDdl(wrap("a int NULL,\nPRIMARY KEY (a)"));
    expect(t.schema.columns[0]).toMatchObject({ nullable: false, default: { kind: "none" } });
  });

  test.each([
    ["a DROP statement", "DROP TABLE t;", /only CREATE TABLE IF NOT EXISTS/],
    ["CREATE without IF NOT EXISTS", "CREATE TABLE t (a int NOT NULL) ENGINE=InnoDB COLLATE=utf8mb4_bin;", /only CREATE TABLE IF NOT EXISTS/],
    ["an ALTER after the CREATE", wrap("a int NOT NULL") + "\nALTER TABLE t ADD b int;", /only CREATE TABLE IF NOT EXISTS/],
    ["a qualified table name", wrap("a int NOT NULL").replace(" t ", " db.t "), /unqualified/],
    ["an unsupported column attribute", wrap("a int NOT NULL COMMENT 'x'"), /unsupported column attribute/],
    ["no COLLATE table option", wrap("a int NOT NULL", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"), /COLLATE/],
    ["no ENGINE", wrap("a int NOT NULL", "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"), /ENGINE/],
    ["a collation of another charset", wrap("a int NOT NULL", "ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=utf8mb4_bin"), /does not belong/],
    ["an unnamed key", wrap("a int NOT NULL,\nKEY (a)"), /key name/],
    ["a key on an unknown column", wrap("a int NOT NULL,\nKEY k (b)"), /unknown column b/],
    ["a column declared twice", wrap("a int NOT NULL,\nA int NOT NULL"), /declared twice/],
    ["CHARACTER SET without COLLATE", wrap("a varchar(3) CHARACTER SET utf8mb4 NOT NULL"), /give COLLATE/],
    ["DEFAULT NULL on NOT NULL", wrap("a int NOT NULL DEFAULT NULL"), /DEFAULT NULL on a NOT NULL/],
    ["an expression default", wrap("a datetime NOT NULL DEFAULT CURRENT_TIMESTAMP"), /DEFAULT must be/],
    ["a backslash escape", wrap("a varchar(3) NOT NULL DEFAULT 'a\\'b'"), /backslash/],
    ["an empty file", "-- nothing here\n", /no CREATE TABLE/],
  ])("rejects %s", (_what, text, message) => {
    expect(() => parseDdl(text, "x.sql")).toThrow(message);
  });

  test("errors name the file and line", () => {
    expect(() => parseDdl(wrap("a int NOT NULL,\nb int BOGUS"), "sql/mysql/x.sql")).toThrow(/^sql\/mysql\/x\.sql:3: /);
  });
});

describe("normalizing server spellings", () => {
  test.each([
    ["int(11)", "int"],
    ["INT", "int"],
    ["integer", "int"],
    ["bigint(20) unsigned", "bigint unsigned"],
    ["int(10) unsigned", "int unsigned"],
    ["tinyint(1)", "tinyint"],
    ["decimal(8,3)", "decimal(8,3)"],
    ["DECIMAL(8, 3)", "decimal(8,3)"],
    ["decimal", "decimal(10,0)"],
    ["numeric(8)", "decimal(8,0)"],
    ["varchar(128)", "varchar(128)"],
    ["datetime", "datetime"],
  ])("type %s → %s", (raw, want) => {
    expect(normalizeType(raw)).toBe(want);
  });

  test.each([
    ["decimal(8,3)", "0.000", "0"],
    ["decimal(8,3)", "+1.500", "1.5"],
    ["int", "-1", "-1"],
    ["int", "007", "7"],
    ["decimal(8,3)", "-0.000", "0"],
    ["varchar(3)", "0.000", "0.000"], // text keeps its exact value
  ])("default on %s: %s → %s", (type, raw, want) => {
    expect(canonicalDefault(type, raw)).toBe(want);
  });

  test.each([
    ["10.11.19-MariaDB-0+deb12u1", true],
    ["10.2.7-MariaDB", true],
    ["10.2.6-MariaDB", false], // before 10.2.7 MariaDB reported bare values, like MySQL
    ["11.4.2-MariaDB-log", true],
    ["8.0.36", false],
  ])("version %s quotes defaults: %p", (version, want) => {
    expect(defaultsAreQuoted(version)).toBe(want);
  });

  // [raw COLUMN_DEFAULT, type, nullable, EXTRA, MariaDB-style quoting, expected]
  test.each([
    [null, "int", false, "", true, { kind: "none" }],
    [null, "date", true, "", true, { kind: "null" }], // MySQL-style answer on a nullable column
    ["NULL", "date", true, "", true, { kind: "null" }],
    ["'<unknown>'", "varchar(16)", false, "", true, { kind: "value", value: "<unknown>" }],
    ["'it''s'", "varchar(16)", false, "", true, { kind: "value", value: "it's" }],
    ["''", "varchar(16)", false, "", true, { kind: "value", value: "" }],
    ["'NULL'", "varchar(16)", false, "", true, { kind: "value", value: "NULL" }], // the text, not SQL NULL
    ["0.000", "decimal(8,3)", false, "", true, { kind: "value", value: "0" }],
    ["-1", "int", false, "", true, { kind: "value", value: "-1" }],
    ["current_timestamp()", "datetime", false, "", true, { kind: "expr", sql: "current_timestamp()" }],
    ["<unknown>", "varchar(16)", false, "", false, { kind: "value", value: "<unknown>" }],
    ["", "varchar(16)", false, "", false, { kind: "value", value: "" }],
    ["0.000", "decimal(8,3)", false, "", false, { kind: "value", value: "0" }],
    ["CURRENT_TIMESTAMP", "datetime", false, "DEFAULT_GENERATED", false, { kind: "expr", sql: "CURRENT_TIMESTAMP" }],
  ] as const)("COLUMN_DEFAULT %p on %s (nullable %p, quoted %p)", (raw, type, nullable, extra, quoted, want) => {
    expect(liveDefault(raw, type, nullable, extra, quoted)).toEqual(want);
  });
});

describe("diffTable → drifts and ALTER clauses", () => {
  const [{ schema: expected }] = parseDdl(`CREATE TABLE IF NOT EXISTS t (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    day date NOT NULL,
    name varchar(32) NOT NULL DEFAULT '',
    size int NOT NULL,
    note varchar(64) NULL,
    PRIMARY KEY (id, day),
    KEY name (name),
    KEY day_size (day, size)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;`);
  const live = (change: (t: TableSchema) => void): TableSchema => {
    const copy = structuredClone(expected);
    change(copy);
    return copy;
  };
  const col = (t: TableSchema, name: string) => t.columns.find((c) => c.name === name)!;

  test("an identical table has no drift", () => {
    expect(diffTable(expected, live(() => {}))).toEqual([]);
  });

  test("names compare case-insensitively, like the server does", () => {
    expect(diffTable(expected, live((t) => (col(t, "name").name = "NAME")))).toEqual([]);
  });

  // [case, change to the live table, expected kinds, expected clauses, cosmetic?]
  const cases: Array<[string, (t: TableSchema) => void, DriftKind[], string[], boolean?]> = [
    ["missing column", (t) => t.columns.splice(3, 1), ["missing-column"], ["ADD COLUMN `size` int NOT NULL AFTER `name`"]],
    [
      "missing first column",
      (t) => {
        t.columns.splice(0, 1);
        t.primaryKey = ["day"];
      },
      ["missing-column", "primary-key"],
      ["ADD COLUMN `id` bigint unsigned NOT NULL AUTO_INCREMENT FIRST", "DROP PRIMARY KEY", "ADD PRIMARY KEY (`id`, `day`)"],
    ],
    [
      "extra column",
      (t) => t.columns.push({ name: "extra col", type: "int", nullable: true, default: { kind: "null" }, autoIncrement: false }),
      ["extra-column"],
      ["DROP COLUMN `extra col`"],
    ],
    ["type", (t) => (col(t, "size").type = "bigint"), ["column-type"], ["MODIFY COLUMN `size` int NOT NULL"]],
    [
      "text width",
      (t) => (col(t, "name").type = "varchar(16)"),
      ["column-type"],
      ["MODIFY COLUMN `name` varchar(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT ''"],
    ],
    [
      "nullability",
      (t) => {
        col(t, "note").nullable = false;
        col(t, "note").default = { kind: "none" };
      },
      ["column-null", "column-default"],
      ["MODIFY COLUMN `note` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL DEFAULT NULL"],
    ],
    [
      "default",
      (t) => (col(t, "name").default = { kind: "value", value: "x'y" }),
      ["column-default"],
      ["MODIFY COLUMN `name` varchar(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT ''"],
    ],
    ["numeric default", (t) => (col(t, "size").default = { kind: "value", value: "-1" }), ["column-default"], ["MODIFY COLUMN `size` int NOT NULL"]],
    [
      "collation",
      (t) => (col(t, "name").collation = "utf8mb4_general_ci"),
      ["column-collation"],
      ["MODIFY COLUMN `name` varchar(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT ''"],
    ],
    ["auto_increment", (t) => (col(t, "id").autoIncrement = false), ["column-auto-increment"], ["MODIFY COLUMN `id` bigint unsigned NOT NULL AUTO_INCREMENT"]],
    [
      "column order (cosmetic)",
      (t) => t.columns.push(...t.columns.splice(2, 1)),
      ["column-order"],
      ["MODIFY COLUMN `name` varchar(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '' AFTER `day`"],
      true,
    ],
    [
      "moved and retyped: one clause",
      (t) => {
        t.columns.push(...t.columns.splice(3, 1));
        col(t, "size").type = "bigint";
      },
      ["column-type", "column-order"],
      ["MODIFY COLUMN `size` int NOT NULL AFTER `name`"],
    ],
    ["primary key changed", (t) => (t.primaryKey = ["id"]), ["primary-key"], ["DROP PRIMARY KEY", "ADD PRIMARY KEY (`id`, `day`)"]],
    ["primary key missing", (t) => (t.primaryKey = []), ["primary-key"], ["ADD PRIMARY KEY (`id`, `day`)"]],
    ["missing key", (t) => t.indexes.splice(0, 1), ["missing-key"], ["ADD INDEX `name` (`name`)"]],
    [
      "extra key",
      (t) => t.indexes.push({ name: "size", columns: ["size", "name(8)"], unique: true }),
      ["extra-key"],
      ["DROP INDEX `size`"],
    ],
    [
      "key with other columns",
      (t) => (t.indexes[1].columns = ["day"]),
      ["key-columns"],
      ["DROP INDEX `day_size`", "ADD INDEX `day_size` (`day`, `size`)"],
    ],
    ["key made unique", (t) => (t.indexes[0].unique = true), ["key-columns"], ["DROP INDEX `name`", "ADD INDEX `name` (`name`)"]],
    ["key renamed", (t) => (t.indexes[0].name = "name_idx"), ["key-name"], ["RENAME INDEX `name_idx` TO `name`"]],
    ["engine", (t) => (t.engine = "MyISAM"), ["table-engine"], ["ENGINE=InnoDB"]],
    [
      "table default collation (cosmetic)",
      (t) => (t.collation = "utf8mb4_general_ci"),
      ["table-collation"],
      ["DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"],
      true,
    ],
  ];

  test.each(cases)("%s", (_name, change, kinds, clauses, cosmetic = false) => {
    const drifts = diffTable(expected, live(change));
    expect(drifts.map((d) => d.kind)).toEqual(kinds);
    expect([...new Set(drifts.flatMap((d) => d.fix ?? []))]).toEqual(clauses);
    expect(drifts.every((d) => d.table === "t" && d.message.length > 0 && !d.message.includes("\n"))).toBe(true);
    expect(drifts.some((d) => !d.cosmetic)).toBe(!cosmetic);
  });

  test("moves as few columns as it can", () => {
    // expected id day name size note; live: day name size note id → only id moves.
    const moved = live((t) => t.columns.push(...t.columns.splice(0, 1)));
    expect([...misplacedColumns(expected, moved)]).toEqual(["id"]);
    expect(diffTable(expected, moved).flatMap((d) => d.fix)).toEqual(["MODIFY COLUMN `id` bigint unsigned NOT NULL AUTO_INCREMENT FIRST"]);
  });

  test("extra and missing columns do not count as moves", () => {
    const t = live((x) => {
      x.columns.splice(1, 1);
      x.columns.unshift({ name: "zz", type: "int", nullable: true, default: { kind: "null" }, autoIncrement: false });
    });
    expect(misplacedColumns(expected, t).size).toBe(0);
  });
});

describe("renderMigration", () => {
  const [{ schema: expected }] = parseDdl(`CREATE TABLE IF NOT EXISTS t (
    a int NOT NULL, b varchar(8) NOT NULL DEFAULT '', KEY b (b)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;`);

  test("one line per difference, one ALTER per table, DROP COLUMN apart under a warning", () => {
    const live = structuredClone(expected);
    live.columns[1].type = "varchar(4)";
    live.columns[1].default = { kind: "value", value: "x" };
    live.columns.push({ name: "old", type: "int", nullable: true, default: { kind: "null" }, autoIncrement: false });
    live.indexes = [];
    const drifts = [...diffTable(expected, live), missingTable("u")];
    const script = renderMigration(drifts, "mysql://etl@dw:3306/serverdb_dw");
    const lines = script.trimEnd().split("\n");
    expect(lines[0]).toBe("-- serverdb-etl: 5 differences between mysql://etl@dw:3306/serverdb_dw and this version's schema.");
    expect(lines.filter((l) => l.startsWith("-- t: ")).length).toBe(4);
    expect(lines).toContain("-- u: table is missing; run serverdb-etl init to create it");
    // The two drifts of column b share one MODIFY.
    expect(script).toContain("ALTER TABLE `t`\n  MODIFY COLUMN `b` varchar(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '';\n");
    // A missing non-unique key is layout only: an online ALTER of its own, and its pt-online-schema-change twin.
    expect(script).toContain("ALTER TABLE `t`\n  ADD INDEX `b` (`b`),\n  ALGORITHM=INPLACE, LOCK=NONE;\n");
    expect(script).toContain("--   pt-online-schema-change --alter 'ADD INDEX `b` (`b`)' D=DATABASE,t=t --execute\n");
    expect(script).toMatch(/-- WARNING: DROP COLUMN[^\n]*\n--[^\n]*\nALTER TABLE `t`\n  DROP COLUMN `old`;\n/);
    expect(script.match(/^ALTER TABLE/gm)!.length).toBe(3);
    // Every line is a comment or part of a statement: the script is valid as printed.
    expect(lines.every((l) => l === "" || l.startsWith("-- ") || l.startsWith("ALTER TABLE ") || l.startsWith("  "))).toBe(true);
  });

  test("nothing to print without drift; cosmetic-only drift says so", () => {
    expect(renderMigration([])).toBe("");
    const live = structuredClone(expected);
    live.columns.reverse();
    expect(renderMigration(diffTable(expected, live))).toContain("(cosmetic only: the ETL runs as is)");
  });
});

describe("partitioned by day", () => {
  const [{ schema: expected }] = parseDdl(`CREATE TABLE IF NOT EXISTS f (
    report_date date NOT NULL, id int NOT NULL, PRIMARY KEY (report_date, id)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    PARTITION BY LIST COLUMNS (report_date) (PARTITION p10000101 VALUES IN ('1000-01-01'));`);

  test("the DDL's PARTITION BY LIST COLUMNS names the column; the partitions listed are data, not schema", () => {
    expect(expected.partitionedBy).toBe("report_date");
    const [{ schema: other }] = parseDdl(`CREATE TABLE IF NOT EXISTS f (report_date date NOT NULL, id int NOT NULL)
      ENGINE=InnoDB COLLATE=utf8mb4_bin PARTITION BY LIST COLUMNS (report_date) (PARTITION a VALUES IN ('2026-01-01'), PARTITION b VALUES IN ('2026-01-02', '2026-01-03'))`);
    expect(other.partitionedBy).toBe("report_date");
    expect(diffTable(expected, { ...other, primaryKey: ["report_date", "id"] })).toEqual([]);
  });

  test("refused: another partitioning method, an unknown column, options after it", () => {
    const parse = (tail: string) => () => parseDdl(`CREATE TABLE IF NOT EXISTS f (report_date date NOT NULL) ENGINE=InnoDB COLLATE=utf8mb4_bin ${tail}`);
    expect(parse("PARTITION BY RANGE COLUMNS (report_date) (PARTITION p VALUES LESS THAN ('2026-01-01'))")).toThrow("only PARTITION BY LIST COLUMNS (column) is supported");
    expect(parse("PARTITION BY LIST COLUMNS (day) (PARTITION p VALUES IN ('2026-01-01'))")).toThrow("partitioned by unknown column day");
    expect(parse("PARTITION BY LIST COLUMNS (report_date) (PARTITION p VALUES IN ('2026-01-01')) COMMENT 'x'")).toThrow("the PARTITION BY clause must come last");
  });

  test("a live table not partitioned: a layout drift whose statement partitions every day it holds and the week after", () => {
    const live: TableSchema = { ...structuredClone(expected), partitionedBy: undefined, partitionValues: ["2026-11-30", "2026-12-01"] };
    const [d, ...rest] = diffTable(expected, live);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ table: "f", kind: "partitioning", layout: true, cosmetic: false });
    expect(d!.message).toStartWith("is not partitioned, expected one partition per report_date (LIST COLUMNS (report_date))");
    const script = renderMigration([d!]);
    expect(script).toContain(
      "ALTER TABLE `f`\n  PARTITION BY LIST COLUMNS (report_date) (\n    PARTITION p10000101 VALUES IN ('1000-01-01'),\n" +
        "    PARTITION p20261130 VALUES IN ('2026-11-30'),\n    PARTITION p20261201 VALUES IN ('2026-12-01'),\n    PARTITION p20261202 VALUES IN ('2026-12-02'),\n",
    );
    expect(script).toContain("    PARTITION p20261208 VALUES IN ('2026-12-08'));\n");
    expect(script).not.toContain("p20261209");
    expect(script).toContain("--   pt-online-schema-change --alter 'PARTITION BY LIST COLUMNS (report_date) ( PARTITION p10000101 VALUES IN ('1000-01-01'), PARTITION p20261130");
    expect(blocksWriting(d!)).toBe(false);
  });

  test("partitioned another way is drift; a table this version does not partition, partitioned by a DBA, is cosmetic", () => {
    const [other] = diffTable(expected, { ...structuredClone(expected), partitionedBy: "RANGE (year(report_date))" });
    expect(other!.message).toStartWith("is partitioned RANGE (year(report_date)), expected one partition per report_date");
    const plain = { ...structuredClone(expected), partitionedBy: undefined };
    const [dba] = diffTable(plain, { ...structuredClone(expected) });
    expect(dba).toMatchObject({ kind: "partitioning", cosmetic: true });
  });
});

describe("schemaDriftError", () => {
  test("none for no drift or cosmetic drift only", () => {
    expect(schemaDriftError([], true)).toBeUndefined();
    expect(schemaDriftError([{ table: "t", kind: "column-order", message: "m", cosmetic: true }], true)).toBeUndefined();
  });

  test("exit 3, naming the tables and the fix", () => {
    const err = schemaDriftError([missingTable("etl_runs")], true)!;
    expect(err).toBeInstanceOf(SchemaDriftError);
    expect(err.exitCode).toBe(3);
    expect(err.message).toContain("etl_runs");
    expect(err.message).toContain("run serverdb-etl init to create the missing tables");
    const both = schemaDriftError([missingTable("a"), { table: "b", kind: "extra-key", message: "m", cosmetic: false, fix: ["DROP INDEX `k`"] }], true)!;
    expect(both.message).toContain("create the missing tables (a; it creates only those and alters no other table), review the statements printed on stdout");
    expect(both.message).toEndWith("then rerun serverdb-etl init --check");
  });

  // An older version's warehouse: its facts are there, the aggregate table this version adds is not.
  test("an upgrade's missing aggregate table: names it, says init touches nothing else, and how to fill it", () => {
    const fix =
      "run serverdb-etl init to create the missing tables (server_retirements; it creates only those and alters no other table), " +
      "then serverdb-etl aggregate --all to build server_retirements from the facts kept";
    expect(schemaDriftError([missingTable("server_retirements")], true)!.message).toBe(
      `the warehouse schema differs from this version's (1 difference in server_retirements; no table was altered): ${fix}, then rerun serverdb-etl init --check`,
    );
    // etl: the same fix, and no ALTER to look for (none is needed).
    const etl = driftBeforeWriteError([missingTable("server_retirements")])!;
    expect(etl.exitCode).toBe(3);
    expect(etl.message).toBe(
      `the warehouse schema differs from this version's (server_retirements: table is missing; run serverdb-etl init to create it); nothing was written: ${fix}, then rerun`,
    );
    expect(etl.message).not.toContain("ALTER");
    // A fresh warehouse (no facts): init alone; nothing to aggregate yet.
    const fresh = driftBeforeWriteError(["etl_runs", "server_facts", "server_retirements"].map((t) => missingTable(t)))!;
    expect(fresh.message).toEndWith("nothing was written: run serverdb-etl init to create the missing tables, then rerun");
    // A missing table and an ALTER: both fixes.
    const both = driftBeforeWriteError([missingTable("server_retirements"), { table: "server_facts", kind: "extra-key", message: "m", cosmetic: false, fix: ["DROP INDEX `k`"] }])!;
    expect(both.message).toContain(`${fix}, and run serverdb-etl init --check to see the ALTER statements`);
  });
});
