// Streaming request bodies: a Skein stream and a file (a Node Readable) sent to a server that
// hashes what it receives, pulled only as fast as the socket takes them; then an upload halted
// halfway, whose producer's `finally` runs before the halt returns.
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  each,
  main,
  resource,
  type Stream,
  spawn,
  stream,
  suspend,
  withResolvers,
} from "@skein/core";
import { createRouter, useHttpClient, useHttpServer } from "@skein/http";

/** `count` chunks of 64 KiB, made one at a time as the upload asks for them. */
function chunks(count: number, finished: () => void): Stream<Uint8Array, void> {
  return resource(function* (provide) {
    let made = 0;
    try {
      yield* provide({
        *next() {
          if (made === count) return { done: true, value: undefined };
          return { done: false, value: new Uint8Array(64 * 1024).fill(made++ % 256) };
        },
      });
    } finally {
      finished();
    }
  });
}

await main(function* () {
  const arrived = withResolvers<void>();
  const router = createRouter()
    .put("/files/:name", function* (request, { name }) {
      const hash = createHash("sha256");
      let bytes = 0;
      // In Node a web ReadableStream is async-iterable; the DOM types do not say so.
      const body = request.body as unknown as AsyncIterable<Uint8Array>;
      for (const chunk of yield* each(stream(body))) {
        hash.update(chunk);
        bytes += chunk.byteLength;
        yield* each.next();
      }
      return Response.json({ name, bytes, sha256: hash.digest("hex").slice(0, 16) });
    })
    .put("/stuck", function* () {
      arrived.resolve();
      yield* suspend(); // never reads the body
      return new Response(null);
    });
  const server = yield* useHttpServer({ handler: router.handle, maxBodyBytes: 64 * 1024 * 1024 });
  const client = yield* useHttpClient({ baseUrl: server.url });

  const generated = yield* client.json("/files/generated.bin", {
    method: "PUT",
    body: chunks(256, () => console.log("generator finished")),
  });
  console.log("stream upload:", generated);

  const path = fileURLToPath(import.meta.url);
  const file = yield* client.json<{ sha256: string }>("/files/example.ts", {
    method: "PUT",
    headers: { "content-type": "text/plain" },
    body: createReadStream(path),
  });
  const expected = createHash("sha256").update(readFileSync(path)).digest("hex").slice(0, 16);
  console.log("file upload:", file, file.sha256 === expected ? "(hash matches)" : "(MISMATCH)");

  const upload = yield* spawn(() =>
    client.request("/stuck", {
      method: "PUT",
      body: chunks(1_000_000, () => console.log("endless producer stopped")),
    }),
  );
  yield* arrived.operation;
  yield* upload.halt();
  console.log("halted the upload to /stuck");
});
