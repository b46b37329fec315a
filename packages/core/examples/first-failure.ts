// One error policy: when a failure halts the rest and their cleanup throws too, the first
// failure is the one thrown, and the later ones are attached to it.
import { main, scoped, sleep, spawn, suppressedErrors, suspend } from "@skein/core";

await main(function* () {
  try {
    yield* scoped(function* () {
      yield* spawn(function* () {
        try {
          yield* suspend();
        } finally {
          // biome-ignore lint/correctness/noUnsafeFinally: a cleanup that fails, on purpose
          throw new Error("the connection would not close");
        }
      });
      yield* sleep(5);
      throw new Error("the request failed");
    });
  } catch (error) {
    console.log("thrown:", (error as Error).message);
    for (const later of suppressedErrors(error)) {
      console.log("attached:", (later as Error).message);
    }
  }
});
