/**
 * A small seeded pseudo-random generator (mulberry32), so the demo site is the same on every run.
 *
 * @example
 * ```ts
 * import { createRandom } from "@skein/scraper";
 *
 * const random = createRandom(42);
 * random.int(10); // the same number every time for seed 42
 * ```
 *
 * @param seed - any 32-bit integer
 * @returns a generator of floats and integers
 */
export function createRandom(seed: number): { next(): number; int(below: number): number } {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (below) => Math.floor(next() * below) };
}
