export * from "./client.js";
export type { LoadOptions } from "./fixtures.js";
export * from "./server.js";
