// The mutable part of every server during the history simulation, in typed arrays indexed by
// asset id: ~30 bytes per asset, the only state that grows with the fleet (3 MB per 100k).
import type { AssetRecord } from "./asset.ts";

const TRACKED = 1; // the arrays hold this server's state (else: as generated)
const DELETED = 2;
const UNTRACKED = 4; // last change was a QuerySet.update(): the live row differs from the newest history row

export class FleetState {
  private readonly flags: Uint8Array;
  private readonly status: Uint8Array;
  private readonly memory: Int32Array;
  private readonly rack: Int32Array;
  private readonly position: Int16Array;
  private readonly cpu: Int32Array;
  private readonly model: Int32Array;
  private readonly lastEdit: Float64Array;

  constructor(lastId: number) {
    const n = lastId + 1;
    this.flags = new Uint8Array(n);
    this.status = new Uint8Array(n);
    this.memory = new Int32Array(n);
    this.rack = new Int32Array(n);
    this.position = new Int16Array(n);
    this.cpu = new Int32Array(n);
    this.model = new Int32Array(n);
    this.lastEdit = new Float64Array(n);
  }

  /** Remember `a`'s mutable fields (after a save or an update()). */
  capture(a: AssetRecord): void {
    const id = a.id;
    this.flags[id] |= TRACKED;
    this.status[id] = a.status;
    this.memory[id] = a.memoryMilli ?? -1;
    this.rack[id] = a.rackId ?? 0;
    this.position[id] = a.position ?? -1;
    this.cpu[id] = a.cpuId ?? 0;
    this.model[id] = a.modelId ?? 0;
    this.lastEdit[id] = a.lastEditUs;
  }

  /** Overwrite a freshly generated record with the simulated state, if there is one. */
  restore(a: AssetRecord): AssetRecord {
    const id = a.id;
    if (!(this.flags[id] & TRACKED)) return a;
    a.status = this.status[id];
    a.memoryMilli = this.memory[id] < 0 ? null : this.memory[id];
    a.rackId = this.rack[id] || null;
    a.position = this.position[id] < 0 ? null : this.position[id];
    a.cpuId = this.cpu[id] || null;
    a.modelId = this.model[id] || null;
    a.lastEditUs = this.lastEdit[id];
    return a;
  }

  markDeleted(id: number): void {
    this.flags[id] |= DELETED;
  }

  isDeleted(id: number): boolean {
    return (this.flags[id] & DELETED) !== 0;
  }

  setUntracked(id: number, untracked: boolean): void {
    this.flags[id] = untracked ? this.flags[id] | UNTRACKED : this.flags[id] & ~UNTRACKED;
  }

  isUntracked(id: number): boolean {
    return (this.flags[id] & UNTRACKED) !== 0 && !this.isDeleted(id);
  }
}

/** A set of ids with O(1) add, remove and uniform random pick (swap-remove over a dense array). */
export class IdPool {
  private readonly ids: Int32Array;
  private readonly slot: Int32Array;
  size = 0;

  constructor(lastId: number) {
    this.ids = new Int32Array(lastId + 1);
    this.slot = new Int32Array(lastId + 1).fill(-1);
  }

  add(id: number): void {
    if (this.slot[id] >= 0) return;
    this.slot[id] = this.size;
    this.ids[this.size++] = id;
  }

  remove(id: number): void {
    const at = this.slot[id];
    if (at < 0) return;
    const last = this.ids[--this.size];
    this.ids[at] = last;
    this.slot[last] = at;
    this.slot[id] = -1;
  }

  at(index: number): number {
    return this.ids[index];
  }
}
