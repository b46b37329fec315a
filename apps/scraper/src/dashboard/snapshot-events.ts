import { inspect, type Stream, sleep } from "@skein/core";
import type { ServerSentEvent } from "@skein/http";
import type { DashboardSource } from "./dashboard-source.js";

/**
 * Internal to the dashboard. The `snapshot` events of one page's `/events` stream: a full
 * snapshot (crawl figures and the process's task tree) at once, then one every `everyMs`.
 * Snapshots are taken only when the reader pulls, so the producer is the reader's own task: it
 * stops when the tab closes, and a tab that reconnects starts from current totals.
 *
 * @example
 * ```ts
 * import { sse } from "@skein/http";
 *
 * const response = sse(snapshotEvents(source, 500));
 * ```
 *
 * @param source - the crawl to report
 * @param everyMs - time between two snapshots
 * @returns a stream of server-sent events that never closes
 */
export function snapshotEvents(
  source: DashboardSource,
  everyMs: number,
): Stream<ServerSentEvent, never> {
  return {
    *[Symbol.iterator]() {
      let sent = 0;
      return {
        *next() {
          if (sent > 0) yield* sleep(everyMs);
          const crawl = yield* source.snapshot();
          sent++;
          const event: ServerSentEvent = {
            event: "snapshot",
            id: String(sent),
            data: { crawl, tree: inspect() },
          };
          if (sent === 1) event.retry = 1000;
          return { done: false, value: event };
        },
      };
    },
  };
}
