import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["development"] },
  test: { name: "http", include: ["src/**/*.test.ts", "test/**/*.test.ts"] },
});
