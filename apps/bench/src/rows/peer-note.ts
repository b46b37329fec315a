/** The footnote of the rows whose Promise column is a promise library rather than plain promises. */
export const PEER_NOTE =
  "the Promise column holds a promise library's figure (p-limit or p-map at the same concurrency); effection 4.1.1 has neither a semaphore nor a concurrent map";
