export * from "./body-errors.js";
export * from "./client.js";
export * from "./errors.js";
export type { HttpResponse } from "./response.js";
export type { RetryOptions } from "./retry-policy.js";
