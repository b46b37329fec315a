import type { Readable } from "node:stream";
import { resource } from "../resource.js";
import { stream } from "../stream.js";
import type { Stream, Subscription } from "../types.js";

/**
 * Read a Node.js `Readable` as a Stream. Chunks are pulled one per `next()` (through the
 * readable's own async iterator, in paused mode), so a slow consumer makes the readable buffer
 * up to its high-water mark and then stop pulling from its source. An `error` event is thrown
 * to the reader. When the subscription ends before the readable has ended, the readable is
 * destroyed.
 *
 * @example
 * ```ts
 * import { createReadStream } from "node:fs";
 * import { each, run } from "@skein/core";
 * import { fromReadable } from "@skein/core/node";
 *
 * await run(function* () {
 *   for (const chunk of yield* each(fromReadable(createReadStream("package.json")))) {
 *     console.log(chunk.length);
 *     yield* each.next();
 *   }
 * });
 * ```
 *
 * @param readable - the readable to consume; only one subscription should read it
 * @returns a stream of its chunks (Buffers, strings, or objects in object mode)
 */
export function fromReadable<T = Buffer | string>(readable: Readable): Stream<T, void> {
  const chunks = stream<T, void>(readable as AsyncIterable<T, void>);
  return resource<Subscription<T, void>>(
    function* (provide) {
      try {
        yield* provide(yield* chunks);
      } finally {
        if (!readable.readableEnded) readable.destroy();
      }
    },
    { name: "readable" },
  );
}
