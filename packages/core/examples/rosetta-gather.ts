// asyncio.gather: all() runs operations at once and returns their values in order. When one
// fails, all() halts the others and waits for their cleanup before it throws; gather would leave
// them running.
import { all, main, sleep } from "@skein/core";

function* fetchUser(id: number) {
  yield* sleep(10);
  return { id, name: `user ${id}` };
}

function* fetchPosts(id: number) {
  yield* sleep(5);
  return [`post by ${id}`];
}

function* slowReport() {
  try {
    yield* sleep(1_000);
    return "report";
  } finally {
    console.log("slow report halted, its connection released");
  }
}

function* brokenService(): Generator<any, string> {
  yield* sleep(5);
  throw new Error("posts service down");
}

await main(function* () {
  const [user, posts] = yield* all([fetchUser(1), fetchPosts(1)]);
  console.log(user.name, posts);

  try {
    yield* all([slowReport(), brokenService()]);
  } catch (error) {
    console.log(`all() threw after the cleanup: ${(error as Error).message}`);
  }
});
