// A Server-Sent Events endpoint: each client gets its own ticker, which stops when it leaves.
import { createChannel, each, interval, main, spawn } from "@skein/core";
import { createRouter, type ServerSentEvent, sse, useHttpClient, useHttpServer } from "@skein/http";

await main(function* () {
  const router = createRouter().get("/ticks", function* () {
    const events = createChannel<ServerSentEvent, void>();
    yield* spawn(function* () {
      let n = 0;
      try {
        for (const _ of yield* each(interval(20))) {
          yield* events.send({ event: "tick", id: String(n), data: { n } });
          n++;
          yield* each.next();
        }
      } finally {
        console.log(`ticker stopped after ${n} events`);
      }
    });
    return sse(events);
  });
  const server = yield* useHttpServer({ handler: router.handle });
  const client = yield* useHttpClient();

  const response = yield* client.get(`${server.url}/ticks`);
  let received = "";
  for (const chunk of yield* each(response.body)) {
    received += Buffer.from(chunk).toString();
    if (received.split("\n\n").length > 3) break;
    yield* each.next();
  }
  console.log(received.split("\n\n").slice(0, 3).join("\n\n"));
});
