/** Error codes that mean the command line was wrong: exit 2. */
const USAGE = /^(usage|ERR_PARSE_ARGS|invalid-|crawl-config-conflict$)/;
/** Error codes of runtime failures the CLI explains in one line: exit 1. */
const RUNTIME = /^(crawl-not-found|database-unavailable)$/;

/**
 * Internal to the CLI. The exit status for an error the CLI knows (2 for bad arguments, 1 for
 * a runtime failure it can explain in one line), or undefined for any other error.
 *
 * @param error - what a command threw
 * @returns 1, 2 or undefined
 */
export function exitStatusOf(error: unknown): 1 | 2 | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  if (USAGE.test(code)) return 2;
  if (RUNTIME.test(code)) return 1;
  return undefined;
}
