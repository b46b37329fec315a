// Run by main.test.ts beside it: `tsx main-program.ts <skein|effection> <mode>` runs the same
// program under either engine's main(), so the two runs can be compared.
import * as effection from "effection";
import * as skein from "../../src/mod.js";

const engine = process.argv[2] === "effection" ? effection : skein;
const { exit, main, sleep, spawn, suspend } = engine as typeof skein;

await main(function* (args) {
  const mode = args[1];
  console.log(`arguments after the engine's name: ${JSON.stringify(args.slice(1))}`);
  if (mode === "fail") {
    yield* sleep(1);
    throw new Error("the program failed");
  }
  if (mode === "exit") {
    try {
      yield* sleep(1);
      yield* exit(3, "leaving with status 3");
    } finally {
      console.log("cleanup done");
    }
  }
  if (mode === "exit-zero") {
    yield* exit(0, "all done");
  }
  if (mode === "stuck") {
    try {
      console.log("ready");
      yield* suspend();
    } finally {
      console.log("cleaning up");
      yield* suspend();
    }
  }
  if (mode === "wait") {
    yield* spawn(function* () {
      try {
        yield* suspend();
      } finally {
        console.log("child cleaned up");
      }
    });
    try {
      console.log("ready");
      yield* suspend();
    } finally {
      yield* sleep(5);
      console.log("cleanup done");
    }
  }
});
