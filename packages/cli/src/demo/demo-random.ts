/**
 * The demo area's randomness: a small seeded generator (mulberry32) so that the same seed always
 * makes the same area, and one stream per person (seed and index), so a person's record does not
 * change when the batch size or the number of people does.
 *
 * Not for anything secret: these numbers are predictable by design.
 */

export interface DemoRandom {
  /** a number in [0, 1) */
  next(): number;
  /** a whole number from `min` to `max`, both included */
  int(min: number, max: number): number;
  /** true with probability `p` */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** one of the items, each as likely as its weight */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes the parts into one 32-bit seed (FNV-1a over their text), so streams do not overlap. */
function mix(parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function demoRandom(...parts: (string | number)[]): DemoRandom {
  const next = mulberry32(mix(parts));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(next() * items.length)]!;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick,
    weighted<T>(items: readonly (readonly [T, number])[]): T {
      const total = items.reduce((sum, [, w]) => sum + w, 0);
      let r = next() * total;
      for (const [item, weight] of items) {
        r -= weight;
        if (r < 0) return item;
      }
      return items[items.length - 1]![0];
    },
  };
}
