import { inspect, race, type Stream, sleep } from "@skein/core";
import type { ServerSentEvent } from "@skein/http";
import type { DashboardSource } from "./dashboard-source.js";

/**
 * Internal to the dashboard. The `snapshot` events of one page's `/events` stream: a full
 * snapshot (crawl figures and the process's task tree) at once, then one every `everyMs`, or
 * sooner when `changes` (the dashboard's pause, resume and stop) sends.
 * Snapshots are taken only when the reader pulls, so the producer is the reader's own task: it
 * stops when the tab closes, and a tab that reconnects starts from current totals.
 *
 * @example
 * ```ts
 * import { sse } from "@skein/http";
 *
 * const changes = createSignal<void, never>();
 * const response = sse(snapshotEvents(source, 500, changes));
 * ```
 *
 * @param source - the crawl to report
 * @param everyMs - time between two snapshots
 * @param changes - sends when the crawl's state changed
 * @returns a stream of server-sent events that never closes
 */
export function snapshotEvents(
  source: DashboardSource,
  everyMs: number,
  changes: Stream<void, never>,
): Stream<ServerSentEvent, never> {
  return {
    *[Symbol.iterator]() {
      const changed = yield* changes;
      let sent = 0;
      return {
        *next() {
          if (sent > 0) yield* race([sleep(everyMs), changed.next()]);
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
