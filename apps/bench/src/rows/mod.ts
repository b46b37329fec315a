import type { Row } from "../harness.js";
import { allRow } from "./all.js";
import { cpuOffloadRow } from "./cpu-offload.js";
import { crawlRow } from "./crawl.js";
import { crawlHeavyRow } from "./crawl-heavy.js";
import { heapRow } from "./heap.js";
import { httpClientRow } from "./http-client.js";
import { httpServerRow } from "./http-server.js";
import { mapConcurrentRow } from "./map-concurrent.js";
import { postgresRow } from "./postgres.js";
import { semaphoreRow } from "./semaphore.js";
import { spawnJoinRow } from "./spawn-join.js";
import { syncStepsRow } from "./sync-steps.js";
import { untilRow } from "./until.js";
import { webSocketEchoRow } from "./websocket-echo.js";
import { workersRow } from "./workers.js";

/** Every row of the table, in order. New rows are added here. */
export const rows: Row[] = [
  spawnJoinRow,
  allRow,
  heapRow,
  untilRow,
  syncStepsRow,
  workersRow,
  semaphoreRow,
  mapConcurrentRow,
  cpuOffloadRow,
  httpClientRow,
  httpServerRow,
  webSocketEchoRow,
  crawlRow,
  crawlHeavyRow,
  postgresRow,
];
