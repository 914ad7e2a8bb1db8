/**
 * The area generator's own seeded randomness: a 32-bit hash (for deriving independent streams
 * from a seed) and a small sfc32 generator. Everything the generator draws comes from here, so a
 * seed fully determines the output. It must never fall back to Math.random or the clock.
 */

/** Finaliser of MurmurHash3: a bijection on 32-bit integers that scatters nearby inputs. */
export function fmix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hashes a few integers into one 32-bit value; order matters. */
export function hash32(a: number, b = 0, c = 0, d = 0): number {
  let h = fmix32((a >>> 0) ^ 0x9e3779b9);
  h = fmix32(h ^ Math.imul((b >>> 0) + 0x7f4a7c15, 0x27d4eb2f));
  h = fmix32(h ^ Math.imul((c >>> 0) + 0x165667b1, 0x85ebca77));
  h = fmix32(h ^ Math.imul((d >>> 0) + 0x61c88647, 0xc2b2ae3d));
  return h;
}

/** Turns any user-supplied number into a 32-bit seed; non-integers are hashed by their text. */
export function normaliseSeed(seed: number): number {
  if (Number.isSafeInteger(seed)) return (seed % 0x1_0000_0000 + 0x1_0000_0000) % 0x1_0000_0000;
  let h = 0x811c9dc5;
  for (const ch of String(seed)) h = fmix32(h ^ (ch.codePointAt(0) ?? 0));
  return h;
}

/** A cumulative-weight table built once, so weighted draws in hot loops do not rescan weights. */
export class WeightedTable<T> {
  readonly #items: readonly T[];
  readonly #cumulative: readonly number[];
  readonly #total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    const items: T[] = [];
    const cumulative: number[] = [];
    let total = 0;
    for (const [item, weight] of entries) {
      if (!(weight >= 0)) throw new Error(`weights must be non-negative, got ${weight}`);
      total += weight;
      items.push(item);
      cumulative.push(total);
    }
    if (items.length === 0 || total <= 0) throw new Error('a weighted table needs a positive weight');
    this.#items = items;
    this.#cumulative = cumulative;
    this.#total = total;
  }

  /** `unit` is a draw in [0, 1). */
  at(unit: number): T {
    const target = unit * this.#total;
    let lo = 0;
    let hi = this.#cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return this.#items[lo] as T;
  }
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of state, passes
 * PractRand, fast in JavaScript's 32-bit integer arithmetic. One instance per patient or
 * per infrastructure item, so any part of the area can be regenerated on its own.
 */
export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** An independent stream for (seed, stream, index); the four words come from distinct hashes. */
  static for(seed: number, stream: number, index: number): SeededRandom {
    return new SeededRandom(hash32(seed, stream, index, 1), hash32(seed, stream, index, 2), hash32(seed, stream, index, 3), hash32(seed, stream, index, 4));
  }

  constructor(a: number, b: number, c: number, d: number) {
    this.#a = a | 0;
    this.#b = b | 0;
    this.#c = c | 0;
    this.#d = d | 0;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    this.#d = (this.#d + 1) | 0;
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform real in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  weighted<T>(table: WeightedTable<T>): T {
    return table.at(this.next());
  }

  /** Normal draw (Box–Muller); the second value is discarded so the stream stays simple to reason about. */
  normal(mean: number, sd: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Normal draw clamped to [min, max]: physiological values have hard limits. */
  clampedNormal(mean: number, sd: number, min: number, max: number): number {
    return Math.min(max, Math.max(min, this.normal(mean, sd)));
  }

  /** Poisson count; Knuth's method for small means, a rounded normal above 30 where it is accurate enough. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** Log-normal multiplier with mean 1: heterogeneity between people (some consult far more). */
  frailtyMultiplier(sigma: number): number {
    return Math.exp(this.normal(-(sigma * sigma) / 2, sigma));
  }
}
