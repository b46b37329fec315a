export * from "./readable.js";
export * from "./to-thread.js";
export { type Transfer, transfer } from "./transfer.js";
export * from "./worker-errors.js";
export * from "./worker-pool.js";
