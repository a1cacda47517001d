// servers_historicalserver as django-simple-history writes it, by simulating the fleet day by day:
// a `+` row per server at its creation, `~` per save (status transitions, memory upgrades, rack
// moves, CPU/model filled in later), `-` per deletion with the last state. Rows come out in
// history_date order, history_id = insertion order. Holes on purpose: ~2% of servers were
// bulk-created (no history at all), and a few changes went through QuerySet.update() (live row
// changed, no history row, last_edit untouched). Keeps O(assets) typed arrays (FleetState).
import { pickRack } from "./catalog.ts";
import { KIND, generateAsset, type AssetRecord, type FleetPlan } from "./asset.ts";
import { FleetState, IdPool } from "./fleet-state.ts";
import { Rng, STREAM, Weighted, rngFor } from "./prng.ts";
import { batch, historyRow, type RowValues, type TableBatch } from "./rows.ts";
import { US_PER_DAY } from "./timeline.ts";
import { STATUS } from "./values.ts";

/** Share of live servers saved per day (≈ 1.5 saves per server and year). */
const CHANGES_PER_SERVER_DAY = 0.004;
/** Share of changes made with QuerySet.update() (no history row). */
const UNTRACKED_SHARE = 0.005;
/** Share of rows whose history_date equals the previous row's exactly (ties on purpose). */
const TIE_SHARE = 0.004;
/** Share of changes saved twice in one request: two `~` rows of one server with one history_date. */
const DOUBLE_SAVE_SHARE = 0.003;
/** Share of changes made at night (scripts) rather than in working hours. */
const NIGHTLY_SHARE = 0.15;

/** What a save does; "touch" saves without a change (simple-history still writes a row). */
type Action = "in_use" | "spare" | "broken" | "retired" | "delete" | "memory" | "rack" | "hardware" | "touch";

const NEXT: Record<string, Weighted<Action>> = {
  provisioning: new Weighted<Action>([["in_use", 75], ["rack", 10], ["memory", 5], ["hardware", 10]]),
  in_use: new Weighted<Action>([["memory", 30], ["rack", 20], ["broken", 10], ["spare", 12], ["retired", 8], ["hardware", 5], ["touch", 15]]),
  broken: new Weighted<Action>([["in_use", 50], ["retired", 30], ["spare", 20]]),
  spare: new Weighted<Action>([["in_use", 50], ["retired", 40], ["rack", 10]]),
  retired: new Weighted<Action>([["delete", 40], ["rack", 35], ["spare", 25]]),
  // NULL and odd spellings ('In_Use', 'SPARE'…): someone finally sets a proper status.
  other: new Weighted<Action>([["in_use", 60], ["spare", 10], ["retired", 20], ["memory", 10]]),
};
/**
 * Follow-ups scheduled when a status is set, so servers do not linger in transient states:
 * [probability, first day, last day (after today), action].
 */
const FOLLOW_UP: Partial<Record<number, [number, number, number, Action]>> = {
  [STATUS.provisioning]: [0.9, 1, 21, "in_use"],
  [STATUS.broken]: [0.7, 1, 14, "in_use"],
  [STATUS.retired]: [0.7, 14, 120, "delete"],
};
const STATE_OF: Record<number, string> = {
  [STATUS.provisioning]: "provisioning",
  [STATUS.in_use]: "in_use",
  [STATUS.broken]: "broken",
  [STATUS.spare]: "spare",
  [STATUS.retired]: "retired",
};
const SAVE_ONLY = new Weighted<Action>([["memory", 50], ["rack", 50]]);

export interface HistoryStats {
  rows: number;
  deleted: number;
  /** Rows whose history_date equals the previous row's. */
  ties: number;
}

interface Event {
  hd: number;
  seq: number;
  id: number;
  /** The new server, for creations. */
  created?: AssetRecord;
  /** A scheduled follow-up: done only if the status is still `expect` by then. */
  followUp?: { action: Action; expect: number };
}

const ROWS_PER_BATCH = 1000;

/**
 * Emit the history rows in order and leave the final state of every server in `state`.
 * `stats` is filled as rows are produced.
 */
export function* simulateHistory(plan: FleetPlan, state: FleetState | null, stats: HistoryStats): Generator<TableBatch> {
  const { timeline } = plan;
  const rng = rngFor(plan.seed, STREAM.history);
  const pool = state ? new IdPool(timeline.lastId) : null;
  /** Follow-ups by window day: [id, action, expected status] (bounded by the fleet). */
  const scheduled = new Map<number, Array<[number, Action, number]>>();
  let rows: RowValues[] = [];
  let lastHd = -Infinity;

  const emit = (a: AssetRecord, hd: number, type: "+" | "~" | "-") => {
    if (hd === lastHd) stats.ties++;
    lastHd = hd;
    rows.push(historyRow(a, ++stats.rows, hd, type));
  };
  /** history_date: post_save runs a little after the save that set last_edit. */
  const afterSave = (us: number) => us + rng.int(20, 900);
  const scheduleFollowUp = (day: number, a: AssetRecord) => {
    const rule = FOLLOW_UP[a.status];
    if (!rule || !rng.chance(rule[0])) return;
    const when = day + rng.int(rule[1], rule[2]);
    if (when >= timeline.historyDays) return;
    let list = scheduled.get(when);
    if (!list) scheduled.set(when, (list = []));
    list.push([a.id, rule[3], a.status]);
  };

  // Servers older than the window: one `+` row each, holding their state at the window's start.
  for (let id = 1; id <= timeline.preWindowLastId; id++) {
    const a = generateAsset(plan, id);
    if (a.kind !== KIND.server || a.bulkCreated) continue;
    emit(a, afterSave(a.lastEditUs), "+");
    if (state && pool) {
      state.capture(a);
      pool.add(id);
      scheduleFollowUp(-1, a);
    }
    if (rows.length >= ROWS_PER_BATCH) {
      yield batch("servers_historicalserver", rows);
      rows = [];
    }
  }
  if (!state || !pool) {
    if (rows.length) yield batch("servers_historicalserver", rows);
    return;
  }

  let nextId = timeline.preWindowLastId + 1;
  let pending: AssetRecord | null = nextId <= timeline.lastId ? generateAsset(plan, nextId) : null;
  for (let day = 0; day < timeline.historyDays; day++) {
    const dayEnd = timeline.windowStartUs + (day + 1) * US_PER_DAY;
    const events: Event[] = [];
    const born: number[] = [];
    while (pending && pending.createdAtUs < dayEnd) {
      if (pending.kind === KIND.server && !pending.bulkCreated) {
        events.push({ hd: afterSave(pending.lastEditUs), seq: events.length, id: pending.id, created: pending });
        born.push(pending.id);
      }
      nextId++;
      pending = nextId <= timeline.lastId ? generateAsset(plan, nextId) : null;
    }
    for (const [id, action, expect] of scheduled.get(day) ?? []) {
      const hd = timeline.changeTimeUs(day, false, rng.float());
      events.push({ hd, seq: events.length, id, followUp: { action, expect } });
    }
    scheduled.delete(day);
    const changes = Math.floor(pool.size * CHANGES_PER_SERVER_DAY + rng.float());
    for (let i = 0; i < changes; i++) {
      const id = pool.at(rng.int(0, pool.size - 1));
      const hd = timeline.changeTimeUs(day, rng.chance(NIGHTLY_SHARE), rng.float());
      events.push({ hd, seq: events.length, id });
    }
    events.sort((x, y) => x.hd - y.hd || x.seq - y.seq);

    for (const ev of events) {
      if (ev.created) {
        emit(ev.created, ev.hd, "+");
        state.capture(ev.created);
        scheduleFollowUp(day, ev.created);
        continue;
      }
      if (state.isDeleted(ev.id)) continue; // deleted earlier today
      const a = state.restore(generateAsset(plan, ev.id));
      if (ev.followUp && a.status !== ev.followUp.expect) continue; // overtaken by another change
      const action = ev.followUp?.action ?? chooseAction(rng, a);
      if (action === "delete") {
        emit(a, ev.hd, "-");
        state.markDeleted(ev.id);
        pool.remove(ev.id);
        stats.deleted++;
        continue;
      }
      applyAction(rng, plan, a, action);
      if (action !== "rack" && action !== "touch" && rng.chance(UNTRACKED_SHARE)) {
        // QuerySet.update(): the row changes, auto_now does not run, no history row.
        state.capture(a);
        state.setUntracked(ev.id, true);
        continue;
      }
      const hd = rng.chance(TIE_SHARE) && lastHd <= ev.hd ? lastHd : ev.hd;
      a.lastEditUs = Math.max(a.lastEditUs + 1, hd - rng.int(20, 900));
      emit(a, hd, "~");
      if (rng.chance(DOUBLE_SAVE_SHARE)) {
        applyAction(rng, plan, a, SAVE_ONLY.pick(rng));
        a.lastEditUs += rng.int(1, 15);
        emit(a, hd, "~");
      }
      state.capture(a);
      state.setUntracked(ev.id, false);
      if (action !== "touch" && action !== "memory" && action !== "rack" && action !== "hardware") scheduleFollowUp(day, a);
    }
    for (const id of born) pool.add(id);
    if (rows.length >= ROWS_PER_BATCH) {
      yield batch("servers_historicalserver", rows);
      rows = [];
    }
  }
  if (rows.length) yield batch("servers_historicalserver", rows);
}

function chooseAction(rng: Rng, a: AssetRecord): Action {
  if ((a.cpuId === null || a.modelId === null) && rng.chance(0.5)) return "hardware";
  return NEXT[STATE_OF[a.status] ?? "other"].pick(rng);
}

function applyAction(rng: Rng, plan: FleetPlan, a: AssetRecord, action: Action): void {
  const { catalog } = plan;
  switch (action) {
    case "memory": {
      const m = a.memoryMilli;
      a.memoryMilli = m === null ? 64_000 : m < 2_048_000 ? m * 2 : m - 512_000;
      return;
    }
    case "rack": {
      const site = a.siteId === null ? null : catalog.sites[a.siteId - 1];
      a.rackId = pickRack(rng, catalog, site);
      a.position = rng.int(1, 42);
      return;
    }
    case "hardware":
      // CPU and model filled in once someone ran the inventory script, or a board swap.
      if (a.cpuId !== null && a.modelId !== null) {
        const old = a.cpuId;
        for (let i = 0; i < 5 && a.cpuId === old; i++) a.cpuId = catalog.pickCpu.pick(rng);
        if (a.cpuId === old) a.cpuId = (old % catalog.cpus.length) + 1;
      }
      if (a.cpuId === null) a.cpuId = catalog.pickCpu.pick(rng);
      if (a.modelId === null) a.modelId = catalog.pickModel.pick(rng);
      return;
    case "delete":
    case "touch":
      return;
    default:
      a.status = STATUS[action];
  }
}
