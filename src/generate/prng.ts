// Deterministic pseudo-random numbers for the synthetic fleet: sfc32 (Doty-Humphrey's Small
// Fast Counter, 32-bit), keyed by (seed, stream, key) so any one asset can be regenerated alone.

/** A seeded generator; same keys ⇒ same sequence, on every platform (pure 32-bit integer math). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number, stream: number, key: number) {
    this.a = fmix32(seed ^ 0xa5a5a5a5);
    this.b = fmix32(Math.imul(stream, 0x9e3779b1) ^ fmix32(key));
    this.c = fmix32((Math.imul(key, 0x85ebca77) + seed) | 0);
    // sfc32 needs a few rounds before nearby keys stop looking alike.
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }
}

/** murmur3's 32-bit finalizer: a cheap, well-mixing bijection. */
export function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Independent streams per purpose; a new purpose gets a new number, never a reused one. */
export const STREAM = {
  catalog: 1,
  asset: 2,
  rack: 3,
  history: 4,
  event: 5,
  // --site-extras: streams of their own, so the flag changes no other table's rows.
  rackPlacement: 6,
  modelPower: 7,
  purchase: 8,
} as const;

export function rngFor(seed: number, stream: number, key = 0): Rng {
  return new Rng(seed | 0, stream, key | 0);
}

/** A fixed weighted choice, built once: `pick` costs a short linear scan. */
export class Weighted<T> {
  private readonly values: T[] = [];
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    let sum = 0;
    for (const [value, weight] of entries) {
      if (weight <= 0) continue;
      sum += weight;
      this.values.push(value);
      this.cumulative.push(sum);
    }
    this.total = sum;
  }

  pick(rng: Rng): T {
    const x = rng.float() * this.total;
    for (let i = 0; i < this.cumulative.length; i++) if (x < this.cumulative[i]) return this.values[i];
    return this.values[this.values.length - 1];
  }
}
