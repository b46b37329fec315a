import { defineConfig } from "vitest/config";

// The root test configuration: every package and app is a vitest project.
// Vitest 4 reads projects from `test.projects`; run it with `--config vitest.workspace.ts`.
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*"],
  },
});
