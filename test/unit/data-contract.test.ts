// docs/data-contract.md is the project's own data contract: it names every column of the
// warehouse DDL with its type, every aggregate table and every ServerDB table read, and nothing
// in the repository points at a contract file that is not in it. The DDL is parsed here with a
// few plain regexes (not src/warehouse's parser), so a column added to a create_*.sql file
// without a line in the contract fails this test.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sourceTables } from "../../src/doctor/source-tables.ts";

const ROOT = join(import.meta.dir, "../..");
const DOC = readFileSync(join(ROOT, "docs/data-contract.md"), "utf8");

interface DdlColumn {
  name: string;
  /** The type as the contract shows it: `varchar(128)`, `bigint unsigned`, `date NULL`. */
  type: string;
}

/** table → columns of every CREATE TABLE in one DDL file. */
function parseCreateTables(text: string): Map<string, DdlColumn[]> {
  const tables = new Map<string, DdlColumn[]>();
  for (const m of text.matchAll(/CREATE TABLE IF NOT EXISTS (\w+) \(\n([\s\S]*?)\n\)/g)) {
    const columns: DdlColumn[] = [];
    for (const line of m[2].split("\n")) {
      const code = line.replace(/--.*$/, "").trim();
      const col = /^(\w+)\s+(.+?)(?:\s+(NOT NULL|NULL)\b.*)?,?$/.exec(code);
      if (!col || /^(PRIMARY|KEY|UNIQUE|INDEX|CONSTRAINT)$/i.test(col[1])) continue;
      columns.push({ name: col[1], type: col[2].replace(/,$/, "") + (col[3] === "NULL" ? " NULL" : "") });
    }
    tables.set(m[1], columns);
  }
  return tables;
}

const DDL_DIR = join(ROOT, "sql/mysql");
const ddl = new Map<string, DdlColumn[]>();
for (const file of readdirSync(DDL_DIR).filter((f) => f.startsWith("create_"))) {
  for (const [table, columns] of parseCreateTables(readFileSync(join(DDL_DIR, file), "utf8"))) ddl.set(table, columns);
}

/** The doc's level-2 sections: heading → body. */
const sections = DOC.split(/^## /m)
  .slice(1)
  .map((s) => ({ heading: s.slice(0, s.indexOf("\n")), body: s }));

function sectionOf(table: string): string {
  const key = table.startsWith("server_by_") ? "`server_by_*`" : `\`${table}\``;
  const found = sections.filter((s) => s.heading.includes(key));
  expect(found, `one section of docs/data-contract.md is about ${table}`).toHaveLength(1);
  return found[0].body;
}

/** Table rows of a section whose first cell is a `name`: name → second cell. */
function rows(body: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of body.matchAll(/^\| `([^`]+)` \| ([^|]*) \|/gm)) out.set(m[1], m[2].trim());
  return out;
}

describe("docs/data-contract.md", () => {
  test("the DDL parse found the warehouse tables (a guard for this test itself)", () => {
    expect([...ddl.keys()].sort()).toEqual(
      ["etl_runs", "server_by_cpu", "server_by_puppet_service", "server_by_site", "server_by_team", "server_by_vendor_model", "server_fact_roles", "server_facts", "server_retirements"],
    );
    expect(ddl.get("server_facts")!.map((c) => c.name)).toContain("etl_run_id");
    expect(ddl.get("server_facts")!.find((c) => c.name === "delivery_date")!.type).toBe("date NULL");
  });

  for (const table of ["server_facts", "server_fact_roles", "etl_runs"]) {
    test(`${table}: one row per DDL column, in DDL order, with the DDL's type`, () => {
      const documented = rows(sectionOf(table));
      const columns = ddl.get(table)!;
      expect([...documented.keys()]).toEqual(columns.map((c) => c.name));
      for (const c of columns) expect(documented.get(c.name), `${table}.${c.name}`).toStartWith(c.type);
    });
  }

  test("every server_by_* table of the DDL has a row, and each of its columns is named (measures with their types)", () => {
    const body = sectionOf("server_by_site");
    const documented = rows(body);
    const aggregates = [...ddl.keys()].filter((t) => t.startsWith("server_by_"));
    for (const table of aggregates) {
      expect(documented.has(table), table).toBe(true);
      for (const c of ddl.get(table)!) {
        expect(body, `${table}.${c.name}`).toContain(`\`${c.name}\``);
        if (documented.has(c.name)) expect(documented.get(c.name), `${table}.${c.name}`).toStartWith(c.type);
      }
    }
    // The documented rows name no table or column the DDL lacks (server_retirements' columns are in this section too).
    aggregates.push("server_retirements");
    const aggregateColumns = new Set(aggregates.flatMap((t) => ddl.get(t)!.map((c) => c.name)));
    for (const name of documented.keys()) expect(aggregates.includes(name) || aggregateColumns.has(name), name).toBe(true);
  });

  test("server_retirements: in the Aggregates section, one row per DDL column in DDL order with its type; the rule, sparse days and expire", () => {
    const body = sectionOf("server_by_site");
    const part = body.slice(body.indexOf("### `server_retirements`"));
    expect(part.length).toBeLessThan(body.length);
    const documented = rows(part);
    const columns = ddl.get("server_retirements")!;
    expect([...documented.keys()]).toEqual(columns.map((c) => c.name));
    for (const c of columns) expect(documented.get(c.name), c.name).toStartWith(c.type);
    const prose = part.replace(/\s+/g, " ");
    expect(prose).toContain("Primary key `(report_date, id)`");
    expect(prose).toContain("status `retired` and whose fact on the **previous fact day** has status `in_use`");
    expect(prose).toContain("the newest report_date with facts below report_date");
    expect(prose).toContain("The table is **sparse**");
    expect(prose).toContain("`expire --include-aggregates` deletes them with the other aggregates");
  });

  test("the Source section lists exactly the ServerDB tables the extract and backfill read", () => {
    const source = sections.filter((s) => s.heading.startsWith("Source"));
    expect(source).toHaveLength(1);
    expect([...rows(source[0].body).keys()].sort()).toEqual(sourceTables());
  });

  test("no tracked file mentions the old contract file, which is not in the repository", () => {
    const git = Bun.spawnSync(["git", "ls-files", "-z"], { cwd: ROOT });
    expect(git.exitCode, git.stderr.toString()).toBe(0);
    const files = git.stdout.toString().split("\0").filter(Boolean);
    expect(files.length).toBeGreaterThan(100);
    // Built from parts so that this file does not mention it either.
    const old = new RegExp(["FACTS", "md"].join("\\."), "i");
    const mentions = files.filter((f) => old.test(readFileSync(join(ROOT, f), "utf8")));
    expect(mentions).toEqual([]);
  });
});
