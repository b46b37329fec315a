import { call } from "./call.js";
import { resource } from "./resource.js";
import type { Operation } from "./types.js";

/**
 * Thrown by {@link using} for a value that has neither `[Symbol.asyncDispose]` nor
 * `[Symbol.dispose]`. The value is kept in `value`.
 *
 * @example
 * ```ts
 * import { NotDisposableError, run, using } from "@skein/core";
 *
 * await run(function* () {
 *   try {
 *     yield* using({} as Disposable);
 *   } catch (error) {
 *     console.log(error instanceof NotDisposableError); // true
 *   }
 * });
 * ```
 */
export class NotDisposableError extends TypeError {
  readonly code = "not-disposable";
  override name = "NotDisposableError";
  constructor(readonly value: unknown) {
    super("using() value must implement Symbol.dispose or Symbol.asyncDispose");
  }
}

function disposerOf(value: unknown): (() => unknown) | undefined {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) {
    return undefined;
  }
  const target = value as Partial<AsyncDisposable & Disposable>;
  const dispose = target[Symbol.asyncDispose] ?? target[Symbol.dispose];
  return typeof dispose === "function" ? dispose : undefined;
}

/**
 * Bind a `Disposable` or `AsyncDisposable` to the current scope: it is returned at once and
 * disposed when the scope ends, whether it returns, fails or is halted. An async disposal is
 * awaited before the scope's result is delivered. `[Symbol.asyncDispose]` wins when a value has
 * both.
 *
 * @example
 * ```ts
 * import { run, using } from "@skein/core";
 *
 * class Connection {
 *   open = true;
 *   [Symbol.dispose]() {
 *     this.open = false;
 *   }
 * }
 *
 * const connection = await run(function* () {
 *   const connection = yield* using(new Connection());
 *   console.log(connection.open); // true
 *   return connection;
 * });
 * console.log(connection.open); // false
 * ```
 *
 * @param value - the disposable to own
 * @returns an operation yielding `value`
 * @throws NotDisposableError when `value` has neither dispose method
 */
export function using<T extends Disposable | AsyncDisposable>(value: T): Operation<T> {
  return {
    *[Symbol.iterator]() {
      const dispose = disposerOf(value);
      if (dispose === undefined) throw new NotDisposableError(value);
      return yield* resource<T>(
        function* (provide) {
          try {
            yield* provide(value);
          } finally {
            yield* call(() => dispose.call(value));
          }
        },
        { name: "using" },
      );
    },
  };
}
