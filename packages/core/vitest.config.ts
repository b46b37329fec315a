import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// FROZEN_INTRINSICS=1 runs the test workers with the generator and iterator prototypes frozen
// (CI does once): the engine must work without changing the language's shared objects.
const frozen = process.env.FROZEN_INTRINSICS === "1";
const freeze = fileURLToPath(new URL("./test/freeze-intrinsics.mjs", import.meta.url));

export default defineProject({
  resolve: { conditions: ["development"] },
  test: {
    name: "core",
    // A hang still fails; a loaded CI machine (test files in parallel on 2 cores) no longer
    // fails a test that needs worker threads or child processes for more than 5 s.
    testTimeout: 30_000,
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    execArgv: frozen ? ["--import", freeze] : [],
  },
});
