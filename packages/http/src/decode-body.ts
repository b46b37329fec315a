import type { Transform } from "node:stream";
import { constants, createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

/**
 * Internal. A decoder for one `content-encoding`: `gzip` (or `x-gzip`), `deflate` (zlib
 * wrapped, as RFC 9110 defines it) or `br`. As browsers do, a body cut short after a whole
 * block is taken as it is; data that is not of the coding fails.
 */
export function createDecoder(coding: string): Transform {
  if (coding === "br") return createBrotliDecompress();
  const flush = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
  return coding === "deflate" ? createInflate(flush) : createGunzip(flush);
}
