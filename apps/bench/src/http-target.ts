// `node --conditions=development --import tsx src/http-target.ts <kind> <bytes>` (see
// `ChildServerKind` in http-child.ts):
// serves a fixed body of <bytes> on 127.0.0.1 from its own process, so the load never shares its
// event loop. Prints `{"port":…}` once listening; answers each line on stdin with its CPU time so far
// (`{"cpuMs":…}`); exits when stdin closes.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { action, type Operation, resource, run } from "@skein/core";
import { fixedResponse, useHttpServer } from "@skein/http";

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

await run(function* () {
  if (kind === "skein") {
    const server = yield* useHttpServer({
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
