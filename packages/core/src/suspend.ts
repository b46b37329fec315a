import { InstructionOperation } from "./engine/instruction.js";
import type { Operation } from "./types.js";

class Suspend extends InstructionOperation<void> {
  enter(): void {}
}

/**
 * Wait until halted. The code after the suspension point never runs; `finally` blocks do.
 *
 * @example
 * ```ts
 * import { run, suspend } from "@skein/core";
 *
 * const task = run(function* () {
 *   try { yield* suspend(); } finally { console.log("halted"); }
 * });
 * await task.halt();
 * ```
 *
 * @returns an operation that never returns
 */
export function suspend(): Operation<void> {
  return new Suspend();
}
