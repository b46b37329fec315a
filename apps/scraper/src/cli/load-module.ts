import { pathToFileURL } from "node:url";
import { type Operation, until } from "@skein/core";
import type { Extractor } from "../crawl/crawl-options.js";
import type { PageHandler } from "../crawler/run-handler.js";
import { UsageError } from "./usage-error.js";

/** Internal to the CLI. What a `--extractor` or `--handler` module gives the crawl. */
export type LoadedCode = { handler: PageHandler } | { extractor: Extractor };

/**
 * Internal to the CLI. Load the user's module at `path` (given as `--<flag>`): a `handler`
 * export (a function or a `createRouter()` router) is a handler; otherwise, for `--extractor`,
 * the default export (or `extract`) is an extractor, and for `--handler` the default export is
 * the handler.
 *
 * @throws UsageError when the module cannot be loaded or exports nothing usable
 */
export function* loadUserCode(path: string, flag: "extractor" | "handler"): Operation<LoadedCode> {
  let module: Record<string, unknown>;
  try {
    module = (yield* until(import(pathToFileURL(path).href))) as Record<string, unknown>;
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0];
    throw new UsageError(`--${flag} ${JSON.stringify(path)} cannot be loaded: ${reason}`, path);
  }
  if (typeof module.handler === "function") return { handler: module.handler as PageHandler };
  if (flag === "handler") {
    if (typeof module.default === "function") return { handler: module.default as PageHandler };
    throw new UsageError(
      `--handler ${JSON.stringify(path)} exports no "handler" or default function`,
      path,
    );
  }
  const fn = module.default ?? module.extract;
  if (typeof fn !== "function") {
    throw new UsageError(
      `--extractor ${JSON.stringify(path)} exports no "handler", default or "extract" function`,
      path,
    );
  }
  return { extractor: fn as Extractor };
}
