import type { TransferListItem } from "node:worker_threads";

/** Internal. The brand, shared by every copy of this module and by worker code. */
export const TRANSFER: unique symbol = Symbol.for("@skein/core/transfer");

/**
 * A value to move to or from a worker thread instead of copying it, made by {@link transfer}.
 *
 * @example
 * ```ts
 * import { type Transfer, transfer } from "@skein/core/node";
 *
 * const moved: Transfer<ArrayBuffer> = transfer(new ArrayBuffer(8));
 * ```
 */
export interface Transfer<T> {
  readonly [TRANSFER]: true;
  readonly value: T;
  readonly transferList: readonly TransferListItem[];
}

function defaultList(value: unknown): TransferListItem[] {
  if (value instanceof ArrayBuffer) return [value];
  if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) return [value.buffer];
  throw new TypeError(
    `transfer(): pass a transferList for ${Object.prototype.toString.call(value)}; only an ArrayBuffer or a typed array view can be transferred without one`,
  );
}

/**
 * Mark a job argument (or a worker function's return value) to be transferred rather than
 * copied: the buffers in `transferList` move to the other thread and become unusable here. Only
 * top-level arguments and the returned value are looked at. A worker module without access to
 * `@skein/core` can return `{ [Symbol.for("@skein/core/transfer")]: true, value, transferList }`.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { transfer, useWorkerPool } from "@skein/core/node";
 *
 * await run(function* () {
 *   const pool = yield* useWorkerPool({ module: new URL("./hash.mjs", import.meta.url) });
 *   const bytes = new Uint8Array(1 << 20);
 *   const digest = yield* pool.run("sha256", transfer(bytes));
 *   console.log(digest, bytes.byteLength); // bytes.byteLength is 0: the buffer moved
 * });
 * ```
 *
 * @param value - the value to send
 * @param transferList - what to move; defaults to the buffer of an ArrayBuffer or typed array
 * @returns the marked value
 */
export function transfer<T>(value: T, transferList?: readonly TransferListItem[]): Transfer<T> {
  if (transferList !== undefined && !Array.isArray(transferList)) {
    throw new TypeError(`transfer(): transferList must be an array, got ${String(transferList)}`);
  }
  return { [TRANSFER]: true, value, transferList: transferList ?? defaultList(value) };
}

/** Internal. Unwrap a marked value, collecting what it transfers. */
export function unwrapTransfer(value: unknown, list: TransferListItem[]): unknown {
  if (typeof value === "object" && value !== null && (value as Transfer<unknown>)[TRANSFER]) {
    list.push(...(value as Transfer<unknown>).transferList);
    return (value as Transfer<unknown>).value;
  }
  return value;
}
