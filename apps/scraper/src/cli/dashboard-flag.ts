import { UsageError } from "./usage-error.js";

/** Internal to the CLI. The arguments without `--dashboard [port]`, and that port if given. */
export interface DashboardFlag {
  args: string[];
  /** Undefined without the flag; 0 (any free port) for a bare `--dashboard`. */
  port: number | undefined;
}

/**
 * Internal to the CLI. Take `--dashboard`, `--dashboard <port>` or `--dashboard=<port>` out of
 * the arguments: its value is optional, which `parseArgs` cannot express. A following argument
 * is its port only if it is a whole number.
 *
 * @example
 * ```ts
 * takeDashboardFlag(["https://example.com/", "--dashboard", "7070"]);
 * // { args: ["https://example.com/"], port: 7070 }
 * ```
 *
 * @param args - the command's arguments
 * @returns the other arguments and the port
 */
export function takeDashboardFlag(args: readonly string[]): DashboardFlag {
  const rest: string[] = [];
  let port: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === "--dashboard") {
      const next = args[i + 1];
      if (next !== undefined && /^\d+$/.test(next)) {
        port = portOf(next);
        i++;
      } else {
        port = 0;
      }
    } else if (arg.startsWith("--dashboard=")) {
      port = portOf(arg.slice("--dashboard=".length));
    } else {
      rest.push(arg);
    }
  }
  return { args: rest, port };
}

function portOf(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(
      `--dashboard expects a port from 0 to 65535, got ${JSON.stringify(text)}`,
      text,
    );
  }
  return port;
}
