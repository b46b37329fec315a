/**
 * Compose stream operators left to right: `pipe(source, a, b)` is `b(a(source))`.
 *
 * @example
 * ```ts
 * import { batch, filter, map, pipe, stream, take } from "@skein/core";
 *
 * async function* numbers() { for (let i = 0; ; i++) yield i; }
 * const batches = pipe(
 *   stream(numbers()),
 *   filter(function* (n: number) { return n % 2 === 0; }),
 *   map(function* (n: number) { return n * 10; }),
 *   take(6),
 *   batch({ size: 3 }),
 * ); // [0, 20, 40], [60, 80, 100]
 * ```
 *
 * @param source - the value to start from, usually a stream
 * @param operators - functions applied in order
 * @returns the last function's result
 */
export function pipe<A>(source: A): A;
export function pipe<A, B>(source: A, ab: (a: A) => B): B;
export function pipe<A, B, C>(source: A, ab: (a: A) => B, bc: (b: B) => C): C;
export function pipe<A, B, C, D>(source: A, ab: (a: A) => B, bc: (b: B) => C, cd: (c: C) => D): D;
export function pipe<A, B, C, D, E>(
  source: A,
  ab: (a: A) => B,
  bc: (b: B) => C,
  cd: (c: C) => D,
  de: (d: D) => E,
): E;
export function pipe<A, B, C, D, E, F>(
  source: A,
  ab: (a: A) => B,
  bc: (b: B) => C,
  cd: (c: C) => D,
  de: (d: D) => E,
  ef: (e: E) => F,
): F;
export function pipe<A, B, C, D, E, F, G>(
  source: A,
  ab: (a: A) => B,
  bc: (b: B) => C,
  cd: (c: C) => D,
  de: (d: D) => E,
  ef: (e: E) => F,
  fg: (f: F) => G,
): G;
export function pipe(source: unknown, ...operators: ((value: unknown) => unknown)[]): unknown {
  for (const operator of operators) {
    if (typeof operator !== "function") {
      throw new TypeError(`pipe(): every operator must be a function, got ${String(operator)}`);
    }
  }
  return operators.reduce((value, operator) => operator(value), source);
}
