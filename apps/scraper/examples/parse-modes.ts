// Compares parsing HTML on the event loop with parsing it in worker threads, on the demo site.
// Run: node --conditions=development --import tsx examples/parse-modes.ts [pages]
import { main } from "@skein/core";
import {
  crawl,
  createCrawlStore,
  type ParserMode,
  useDatabase,
  useDemoServer,
} from "../src/mod.js";

await main(function* (args) {
  const pages = Number(args[0] ?? 1000);
  const modes: [string, ParserMode][] =
    args[1] === "reverse"
      ? [
          ["2 workers", { workers: 2 }],
          ["inline", "inline"],
        ]
      : [
          ["inline", "inline"],
          ["2 workers", { workers: 2 }],
        ];
  for (const [label, parser] of modes) {
    const server = yield* useDemoServer({ pages, slowMs: 0 });
    const store = yield* createCrawlStore(yield* useDatabase());
    const started = performance.now();
    const result = yield* crawl({
      store,
      name: label,
      seeds: [`${server.origin}/`],
      concurrency: 16,
      perHost: 16,
      parser,
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${label.padEnd(10)} ${result.finished} URLs in ${seconds.toFixed(1)} s (${(result.finished / seconds).toFixed(0)}/s)`,
    );
  }
});
