import type { Readable, Writable } from "node:stream";
import { finished } from "node:stream/promises";
import {
  action,
  type Operation,
  resource,
  type Stream,
  type Subscription,
  until,
} from "@skein/core";
import type postgres from "postgres";
import { InvalidArgumentError } from "./errors.js";
import { cancel, translate } from "./server-query.js";
import type { Lease } from "./slots.js";
import type { CompiledQuery } from "./sql.js";

const noop = (): void => {};

function unparameterized(query: CompiledQuery): string {
  if (query.params.length > 0) {
    throw new InvalidArgumentError(
      "COPY statements cannot take parameters; build them from sql.id() and literal text",
      query.params,
    );
  }
  return query.text;
}

/**
 * Internal. The chunks of a `COPY ... TO STDOUT`, read only as fast as they are consumed.
 *
 * @param acquire - lends a connection
 * @param query - the COPY statement
 * @returns the stream of chunks
 */
export function copyTo(
  acquire: () => Operation<Lease<postgres.Sql>>,
  query: CompiledQuery,
): Stream<Uint8Array, void> {
  const text = unparameterized(query);
  return resource<Subscription<Uint8Array, void>>(function* (provide) {
    const { value: client, release } = yield* acquire();
    const pending = client.unsafe(text);
    let readable: Readable | undefined;
    let done = false;
    try {
      readable = (yield* until(
        pending.readable().catch((error: unknown) => {
          throw translate(error, text);
        }),
      )) as Readable;
      const chunks = readable[Symbol.asyncIterator]();
      yield* provide({
        *next() {
          let next: IteratorResult<unknown>;
          try {
            next = yield* until(chunks.next());
          } catch (error) {
            done = true;
            throw translate(error, text);
          }
          if (next.done) {
            done = true;
            return { done: true, value: undefined };
          }
          return { done: false, value: next.value as Uint8Array };
        },
      });
    } finally {
      if (readable !== undefined && !done) {
        yield* until(cancel(pending));
        readable.destroy();
        yield* until(finished(readable).then(noop, noop));
      } else if (readable === undefined) {
        yield* until(cancel(pending));
        yield* until(pending.then(noop, noop));
      }
      release();
    }
  });
}

function* drained(writable: Writable): Operation<void> {
  yield* action<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    writable.once("drain", resolve);
    writable.once("error", onError);
    return () => {
      writable.off("drain", resolve);
      writable.off("error", onError);
    };
  });
}

/**
 * Internal. Feed a `COPY ... FROM STDIN` from `source`, waiting for the socket to drain
 * whenever it is full. Ending early (error or halt) aborts the COPY, so nothing is written.
 *
 * @param acquire - lends a connection
 * @param query - the COPY statement
 * @param source - the chunks to send
 * @returns an operation that completes when the server has taken all rows
 */
export function copyFrom(
  acquire: () => Operation<Lease<postgres.Sql>>,
  query: CompiledQuery,
  source: Stream<Uint8Array | string, unknown>,
): Operation<void> {
  const text = unparameterized(query);
  return {
    *[Symbol.iterator]() {
      const { value: client, release } = yield* acquire();
      const pending = client.unsafe(text);
      let writable: Writable | undefined;
      let done = false;
      try {
        writable = (yield* until(
          pending.writable().catch((error: unknown) => {
            throw translate(error, text);
          }),
        )) as Writable;
        const ended = finished(writable);
        ended.catch(noop);
        const subscription = yield* source;
        for (;;) {
          const next = yield* subscription.next();
          if (next.done) break;
          if (!writable.write(next.value)) yield* drained(writable);
        }
        writable.end();
        try {
          yield* until(ended);
        } catch (error) {
          throw translate(error, text);
        }
        done = true;
      } finally {
        if (writable !== undefined && !done) {
          if (!writable.destroyed) writable.destroy(new Error("COPY aborted by the client"));
          yield* until(finished(writable).then(noop, noop));
        } else if (writable === undefined) {
          yield* until(cancel(pending));
          yield* until(pending.then(noop, noop));
        }
        release();
      }
    },
  };
}
