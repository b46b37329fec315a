import { InvalidServerOptionError } from "./server-errors.js";

/**
 * What a server lets a client take: time, connections and bytes. Every limit has a default
 * meant for a service facing the internet; raise one only for a reason. Times are in
 * milliseconds.
 *
 * | option | default | what happens past it |
 * | --- | --- | --- |
 * | `headersTimeoutMs` | 8000 | a request whose headers took longer: 408, connection closed (checked every `checkIntervalMs`) |
 * | `requestTimeoutMs` | 30000 | a request (headers and body) that took longer to arrive: 408, closed |
 * | `keepAliveTimeoutMs` | 5000 | an idle keep-alive connection is closed |
 * | `idleTimeoutMs` | 60000 | a connection with no byte in or out for that long (a client that stopped reading, say) is destroyed and its handler halted |
 * | `maxConnections` | 1000 | connections past it are closed as soon as they are accepted |
 * | `maxHeaderBytes` | 16384 | larger request heads get 431 |
 * | `maxBodyBytes` | 1 MiB | larger bodies get 413 (`PayloadTooLargeError`) |
 * | `checkIntervalMs` | 500, or a quarter of the smaller of the first two | how often node:http looks for requests past their timeouts |
 *
 * @example
 * ```ts
 * import type { ServerLimits } from "@skein/http";
 *
 * const limits: ServerLimits = { headersTimeoutMs: 5000, maxConnections: 200 };
 * ```
 */
export interface ServerLimits {
  headersTimeoutMs?: number;
  /** At least `headersTimeoutMs`; 0 turns it off (not advised). */
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** 0 turns it off. Long handlers that write nothing for this long are cut too. */
  idleTimeoutMs?: number;
  maxConnections?: number;
  maxHeaderBytes?: number;
  maxBodyBytes?: number;
  checkIntervalMs?: number;
}

/** Internal. Every limit, checked, with its default. */
export type SettledLimits = Required<ServerLimits>;

/** Internal. The limits of `options`, defaults filled in; a bad value throws. */
export function settleLimits(options: ServerLimits): SettledLimits {
  const headersTimeoutMs = positive(options, "headersTimeoutMs", 8000, false);
  const requestTimeoutMs = positive(options, "requestTimeoutMs", 30_000, true);
  if (requestTimeoutMs !== 0 && requestTimeoutMs < headersTimeoutMs) {
    throw new InvalidServerOptionError(
      "requestTimeoutMs",
      requestTimeoutMs,
      `at least headersTimeoutMs (${headersTimeoutMs}), or 0`,
    );
  }
  const shortest = Math.min(headersTimeoutMs, requestTimeoutMs || headersTimeoutMs);
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: positive(options, "keepAliveTimeoutMs", 5000, false),
    idleTimeoutMs: positive(options, "idleTimeoutMs", 60_000, true),
    maxConnections: positive(options, "maxConnections", 1000, false),
    maxHeaderBytes: positive(options, "maxHeaderBytes", 16 * 1024, false),
    maxBodyBytes: positive(options, "maxBodyBytes", 1024 * 1024, true),
    checkIntervalMs: positive(
      options,
      "checkIntervalMs",
      Math.max(1, Math.min(500, Math.floor(shortest / 4))),
      false,
    ),
  };
}

function positive(
  options: ServerLimits,
  name: keyof ServerLimits,
  fallback: number,
  zero: boolean,
): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < (zero ? 0 : 1)) {
    throw new InvalidServerOptionError(
      name,
      value,
      zero ? "an integer, 0 or more" : "a positive integer",
    );
  }
  return value;
}
