export * from "./body-errors.js";
export * from "./client.js";
export * from "./errors.js";
export { fixedResponse, jsonResponse } from "./fixed-response.js";
export * from "./read-body.js";
export * from "./request-errors.js";
export type { HttpResponse } from "./response.js";
export type { RetryOptions } from "./retry-policy.js";
export * from "./router.js";
export * from "./server.js";
// server side (issue 15)
export * from "./middleware.js";
export * from "./server-errors.js";
export type { ServerLimits } from "./server-limits.js";
export { type ServerSentEvent, sse, streamResponse } from "./stream-response.js";
export type { RequestBody, StreamedBody } from "./upload.js";
