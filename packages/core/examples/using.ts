// using(): a Disposable or AsyncDisposable lives as long as the scope that took it; and a task
// is itself AsyncDisposable, halted at the end of an `await using` block.
import { main, run, scoped, sleep, suspend, using } from "@skein/core";

class Connection implements AsyncDisposable {
  open = true;
  constructor(readonly name: string) {}
  async [Symbol.asyncDispose]() {
    await new Promise((resolve) => setTimeout(resolve, 5)); // say goodbye to the server
    this.open = false;
    console.log(`${this.name} closed`);
  }
}

{
  await using task = run(function* () {
    try {
      yield* suspend();
    } finally {
      console.log("task halted at the end of the block");
    }
  });
  void task;
}

await main(function* () {
  const connection = yield* scoped(function* () {
    const connection = yield* using(new Connection("db"));
    console.log(`${connection.name} open: ${connection.open}`);
    return connection;
  });
  console.log(`after the scope, open: ${connection.open}`); // the async close was awaited

  yield* scoped(function* () {
    const ticker = run(function* () {
      try {
        yield* suspend();
      } finally {
        console.log("ticker halted");
      }
    });
    yield* sleep(1);
    yield* using(ticker); // a task is AsyncDisposable, so using() can own it too
  });
});
