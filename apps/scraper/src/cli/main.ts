import { exit, label, main, type Operation } from "@skein/core";
import { crawlCommand } from "./crawl-command.js";
import { demoCommand } from "./demo-command.js";
import { exportCommand } from "./export-command.js";
import { statusCommand } from "./status-command.js";
import { UsageError } from "./usage-error.js";

const HELP = `usage: skein-scrape <command> [options]

A polite, resumable crawler that keeps its frontier and results in Postgres.

commands:
  crawl <url...>   crawl from these URLs (or resume with --name)
  demo             crawl a generated demo site on a loopback port
  export <crawl>   write a crawl's pages as JSON lines or CSV
  status <crawl>   show how far a crawl got

Run "skein-scrape <command> --help" for its options.`;

const COMMANDS: Record<string, (args: string[]) => Operation<void>> = {
  crawl: crawlCommand,
  demo: demoCommand,
  export: exportCommand,
  status: statusCommand,
};

await main(function* (args) {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(HELP);
    return;
  }
  const command = COMMANDS[name];
  if (command === undefined) yield* exit(1, `unknown command ${JSON.stringify(name)}\n\n${HELP}`);
  yield* label(`skein-scrape ${name}`);
  try {
    yield* command!(rest);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (
      error instanceof UsageError ||
      (typeof code === "string" && /^(ERR_PARSE_ARGS|crawl-not-found|invalid-)/.test(code))
    ) {
      yield* exit(1, `skein-scrape ${name}: ${(error as Error).message}`);
    }
    throw error;
  }
});
