#!/usr/bin/env node
// Runs the TypeScript CLI with the workspace's sources (the "development" export condition).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const child = spawn(
  process.execPath,
  [
    "--conditions=development",
    "--import",
    import.meta.resolve("tsx"),
    main,
    ...process.argv.slice(2),
  ],
  { stdio: "inherit" },
);
// Ctrl-C reaches the child through the terminal; it cleans up and exits 130.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 1)));
