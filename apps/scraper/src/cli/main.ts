import { exit, label, main, type Operation } from "@skein/core";
import { crawlCommand } from "./crawl-command.js";
import { deleteCommand, listCommand, recrawlCommand } from "./crawls-commands.js";
import { demoCommand } from "./demo-command.js";
import { exitStatusOf } from "./exit-status.js";
import { exportCommand } from "./export-command.js";
import { reparseCommand } from "./reparse-command.js";
import { statusCommand } from "./status-command.js";

const HELP = `usage: skein-scrape <command> [options]

A polite, resumable crawler that keeps its frontier and results in Postgres.

commands:
  crawl <url...>    crawl from these URLs (or resume with --name)
  demo              crawl a generated demo site on a loopback port
  export <crawl>    write a crawl's pages as JSON lines or CSV
  status <crawl>    show how far a crawl got
  list              list the crawls in the database
  recrawl <crawl>   start a crawl over with its saved options (alias: reset)
  reparse <crawl>   run a handler over a crawl's kept pages, without fetching
  delete <crawl>    delete a crawl and everything it found

Run "skein-scrape <command> --help" for its options.
Exit codes: 0 done, 1 failed, 2 bad arguments, 130 interrupted, 143 terminated.`;

const COMMANDS: Record<string, (args: string[]) => Operation<void>> = {
  crawl: crawlCommand,
  demo: demoCommand,
  export: exportCommand,
  status: statusCommand,
  list: listCommand,
  recrawl: recrawlCommand,
  reset: recrawlCommand,
  reparse: reparseCommand,
  delete: deleteCommand,
};

await main(function* (args) {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(HELP);
    return;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    yield* exit(
      2,
      `skein-scrape: unknown command ${JSON.stringify(name)} (see skein-scrape --help)`,
    );
  }
  yield* label(`skein-scrape ${name}`);
  try {
    yield* command!(rest);
  } catch (error) {
    const status = exitStatusOf(error);
    const message = (error as Error)?.message ?? String(error);
    if (status !== undefined) yield* exit(status, `skein-scrape ${name}: ${message}`);
    // Not an error the CLI knows: still one line, the stack only when asked for.
    if (process.env.SKEIN_SCRAPE_DEBUG) throw error;
    yield* exit(
      1,
      `skein-scrape ${name}: ${message.split("\n")[0]} (SKEIN_SCRAPE_DEBUG=1 shows the stack)`,
    );
  }
});
