// A resource: an HTTP server that lives exactly as long as the scope that uses it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { action, main, resource, until } from "@skein/core";

function useServer() {
  return resource<Server>(function* (provide) {
    const server = createServer((_req, res) => res.end("hi"));
    yield* action<void>((resolve) => {
      server.listen(0, "127.0.0.1", resolve);
      return () => {};
    });
    try {
      yield* provide(server);
    } finally {
      server.close();
      console.log("server closed");
    }
  });
}

await main(function* () {
  const server = yield* useServer();
  const { port } = server.address() as AddressInfo;
  const response = yield* until(fetch(`http://127.0.0.1:${port}/`));
  console.log("response:", yield* until(response.text()));
});
