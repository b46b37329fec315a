// effection 4.1's APIs with middleware: a fetch-like call that a test mocks for its own scope,
// and a tracing middleware installed around every call below the root.
import { main, type Operation, scoped } from "@skein/core";
import { createApi } from "@skein/core/experimental";

interface Http {
  get(url: string): Operation<string>;
}

const HttpApi = createApi<Http>("http", {
  *get(url) {
    return `fetched ${url}`; // the real implementation would go to the network
  },
});
const { get } = HttpApi.operations;

await main(function* () {
  yield* HttpApi.around({
    *get(args, next) {
      console.log("trace: GET", args[0]);
      return yield* next(...args);
    },
  });

  const mocked = yield* scoped(function* () {
    yield* HttpApi.around({
      *get([url]) {
        return `mocked ${url}`;
      },
    });
    return yield* get("/users");
  });
  console.log(mocked); // trace, then "mocked /users"
  console.log(yield* get("/users")); // trace, then "fetched /users": the mock ended with its scope
});
