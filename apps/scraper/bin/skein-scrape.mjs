#!/usr/bin/env node
// In the workspace, runs the TypeScript CLI from its sources (the "development" export
// condition, through tsx); installed from the package, which has no sources, runs dist/ with
// plain node.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const built = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
/** tsx, when this is the workspace's copy (a dev dependency of the root). */
function tsx() {
  try {
    return import.meta.resolve("tsx");
  } catch {
    return undefined;
  }
}
const loader = existsSync(source) ? tsx() : undefined;
const entry =
  loader === undefined ? [built] : ["--conditions=development", "--import", loader, source];
const child = spawn(process.execPath, [...entry, ...process.argv.slice(2)], {
  stdio: "inherit",
  // Under `pnpm scrape`, pnpm runs this in apps/scraper; relative paths (--out, --extractor,
  // the default .skein-scrape database) mean the directory the user ran pnpm in.
  cwd: (process.env.npm_lifecycle_event === "scrape" && process.env.INIT_CWD) || process.cwd(),
  // Two malloc arenas instead of one per thread: the embedded database's worker thread and
  // Node's own threads otherwise keep 30-40 MB of freed memory between them. Measured on the
  // bench crawl on PGlite: 328 MB of peak RSS instead of 373 MB, at the same speed.
  env: { MALLOC_ARENA_MAX: "2", ...process.env },
});
// Ctrl-C reaches the child through the terminal; it cleans up and exits 130.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 1)));
