export * from "./body-errors.js";
export * from "./client.js";
export * from "./compression.js";
export * from "./cookies.js";
export * from "./cors.js";
export * from "./errors.js";
export { fixedResponse, jsonResponse } from "./fixed-response.js";
export type { HttpHooks, HttpRequestInfo } from "./hooks.js";
export * from "./lightweight-response.js";
export * from "./middleware.js";
export type { ProxyOption } from "./proxy.js";
export * from "./read-body.js";
export * from "./request-errors.js";
export type { HttpResponse } from "./response.js";
export type { RetryOptions } from "./retry-policy.js";
export * from "./router.js";
export * from "./server.js";
export * from "./server-errors.js";
export type { ServerLimits } from "./server-limits.js";
export * from "./static-files.js";
export {
  lastEventId,
  type ServerSentEvent,
  type SseOptions,
  sse,
  streamResponse,
} from "./stream-response.js";
export type { RequestBody, StreamedBody } from "./upload.js";
export * from "./websocket-client.js";
export type {
  WebSocketClose,
  WebSocketConnection,
  WebSocketMessage,
  WebSocketOptions,
} from "./websocket-connection.js";
export * from "./websocket-errors.js";
export { type WebSocketRouteOptions, type WebSocketSession, webSocket } from "./websocket-route.js";
