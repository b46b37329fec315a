import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import type { Reporter, TestModule } from "vitest/node";

// Ends the run with a plain "N passed, N failed" line, the form CI logs are read by.
const summary: Reporter = {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  },
};

// The root test configuration: every package and app is a vitest project.
// Vitest 4 reads projects from `test.projects`; run it with `--config vitest.workspace.ts`.
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*"],
    // Vitest 4 runs cores - 1 files at a time: one on a 2-core machine, where the suite is
    // mostly waiting on child processes, servers and Postgres. Every core, and two at least.
    maxWorkers: Math.max(2, availableParallelism()),
    reporters: ["default", summary],
  },
});
