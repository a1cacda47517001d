// How the report names a model: manufacturer and model spellings merged through an alias table
// (defaults for the common vendors' spellings, overridable in [report]), virtual platforms told
// apart from physical servers. The facts keep the names exactly as extracted; only the report merges.

/** Manufacturer spellings seen in dmidecode/inventories → the vendor a planner counts. Keys compare case-insensitively. */
export const DEFAULT_MANUFACTURER_ALIASES: Readonly<Record<string, string>> = {
  "hp": "HPE",
  "hpe": "HPE",
  "hewlett packard enterprise": "HPE",
  "hewlett-packard": "HPE",
  "hewlett-packard enterprise": "HPE",
  "dell": "Dell",
  "dell inc.": "Dell",
  "dell inc": "Dell",
  "dell emc": "Dell",
  "supermicro": "Supermicro",
  "super micro computer": "Supermicro",
  "super micro computer, inc.": "Supermicro",
  "lenovo": "Lenovo",
  "ibm": "IBM",
  "fujitsu": "Fujitsu",
  "fujitsu technology solutions": "Fujitsu",
  "quanta cloud technology inc.": "Quanta",
  "quanta": "Quanta",
  "cisco systems inc": "Cisco",
  "cisco systems, inc.": "Cisco",
  "vmware, inc.": "VMware",
  "vmware": "VMware",
  "qemu": "QEMU",
  "microsoft corporation": "Microsoft",
  "xen": "Xen",
  "innotek gmbh": "VirtualBox",
  "red hat": "Red Hat",
  "amazon ec2": "Amazon EC2",
  "google": "Google",
  "openstack foundation": "OpenStack",
};

/** Vendors (after aliasing) whose machines are virtual: hypervisors and clouds. Compared case-insensitively. */
export const DEFAULT_VIRTUAL_MANUFACTURERS: readonly string[] = [
  "VMware", "QEMU", "Microsoft", "Xen", "VirtualBox", "Red Hat", "Amazon EC2", "Google", "OpenStack",
];

export interface NameRules {
  /** lower-case spelling → name. */
  manufacturers: ReadonlyMap<string, string>;
  /** lower-case model spelling → name. */
  models: ReadonlyMap<string, string>;
  /** lower-case vendor names that are virtual. */
  virtual: ReadonlySet<string>;
}

export function nameRules(
  manufacturerAliases: Readonly<Record<string, string>>,
  modelAliases: Readonly<Record<string, string>>,
  virtualManufacturers: readonly string[],
): NameRules {
  const lower = (o: Readonly<Record<string, string>>) => new Map(Object.entries(o).map(([k, v]) => [k.trim().toLowerCase(), v]));
  return { manufacturers: lower(manufacturerAliases), models: lower(modelAliases), virtual: new Set(virtualManufacturers.map((v) => v.toLowerCase())) };
}

export function vendorName(rules: NameRules, raw: string): string {
  return rules.manufacturers.get(raw.trim().toLowerCase()) ?? raw;
}

export function modelName(rules: NameRules, raw: string): string {
  return rules.models.get(raw.trim().toLowerCase()) ?? raw;
}

/** The report's key of a model: `manufacturer model`, aliases applied. */
export function modelKey(rules: NameRules, manufacturer: string, model: string): string {
  return `${vendorName(rules, manufacturer)} ${modelName(rules, model)}`;
}

export function isVirtual(rules: NameRules, manufacturer: string): boolean {
  return rules.virtual.has(vendorName(rules, manufacturer).toLowerCase());
}

/** Records which aliases changed a name, with how many servers each touched (for the assumptions). */
export class AliasLog {
  private readonly seen = new Map<string, { field: "manufacturer" | "model"; from: string; to: string; servers: number }>();

  note(field: "manufacturer" | "model", from: string, to: string, servers: number): void {
    if (from === to) return;
    const id = `${field}\u0000${from}`;
    const entry = this.seen.get(id) ?? { field, from, to, servers: 0 };
    entry.servers += servers;
    this.seen.set(id, entry);
  }

  entries() {
    return [...this.seen.values()].sort((a, b) => a.field.localeCompare(b.field) || a.to.localeCompare(b.to) || a.from.localeCompare(b.from));
  }
}
