// An async generator (`async def rows(): ... yield row`) becomes a Stream: a resource that
// provides a subscription whose next() fetches one item. Looping with each() pulls items on
// demand, and the resource's finally closes the cursor however the loop ends, a `break`
// included. Async iterables go both ways: stream() reads one, toAsyncIterable() makes one.
import {
  each,
  main,
  resource,
  type Stream,
  type Subscription,
  sleep,
  stream,
  toAsyncIterable,
  until,
  useScope,
} from "@skein/core";

function rows(table: string, count: number): Stream<string, void> {
  return resource<Subscription<string, void>>(function* (provide) {
    console.log(`cursor on ${table} opened`);
    let fetched = 0;
    try {
      yield* provide({
        *next() {
          if (fetched === count) return { done: true, value: undefined };
          yield* sleep(1); // fetch the next row
          fetched++;
          return { done: false, value: `${table} row ${fetched}` };
        },
      });
    } finally {
      console.log(`cursor on ${table} closed after ${fetched} rows`);
    }
  });
}

async function collect(items: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* legacyFeed() {
  yield "feed item 1";
  yield "feed item 2";
}

await main(function* () {
  for (const row of yield* each(rows("users", 100))) {
    console.log(row);
    if (row.endsWith("3")) break; // the cursor is still closed
    yield* each.next();
  }

  for (const item of yield* each(stream(legacyFeed()))) {
    console.log(item);
    yield* each.next();
  }

  // The other way: async code reads a Stream with for await.
  const orders = toAsyncIterable(rows("orders", 2), yield* useScope());
  console.log("collected:", yield* until(collect(orders)));
});
