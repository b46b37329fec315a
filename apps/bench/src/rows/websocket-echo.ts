import WebSocket from "ws";
import { count } from "../format.js";
import { collectGarbage, median, type Row, type RowOptions, type RowResult } from "../harness.js";
import { type ChildServer, startChildServer } from "../http-child.js";

const CONNECTIONS = 16;
const MESSAGE_BYTES = 128;

/**
 * Send `n` messages in all over `CONNECTIONS` raw `ws` clients, each sending its next message
 * when the echo of the previous one arrives; resolves when every echo has come back.
 */
async function echoLoad(url: string, n: number): Promise<void> {
  const message = Buffer.alloc(MESSAGE_BYTES, 97);
  const sockets = await Promise.all(
    Array.from(
      { length: CONNECTIONS },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const socket = new WebSocket(url, { perMessageDeflate: false });
          socket.once("open", () => resolve(socket));
          socket.once("error", reject);
        }),
    ),
  );
  try {
    let sent = 0;
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve, reject) => {
            const next = () => {
              if (sent >= n) {
                resolve();
                return;
              }
              sent++;
              socket.send(message);
            };
            socket.on("message", next);
            socket.once("error", reject);
            socket.once("close", () => reject(new Error("the echo server closed a connection")));
            next();
          }),
      ),
    );
  } finally {
    for (const socket of sockets) {
      socket.removeAllListeners("close");
      socket.terminate();
    }
  }
}

/**
 * Rows: N WebSocket messages (128 bytes, 16 connections, one message in flight each) echoed by
 * a raw `ws` server (floor) and by a `webSocket()` route of `useHttpServer` (each connection a
 * task reading `socket.messages` and sending with `yield* socket.send`), each in a child
 * process; interleaved rounds, with the ratio of messages/s per round (median and range), then
 * the CPU time of the server process.
 */
export async function measureWebSocketEcho({ n, runs }: RowOptions): Promise<RowResult[]> {
  const servers: ChildServer[] = [];
  try {
    const started = await Promise.allSettled([
      startChildServer("ws-raw", 0),
      startChildServer("ws-skein", 0),
    ]);
    for (const result of started) if (result.status === "fulfilled") servers.push(result.value);
    const failed = started.find((result) => result.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    const urls = servers.map((server) => server.url.replace("http", "ws"));
    for (const url of urls) await echoLoad(url, Math.ceil(n / 5));
    const ms: number[][] = [[], []];
    const cpu: number[][] = [[], []];
    for (let round = 0; round < runs; round++) {
      for (let i = 0; i < servers.length; i++) {
        collectGarbage();
        const before = await servers[i]!.cpuMs();
        const start = performance.now();
        await echoLoad(urls[i]!, n);
        ms[i]!.push(performance.now() - start);
        cpu[i]!.push((await servers[i]!.cpuMs()) - before);
      }
    }
    const [rawMs = [], skeinMs = []] = ms;
    const ratios = skeinMs.map((skein, round) => (rawMs[round] ?? Number.NaN) / skein);
    const cpuRatio = (median(cpu[0]!) / median(cpu[1]!)).toFixed(2);
    const rate = (times: number[]) =>
      Math.round(n / (median(times) / 1000)).toLocaleString("en-US");
    const label = `WebSocket echo: ${count(n)} messages over ${CONNECTIONS} connections, messages/s of the webSocket() route over raw ws's, median (range) over interleaved rounds: ${median(ratios).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; CPU ${cpuRatio}x); ${rate(skeinMs)} against ${rate(rawMs)} messages/s (floor = raw ws)`;
    return [
      {
        label,
        unit: "ms",
        n,
        item: "message",
        figures: { floor: { value: median(ms[0]!) }, skein: { value: median(ms[1]!) } },
      },
      {
        label: "WebSocket echo: CPU time of the server process",
        unit: "ms",
        n,
        item: "message",
        figures: { floor: { value: median(cpu[0]!) }, skein: { value: median(cpu[1]!) } },
      },
    ];
  } finally {
    for (const server of servers) await server.close();
  }
}

export const webSocketEchoRow: Row = {
  id: "websocket-echo",
  defaults: { n: 50_000, effectionN: 50_000, runs: 5 },
  measure: measureWebSocketEcho,
};
