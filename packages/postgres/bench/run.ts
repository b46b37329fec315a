import { benchCancelLatency } from "./cancel-latency.js";
import { benchRoundTrips } from "./round-trips.js";

const trips = await benchRoundTrips();
const base = trips.postgresJs.perSecond;
console.log("SELECT $1::int, 10 connections, 100 callers, 20k queries");
for (const [name, figure] of Object.entries(trips)) {
  const ratio = (figure.perSecond / base).toFixed(2);
  console.log(
    `  ${name.padEnd(11)} ${String(figure.ms).padStart(6)} ms ${String(figure.perSecond).padStart(7)} q/s  x${ratio} of postgres.js`,
  );
}
const cancel = await benchCancelLatency();
console.log(
  `cancel latency (halt -> idle backend) over ${cancel.samples} samples: median ${cancel.median} ms, p99 ${cancel.p99} ms, max ${cancel.max} ms`,
);
