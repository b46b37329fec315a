import { clientThroughputFetch, clientThroughputSkein, clientThroughputUndici } from "./client.js";
import {
  serverThroughputRaw,
  serverThroughputSkein,
  serverThroughputSkeinFixed,
} from "./server.js";

const durationMs = Number(process.env.BENCH_MS ?? 2000);
const rows: [string, number, string][] = [];
const client = await clientThroughputSkein({ durationMs });
const undici = await clientThroughputUndici({ durationMs });
const fetched = await clientThroughputFetch({ durationMs });
rows.push(["client: @skein/http", client, "1.00"]);
rows.push(["client: undici.request", undici, (client / undici).toFixed(2)]);
rows.push(["client: fetch", fetched, (client / fetched).toFixed(2)]);
const skein = await serverThroughputSkein({ durationMs });
const fixed = await serverThroughputSkeinFixed({ durationMs });
const raw = await serverThroughputRaw({ durationMs });
rows.push(["server: useHttpServer", skein, "1.00"]);
rows.push(["server: raw node:http", raw, (skein / raw).toFixed(2)]);
rows.push(["server: fixedResponse", fixed, "1.00"]);
rows.push(["server: raw node:http", raw, (fixed / raw).toFixed(2)]);
console.log("concurrency 64, 2 KiB bodies, loopback; ratio = skein / row");
for (const [name, ops, ratio] of rows) {
  console.log(`${name.padEnd(26)} ${Math.round(ops).toString().padStart(8)} req/s   ${ratio}`);
}
