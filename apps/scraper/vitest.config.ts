import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["development"] },
  test: {
    name: "scraper",
    // A hang still fails; a loaded CI machine (test files in parallel on 2 cores) no longer
    // fails a test that needs worker threads or child processes for more than 5 s.
    testTimeout: 30_000,
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});
