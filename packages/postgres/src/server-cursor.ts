import {
  action,
  label,
  type Operation,
  resource,
  type Stream,
  type Subscription,
  until,
  waitingFor,
} from "@skein/core";
import { parseRows } from "./custom-types.js";
import type { Row } from "./db.js";
import { type Connection, isFatal, SETTLE_MS, stop, translate, within } from "./server-query.js";
import type { Lease } from "./slots.js";
import type { CompiledQuery } from "./sql.js";
import { firstLine } from "./wait-description.js";

/**
 * Internal. Stream a query's rows through postgres.js's cursor: the server sends `batch` rows,
 * then waits until the consumer has taken them all. Ending the subscription early closes the
 * portal (or cancels the statement if a batch is being produced) and waits for the connection
 * to be ready again.
 *
 * @param acquire - lends a connection for the subscription's lifetime
 * @param query - the compiled query
 * @param batch - rows per round trip
 * @param onFatal - told when the connection died under the cursor
 * @returns the stream
 */
export function serverCursor(
  acquire: () => Operation<Lease<Connection>>,
  query: CompiledQuery,
  batch: number,
  onFatal?: () => void,
): Stream<Row, void> {
  const name = `cursor ${firstLine(query.text)}`;
  const nextRows = `${name} (next rows)`;
  return resource<Subscription<Row, void>>(function* (provide) {
    yield* label(name);
    const { value: connection, release } = yield* acquire();
    const target = connection.sql;
    let rows: Row[] = [];
    let index = 0;
    // A batch not yet given to the `types` option's parsers.
    let fresh = false;
    let more: ((value?: unknown) => void) | undefined;
    let closing = false;
    let finished = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const pending = target.unsafe<Row[]>(query.text, query.params as never[]);
    connection.running.add(pending);
    const settled = pending
      .cursor(batch, (next) => {
        if (closing) return target.CLOSE;
        // `more` must be in place before the consumer wakes: it may drain the batch at once.
        return new Promise((resolve) => {
          more = resolve;
          rows = next;
          index = 0;
          fresh = true;
          wake?.();
        });
      })
      .then(
        () => {
          finished = true;
          wake?.();
        },
        (error: unknown) => {
          finished = true;
          failure = translate(error, query.text);
          if (onFatal !== undefined && isFatal(failure)) onFatal();
          wake?.();
        },
      );
    try {
      yield* provide({
        *next() {
          for (;;) {
            if (fresh && connection.types !== undefined) {
              fresh = false;
              // On the consumer's side: a parser that throws fails this call, not the driver.
              const statement = (pending as unknown as { statement?: { columns?: never } })
                .statement;
              parseRows(rows, statement?.columns, connection.types);
            }
            if (index < rows.length) return { done: false, value: rows[index++] as Row };
            if (failure !== undefined) throw failure;
            if (finished) return { done: true, value: undefined };
            const resume = more;
            more = undefined;
            resume?.();
            yield* waitingFor(
              nextRows,
              action<void>((resolve) => {
                wake = resolve;
                return () => {
                  wake = undefined;
                };
              }),
            );
          }
        },
      });
    } finally {
      try {
        if (!finished) {
          closing = true;
          const resume = more;
          more = undefined;
          if (resume !== undefined) {
            resume(target.CLOSE);
            // Bounded: a statement the driver never settles would hold the connection forever.
            if (!(yield* until(within(settled, SETTLE_MS)))) yield* connection.reset();
          } else {
            // A batch being produced, or a statement not sent yet: never postgres.js's own
            // cancel, which leaves a client that is connecting with this statement wedged.
            yield* stop(connection, pending);
          }
        }
      } finally {
        connection.running.delete(pending);
        release();
      }
    }
  });
}
