import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["development"] },
  test: { name: "postgres", include: ["src/**/*.test.ts"], testTimeout: 60_000 },
});
