import type { IncomingMessage } from "node:http";
import { PayloadTooLargeError } from "./request-errors.js";

/**
 * Internal. The web `Request` a handler sees for a node:http request. GET and HEAD get no body;
 * other methods get a stream of the socket's body that fails with `PayloadTooLargeError` past
 * `maxBodyBytes`.
 */
export function toRequest(base: string, request: IncomingMessage, maxBodyBytes: number): Request {
  const method = request.method ?? "GET";
  const url = base + (request.url ?? "/");
  const made =
    method === "GET" || method === "HEAD"
      ? new Request(url, { method })
      : new Request(url, {
          method,
          body: bodyOf(request, maxBodyBytes),
          duplex: "half",
        } as RequestInit);
  // Appending to the request's own headers is cheaper than passing them in its init.
  const headers = made.headers;
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return made;
}

function bodyOf(request: IncomingMessage, limit: number): ReadableStream<Uint8Array> {
  let received = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      request.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > limit) {
          controller.error(new PayloadTooLargeError(limit, received));
          request.pause();
          return;
        }
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 1) <= 0) request.pause();
      });
      request.on("end", () => {
        if (received <= limit) controller.close();
      });
      request.on("error", (error) => controller.error(error));
    },
    pull() {
      request.resume();
    },
  });
}
