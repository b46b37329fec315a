// asyncio.gather(..., return_exceptions=True): allSettled() waits for every operation and gives
// one Result per operation, in order; a failure does not halt the others. mapConcurrent() with
// `settle: true` does the same over many items with a concurrency limit.
import { allSettled, main, mapConcurrent, sleep } from "@skein/core";

function* fetchItem(id: number) {
  yield* sleep(id);
  if (id % 3 === 0) throw new Error(`item ${id} failed`);
  return { id };
}

await main(function* () {
  const results = yield* allSettled([fetchItem(1), fetchItem(2), fetchItem(3)]);
  for (const result of results) {
    console.log(result.ok ? `ok ${result.value.id}` : `error: ${result.error.message}`);
  }

  const many = yield* mapConcurrent(
    [1, 2, 3, 4, 5, 6],
    { concurrency: 2, settle: true },
    fetchItem,
  ).toArray();
  const failed = many.filter((result) => !result.ok).length;
  console.log(`${many.length - failed} succeeded, ${failed} failed`);
});
