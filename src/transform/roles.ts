// The server's roles: parse the extract's JSON list and derive role_ids, role_names,
// puppet_services, the server's team (wou_id, wou_name) and the role-bridge rows. Pure.
//
// Input (RawServerRow.roles): the BODY of a JSON array of arrays, one per role, ordered by
// role id and possibly repeated: `[role_id, role_name, puppet_service|null,
// team_org_unit_id|null, team_name|null],…`. NULL or '' means no roles.
//
// Teams: a role "has a team" when its managed_by points at a servers_team row, i.e. when
// the team's name (NOT NULL in the source) or org_unit_id is present. A team whose
// org_unit_id is NULL is still that role's team: the DBA wants to see which team manages
// the server, so it yields wou_id -1 (unknown org unit) with the team's real name, and it
// wins over a higher-id role whose team has an org unit. Only a role without a team yields
// -1/'<unknown>'.
import type { Id, RoleRow, Warnings } from "./types.ts";
import { UNKNOWN, compareCodePoints } from "./text.ts";
import { warn } from "./warnings.ts";

/** What the roles contribute to the fact row, plus the bridge rows (not yet cut to width). */
export interface ServerRoles {
  role_ids: string;
  role_names: string;
  puppet_services: string;
  wou_id: number;
  wou_name: string;
  roles: RoleRow[];
}

interface ParsedRole {
  key: bigint;
  id: Id;
  name: string;
  puppetService: string | null;
  wouId: number;
  wouName: string;
  hasTeam: boolean;
}

const INTEGER = /^-?\d+$/;
function noRoles(): ServerRoles {
  return { role_ids: "", role_names: "", puppet_services: "", wou_id: -1, wou_name: UNKNOWN, roles: [] };
}

// JSON numbers above 2^53 lose digits in JSON.parse; this reviver keeps their source text
// (Bun/JSC and V8 pass it as the third argument). Only used when such a number was seen.
function keepBigIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source !== undefined) {
    return context.source;
  }
  return value;
}

function parseList(body: string): unknown[] | null {
  let list: unknown;
  try {
    list = JSON.parse(`[${body}]`);
    if (!Array.isArray(list)) return null;
    const lossy = list.some((e) => Array.isArray(e) && typeof e[0] === "number" && !Number.isSafeInteger(e[0]));
    if (lossy) list = JSON.parse(`[${body}]`, keepBigIntegers as (k: string, v: unknown) => unknown);
  } catch {
    return null;
  }
  return Array.isArray(list) ? list : null;
}

/** A role id as [exact value for sorting, value to store]: a number when safe, else decimal text. */
function parseId(value: unknown): [bigint, Id] | null {
  if (typeof value === "number") return Number.isSafeInteger(value) ? [BigInt(value), value] : null;
  if (typeof value !== "string" || !INTEGER.test(value)) return null;
  const key = BigInt(value);
  const n = Number(value);
  return [key, Number.isSafeInteger(n) ? n : key.toString()];
}

function asText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return null;
}

function parseOrgUnit(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  const n = typeof value === "string" && INTEGER.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) ? n : undefined;
}

function parseRole(entry: unknown, warnings: Warnings): ParsedRole | null {
  if (!Array.isArray(entry) || entry.length < 2) return null;
  const id = parseId(entry[0]);
  if (id === null) return null;
  const teamName = asText(entry[4]);
  let orgUnit = parseOrgUnit(entry[3]);
  if (orgUnit === undefined) {
    // A team with a garbled org unit is still a team: keep its name, org unit unknown.
    warn(warnings, "wou_id");
    orgUnit = null;
  }
  const hasTeam = teamName !== null || (entry[3] !== null && entry[3] !== undefined);
  return {
    key: id[0],
    id: id[1],
    name: asText(entry[1]) ?? "",
    puppetService: asText(entry[2]),
    wouId: orgUnit ?? -1,
    wouName: teamName ?? UNKNOWN,
    hasTeam,
  };
}

function distinctSorted(values: Iterable<string>): string {
  const set = new Set<string>();
  // '' is left out: an empty element in a comma list reads as noise, and the bridge cannot
  // tell a '' puppet service from a NULL one anyway.
  for (const v of values) if (v !== "") set.add(v);
  if (set.size === 0) return "";
  return [...set].sort(compareCodePoints).join(",");
}

/**
 * Roles of server `serverId` from the extract's JSON body. Role ids come out distinct and
 * ascending numerically (compared as BigInt: ids may exceed 2^53); names and puppet services
 * distinct by exact value, sorted by code point. An unparsable list or entry is skipped with
 * a warning on `role_ids`; the row itself is never rejected.
 */
export function transformRoles(serverId: Id, body: string | null, warnings: Warnings): ServerRoles {
  if (body === null || body.trim() === "") return noRoles();
  const list = parseList(body);
  if (list === null) {
    warn(warnings, "role_ids");
    return noRoles();
  }
  const byId = new Map<bigint, ParsedRole>();
  for (const entry of list) {
    const role = parseRole(entry, warnings);
    if (role === null) {
      warn(warnings, "role_ids");
      continue;
    }
    // Repeats come from the join; the first occurrence of an id is the role.
    if (!byId.has(role.key)) byId.set(role.key, role);
  }
  if (byId.size === 0) return noRoles();
  const roles = [...byId.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const team = roles.find((r) => r.hasTeam);
  return {
    role_ids: roles.map((r) => String(r.id)).join(","),
    role_names: distinctSorted(roles.map((r) => r.name)),
    puppet_services: distinctSorted(roles.flatMap((r) => (r.puppetService === null ? [] : [r.puppetService]))),
    wou_id: team ? team.wouId : -1,
    wou_name: team ? team.wouName : UNKNOWN,
    roles: roles.map((r) => ({
      id: serverId,
      role_id: r.id,
      role_name: r.name,
      puppet_service: r.puppetService ?? "",
      wou_id: r.wouId,
      wou_name: r.wouName,
    })),
  };
}
