// Temporary: one skein crawl of the demo site in a child, sampling its RSS over time.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { run, until } from "@skein/core";
import { useDemoServer } from "./src/mod.js";

const pages = Number(process.argv[2] ?? 2000);
const extra = process.argv.slice(3).filter((a) => a !== "mem");
const db = process.argv.includes("mem") ? ["memory://"] : [];
const child = "/work/main/apps/bench/src/crawl-child.ts";
await run(function* () {
  const server = yield* useDemoServer({ pages, slowMs: 20 });
  yield* until(
    new Promise<void>((resolve, reject) => {
      const began = performance.now();
      const p = spawn(
        process.execPath,
        [
          ...extra,
          "--conditions=development",
          "--import",
          "tsx",
          child,
          "skein",
          server.origin,
          "64",
          ...db,
        ],
        {
          cwd: "/work/main/apps/bench",
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      const samples: string[] = [];
      const timer = setInterval(() => {
        try {
          const status = readFileSync(`/proc/${p.pid}/status`, "utf8");
          const rss = /VmRSS:\s+(\d+)/.exec(status)?.[1];
          samples.push(
            `${((performance.now() - began) / 1000).toFixed(1)}s:${Math.round(Number(rss) / 1024)}`,
          );
        } catch {}
      }, 250);
      let out = "";
      p.stdout.on("data", (c: Buffer) => (out += c.toString()));
      p.once("exit", (code) => {
        clearInterval(timer);
        console.log(samples.join(" "));
        console.log(out.trim(), "code", code);
        resolve();
      });
      p.once("error", reject);
    }),
  );
});
