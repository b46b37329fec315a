// `node --conditions=development --import tsx src/http-target.ts <kind> <bytes>` (see
// `ChildServerKind` in http-child.ts):
// serves a fixed body of <bytes> on 127.0.0.1 from its own process, so the load never shares its
// event loop. Prints `{"port":…}` once listening; answers each line on stdin with its CPU time so far
// (`{"cpuMs":…}`); exits when stdin closes.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { action, each, type Operation, resource, run, until } from "@skein/core";
import { createRouter, fixedResponse, useHttpServer, webSocket } from "@skein/http";

const [kind, size] = process.argv.slice(2);
const payload = new Uint8Array(Number(size)).fill(97);

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function reply(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const headers = { "content-type": "application/octet-stream" };
let built: Response | undefined;

function useRawServer(withResponse: boolean): Operation<number> {
  return resource(function* (provide) {
    const server = createServer((_, response) => {
      if (withResponse) built = new Response(payload, { headers });
      response.setHeader("content-type", "application/octet-stream");
      response.end(payload);
    });
    yield* action<void>((resolve) => {
      server.listen(0, "127.0.0.1", () => resolve());
      return () => {};
    });
    try {
      yield* provide((server.address() as AddressInfo).port);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
}

/** `@hono/node-server` as its users run it: its defaults, which replace the global Request and Response. */
function useHonoServer(): Operation<number> {
  return resource(function* (provide) {
    // Each peer is imported only by the child that runs it: loading them all would make every
    // child start slower.
    const { serve } = yield* until(import("@hono/node-server"));
    let server: ReturnType<typeof serve> | undefined;
    const port = yield* action<number>((resolve) => {
      server = serve(
        { fetch: () => new Response(payload, { headers }), port: 0, hostname: "127.0.0.1" },
        (info) => resolve(info.port),
      );
      return () => {};
    });
    try {
      yield* provide(port);
    } finally {
      server?.close();
    }
  });
}

function useFastifyServer(): Operation<number> {
  return resource(function* (provide) {
    const { default: Fastify } = yield* until(import("fastify"));
    const app = Fastify({ logger: false });
    const body = Buffer.from(payload);
    app.get("/", (_request, reply) => {
      reply.header("content-type", "application/octet-stream").send(body);
    });
    yield* action<void>((resolve, reject) => {
      app.listen({ port: 0, host: "127.0.0.1" }).then(() => resolve(), reject);
      return () => {};
    });
    try {
      yield* provide((app.server.address() as AddressInfo).port);
    } finally {
      app.server.closeAllConnections();
      app.server.close();
    }
  });
}

/** A raw `ws` server echoing every message: the floor of the WebSocket echo row. */
function useRawWebSocketServer(): Operation<number> {
  return resource(function* (provide) {
    const { WebSocketServer } = yield* until(import("ws"));
    const server = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate: false });
    server.on("connection", (socket) => {
      socket.on("message", (data, binary) => socket.send(data, { binary }));
    });
    yield* action<void>((resolve) => {
      server.once("listening", resolve);
      return () => {};
    });
    try {
      yield* provide((server.address() as AddressInfo).port);
    } finally {
      for (const client of server.clients) client.terminate();
      server.close();
    }
  });
}

await run(function* () {
  if (kind === "ws-raw") {
    reply({ port: yield* useRawWebSocketServer() });
  } else if (kind === "ws-skein") {
    const router = createRouter().get(
      "/",
      webSocket(function* (socket) {
        for (const message of yield* each(socket.messages)) {
          yield* socket.send(message);
          yield* each.next();
        }
      }),
    );
    reply({ port: (yield* useHttpServer({ handler: router.handle })).port });
  } else if (kind === "hono") {
    reply({ port: yield* useHonoServer() });
  } else if (kind === "fastify") {
    reply({ port: yield* useFastifyServer() });
  } else if (kind === "skein" || kind === "skein-light") {
    const server = yield* useHttpServer({
      lightweightResponse: kind === "skein-light",
      *handler() {
        return new Response(payload, { headers });
      },
    });
    reply({ port: server.port });
  } else if (kind === "skein-fixed") {
    const server = yield* useHttpServer({
      *handler() {
        return fixedResponse(payload, { headers });
      },
    });
    reply({ port: server.port });
  } else {
    reply({ port: yield* useRawServer(kind === "raw-response") });
  }
  yield* action<void>((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on("line", () => reply({ cpuMs: cpuMs() }));
    lines.on("close", resolve);
    return () => lines.close();
  });
});
void built;
process.exit(0);
