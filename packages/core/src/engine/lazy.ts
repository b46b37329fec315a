import type { Operation } from "../types.js";
import type { Instruction } from "./instruction.js";

/**
 * Internal. An operation that calls `start(a, b, c)` for a fresh iterator each time it runs.
 *
 * Use it instead of an object literal with a computed `[Symbol.iterator]` key: V8 defines such a
 * key through its runtime for every literal made (and a generator method there is a new function
 * with a new prototype each time), which costs several times more than constructing this class.
 * Keep `start` a hoisted function so no closure is made per call either.
 */
export class Lazy<T, A = undefined, B = undefined, C = undefined> implements Operation<T> {
  constructor(
    private readonly start: (a: A, b: B, c: C) => Iterator<Instruction, T, unknown>,
    private readonly a: A,
    private readonly b: B,
    private readonly c: C,
  ) {}

  [Symbol.iterator](): Iterator<Instruction, T, unknown> {
    return this.start(this.a, this.b, this.c);
  }
}
