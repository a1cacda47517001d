// transformServer, whole rows: a dirty row → the expected fact, bridge rows and warnings;
// an all-NULL row → every sentinel; every text column is cut to its width from columns.ts.
import { describe, expect, test } from "bun:test";
import { DEFAULT_CPU_DROP_WORDS, DEFAULT_TRANSFORM_OPTIONS, transformServer } from "../../../src/transform/index.ts";
import type { FactRow, RawServerRow, RoleRow } from "../../../src/transform/types.ts";
import { FACT_COLUMNS, ROLE_COLUMNS, type ColumnSpec } from "../../../src/warehouse/columns.ts";

const ALL_NULL: RawServerRow = {
  id: 1,
  name: null,
  serialnumber: null,
  status: null,
  owner: null,
  created_at: "2020-01-01 00:00:00.000000",
  last_edit: "2020-01-02 00:00:00.000000",
  asset_type: null,
  delivery_date: null,
  site: null,
  region_name: null,
  az_name: null,
  rack: null,
  roles: null,
  cpu_version: null,
  cpu_cores: null,
  cpu_threads: null,
  cpu_count: null,
  memory: null,
  network_speed: null,
  ip_address: null,
  mac_address: null,
  manufacturer: null,
  model: null,
};

const SENTINELS: FactRow = {
  id: 1,
  name: "",
  asset_type: "<unknown>",
  serialnumber: "",
  delivery_date: null,
  ip_address: null,
  mac_address: null,
  status: "<unknown>",
  site: "",
  region: "<unknown>",
  role_ids: "",
  puppet_services: "",
  role_names: "",
  rack: "",
  cpu_version: "<unknown>",
  cpu_count: -1,
  cpu_cores: -1,
  cpu_threads: -1,
  memory: "0.000",
  network_speed: -1,
  manufacturer: "<unknown>",
  model: "<unknown>",
  owner: "<unknown>",
  wou_id: -1,
  wou_name: "<unknown>",
  created_at: "2020-01-01 00:00:00",
  last_edit: "2020-01-02 00:00:00",
};

const LONG_OWNER = "operations-and-infrastructure"; // 29 chars; servers_asset.owner is 40 wide, the fact 20

const DIRTY: RawServerRow = {
  id: "9007199254740993", // above 2^53: passed through as text
  name: "web-01.example.org",
  serialnumber: "SN 123",
  status: "  Active ",
  owner: LONG_OWNER,
  created_at: "2023-07-14 23:59:59.999999",
  last_edit: "2024-02-29 08:15:00.5",
  asset_type: "server",
  delivery_date: "0000-00-00",
  site: "fra1",
  region_name: "eu",
  az_name: "central-1a",
  rack: "R12",
  roles:
    '[30, "web", "nginx", 100, "Web Team"],[7, "db", null, null, "Nomads"],[30, "web", "nginx", 100, "Web Team"],[12, "Web", "nginx", 100, "Web Team"]',
  cpu_version: "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz",
  cpu_cores: null,
  cpu_threads: 28,
  cpu_count: 2,
  memory: "255.9",
  network_speed: 10000,
  ip_address: " 10.1.2.3 ",
  mac_address: "N/A",
  manufacturer: "Dell Inc.",
  model: null,
};

describe("transformServer", () => {
  test("an all-NULL row gives every sentinel, no roles and no warnings", () => {
    expect(transformServer(ALL_NULL)).toEqual({ fact: SENTINELS, roles: [], extras: [], warnings: {} });
  });

  test("a dirty row gives the expected fact, bridge rows and warnings", () => {
    const { fact, roles, warnings } = transformServer(DIRTY);
    expect(fact).toEqual({
      id: "9007199254740993",
      name: "web-01.example.org",
      asset_type: "server",
      serialnumber: "SN 123",
      delivery_date: null, // the zero date is "not set"
      ip_address: "10.1.2.3",
      mac_address: null, // 'N/A' → NULL + warning
      status: "active",
      site: "fra1",
      region: "eu-central-1a",
      role_ids: "7,12,30",
      puppet_services: "nginx",
      role_names: "Web,db,web", // binary order: upper case first
      rack: "R12",
      cpu_version: "e5-2680 v4",
      cpu_count: 2,
      cpu_cores: -1, // no cores in servers_cpu and none in the text
      cpu_threads: 28,
      memory: "255.900",
      network_speed: 10000,
      manufacturer: "Dell Inc.",
      model: "<unknown>",
      owner: LONG_OWNER.slice(0, 20),
      wou_id: -1, // role 7 has the lowest id with a team; that team has no org unit
      wou_name: "Nomads",
      created_at: "2023-07-14 23:59:59",
      last_edit: "2024-02-29 08:15:00",
    });
    const role = (role_id: number, role_name: string, puppet_service: string, wou_id: number, wou_name: string): RoleRow => ({
      id: "9007199254740993",
      role_id,
      role_name,
      puppet_service,
      wou_id,
      wou_name,
    });
    expect(roles).toEqual([
      role(7, "db", "", -1, "Nomads"),
      role(12, "Web", "nginx", 100, "Web Team"),
      role(30, "web", "nginx", 100, "Web Team"),
    ]);
    expect(warnings).toEqual({ mac_address: 1, owner: 1 });
  });

  test("the default options are the data contract's and a custom drop list is honoured", () => {
    expect(DEFAULT_TRANSFORM_OPTIONS.cpuDropWords).toBe(DEFAULT_CPU_DROP_WORDS);
    expect([...DEFAULT_CPU_DROP_WORDS]).toEqual(["intel(r)", "xeon(r)", "amd", "dual-core", "0", "virtual", "cpu", "processor"]);
    const raw = { ...ALL_NULL, cpu_version: "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz" };
    expect(transformServer(raw).fact.cpu_version).toBe("gold 6248");
    expect(transformServer(raw, { cpuDropWords: ["gold"] }).fact.cpu_version).toBe("intel(r) xeon(r) 6248 cpu");
  });

  test("the input row is not modified", () => {
    const raw = structuredClone(DIRTY);
    transformServer(raw);
    expect(raw).toEqual(DIRTY);
  });
});

describe("transformServer cuts every text column to its width", () => {
  const textColumns = (columns: readonly ColumnSpec[]) =>
    columns.filter((c): c is Required<ColumnSpec> => c.maxChars !== undefined).map((c) => [c.name, c.maxChars] as const);
  const factWidths = new Map(textColumns(FACT_COLUMNS));
  const roleWidths = new Map(textColumns(ROLE_COLUMNS));
  // Each character is an astral code point, so a cut in UTF-16 units would split pairs.
  const long = (n: number) => "𝄞".repeat(n);

  // Source values longer than every width they reach; 40 ten-digit role ids overflow role_ids.
  const raw: RawServerRow = {
    ...ALL_NULL,
    name: long(300),
    serialnumber: long(300),
    status: long(300),
    owner: long(300),
    asset_type: long(300),
    site: long(300),
    region_name: long(150),
    az_name: long(150),
    rack: long(300),
    ip_address: long(300),
    manufacturer: long(300),
    model: long(300),
    cpu_version: long(300),
    roles: Array.from({ length: 40 }, (_, i) => JSON.stringify([1_000_000_000 + i, `${long(70)}${i}`, `${long(70)}${i}`, i, long(90)])).join(","),
  };
  const { fact, roles, warnings } = transformServer(raw);

  const factCases = [...factWidths].filter(([name]) => name !== "mac_address"); // a MAC is 17 by construction
  test.each(factCases)("server_facts.%s is cut to %d code points with one warning", (name, width) => {
    const value = (fact as unknown as Record<string, string>)[name]!;
    expect([...value].length).toBe(width);
    expect(value.isWellFormed()).toBe(true);
    expect(warnings[name]).toBe(1);
  });

  test.each([...roleWidths])("server_fact_roles.%s is cut to %d code points, one warning per row", (name, width) => {
    expect(roles).toHaveLength(40);
    for (const role of roles) {
      const value = (role as unknown as Record<string, string>)[name]!;
      expect([...value].length).toBe(width);
      expect(value.isWellFormed()).toBe(true);
    }
    expect(warnings[`server_fact_roles.${name}`]).toBe(40);
  });

  test("no other warnings", () => {
    const expected = new Set([...factCases.map(([n]) => n), ...[...roleWidths.keys()].map((n) => `server_fact_roles.${n}`)]);
    expect(new Set(Object.keys(warnings))).toEqual(expected);
  });
});
